"""What every provider's mapper shares: a raw event it cannot use is dropped and counted by
reason, never lost silently. Each mapper keeps its own loop over the raw events (the hot path:
no call in between)."""

from __future__ import annotations

from collections.abc import Callable

OnDropped = Callable[[str, str], None]
"""Called with (reason, detail) for every raw event a mapper drops."""


class DroppedEvent(Exception):
    """A raw event (or row) that cannot become a domain event; ``reason`` is its tally key."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
