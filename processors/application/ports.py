"""What the use cases need from the job table and the match-version log.

The domain's ports (``MatchRepository``, ``EventPublisher``) stay in ``domain/ports.py``;
these two are about jobs, which only the application knows.
"""

from __future__ import annotations

from abc import ABC
from abc import abstractmethod
from dataclasses import dataclass

from contracts.v1 import JobState


class JobStore(ABC):
    """The job table: the latest ``JobState`` of each job.

    ``put`` is called on the event loop, where the worker handles the job's messages;
    ``flush`` returns once what was put is durably stored.
    """

    @abstractmethod
    def get(self, job_id: str) -> JobState | None: ...

    @abstractmethod
    def put(self, state: JobState) -> None: ...

    @abstractmethod
    async def flush(self) -> None: ...


@dataclass(frozen=True, slots=True)
class VersionRecord:
    """What the last successful backfill ingest of a match saw."""

    version: str
    job_id: str
    at: str


class VersionStore(ABC):
    """The provider version of each match's last successful backfill ingest (blocking)."""

    @abstractmethod
    def get(self, key: str) -> VersionRecord | None: ...

    @abstractmethod
    def put(self, key: str, record: VersionRecord) -> None: ...
