"""In-memory implementations of the ports (domain and application), for tests without Kafka
or files; each subclasses the port it stands for."""

from __future__ import annotations

import asyncio
import zlib
from collections import deque
from collections.abc import Callable
from datetime import UTC
from datetime import datetime

import orjson

from contracts.v1 import IngestRequest
from contracts.v1 import JobState
from contracts.v1 import decode_job_state
from contracts.v1 import encode_ingest_request
from contracts.v1.job_state import job_state_to_dict
from domain import EventPublisher
from domain import EventRecord
from domain import ListedMatch
from domain import Match
from domain import MatchInfo
from domain import MatchManifest
from domain import MatchNotFound
from domain import MatchRepository
from domain import MatchScope
from domain import Publication
from domain import next_manifest
from processors.application.ports import JobStore
from processors.application.ports import VersionRecord
from processors.application.ports import VersionStore
from processors.application.revisions import changes_against
from processors.application.revisions import encoded_info
from processors.entrypoints.consumer import ConsumedMessage


class InMemoryRepository(MatchRepository):
    """Holds ``matches``; lists ``listed`` for any scope (none given: nothing to list)."""

    def __init__(
        self, matches: dict[str, Match] | None = None, listed: list[ListedMatch] | None = None
    ) -> None:
        self.matches = dict(matches or {})
        self.listed = listed
        self.failures: list[Exception] = []
        self.calls = 0

    def list_matches(self, scope: MatchScope) -> list[ListedMatch]:
        if self.listed is None:
            return super().list_matches(scope)
        return list(self.listed)

    def get_match(self, match_id: str) -> Match:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        try:
            return self.matches[match_id]
        except KeyError:
            raise MatchNotFound(f"match {match_id} not found") from None


class InMemoryPublisher(EventPublisher):
    """An append-only log of (job id, record), the latest info and the manifests of each
    match; a failed publish leaves nothing (atomicity)."""

    def __init__(self) -> None:
        self.log: list[tuple[str, EventRecord]] = []
        self.infos: dict[str, MatchInfo] = {}
        self.manifests: dict[str, list[MatchManifest]] = {}
        self.fail_next: list[Exception] = []
        self.crash_after_commit = False
        self.fenced: list[str] = []
        self.input_partitions: dict[str, list[int | None]] = {}
        """Per job: the input partition each ``publish``/``published_since`` was given."""
        self.transactions = 0

    def checkpoint(self, match_key: str) -> str:
        return str(len(self.log))

    def published_since(
        self, checkpoint: str, *, job_id: str, input_partition: int | None = None
    ) -> int:
        self.fenced.append(job_id)
        self.input_partitions.setdefault(job_id, []).append(input_partition)
        return sum(1 for owner, _ in self.log[int(checkpoint) :] if owner == job_id)

    def latest_manifest(self, match_key: str) -> MatchManifest | None:
        history = self.manifests.get(match_key)
        return history[-1] if history else None

    def publish_job(self, job: Publication) -> int:
        match, job_id, changes, on_progress = job.match, job.job_id, job.changes, job.on_progress
        self.input_partitions.setdefault(job_id, []).append(job.input_partition)
        if self.fail_next:
            raise self.fail_next.pop(0)
        mark = int(job.checkpoint if job.checkpoint is not None else self.checkpoint(match.key))
        info = match.info
        _, info_sha = encoded_info(match)
        if changes is None:
            changes = changes_against(self.latest_manifest(match.key), match, full=True)
        if not changes.publishes_anything:
            return 0
        manifest = next_manifest(
            changes,
            source=match.source,
            match_id=match.match_id,
            job_id=job_id,
            partition=0,
            from_offset=mark,
            data_version=None if info is None else info.data_version,
            info_digest=info_sha,
        )
        self.transactions += 1
        self.log.extend((job_id, record) for record in changes.records)
        if info is not None and (changes.full or changes.info_changed):
            self.infos[match.key] = info
        self.manifests.setdefault(match.key, []).append(manifest)
        if on_progress is not None:
            on_progress(changes.size)
        if self.crash_after_commit:
            self.crash_after_commit = False
            raise _Crash("worker died after the commit")
        return changes.size

    def events_of(self, job_id: str) -> list[EventRecord]:
        return [record for owner, record in self.log if owner == job_id]

    def payloads(self, match_key: str) -> list[bytes]:
        """Every record published for the match, in order (what a consumer reads)."""
        source, _, match_id = match_key.partition(":")
        return [
            record.payload
            for _, record in self.log
            if orjson.loads(record.payload)["match_id"] == match_id
            and orjson.loads(record.payload)["source"] == source
        ]


class _Crash(BaseException):
    """Stands for a kill -9: not an Exception, so nothing inside the service catches it."""


Crash = _Crash
Factory = Callable[[], EventPublisher]


class InMemoryJobStore(JobStore):
    """The job table as a dict of JobState v1 dicts, as the Faust table holds them."""

    def __init__(self) -> None:
        self.states: dict[str, dict] = {}
        self.flushes = 0

    def get(self, job_id: str) -> JobState | None:
        value = self.states.get(job_id)
        return None if value is None else decode_job_state(value)

    def put(self, state: JobState) -> None:
        self.states[state.job_id] = job_state_to_dict(state)

    async def flush(self) -> None:
        self.flushes += 1


class InMemoryVersions(VersionStore):
    def __init__(self) -> None:
        self.records: dict[str, VersionRecord] = {}

    def get(self, key: str) -> VersionRecord | None:
        return self.records.get(key)

    def put(self, key: str, record: VersionRecord) -> None:
        self.records[key] = record


PARTITIONS = 4


def fake_partitioner(key: bytes | None) -> int:
    """Where a producer that was not told a partition puts ``key`` (CRC32, as kcat would)."""
    return zlib.crc32(key or b"") % PARTITIONS


class InMemoryWorker:
    """A worker's wiring (``build_runner``) over the fakes: the topics are one queue that
    ``pump`` delivers in order, as if every partition were on this worker. A message sent
    without a partition lands where ``fake_partitioner`` says; ``sent`` records, per message
    sent, its kind, key and the partition asked for (None: the partitioner's choice)."""

    def __init__(
        self,
        matches: dict[str, Match] | None = None,
        *,
        secrets: tuple[str, ...] = (),
        sources: tuple[str, ...] = ("statsbomb",),
    ) -> None:
        from processors.application.ingest import IngestionService
        from processors.entrypoints.consumer import build_runner
        from processors.metrics import Metrics

        self.store = InMemoryJobStore()
        self.messages: deque[tuple[str, ConsumedMessage]] = deque()
        self.dead_letters: list[tuple[bytes | None, bytes | None, list]] = []
        self.sent: list[tuple[str, bytes, int | None]] = []
        self.repository = InMemoryRepository(matches)
        self.publisher = InMemoryPublisher()
        self.versions = InMemoryVersions()
        self.service = IngestionService(
            {source: self.repository for source in sources},
            self.publisher,
            metrics=Metrics(),
            clock=lambda: datetime(2026, 1, 1, tzinfo=UTC),
            sleep=lambda _: None,
            secrets=secrets,
        )

        async def send_request(key: bytes, value: bytes, headers: list) -> None:
            self.sent.append(("request", key, None))
            self.messages.append(("request", _message(key, value, headers)))

        async def send_update(
            key: bytes, value: bytes, headers: list, *, partition: int | None
        ) -> None:
            self.sent.append(("update", key, partition))
            self.messages.append(("update", _message(key, value, headers, partition)))

        async def send_dead_letter(key: bytes | None, value: bytes | None, headers: list) -> None:
            self.dead_letters.append((key, value, headers))

        async def flush() -> None:
            return None

        self.runner = build_runner(
            self.service,
            self.store,
            send_request=send_request,
            send_update=send_update,
            send_dead_letter=send_dead_letter,
            flush_sends=flush,
            versions=self.versions,
        )

    def deliver(
        self, value: bytes | None, *, key: bytes | None = None, headers=None, partition: int = 0
    ) -> None:
        """One message on ingest-requests (offset 7), and all that follows."""
        message = ConsumedMessage("ingest-requests", partition, 7, key, value, headers or [])
        self.messages.append(("request", message))
        asyncio.run(self.pump())

    def submit(self, request: IngestRequest, *, partition: int = 0, **headers: str) -> None:
        self.deliver(
            encode_ingest_request(request),
            key=request.job_id.encode(),
            headers=[(k, v.encode()) for k, v in headers.items()],
            partition=partition,
        )

    def update(self, value: bytes | None, *, key: bytes | None = None) -> None:
        self.messages.append(("update", _message(key, value, [])))
        asyncio.run(self.pump())

    async def pump(self) -> None:
        while self.messages:
            kind, message = self.messages.popleft()
            if kind == "request":
                await self.runner.handle_request(message)
            else:
                await self.runner.apply_update(message)

    def state(self, job_id: str = "job-1") -> JobState:
        state = self.store.get(job_id)
        assert state is not None, f"no job {job_id}"
        return state


def _message(
    key: bytes | None, value: bytes | None, headers: list, partition: int | None = None
) -> ConsumedMessage:
    where = fake_partitioner(key) if partition is None else partition
    return ConsumedMessage("t", where, 0, key, value, headers)


def offline_transactional_publisher(settings, producer_factory):  # type: ignore[no-untyped-def]
    """The Kafka publisher with fake producers and no broker to read: checkpoint ``0@0``,
    no earlier manifest (unit tests of its producer handling and headers)."""
    from processors.adapters.kafka.publisher import TransactionalEventPublisher

    class Offline(TransactionalEventPublisher):
        def checkpoint(self, match_key: str) -> str:
            return "0@0"

        def latest_manifest(self, match_key: str) -> MatchManifest | None:
            return None

    return Offline(settings, producer_factory=producer_factory)
