"""Notices a worker whose consumer stopped fetching requests, says why, and recovers.

Under repeated kill -9 and restart we saw a restarted worker (faust-streaming 0.15.3,
aiokafka 0.14) finish the request in hand and then take no new ones, although its
partitions held more. Faust resumes partitions before it seeks them to their committed
offsets, and a request fetched in between was the last one handled. The watchdog compares
what the consumer has read with what the partitions hold while the ingest agent is idle. On
a stall it logs the consumer's flow state and resumes partitions, flow and fetcher; if the
worker is still stalled at the next check, it exits with ``STALL_EXIT_CODE`` and
``pitchstream worker`` starts a fresh worker process (as after a crash: nothing is lost).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from processors.liveness import STALL_EXIT_CODE
from processors.logs import get_logger

STALL_SECONDS = 20.0


class ConsumerWatchdog:
    def __init__(
        self,
        app: Any,
        topic: str,
        idle_since: Callable[[], float | None],
        *,
        exit: Callable[[int], Any] = os._exit,
    ) -> None:
        self.app = app
        self.exit = exit
        self._stalled_at_idle: float | None = None
        self.topic = topic
        self.idle_since = idle_since
        self.log = get_logger("pitchstream.watchdog")
        self.restarts = 0

    async def check(self) -> bool:
        """True when a stall was found (and the fetch restarted)."""
        idle = self.idle_since()
        if idle is None or time.monotonic() - idle < STALL_SECONDS:
            return False
        consumer = self.app.consumer
        assigned = [tp for tp in consumer.assignment() if tp.topic == self.topic]
        if not assigned:
            return False
        highwaters = await consumer.highwaters(*assigned)
        read = consumer._read_offset  # Faust's last offset handed to a stream, per partition
        behind = {
            tp.partition: (read.get(tp), highwaters[tp])
            for tp in assigned
            if highwaters.get(tp, 0) > (-1 if read.get(tp) is None else read[tp]) + 1
        }
        if not behind:
            self._stalled_at_idle = None
            return False
        if self._stalled_at_idle == idle:
            # Still stalled since the fetch was restarted: a fresh process recovers.
            self.log.error(
                "request consumer still stalled; exiting so a fresh worker takes over",
                error_type="ConsumerStalled",
                error=f"unread requests in partitions {sorted(behind)}",
                exit_code=STALL_EXIT_CODE,
            )
            self.exit(STALL_EXIT_CODE)
            return True
        self._stalled_at_idle = idle
        self.restarts += 1
        self.log.warning(
            "request consumer stalled; restarting the fetch",
            behind={str(p): f"read {r} of {h}" for p, (r, h) in behind.items()},
            flow_active=getattr(consumer, "flow_active", None),
            flow_control_active=self.app.flow_control.is_active(),
            paused=sorted(str(tp) for tp in getattr(consumer, "_paused_partitions", ())),
            fetcher=getattr(self.app._fetcher, "state", None),
        )
        consumer.resume_partitions(set(assigned))
        self.app.flow_control.resume()
        consumer.resume_flow()
        await self.app._fetcher.maybe_start()
        await consumer.perform_seek()
        return True
