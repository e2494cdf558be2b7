"""A loop that stops showing signs of life is ended, so that its supervisor starts it again.

Under kill -9 of workers and broker restarts we saw (rarely) a worker, or the CDF lane's
process, go silent for good right after a restart: no error, no log line, no progress (a
librdkafka call that does not come back is the likeliest; librdkafka#4420 reports one).
Every error path already restarts what failed; a hang has none. A ``Heartbeat`` is beaten
by the loop each time round; a ``LivenessWatch`` thread exits the process with
``STALL_EXIT_CODE`` when it has been silent for ``limit`` seconds. ``pitchstream worker``
then starts a fresh worker, the worker a fresh lane process: the work in hand resumes, as
after a crash (nothing is lost: every publication is a transaction).
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from processors.logs import get_logger

STALL_EXIT_CODE = 75  # EX_TEMPFAIL: try again
LIVENESS_LIMIT_SECONDS = 120.0
"""Longer than any single bounded wait of the loops (a Kafka call: 60 s at most)."""


class Heartbeat:
    """When a loop last showed it was alive (monotonic seconds); None before its first beat."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._at: float | None = None

    def beat(self) -> None:
        self._at = self._clock()

    def silent_for(self) -> float | None:
        at = self._at
        return None if at is None else self._clock() - at


class LivenessWatch(threading.Thread):
    """Exits the process when ``heartbeat`` has been silent for ``limit`` seconds (not
    before its first beat: a loop still starting up is not watched)."""

    def __init__(
        self,
        heartbeat: Heartbeat,
        *,
        what: str,
        limit: float = LIVENESS_LIMIT_SECONDS,
        interval: float = 5.0,
        exit: Callable[[int], Any] = os._exit,
    ) -> None:
        super().__init__(name=f"liveness-{what}", daemon=True)
        self.heartbeat = heartbeat
        self.what = what
        self.limit = limit
        self.interval = interval
        self.exit = exit
        self.stop_event = threading.Event()
        self.log = get_logger("pitchstream.liveness")

    def check(self) -> bool:
        """True when the loop is silent past the limit (and the process told to exit)."""
        silent = self.heartbeat.silent_for()
        if silent is None or silent <= self.limit:
            return False
        self.log.error(
            f"{self.what} silent; exiting so a fresh one takes over",
            error_type="LoopStalled",
            error=f"no sign of life for {silent:.0f} s (limit {self.limit:.0f} s)",
            exit_code=STALL_EXIT_CODE,
        )
        with contextlib.suppress(Exception):  # where each thread is stuck, for the post-mortem
            faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        self.exit(STALL_EXIT_CODE)
        return True

    def run(self) -> None:
        while not self.stop_event.wait(self.interval):
            if self.check():
                return
