"""Use case: ingest one match. One request in, one final job state out.

``IngestionService`` is the blocking core: plain Python with its collaborators passed in
(repositories, publisher, clock, metrics, retry policy), tested without Kafka; it reads files
or HTTP and runs Kafka transactions, so it runs in a thread. ``IngestMatch`` is the job around
it on the event loop: the job table (a ``JobStore``), resuming an interrupted attempt, progress,
and telling a backfill parent about its child through a ``ChildChanged`` event.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import KW_ONLY
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import TypeVar

from contracts.v1 import IngestRequest
from contracts.v1 import JobState
from contracts.v1 import JobStatus
from domain import ChangeCounts
from domain import EventPublisher
from domain import EventType
from domain import InvalidRequest
from domain import Match
from domain import MatchQuery
from domain import MatchRepository
from domain import Publication
from domain import match_info as domain_match_info
from processors.application import job_states
from processors.application.commands import IngestCommand
from processors.application.errors import PublicationMismatch
from processors.application.errors import UnknownSource
from processors.application.errors import error_code
from processors.application.events import ChildChanged
from processors.application.events import ChildChangedHandler
from processors.application.events import SkipCheck
from processors.application.job_states import rfc3339
from processors.application.job_states import utc_now
from processors.application.ports import JobStore
from processors.application.retry import RetryPolicy
from processors.application.retry import retrying
from processors.application.revisions import changes_against
from processors.logs import get_logger
from processors.logs import scrub
from processors.metrics import Metrics

Clock = Callable[[], Any]

_T = TypeVar("_T")

PROGRESS_INTERVAL = 0.5
FLUSH_WARNING_SECONDS = 20.0
SLOW_JOB_SECONDS = 30.0


class IngestionService:
    def __init__(
        self,
        repositories: Mapping[str, MatchRepository],
        publisher: EventPublisher,
        *,
        metrics: Metrics | None = None,
        clock: Clock = utc_now,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        secrets: tuple[str, ...] = (),
    ) -> None:
        self.repositories = repositories
        self.publisher = publisher
        self.metrics = metrics or Metrics()
        self.clock = clock
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.secrets = secrets
        self.log = get_logger("pitchstream.service")
        self._lookups = ThreadPoolExecutor(max_workers=1, thread_name_prefix="manifest-lookup")

    def now(self) -> str:
        return rfc3339(self.clock())

    def start(
        self, request: IngestRequest, *, trace_id: str, previous: JobState | None
    ) -> JobState:
        """The ``running`` state to record before any output; keeps an earlier checkpoint."""
        now = self.now()
        checkpoint = previous.checkpoint if previous is not None else None
        if checkpoint is None:
            checkpoint = self._retrying(
                lambda: self.publisher.checkpoint(f"{request.source}:{request.match_id}"),
                self.log,
            )
        return job_states.running(
            request, trace_id=trace_id, now=now, previous=previous, checkpoint=checkpoint
        )

    def _retrying(
        self, action: Callable[[], _T], log: Any, on_retry: Callable[[], None] | None = None
    ) -> _T:
        def retried(error: Exception, delay: float) -> None:
            self.metrics.retries.labels(error_code(error)).inc()
            log.warning(
                "transient error, retrying", error=scrub(str(error), self.secrets), retry_in=delay
            )
            if on_retry is not None:
                on_retry()

        return retrying(action, self.retry, sleep=self.sleep, on_retry=retried)

    def run(
        self,
        request: IngestRequest,
        running: JobState,
        *,
        input_partition: int | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> JobState:
        """Ingest the match; always returns a final state (never raises for bad input).

        ``input_partition``: the partition the request arrived in, for the publisher
        (``EventPublisher``); None: the publisher derives one from the job id."""
        log = self.log.bind(
            trace_id=running.trace_id,
            job_id=request.job_id,
            source=request.source,
            match_id=request.match_id,
        )
        started = time.monotonic()
        self.metrics.jobs_in_flight.inc()
        try:
            state = self._run_with_retries(request, running, log, input_partition, on_progress)
        finally:
            self.metrics.jobs_in_flight.dec()
        self.metrics.jobs.labels(request.source, state.status.value).inc()
        self.metrics.job_duration.labels(request.source).observe(time.monotonic() - started)
        if state.status is JobStatus.SUCCEEDED:
            log.info(
                "job succeeded",
                events_emitted=state.events_emitted,
                events_dropped=state.events_dropped,
                seconds=round(time.monotonic() - started, 3),
            )
        return state

    def _run_with_retries(
        self,
        request: IngestRequest,
        running: JobState,
        log: Any,
        input_partition: int | None,
        on_progress: Callable[[int], None] | None,
    ) -> JobState:
        resuming = [running.attempt > 1]

        def attempt() -> JobState:
            return self._attempt(
                request,
                running,
                resuming=resuming[0],
                input_partition=input_partition,
                on_progress=on_progress,
            )

        def retried() -> None:
            resuming[0] = True  # an attempt may have got as far as publishing

        try:
            return self._retrying(attempt, log, retried)
        except Exception as error:  # every failure ends as a failed job, never a crash
            return job_states.failed_by(
                running, error, now=self.now(), log=log, secrets=self.secrets
            )

    def _attempt(
        self,
        request: IngestRequest,
        running: JobState,
        *,
        resuming: bool,
        input_partition: int | None,
        on_progress: Callable[[int], None] | None,
    ) -> JobState:
        repository = self.repositories.get(request.source)
        if repository is None:
            raise UnknownSource(f"no adapter configured for source {request.source!r}")
        if request.match_id is None:  # a backfill's parent: JobRunner runs it, not this
            raise InvalidRequest("a match job needs a match_id; this request is a backfill")
        fencing = running.checkpoint if resuming else None  # where a resumed job fences
        requested_key = f"{request.source}:{request.match_id}"
        # A first attempt reads the latest manifest while the match is normalized: the wait
        # for Kafka overlaps the CPU work (a resumed one must fence first, below).
        lookup = (
            None if fencing else self._lookups.submit(self.publisher.latest_manifest, requested_key)
        )
        match = with_request_facts(
            repository.get_match_for(MatchQuery(request.match_id, request.home_team_id)), request
        )
        committed = None
        if fencing:
            # Fence first (published_since): no earlier attempt can commit after this, so the
            # manifest read next either is this job's (it committed) or is still the one the
            # job started from (it did not), never one that appears later.
            already = self.publisher.published_since(
                fencing, job_id=request.job_id, input_partition=input_partition
            )
            committed = self._committed(match, request, running, already)
        if committed is not None:
            emitted, counts = committed  # an earlier attempt committed: never publish again
            self._count(match, 0)
        else:
            if lookup is not None and match.key == requested_key:
                base = lookup.result()
            else:
                base = self.publisher.latest_manifest(match.key)
            changes = changes_against(base, match, full=request.full)
            emitted = 0
            if changes.publishes_anything:
                job = Publication(
                    match, request.job_id, running.trace_id, input_partition,
                    running.checkpoint, changes, on_progress,
                )  # fmt: skip
                emitted = self.publisher.publish_job(job)
            counts = changes.counts
            self._count(match, emitted)
        return job_states.succeeded(
            running,
            raw_events_read=match.raw_event_count,
            events_emitted=emitted,
            events_dropped=match.dropped_by_reason,
            now=self.now(),
            changes=None if counts is None else counts.as_dict(),
            unmapped=match.unmapped_by_field,
        )

    def _committed(
        self, match: Match, request: IngestRequest, running: JobState, already: int
    ) -> tuple[int, ChangeCounts | None] | None:
        """``(records, counts)`` when an earlier attempt of this job committed, else None.

        The job committed when its records are on match-events since the checkpoint, or when
        the latest manifest is its own (a job that changed only the info writes no record).
        The manifest's segment says how many records the job wrote: a different count on
        match-events means something is badly wrong, and the job fails saying so.
        """
        manifest = self.publisher.latest_manifest(match.key)
        if manifest is None or manifest.job_id != request.job_id:
            # Committed but a later job for the match has written the manifest since: the
            # records are there, the counts are not known any more.
            return (already, None) if already else None
        expected = sum(s.records for s in manifest.segments if s.job_id == request.job_id)
        if already != expected:
            raise PublicationMismatch(
                f"job {request.job_id}: found {already} of its records on match-events since "
                f"{running.checkpoint}, but its manifest (revision {manifest.revision}) says "
                f"{expected}"
            )
        return already, manifest.changes

    def _count(self, match: Match, emitted: int) -> None:
        self.metrics.events_emitted.labels(match.source).inc(emitted)
        for reason, count in match.dropped:
            self.metrics.events_dropped.labels(match.source, reason).inc(count)
        unmapped = sum(1 for e in match.events if e.type is EventType.GENERIC)
        if unmapped:
            self.metrics.events_unmapped.labels(match.source).inc(unmapped)


def with_request_facts(match: Match, request: IngestRequest) -> Match:
    """The match with what the request supplies stamped into its MatchInfo (the request wins
    over the provider; the info's derivations say so): ``kick_off_utc``, ``neutral_venue``."""
    if match.info is None or (request.kick_off_utc is None and request.neutral_venue is None):
        return match
    info = domain_match_info.with_request_facts(
        match.info, kick_off_utc=request.kick_off_utc, neutral_venue=request.neutral_venue
    )
    return dataclasses.replace(match, info=info)


@dataclass
class IngestMatch:
    """The job of one match on the event loop: every table write happens here, inside the
    agent's stream iteration (as Faust requires); the blocking work runs in ``executor``."""

    service: IngestionService
    store: JobStore
    _: KW_ONLY
    executor: ThreadPoolExecutor
    on_child_changed: ChildChangedHandler | None = None
    skip_check: SkipCheck | None = None
    log: Any = field(init=False, default_factory=lambda: get_logger("pitchstream.jobs"))

    async def run(self, command: IngestCommand) -> None:
        request, trace_id = command.request, command.trace_id
        previous = self.store.get(request.job_id)
        loop = asyncio.get_running_loop()
        log = self.log.bind(
            trace_id=trace_id,
            job_id=request.job_id,
            source=request.source,
            match_id=request.match_id,
        )
        if previous is not None and previous.status.is_final:
            self.service.metrics.duplicate_requests.inc()
            log.info("job already ended; request ignored", status=previous.status.value)
            await self._tell_parent(command, previous)  # the first notice may have been lost
            return
        resumable = (
            previous if previous is not None and previous.status is JobStatus.RUNNING else None
        )
        if resumable is not None:
            log.warning("job was interrupted; resuming", attempt=resumable.attempt)
            trace_id = resumable.trace_id
        elif await self._skipped(command, log):
            return
        try:
            running = await loop.run_in_executor(
                self.executor,
                lambda: self.service.start(request, trace_id=trace_id, previous=resumable),
            )
        except Exception as error:  # the broker may be briefly gone: fail loudly, not crash
            base = previous or job_states.queued(request, trace_id=trace_id, now=self.service.now())
            failed = job_states.failed_by(
                base,
                error,
                now=self.service.now(),
                log=self.service.log,
                secrets=self.service.secrets,
            )
            self.store.put(failed)
            await self._tell_parent(command, failed)
            return
        self.store.put(running)
        await self._flush_patiently("running state")  # the checkpoint is durable first
        await self._tell_parent(command, running)

        progress = {"emitted": 0}
        moved = asyncio.Event()  # set from the job's thread when events were published

        def on_progress(emitted: int) -> None:
            progress["emitted"] = emitted
            loop.call_soon_threadsafe(moved.set)

        future = loop.run_in_executor(
            self.executor,
            lambda: self.service.run(
                request, running, input_partition=command.partition, on_progress=on_progress
            ),
        )
        shown = 0
        started = recorded = loop.time()
        next_warning = started + SLOW_JOB_SECONDS
        while True:
            # Woken by progress too: publishing may take less than one interval, and a job
            # that took long before it published still shows a running state with progress.
            moved.clear()
            waiting = asyncio.ensure_future(moved.wait())
            either: set[asyncio.Future[Any]] = {future, waiting}
            done, _ = await asyncio.wait(
                either, timeout=PROGRESS_INTERVAL, return_when=asyncio.FIRST_COMPLETED
            )
            waiting.cancel()
            if future in done:
                break
            if loop.time() > next_warning:
                next_warning += SLOW_JOB_SECONDS
                log.warning(
                    "job is slow",
                    seconds=round(loop.time() - started),
                    events_emitted=progress["emitted"],
                )
            # At most one progress state per interval (each is a changelog record).
            if progress["emitted"] != shown and loop.time() - recorded >= PROGRESS_INTERVAL:
                shown = progress["emitted"]
                recorded = loop.time()
                self.store.put(
                    job_states.progressed(running, events_emitted=shown, now=self.service.now())
                )
        # A CDF notice may have been folded in meanwhile (the lane starts at the commit).
        final = job_states.keep_cdf(future.result(), self.store.get(request.job_id))
        self.store.put(final)
        await self._flush_patiently("final state")  # stored before the request is done
        await self._tell_parent(command, final)

    async def _skipped(self, command: IngestCommand, log: Any) -> bool:
        """Record a skipped child (its match is unchanged) and tell its parent."""
        request, trace_id = command.request, command.trace_id
        if self.skip_check is None:
            return False
        reason = await self.skip_check(request)
        if reason is None:
            return False
        state = job_states.skipped(
            request, trace_id=trace_id, reason=reason, now=self.service.now()
        )
        self.store.put(state)
        await self.store.flush()
        log.info("job skipped", reason=reason)
        await self._tell_parent(command, state)
        return True

    async def _tell_parent(self, command: IngestCommand, state: JobState) -> None:
        if self.on_child_changed is not None and command.request.parent_job_id is not None:
            await self.on_child_changed(
                ChildChanged(command.request, state, command.parent_partition)
            )

    async def _flush_patiently(self, what: str) -> None:
        """Wait until the job table has the record durably; say so while it takes long."""
        flush = asyncio.ensure_future(self.store.flush())
        waited = 0.0
        while True:
            done, _ = await asyncio.wait({flush}, timeout=FLUSH_WARNING_SECONDS)
            if done:
                flush.result()
                return
            waited += FLUSH_WARNING_SECONDS
            self.log.warning("changelog flush is slow", waiting_for=what, seconds=waited)
