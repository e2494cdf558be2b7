"""Backfills: one request for a season (or every Metrica game) fans out one child per match.

The parent job lists the matches and emits one child ``IngestRequest`` per match onto
``ingest-requests`` (key: the child's job id, ``<parent>.<match id>``: deterministic, so a
parent that runs again after a crash re-sends the same children, never new ones). Children
spread over partitions and workers. A child runs in its own partition; the parent's state lives
in the parent's. Faust writes a table only for the partition of the message in hand, so a child
sends each state change to ``job-updates`` keyed by the PARENT's job id, and the job-updates
agent folds it into the parent's aggregate (``fold_child``), idempotently.

Skipping: a child carries its match's version at listing (StatsBomb ``last_updated``, a SHA-256
of a Metrica game's files). After a successful ingest the child records that version on the
compacted ``match-versions`` topic (key ``<source>:<match_id>``); a later child of any backfill,
on any worker, reads that topic to its end and skips the match when the version is unchanged,
unless the request says ``force``. Single-match requests neither read nor record versions.

The pure parts (listing, child requests, aggregation, the skip decision) are plain functions;
``Backfill`` wires them to the job runner, and ``VersionLog`` to Kafka.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import re
import threading
import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import orjson

from contracts.v1 import (
    FailedChild,
    IngestRequest,
    JobChildren,
    JobState,
    JobStatus,
    encode_ingest_request,
    encode_job_state,
    message_headers,
)
from contracts.v1.ingest_request import JOB_ID_PATTERN
from domain import InvalidRequest, MatchRepository
from processors.application.ingest import _error_code, _is_transient, rfc3339
from processors.logs import get_logger

QUEUED: Final = "queued"
RUNNING: Final = "running"
SUCCEEDED: Final = "succeeded"
FAILED: Final = "failed"
SKIPPED: Final = "skipped"
_RANK: Final = {QUEUED: 0, RUNNING: 1, SUCCEEDED: 2, FAILED: 2, SKIPPED: 2}
_JOB_ID: Final = re.compile(JOB_ID_PATTERN[1:-1])

Send = Callable[[bytes, bytes, list[tuple[str, bytes]]], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class ListedMatch:
    match_id: str
    version: str | None
    """The provider's version of the match at listing; None: never skipped."""


# -- listing -------------------------------------------------------------------------------


def statsbomb_version(entry: Mapping[str, Any]) -> str | None:
    """StatsBomb stamps each match with ``last_updated`` when its event data changes."""
    value = entry.get("last_updated")
    return f"last_updated:{value}" if isinstance(value, str) and value else None


def list_matches(
    repositories: Mapping[str, MatchRepository], request: IngestRequest
) -> list[ListedMatch]:
    """The matches a backfill covers, in the provider's order, without duplicates (blocking)."""
    repository = repositories.get(request.source)
    if repository is None:
        raise InvalidRequest(f"no adapter configured for source {request.source!r}")
    listed: list[ListedMatch] = []
    if request.competition_id is not None and request.season_id is not None:
        loader = getattr(repository, "loader", None)
        if loader is None or not hasattr(loader, "list_matches"):
            raise InvalidRequest(f"{request.source} cannot list a season's matches")
        for entry in loader.list_matches(request.competition_id, request.season_id):
            match_id = entry.get("match_id")
            if isinstance(match_id, bool) or not isinstance(match_id, (int, str)):
                continue
            listed.append(ListedMatch(str(match_id), statsbomb_version(entry)))
    elif request.all_matches:
        from processors.adapters.metrica.loaders import game_version

        store = getattr(repository, "store", None)
        if store is None:
            raise InvalidRequest(f"{request.source} cannot list its games")
        listed = [ListedMatch(game, game_version(store, game)) for game in store.list_games()]
    else:
        raise InvalidRequest("not a backfill request: it names one match")
    seen: set[str] = set()
    unique = []
    for item in listed:
        if item.match_id not in seen:
            seen.add(item.match_id)
            unique.append(item)
    return unique


# -- children ------------------------------------------------------------------------------


def child_job_id(parent_job_id: str, match_id: str) -> str:
    """``<parent>.<match id>``; a digest stands in for the pair when that would be too long."""
    candidate = f"{parent_job_id}.{match_id}"
    if _JOB_ID.fullmatch(candidate):
        return candidate
    digest = hashlib.sha256(candidate.encode()).hexdigest()[:24]
    return f"{parent_job_id[:60]}.{digest}"


def child_requests(parent: IngestRequest, listed: list[ListedMatch]) -> list[IngestRequest]:
    return [
        IngestRequest(
            job_id=child_job_id(parent.job_id, item.match_id),
            source=parent.source,
            match_id=item.match_id,
            queue=parent.queue,
            options=parent.options,
            force=parent.force,
            parent_job_id=parent.job_id,
            source_version=item.version,
        )
        for item in listed
    ]


def queued_state(request: IngestRequest, *, trace_id: str, updated_at: str) -> JobState:
    """The ``queued`` state a submitter records for any request, single match or backfill."""
    return JobState(
        job_id=request.job_id,
        status=JobStatus.QUEUED,
        source=request.source,
        match_id=request.match_id or "",
        trace_id=trace_id,
        queue=request.queue,
        updated_at=updated_at,
        parent_job_id=request.parent_job_id,
        competition_id=request.competition_id,
        season_id=request.season_id,
    )


# -- the parent's aggregate ----------------------------------------------------------------


def child_status(state: JobState) -> str:
    if state.status is JobStatus.SUCCEEDED:
        return SKIPPED if state.skipped else SUCCEEDED
    return state.status.value


def summarize(statuses: Mapping[str, str]) -> JobChildren:
    counts = Counter(statuses.values())
    return JobChildren(
        total=len(statuses),
        queued=counts[QUEUED],
        running=counts[RUNNING],
        succeeded=counts[SUCCEEDED],
        failed=counts[FAILED],
        skipped=counts[SKIPPED],
    )


def parent_running(
    request: IngestRequest,
    listed: list[ListedMatch],
    *,
    trace_id: str,
    now: str,
    previous: JobState | None,
) -> JobState:
    """The parent's ``running`` state with every listed child; keeps what an earlier run of
    the same parent already learnt about its children."""
    known = dict(previous.child_statuses) if previous is not None else {}
    statuses = {item.match_id: known.get(item.match_id, QUEUED) for item in listed}
    statuses.update(known)
    return JobState(
        job_id=request.job_id,
        status=JobStatus.RUNNING,
        source=request.source,
        match_id="",
        trace_id=trace_id,
        queue=request.queue,
        updated_at=now,
        started_at=previous.started_at if previous and previous.started_at else now,
        attempt=(previous.attempt if previous is not None else 0) + 1,
        events_emitted=previous.events_emitted if previous is not None else 0,
        raw_events_read=previous.raw_events_read if previous is not None else 0,
        competition_id=request.competition_id,
        season_id=request.season_id,
        children=summarize(statuses),
        child_statuses=statuses,
        failed_children=previous.failed_children if previous is not None else (),
    )


def finish_if_done(parent: JobState, now: str) -> JobState:
    """``succeeded`` once every child succeeded or was skipped; ``failed`` when any failed."""
    counts = parent.children
    if parent.status.is_final or counts is None or counts.queued or counts.running:
        return parent
    if counts.failed == 0:
        return dataclasses.replace(
            parent, status=JobStatus.SUCCEEDED, updated_at=now, finished_at=now
        )
    reasons = Counter(child.error_code for child in parent.failed_children)
    summary = ", ".join(f"{count} {code}" for code, count in reasons.most_common())
    return dataclasses.replace(
        parent,
        status=JobStatus.FAILED,
        updated_at=now,
        finished_at=now,
        error_code="children_failed",
        error_message=(
            f"{counts.failed} of {counts.total} matches failed ({summary}); see failed_children"
        ),
    )


def fold_child(parent: JobState, child: JobState, now: str) -> JobState | None:
    """The parent after one child's state; None when nothing changes (a repeat, a step back)."""
    if parent.children is None or parent.status.is_final:
        return None
    new = child_status(child)
    old = parent.child_statuses.get(child.match_id)
    if old is not None and _RANK[new] <= _RANK[old]:
        return None
    statuses = {**parent.child_statuses, child.match_id: new}
    failed_children = parent.failed_children
    if new == FAILED:
        failed_children = (
            *failed_children,
            FailedChild(
                job_id=child.job_id,
                match_id=child.match_id,
                error_code=child.error_code or "",
                error_message=child.error_message or "",
            ),
        )
    emitted, raw = parent.events_emitted, parent.raw_events_read
    if new == SUCCEEDED:
        emitted += child.events_emitted
        raw += child.raw_events_read
    folded = dataclasses.replace(
        parent,
        child_statuses=statuses,
        children=summarize(statuses),
        failed_children=failed_children,
        events_emitted=emitted,
        raw_events_read=raw,
        updated_at=now,
    )
    return finish_if_done(folded, now)


def children_progress_text(state: JobState, *, width: int = 30) -> str:
    """``submit --wait``'s one line for a backfill: matches done of the total, and how."""
    counts = state.children or JobChildren(total=0)
    if counts.total:
        filled = min(width, round(width * counts.done / counts.total))
        bar = "#" * filled + "." * (width - filled)
    else:
        bar = "#" * width if state.status.is_final else "~" * width
    text = (
        f"[{bar}] {counts.done}/{counts.total} matches ({counts.succeeded} ingested, "
        f"{counts.skipped} skipped, {counts.failed} failed, {counts.running} running) "
        f"{state.events_emitted} events {state.status.value}"
    )
    if state.error_code:
        text += f" ({state.error_code})"
    return text


def is_parent_notice(key: bytes | None, update: JobState) -> bool:
    """A child's state sent to its parent: keyed by the parent's id, about another job."""
    return (
        key is not None
        and update.parent_job_id is not None
        and update.job_id != update.parent_job_id
        and key == update.parent_job_id.encode()
    )


# -- skipping unchanged matches ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VersionRecord:
    """What the last successful backfill ingest of a match saw."""

    version: str
    job_id: str
    at: str


def skip_reason(request: IngestRequest, recorded: VersionRecord | None) -> str | None:
    """Why this child need not run again, or None: it must run."""
    if request.force or request.parent_job_id is None or not request.source_version:
        return None
    if recorded is None or recorded.version != request.source_version:
        return None
    return f"unchanged since job {recorded.job_id} ({recorded.version})"


def match_key(source: str, match_id: str) -> str:
    return f"{source}:{match_id}"


class VersionStore(ABC):
    @abstractmethod
    def get(self, key: str) -> VersionRecord | None: ...

    @abstractmethod
    def put(self, key: str, record: VersionRecord) -> None: ...


class InMemoryVersions(VersionStore):
    def __init__(self) -> None:
        self.records: dict[str, VersionRecord] = {}

    def get(self, key: str) -> VersionRecord | None:
        return self.records.get(key)

    def put(self, key: str, record: VersionRecord) -> None:
        self.records[key] = record


def encode_version(key: str, record: VersionRecord) -> bytes:
    return orjson.dumps(
        {"match": key, "version": record.version, "job_id": record.job_id, "at": record.at}
    )


def decode_version(value: bytes | None) -> VersionRecord | None:
    try:
        data = orjson.loads(value or b"")
        return VersionRecord(str(data["version"]), str(data["job_id"]), str(data["at"]))
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return None


class VersionLog(VersionStore):
    """The compacted ``match-versions`` topic, cached per worker and read to its end first.

    Each lookup asks the broker for the end offset of the key's partition and reads up to it,
    so a child sees every version recorded before it started, whichever worker recorded it
    (a Faust GlobalTable would answer from a copy that may lag). Blocking: call off the loop.
    """

    def __init__(self, settings: Any, *, timeout: float = 30.0) -> None:
        self.settings = settings
        self.topic = settings.topics.match_versions
        self.timeout = timeout
        self._lock = threading.Lock()
        self._consumer: Any = None
        self._producer: Any = None
        self._records: dict[str, VersionRecord] = {}
        self.log = get_logger("pitchstream.backfill")

    def _ensure_consumer(self) -> Any:
        if self._consumer is None:
            import uuid

            from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

            consumer = Consumer(
                {
                    **self.settings.kafka_client_config(),
                    "group.id": f"{self.settings.app_id}-versions-{uuid.uuid4().hex[:8]}",
                    "enable.auto.commit": False,
                    "auto.offset.reset": "earliest",
                }
            )
            consumer.assign(
                [
                    TopicPartition(self.topic, p, OFFSET_BEGINNING)
                    for p in range(self.settings.partitions)
                ]
            )
            self._consumer = consumer
        return self._consumer

    def get(self, key: str) -> VersionRecord | None:
        from confluent_kafka import TopicPartition

        from processors.adapters.kafka.publisher import partition_for

        with self._lock:
            consumer = self._ensure_consumer()
            partition = TopicPartition(self.topic, partition_for(key, self.settings.partitions))
            low, end = consumer.get_watermark_offsets(partition, timeout=self.timeout)
            deadline = time.monotonic() + self.timeout
            # Before its first fetch the position is negative (OFFSET_INVALID): keep reading.
            while end > low and consumer.position([partition])[0].offset < end:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"could not read {self.topic} to its end")
                message = consumer.poll(0.2)
                if message is None or message.error() or message.key() is None:
                    continue
                record = decode_version(message.value())
                name = message.key().decode("utf-8", "replace")
                if record is None:
                    self._records.pop(name, None)
                else:
                    self._records[name] = record
            return self._records.get(key)

    def put(self, key: str, record: VersionRecord) -> None:
        from processors.adapters.kafka.producer import RequestProducer

        with self._lock:
            if self._producer is None:
                self._producer = RequestProducer(self.settings)
        self._producer.send_raw(self.topic, key.encode(), encode_version(key, record))
        self._producer.flush()


# -- wiring to the job runner --------------------------------------------------------------


class Backfill:
    """Runs parents and tells parents about their children; called by ``JobRunner``.

    ``runner`` gives the job table (``state``, ``record``, ``flush``), the executor and the
    ingestion service (clock, retry policy, ``fail``).
    """

    def __init__(
        self,
        repositories: Mapping[str, MatchRepository],
        *,
        send_request: Send,
        send_update: Send,
        versions: VersionStore,
    ) -> None:
        self.repositories = repositories
        self.send_request = send_request
        self.send_update = send_update
        self.versions = versions
        self.log = get_logger("pitchstream.backfill")

    async def run_parent(self, runner: Any, request: IngestRequest, trace_id: str) -> None:
        service = runner.service
        previous = runner.state(request.job_id)
        log = self.log.bind(trace_id=trace_id, job_id=request.job_id, source=request.source)
        if previous is not None and previous.status.is_final:
            service.metrics.duplicate_requests.inc()
            log.info("backfill already ended; request ignored", status=previous.status.value)
            return
        if previous is not None and previous.status is JobStatus.RUNNING:
            trace_id = previous.trace_id
            log.warning("backfill was interrupted; sending its unfinished children again")
        loop = asyncio.get_running_loop()
        delays = service.retry.delays()
        while True:
            try:
                listed = await loop.run_in_executor(
                    runner.executor, lambda: list_matches(self.repositories, request)
                )
                break
            except Exception as error:
                if _is_transient(error) and delays:
                    await asyncio.sleep(delays.pop(0))
                    continue
                base = runner.state(request.job_id) or queued_state(
                    request, trace_id=trace_id, updated_at=rfc3339(service.clock())
                )
                runner.record(
                    service.fail(
                        base,
                        code=_error_code(error),
                        message=str(error) or type(error).__name__,
                        log=log,
                        error_type=type(error).__name__,
                    )
                )
                await runner.flush()
                return
        now = rfc3339(service.clock())
        current = runner.state(request.job_id)  # children may have reported while listing
        running = finish_if_done(
            parent_running(request, listed, trace_id=trace_id, now=now, previous=current), now
        )
        runner.record(running)
        await runner.flush()  # the parent knows its children before any child can report
        unfinished = [
            child
            for child in child_requests(request, listed)
            if _RANK[running.child_statuses.get(child.match_id or "", QUEUED)] < 2
        ]
        for child in unfinished:
            headers = message_headers(trace_id=trace_id, job_id=child.job_id)
            queued = queued_state(child, trace_id=trace_id, updated_at=now)
            await self.send_update(child.job_id.encode(), encode_job_state(queued), headers)
            await self.send_request(child.job_id.encode(), encode_ingest_request(child), headers)
        await runner.flush()
        log.info("backfill children sent", children=len(listed), sent=len(unfinished))

    async def skip(self, runner: Any, request: IngestRequest, trace_id: str) -> bool:
        """Record a skipped child and tell its parent, when its match is unchanged."""
        if request.force or not request.source_version or request.match_id is None:
            return False
        key = match_key(request.source, request.match_id)
        loop = asyncio.get_running_loop()
        try:
            recorded = await loop.run_in_executor(runner.executor, lambda: self.versions.get(key))
        except Exception as error:  # unknown: ingest again rather than skip wrongly
            self.log.warning("match versions unreadable; not skipping", error=str(error))
            return False
        reason = skip_reason(request, recorded)
        if reason is None:
            return False
        now = rfc3339(runner.service.clock())
        state = dataclasses.replace(
            queued_state(request, trace_id=trace_id, updated_at=now),
            status=JobStatus.SUCCEEDED,
            started_at=now,
            finished_at=now,
            skipped=True,
            skip_reason=reason,
        )
        runner.record(state)
        await runner.flush()
        self.log.info(
            "job skipped",
            trace_id=trace_id,
            job_id=request.job_id,
            source=request.source,
            match_id=request.match_id,
            reason=reason,
        )
        await self.child_changed(runner, request, state)
        return True

    async def child_changed(self, runner: Any, request: IngestRequest, state: JobState) -> None:
        """Tell the parent; after a real success, first record the match's version."""
        if request.parent_job_id is None:
            return
        if (
            state.status is JobStatus.SUCCEEDED
            and not state.skipped
            and request.source_version
            and request.match_id is not None
        ):
            record = VersionRecord(request.source_version, request.job_id, state.updated_at)
            key = match_key(request.source, request.match_id)
            loop = asyncio.get_running_loop()
            try:
                await loop.run_in_executor(runner.executor, lambda: self.versions.put(key, record))
            except Exception as error:  # costs a skip next time, not this success
                self.log.warning("match version not recorded", match=key, error=str(error))
        notice = dataclasses.replace(state, parent_job_id=request.parent_job_id)
        headers = message_headers(trace_id=state.trace_id, job_id=state.job_id)
        await self.send_update(request.parent_job_id.encode(), encode_job_state(notice), headers)
        if state.status.is_final:
            await runner.flush()

    def fold(self, runner: Any, notice: JobState) -> None:
        """A child's state, received on the parent's partition of ``job-updates``."""
        parent_id = notice.parent_job_id or ""
        parent = runner.state(parent_id)
        if parent is None:
            self.log.warning("a child reported to an unknown parent", job_id=notice.job_id)
            return
        folded = fold_child(parent, notice, rfc3339(runner.service.clock()))
        if folded is None:
            return
        runner.record(folded)
        if folded.status.is_final:
            self.log.info(
                "backfill ended",
                trace_id=folded.trace_id,
                job_id=folded.job_id,
                status=folded.status.value,
                **dataclasses.asdict(folded.children) if folded.children else {},
            )
