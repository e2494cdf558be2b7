"""The ingestion application service: one request in, one final job state out.

Plain Python with its collaborators passed in (repositories, publisher, clock, metrics,
logger), so it is tested without Kafka. It blocks (file reads, HTTP, Kafka transactions):
the Faust agent runs it in a thread, off the event loop.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from confluent_kafka import KafkaException

from contracts.v1 import IngestRequest, JobState, JobStatus
from domain import EventPublisher, EventType, Match, MatchRepository, PitchstreamError
from processors.logs import get_logger, scrub
from processors.metrics import Metrics

Clock = Callable[[], datetime]
T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC)


def rfc3339(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


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


def _is_transient(error: BaseException) -> bool:
    if isinstance(error, PitchstreamError):
        return error.transient
    if isinstance(error, KafkaException):
        kafka_error = error.args[0] if error.args else None
        retriable = getattr(kafka_error, "retriable", None)
        fatal = getattr(kafka_error, "fatal", None)
        return bool(retriable and retriable()) or not bool(fatal and fatal())
    return False


def _error_code(error: BaseException) -> str:
    if isinstance(error, PitchstreamError):
        return error.code
    if isinstance(error, KafkaException):
        return "kafka_error"
    return "internal_error"


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

    def queued(self, request: IngestRequest, *, trace_id: str) -> JobState:
        return JobState(
            job_id=request.job_id,
            status=JobStatus.QUEUED,
            source=request.source,
            match_id=request.match_id or "",
            trace_id=trace_id,
            queue=request.queue,
            updated_at=rfc3339(self.clock()),
            parent_job_id=request.parent_job_id,
            competition_id=request.competition_id,
            season_id=request.season_id,
        )

    def start(
        self, request: IngestRequest, *, trace_id: str, previous: JobState | None
    ) -> JobState:
        """The ``running`` state to record before any output; keeps an earlier checkpoint."""
        now = rfc3339(self.clock())
        checkpoint = previous.checkpoint if previous is not None else None
        if checkpoint is None:
            checkpoint = self._retrying(
                lambda: self.publisher.checkpoint(f"{request.source}:{request.match_id}")
            )
        return JobState(
            job_id=request.job_id,
            status=JobStatus.RUNNING,
            source=request.source,
            match_id=request.match_id,
            trace_id=trace_id,
            queue=request.queue,
            updated_at=now,
            started_at=now,
            attempt=(previous.attempt if previous is not None else 0) + 1,
            checkpoint=checkpoint,
            parent_job_id=request.parent_job_id,
        )

    def _retrying(self, action: Callable[[], T]) -> T:
        """``action()``, retried on transient errors (a broker restarting) with backoff."""
        delays = self.retry.delays()
        while True:
            try:
                return action()
            except Exception as error:
                if not (_is_transient(error) and delays):
                    raise
                self.metrics.retries.labels(_error_code(error)).inc()
                self.log.warning("transient error, retrying", error=scrub(str(error), self.secrets))
                self.sleep(delays.pop(0))

    def run(
        self,
        request: IngestRequest,
        running: JobState,
        *,
        on_progress: Callable[[int], None] | None = None,
    ) -> JobState:
        """Ingest the match; always returns a final state (never raises for bad input)."""
        log = self.log.bind(
            trace_id=running.trace_id,
            job_id=request.job_id,
            source=request.source,
            match_id=request.match_id,
        )
        started = time.monotonic()
        self.metrics.jobs_in_flight.inc()
        try:
            state = self._run_with_retries(request, running, log, on_progress)
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

    def fail(
        self,
        state: JobState,
        *,
        code: str,
        message: str,
        log: Any | None = None,
        error_type: str = "InvalidRequest",
    ) -> JobState:
        """A failed final state; logs the one JSON error line of this job."""
        message = scrub(message, self.secrets)
        (log or self.log).error(
            "job failed",
            trace_id=state.trace_id,
            job_id=state.job_id,
            source=state.source,
            match_id=state.match_id,
            error_type=error_type,
            error_code=code,
            error=message,
        )
        now = rfc3339(self.clock())
        return dataclasses.replace(
            state,
            status=JobStatus.FAILED,
            updated_at=now,
            finished_at=now,
            error_code=code,
            error_message=message,
        )

    def _run_with_retries(
        self,
        request: IngestRequest,
        running: JobState,
        log: Any,
        on_progress: Callable[[int], None] | None,
    ) -> JobState:
        delays = self.retry.delays()
        resuming = running.attempt > 1
        while True:
            try:
                return self._attempt(request, running, resuming=resuming, on_progress=on_progress)
            except Exception as error:  # every failure ends as a failed job, never a crash
                if _is_transient(error) and delays:
                    delay = delays.pop(0)
                    self.metrics.retries.labels(_error_code(error)).inc()
                    log.warning(
                        "transient error, retrying",
                        error=scrub(str(error), self.secrets),
                        retry_in=delay,
                    )
                    self.sleep(delay)
                    resuming = True  # an attempt may have got as far as publishing
                    continue
                return self.fail(
                    running,
                    code=_error_code(error),
                    message=str(error) or type(error).__name__,
                    log=log,
                    error_type=type(error).__name__,
                )

    def _attempt(
        self,
        request: IngestRequest,
        running: JobState,
        *,
        resuming: bool,
        on_progress: Callable[[int], None] | None,
    ) -> JobState:
        repository = self.repositories.get(request.source)
        if repository is None:
            raise _UnknownSource(f"no adapter configured for source {request.source!r}")
        match = repository.get_match(request.match_id)
        already = 0
        if resuming and running.checkpoint:
            already = self.publisher.published_since(running.checkpoint, job_id=request.job_id)
        if already:
            emitted = already  # an earlier attempt committed; publishing again would double it
        else:
            emitted = self.publisher.publish(
                match, job_id=request.job_id, trace_id=running.trace_id, on_progress=on_progress
            )
        self._count(match, emitted if not already else 0)
        now = rfc3339(self.clock())
        return dataclasses.replace(
            running,
            status=JobStatus.SUCCEEDED,
            raw_events_read=match.raw_event_count,
            events_emitted=emitted,
            events_dropped=match.dropped_by_reason,
            updated_at=now,
            finished_at=now,
        )

    def _count(self, match: Match, emitted: int) -> None:
        self.metrics.events_emitted.labels(match.source).inc(emitted)
        for reason, count in match.dropped:
            self.metrics.events_dropped.labels(match.source, reason).inc(count)
        unmapped = sum(1 for e in match.events if e.type is EventType.GENERIC)
        if unmapped:
            self.metrics.events_unmapped.labels(match.source).inc(unmapped)


class _UnknownSource(PitchstreamError):
    code = "unknown_source"
