"""The one retry helper: transient errors are retried with bounded exponential backoff."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from processors.application.errors import is_transient

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Transient errors (source unreachable, broker gone) are retried with bounded backoff."""

    attempts: int = 6
    first_delay: float = 0.5
    max_delay: float = 8.0

    def delays(self) -> list[float]:
        return [
            min(self.first_delay * 2**attempt, self.max_delay)
            for attempt in range(self.attempts - 1)
        ]


def retrying(
    action: Callable[[], T],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[Exception, float], None] | None = None,
) -> T:
    """``action()``, again after each transient error while the policy allows; the last
    error (or a permanent one) is raised. ``on_retry(error, delay)`` runs before each wait.
    Blocking: call it off the event loop."""
    delays = policy.delays()
    while True:
        try:
            return action()
        except Exception as error:
            if not (is_transient(error) and delays):
                raise
            delay = delays.pop(0)
            if on_retry is not None:
                on_retry(error, delay)
            sleep(delay)
