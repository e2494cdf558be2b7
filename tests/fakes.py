"""In-memory implementations of the domain ports, for tests without Kafka or files."""

from __future__ import annotations

from collections.abc import Callable

from domain import Event, EventPublisher, Match, MatchNotFound, MatchRepository, ProgressCallback


class InMemoryRepository(MatchRepository):
    def __init__(self, matches: dict[str, Match] | None = None) -> None:
        self.matches = dict(matches or {})
        self.failures: list[Exception] = []
        self.calls = 0

    def get_match(self, match_id: str) -> Match:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        try:
            return self.matches[match_id]
        except KeyError:
            raise MatchNotFound(f"match {match_id} not found") from None


class InMemoryPublisher(EventPublisher):
    """An append-only log of (job id, event); a failed publish leaves nothing (atomicity)."""

    def __init__(self) -> None:
        self.log: list[tuple[str, Event]] = []
        self.fail_next: list[Exception] = []
        self.crash_after_commit = False
        self.fenced: list[str] = []

    def checkpoint(self, match_key: str) -> str:
        return str(len(self.log))

    def published_since(self, checkpoint: str, *, job_id: str) -> int:
        self.fenced.append(job_id)
        return sum(1 for owner, _ in self.log[int(checkpoint) :] if owner == job_id)

    def publish(
        self,
        match: Match,
        *,
        job_id: str,
        trace_id: str,
        on_progress: ProgressCallback | None = None,
    ) -> int:
        if self.fail_next:
            raise self.fail_next.pop(0)
        self.log.extend((job_id, event) for event in match.events)
        if on_progress is not None:
            on_progress(len(match.events))
        if self.crash_after_commit:
            self.crash_after_commit = False
            raise _Crash("worker died after the commit")
        return len(match.events)

    def events_of(self, job_id: str) -> list[Event]:
        return [event for owner, event in self.log if owner == job_id]


class _Crash(BaseException):
    """Stands for a kill -9: not an Exception, so nothing inside the service catches it."""


Crash = _Crash
Factory = Callable[[], EventPublisher]
