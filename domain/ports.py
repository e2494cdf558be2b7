"""Ports: what the application needs from the outside world, in domain terms only."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

from domain.match import Match

ProgressCallback = Callable[[int], None]
"""Called with the number of events published so far."""


class MatchRepository(ABC):
    """Reads one match from a provider."""

    @abstractmethod
    def get_match(self, match_id: str) -> Match:
        """Return the match with every raw event accounted for.

        Raises MatchNotFound, InvalidSourceData, SourceUnavailable or SourceUnauthorized.
        """


class EventPublisher(ABC):
    """Publishes a match's events, all of them or none (as far as the transport allows)."""

    @abstractmethod
    def publish(
        self,
        match: Match,
        *,
        job_id: str,
        trace_id: str,
        on_progress: ProgressCallback | None = None,
    ) -> int:
        """Publish every event of ``match`` in order; return how many were published."""
