"""The asynchronous side of a job: decode, decide, record state, run the service in a thread.

Faust agents hand every message here. Everything that touches the job table happens on the
event loop, inside the agent's stream iteration, as Faust requires; the blocking work runs
in an executor. Every message ends as a job state or a dead-letter record, never a crash.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import time
import traceback
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from contracts import ContractError
from contracts.v1 import (
    IngestRequest,
    JobState,
    JobStatus,
    decode_ingest_request,
    decode_job_state,
    new_trace_id,
)
from contracts.v1.headers import is_trace_id, trace_id_from_traceparent
from contracts.v1.ingest_request import JOB_ID_PATTERN
from contracts.v1.job_state import job_state_to_dict
from processors.application.backfill import Backfill, is_parent_notice
from processors.application.ingest import IngestionService, rfc3339
from processors.logs import get_logger, scrub

PROGRESS_INTERVAL = 0.5
FLUSH_WARNING_SECONDS = 20.0
SLOW_JOB_SECONDS = 30.0
_JOB_ID = re.compile(JOB_ID_PATTERN[1:-1])
_STATUS_RANK = {
    JobStatus.QUEUED: 0,
    JobStatus.RUNNING: 1,
    JobStatus.SUCCEEDED: 2,
    JobStatus.FAILED: 2,
}

SendDeadLetter = Callable[[bytes | None, bytes | None, list[tuple[str, bytes]]], Awaitable[Any]]


def header_map(headers: Any) -> dict[str, bytes]:
    if not headers:
        return {}
    items = headers.items() if isinstance(headers, dict) else headers
    return {
        str(k): (v if isinstance(v, bytes) else str(v).encode()) for k, v in items if v is not None
    }


def trace_id_from_headers(headers: dict[str, bytes]) -> str:
    parent = headers.get("traceparent")
    if parent:
        found = trace_id_from_traceparent(parent.decode("ascii", "replace"))
        if found:
            return found
    given = headers.get("trace_id", b"").decode("ascii", "replace").lower()
    return given if is_trace_id(given) else new_trace_id()


def usable_job_id(key: bytes | None) -> str | None:
    if key is None:
        return None
    text = key.decode("utf-8", "replace")
    return text if _JOB_ID.fullmatch(text) else None


class JobRunner:
    def __init__(
        self,
        service: IngestionService,
        table: MutableMapping[str, Any],
        *,
        send_dead_letter: SendDeadLetter,
        flush: Callable[[], Awaitable[None]],
        executor: ThreadPoolExecutor | None = None,
        backfill: Backfill | None = None,
    ) -> None:
        self.service = service
        self.table = table
        self.send_dead_letter = send_dead_letter
        self.flush = flush
        self.executor = executor or ThreadPoolExecutor(max_workers=2, thread_name_prefix="ingest")
        self.log = get_logger("pitchstream.jobs")
        self.backfill = (
            backfill  # season requests and their children (processors.application.backfill)
        )
        self._idle_since: float | None = time.monotonic()

    def idle_since(self) -> float | None:
        """When the last request was done (monotonic seconds); None while one is in hand."""
        return self._idle_since

    def state(self, job_id: str) -> JobState | None:
        value = self.table.get(job_id.encode())
        return None if value is None else decode_job_state(value)

    def record(self, state: JobState) -> None:
        self.table[state.job_id.encode()] = job_state_to_dict(state)

    async def handle_request(
        self,
        *,
        key: bytes | None,
        value: bytes | None,
        headers: Any,
        topic: str,
        partition: int,
        offset: int,
    ) -> None:
        self._idle_since = None  # the watchdog leaves a busy worker alone
        try:
            header_values = header_map(headers)
            trace_id = trace_id_from_headers(header_values)
            try:
                request = decode_ingest_request(value or b"")
                if usable_job_id(key) != request.job_id:
                    raise ContractError(
                        "message key must be the job id "
                        f"(key {_preview(key)}, job_id {request.job_id!r})"
                    )
            except ContractError as error:
                await self._dead_letter(
                    key, value, headers, topic, partition, offset, error, trace_id
                )
                return
            await self.run(request, trace_id)
        finally:
            self._idle_since = time.monotonic()

    async def run(self, request: IngestRequest, trace_id: str) -> None:
        if request.is_backfill:
            await self._run_backfill(request, trace_id)
            return
        previous = self.state(request.job_id)
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
            await self._tell_parent(request, previous)  # the first notice may have been lost
            return
        resumable = (
            previous if previous is not None and previous.status is JobStatus.RUNNING else None
        )
        if resumable is not None:
            log.warning("job was interrupted; resuming", attempt=resumable.attempt)
            trace_id = resumable.trace_id
        elif self.backfill is not None and await self.backfill.skip(self, request, trace_id):
            return
        try:
            running = await loop.run_in_executor(
                self.executor,
                lambda: self.service.start(request, trace_id=trace_id, previous=resumable),
            )
        except Exception as error:  # the broker may be briefly gone: fail loudly, not crash
            queued = previous or self.service.queued(request, trace_id=trace_id)
            self.record(
                self.service.fail(
                    queued, code="kafka_error", message=str(error), error_type=type(error).__name__
                )
            )
            await self._tell_parent(request, self.state(request.job_id) or queued)
            return
        self.record(running)
        await self._flush_patiently("running state")  # the checkpoint is durable first
        await self._tell_parent(request, running)

        progress = {"emitted": 0}
        future = loop.run_in_executor(
            self.executor,
            lambda: self.service.run(
                request, running, on_progress=lambda n: progress.__setitem__("emitted", n)
            ),
        )
        shown = 0
        started = loop.time()
        next_warning = started + SLOW_JOB_SECONDS
        while True:
            done, _ = await asyncio.wait({future}, timeout=PROGRESS_INTERVAL)
            if done:
                break
            if loop.time() > next_warning:
                next_warning += SLOW_JOB_SECONDS
                log.warning(
                    "job is slow",
                    seconds=round(loop.time() - started),
                    events_emitted=progress["emitted"],
                )
            if progress["emitted"] != shown:
                shown = progress["emitted"]
                self.record(
                    dataclasses.replace(
                        running, events_emitted=shown, updated_at=rfc3339(self.service.clock())
                    )
                )
        self.record(future.result())
        await self._flush_patiently("final state")  # stored before the request is done
        await self._tell_parent(request, future.result())

    async def _run_backfill(self, request: IngestRequest, trace_id: str) -> None:
        if self.backfill is not None:
            await self.backfill.run_parent(self, request, trace_id)
            return
        current = self.state(request.job_id)
        if current is None or not current.status.is_final:
            queued = current or self.service.queued(request, trace_id=trace_id)
            self.record(self.service.fail(queued, code="invalid_request", message="no backfills"))

    async def _tell_parent(self, request: IngestRequest, state: JobState) -> None:
        if self.backfill is not None and request.parent_job_id is not None:
            await self.backfill.child_changed(self, request, state)

    async def _flush_patiently(self, what: str) -> None:
        """Wait until the table's changelog has the record; say so while it takes long."""
        flush = asyncio.ensure_future(self.flush())
        waited = 0.0
        while True:
            done, _ = await asyncio.wait({flush}, timeout=FLUSH_WARNING_SECONDS)
            if done:
                flush.result()
                return
            waited += FLUSH_WARNING_SECONDS
            self.log.warning("changelog flush is slow", waiting_for=what, seconds=waited)

    async def apply_update(self, value: bytes | None, key: bytes | None = None) -> None:
        """An update from the job-updates topic: ``queued`` from a submitter, or a backfill
        child's state keyed by its parent's id (folded into the parent's aggregate)."""
        try:
            update = decode_job_state(value or b"")
        except ContractError as error:
            self.log.warning("ignored an unreadable job update", error=str(error))
            return
        if self.backfill is not None and is_parent_notice(key, update):
            self.backfill.fold(self, update)
            return
        current = self.state(update.job_id)
        if current is None or _STATUS_RANK[update.status] > _STATUS_RANK[current.status]:
            self.record(update)

    async def _dead_letter(
        self,
        key: bytes | None,
        value: bytes | None,
        headers: Any,
        topic: str,
        partition: int,
        offset: int,
        error: Exception,
        trace_id: str,
    ) -> None:
        reason = scrub(str(error), self.service.secrets)
        dead_headers = [
            (k, v) for k, v in header_map(headers).items() if not k.startswith("__connect.")
        ]
        dead_headers += [
            ("__connect.errors.topic", topic.encode()),
            ("__connect.errors.partition", str(partition).encode()),
            ("__connect.errors.offset", str(offset).encode()),
            ("__connect.errors.exception.class.name", type(error).__name__.encode()),
            ("__connect.errors.exception.message", reason.encode()),
            (
                "__connect.errors.exception.stacktrace",
                scrub("".join(traceback.format_exception_only(error)), self.service.secrets)[
                    :2000
                ].encode(),
            ),
        ]
        await self.send_dead_letter(key, value, dead_headers)
        self.service.metrics.dead_letters.labels("invalid_request").inc()
        job_id = usable_job_id(key)
        log = self.log.bind(
            trace_id=trace_id, job_id=job_id or "", topic=topic, partition=partition, offset=offset
        )
        if job_id is None:
            log.error("request dead-lettered", error_type="ContractError", error=reason)
            return
        current = self.state(job_id)
        if current is not None and current.status.is_final:
            log.error("request dead-lettered", error_type="ContractError", error=reason)
            return
        failed = self.service.fail(
            JobState(
                job_id=job_id,
                status=JobStatus.QUEUED,
                source=current.source if current else "",
                match_id=current.match_id if current else "",
                trace_id=trace_id,
                updated_at=rfc3339(self.service.clock()),
            ),
            code="invalid_request",
            message=reason,
            error_type="ContractError",
        )
        self.record(failed)


def _preview(key: bytes | None) -> str:
    if key is None:
        return "none"
    text = key.decode("utf-8", "replace")
    return repr(text if len(text) <= 40 else text[:40] + "…")
