"""Backfills: one request for a season (or every Metrica game) fans out one child per match.

The parent job lists the matches and emits one child ``IngestRequest`` per match onto
``ingest-requests`` (key: the child's job id, ``<parent>.<match id>``: deterministic, so a
parent that runs again after a crash re-sends the same children, never new ones). Children
spread over partitions and workers. A child runs in its own partition; the parent's state lives
in the parent's. Faust writes a table only for the partition of the message in hand, so a child
sends each state change to ``job-updates`` keyed by the PARENT's job id, and the job-updates
agent folds it into the parent's aggregate (``fold_child``), idempotently. The parent's state
lives in the partition its request arrived in, which its producer chose (murmur2, CRC32 or an
explicit partition), so each child request names that partition (header
``pitchstream_parent_partition``) and the child sends its notices to that partition of
``job-updates``: the fold runs on the worker that owns the parent and writes the parent's
partition of the job table.

Skipping: a child carries its match's version at listing (``MatchRepository.list_matches``:
StatsBomb ``last_updated``, a SHA-256 of a folder provider's files). After a successful ingest
the child records that version on the compacted ``match-versions`` topic (key
``<source>:<match_id>``); a later child of any backfill, on any worker, reads that topic to its
end and skips the match when the version is unchanged, unless the request says ``force``.
Single-match requests neither read nor record versions.

The pure parts (listing, child requests, the skip decision) are plain functions, the parent's
states come from ``job_states``; ``RunBackfill`` is the use case over the job store, and
handles ``ChildChanged`` events from the ingest use case. The version log on Kafka is
``processors.adapters.kafka.versions``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import KW_ONLY
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Protocol

from contracts.v1 import IngestRequest
from contracts.v1 import JobState
from contracts.v1 import JobStatus
from contracts.v1 import encode_ingest_request
from contracts.v1 import encode_job_state
from contracts.v1 import message_headers
from contracts.v1.headers import Headers
from contracts.v1.headers import parent_partition_header
from domain import InvalidRequest
from domain import ListedMatch
from domain import MatchRepository
from domain import MatchScope
from processors.application import job_states
from processors.application.commands import IngestCommand
from processors.application.errors import UnknownSource
from processors.application.events import ChildChanged
from processors.application.job_states import QUEUED
from processors.application.job_states import is_final_rank
from processors.application.job_states import is_job_id
from processors.application.job_states import rfc3339
from processors.application.job_states import utc_now
from processors.application.ports import JobStore
from processors.application.ports import VersionRecord
from processors.application.ports import VersionStore
from processors.application.retry import RetryPolicy
from processors.application.retry import retrying
from processors.logs import get_logger
from processors.metrics import Metrics

Send = Callable[[bytes, bytes, Headers], Awaitable[Any]]
Flush = Callable[[], Awaitable[None]]


class SendUpdate(Protocol):
    """Sends a job state to ``job-updates``: to ``partition``, or where the producer's
    partitioner puts the key when None."""

    def __call__(
        self, key: bytes, value: bytes, headers: Headers, *, partition: int | None
    ) -> Awaitable[Any]: ...


# -- listing -------------------------------------------------------------------------------


def list_matches(
    repositories: Mapping[str, MatchRepository], request: IngestRequest
) -> list[ListedMatch]:
    """The matches a backfill covers, in the provider's order, without duplicates (blocking)."""
    repository = repositories.get(request.source)
    if repository is None:
        raise UnknownSource(f"no adapter configured for source {request.source!r}")
    if request.competition_id is not None and request.season_id is not None:
        scope = MatchScope(request.competition_id, request.season_id)
    elif request.all_matches:
        scope = MatchScope()
    else:
        raise InvalidRequest("not a backfill request: it names one match")
    seen: set[str] = set()
    unique = []
    for item in repository.list_matches(scope):
        if item.match_id not in seen:
            seen.add(item.match_id)
            unique.append(item)
    return unique


# -- children ------------------------------------------------------------------------------


def child_job_id(parent_job_id: str, match_id: str) -> str:
    """``<parent>.<match id>``; a digest stands in for the pair when that would be too long."""
    candidate = f"{parent_job_id}.{match_id}"
    if is_job_id(candidate):
        return candidate
    digest = hashlib.sha256(candidate.encode()).hexdigest()[:24]
    return f"{parent_job_id[:60]}.{digest}"


def child_requests(parent: IngestRequest, listed: list[ListedMatch]) -> list[IngestRequest]:
    return [
        IngestRequest(
            job_id=child_job_id(parent.job_id, item.match_id),
            match_id=item.match_id,
            force=parent.force,
            full=parent.full,
            parent_job_id=parent.job_id,
            source_version=item.version,
            source=parent.source,
            queue=parent.queue,
            options=parent.options,
        )
        for item in listed
    ]


# -- skipping unchanged matches ------------------------------------------------------------


def skip_reason(request: IngestRequest, recorded: VersionRecord | None) -> str | None:
    """Why this child need not run again, or None: it must run."""
    if request.force or request.parent_job_id is None or not request.source_version:
        return None
    if recorded is None or recorded.version != request.source_version:
        return None
    return f"unchanged since job {recorded.job_id} ({recorded.version})"


def match_key(source: str, match_id: str) -> str:
    return f"{source}:{match_id}"


# -- the use case ----------------------------------------------------------------------------


@dataclass
class RunBackfill:
    """Runs parents, and tells parents about their children (the ``ChildChanged`` handler)."""

    repositories: Mapping[str, MatchRepository]
    store: JobStore
    _: KW_ONLY
    executor: ThreadPoolExecutor
    send_request: Send
    send_update: SendUpdate
    flush_sends: Flush
    versions: VersionStore
    metrics: Metrics = field(default_factory=Metrics)
    clock: Callable[[], Any] = utc_now
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    secrets: tuple[str, ...] = ()
    log: Any = field(init=False, default_factory=lambda: get_logger("pitchstream.backfill"))

    def now(self) -> str:
        return rfc3339(self.clock())

    async def run(self, command: IngestCommand) -> None:
        """List the matches, record the parent ``running`` with them, send the children
        (each naming the partition the parent arrived in, where its state lives)."""
        request, trace_id = command.request, command.trace_id
        previous = self.store.get(request.job_id)
        log = self.log.bind(trace_id=trace_id, job_id=request.job_id, source=request.source)
        if previous is not None and previous.status.is_final:
            self.metrics.duplicate_requests.inc()
            log.info("backfill already ended; request ignored", status=previous.status.value)
            return
        if previous is not None and previous.status is JobStatus.RUNNING:
            trace_id = previous.trace_id
            log.warning("backfill was interrupted; sending its unfinished children again")
        loop = asyncio.get_running_loop()
        try:
            listed = await loop.run_in_executor(
                self.executor,
                lambda: retrying(lambda: list_matches(self.repositories, request), self.retry),
            )
        except Exception as error:
            base = self.store.get(request.job_id) or job_states.queued(
                request, trace_id=trace_id, now=self.now()
            )
            self.store.put(
                job_states.failed_by(base, error, now=self.now(), log=log, secrets=self.secrets)
            )
            await self.store.flush()
            return
        now = self.now()
        current = self.store.get(request.job_id)  # children may have reported while listing
        running = job_states.finish_if_done(
            job_states.parent_running(
                request,
                [item.match_id for item in listed],
                trace_id=trace_id,
                now=now,
                previous=current,
            ),
            now,
        )
        self.store.put(running)
        await self.store.flush()  # the parent knows its children before any child can report
        unfinished = [
            child
            for child in child_requests(request, listed)
            if not is_final_rank(running.child_statuses.get(child.match_id or "", QUEUED))
        ]
        parent_at = parent_partition_header(command.partition)
        for child in unfinished:
            headers = message_headers(trace_id=trace_id, job_id=child.job_id)
            queued = job_states.queued(child, trace_id=trace_id, now=now)
            key = child.job_id.encode()  # the child's queued state lands where its request does
            await self.send_update(key, encode_job_state(queued), headers, partition=None)
            await self.send_request(key, encode_ingest_request(child), [*headers, parent_at])
        await self.flush_sends()
        log.info("backfill children sent", children=len(listed), sent=len(unfinished))

    async def skip_reason_for(self, request: IngestRequest) -> str | None:
        """Why this child need not run (its match is unchanged), or None: run it."""
        if request.force or not request.source_version or request.match_id is None:
            return None
        key = match_key(request.source, request.match_id)
        loop = asyncio.get_running_loop()
        try:
            recorded = await loop.run_in_executor(self.executor, lambda: self.versions.get(key))
        except Exception as error:  # unknown: ingest again rather than skip wrongly
            self.log.warning("match versions unreadable; not skipping", error=str(error))
            return None
        return skip_reason(request, recorded)

    async def child_changed(self, event: ChildChanged) -> None:
        """Tell the parent; after a real success, first record the match's version."""
        request, state = event.request, event.state
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
                await loop.run_in_executor(self.executor, lambda: self.versions.put(key, record))
            except Exception as error:  # costs a skip next time, not this success
                self.log.warning("match version not recorded", match=key, error=str(error))
        notice = job_states.notice_for_parent(state, request.parent_job_id)
        headers = message_headers(trace_id=state.trace_id, job_id=state.job_id)
        await self.send_update(
            request.parent_job_id.encode(),
            encode_job_state(notice),
            headers,
            partition=event.parent_partition,  # None: a child from before the header
        )
        if state.status.is_final:
            await self.flush_sends()

    def fold(self, notice: JobState) -> None:
        """A child's state, received on the parent's partition of ``job-updates``."""
        parent = self.store.get(notice.parent_job_id or "")
        if parent is None:
            self.log.warning("a child reported to an unknown parent", job_id=notice.job_id)
            return
        folded = job_states.fold_child(parent, notice, self.now())
        if folded is None:
            return
        self.store.put(folded)
        if folded.status.is_final:
            self.log.info(
                "backfill ended",
                trace_id=folded.trace_id,
                job_id=folded.job_id,
                status=folded.status.value,
                **dataclasses.asdict(folded.children) if folded.children else {},
            )
