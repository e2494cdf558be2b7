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
    """Publishes a match's events, all of them or none, at most once per job.

    A job may be attempted again after a crash. The publisher marks where a job's output
    starts (``checkpoint``) before the first attempt; a later attempt asks how many of the
    job's events were durably published since that mark (``published_since``) and publishes
    only when the answer is none.
    """

    @abstractmethod
    def checkpoint(self, match_key: str) -> str:
        """An opaque mark of where events published for ``match_key`` now would start."""

    @abstractmethod
    def published_since(self, checkpoint: str, *, job_id: str) -> int:
        """Events of ``job_id`` durably published after ``checkpoint``.

        Earlier attempts of the job can no longer publish once this returns.
        """

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
