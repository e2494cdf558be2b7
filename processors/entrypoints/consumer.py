"""What the Faust agents hand their messages to: decode, dead-letter, dispatch to a use case.

A consumed message is one value (``ConsumedMessage``). An ``ingest-requests`` message becomes
an ``IngestCommand`` (its ``IngestRequest``, trace id, the partition it arrived in and, for a
backfill child, its parent's partition from its headers) for the ingest use case (one match)
or the backfill use case (a season);
one that cannot be read goes to the dead-letter topic with Kafka Connect's error headers, and
its job, when its key names one, reads ``failed``. A ``job-updates`` message is a submitter's
``queued`` state or a backfill child's notice for its parent. Every message ends as a job
state or a dead-letter record, never a crash.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Awaitable
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import KW_ONLY
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from contracts import ContractError
from contracts.v1 import decode_ingest_request
from contracts.v1 import decode_job_state
from contracts.v1 import new_trace_id
from contracts.v1.headers import is_trace_id
from contracts.v1.headers import parent_partition_from
from contracts.v1.headers import trace_id_from_traceparent
from processors.application import job_states
from processors.application.backfill import Flush
from processors.application.backfill import RunBackfill
from processors.application.backfill import Send
from processors.application.backfill import SendUpdate
from processors.application.commands import IngestCommand
from processors.application.ingest import IngestionService
from processors.application.ingest import IngestMatch
from processors.application.job_states import is_job_id
from processors.application.job_states import rfc3339
from processors.application.job_states import utc_now
from processors.application.ports import JobStore
from processors.application.ports import VersionStore
from processors.logs import get_logger
from processors.logs import scrub
from processors.metrics import Metrics

Headers = list[tuple[str, bytes]]
SendDeadLetter = Callable[[bytes | None, bytes | None, Headers], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class ConsumedMessage:
    """One Kafka message as consumed: where it came from, its key, value and headers."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Any = ()
    """As the client gives them: a list of (name, value) pairs or a dict."""

    @classmethod
    def of(cls, message: Any) -> ConsumedMessage:
        """From a Faust ``Message`` (``event.message``)."""
        m = message
        return cls(m.topic, m.partition, m.offset, m.key, m.value, m.headers)

    def header_map(self) -> dict[str, bytes]:
        return header_map(self.headers)


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
    return text if is_job_id(text) else None


def dead_letter_headers(
    message: ConsumedMessage, error: Exception, reason: str, secrets: tuple[str, ...]
) -> Headers:
    """The original headers (but earlier ``__connect.*``) and Kafka Connect's error headers."""
    headers = [(k, v) for k, v in message.header_map().items() if not k.startswith("__connect.")]
    headers += [
        ("__connect.errors.topic", message.topic.encode()),
        ("__connect.errors.partition", str(message.partition).encode()),
        ("__connect.errors.offset", str(message.offset).encode()),
        ("__connect.errors.exception.class.name", type(error).__name__.encode()),
        ("__connect.errors.exception.message", reason.encode()),
        (
            "__connect.errors.exception.stacktrace",
            scrub("".join(traceback.format_exception_only(error)), secrets)[:2000].encode(),
        ),
    ]
    return headers


@dataclass
class JobRunner:
    """Dispatches consumed messages to the use cases: the handlers of the two agents."""

    store: JobStore
    ingest: IngestMatch
    _: KW_ONLY
    send_dead_letter: SendDeadLetter
    backfill: RunBackfill | None = None
    metrics: Metrics = field(default_factory=Metrics)
    clock: Callable[[], Any] = utc_now
    secrets: tuple[str, ...] = ()
    log: Any = field(init=False, default_factory=lambda: get_logger("pitchstream.jobs"))
    _idle_since: float | None = field(init=False, default_factory=time.monotonic)

    def idle_since(self) -> float | None:
        """When the last request was done (monotonic seconds); None while one is in hand."""
        return self._idle_since

    async def handle_request(self, message: ConsumedMessage) -> None:
        self._idle_since = None  # the watchdog leaves a busy worker alone
        try:
            headers = message.header_map()
            trace_id = trace_id_from_headers(headers)
            try:
                request = decode_ingest_request(message.value or b"")
                if usable_job_id(message.key) != request.job_id:
                    raise ContractError(
                        "message key must be the job id "
                        f"(key {_preview(message.key)}, job_id {request.job_id!r})"
                    )
            except ContractError as error:
                await self._dead_letter(message, error, trace_id)
                return
            await self.run(
                IngestCommand(
                    request,
                    trace_id,
                    partition=message.partition,
                    parent_partition=parent_partition_from(headers),
                )
            )
        finally:
            self._idle_since = time.monotonic()

    async def run(self, command: IngestCommand) -> None:
        request, trace_id = command.request, command.trace_id
        if not request.is_backfill:
            await self.ingest.run(command)
        elif self.backfill is not None:
            await self.backfill.run(command)
        else:
            current = self.store.get(request.job_id)
            if current is None or not current.status.is_final:
                now = rfc3339(self.clock())
                base = current or job_states.queued(request, trace_id=trace_id, now=now)
                self.store.put(
                    job_states.failed(
                        base, code="invalid_request", message="no backfills", now=now, log=self.log
                    )
                )

    async def apply_update(self, message: ConsumedMessage) -> None:
        """An update from the job-updates topic: ``queued`` from a submitter, or a backfill
        child's state keyed by its parent's id (folded into the parent's aggregate)."""
        try:
            update = decode_job_state(message.value or b"")
        except ContractError as error:
            self.log.warning("ignored an unreadable job update", error=str(error))
            return
        if job_states.is_cdf_notice(update):
            folded = job_states.fold_cdf(self.store.get(update.job_id), update)
            if folded is not None:
                self.store.put(folded)
            return
        if self.backfill is not None and job_states.is_parent_notice(message.key, update):
            self.backfill.fold(update)
            return
        if job_states.supersedes(update, self.store.get(update.job_id)):
            self.store.put(update)

    async def _dead_letter(self, message: ConsumedMessage, error: Exception, trace_id: str) -> None:
        reason = scrub(str(error), self.secrets)
        await self.send_dead_letter(
            message.key, message.value, dead_letter_headers(message, error, reason, self.secrets)
        )
        self.metrics.dead_letters.labels("invalid_request").inc()
        job_id = usable_job_id(message.key)
        log = self.log.bind(
            trace_id=trace_id,
            job_id=job_id or "",
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
        )
        if job_id is None:
            log.error("request dead-lettered", error_type="ContractError", error=reason)
            return
        current = self.store.get(job_id)
        if current is not None and current.status.is_final:
            log.error("request dead-lettered", error_type="ContractError", error=reason)
            return
        now = rfc3339(self.clock())
        base = job_states.rejected_base(job_id, trace_id=trace_id, now=now, current=current)
        self.store.put(
            job_states.failed(
                base,
                code="invalid_request",
                message=reason,
                now=now,
                log=self.log,
                error_type="ContractError",
            )
        )


def build_runner(
    service: IngestionService,
    store: JobStore,
    *,
    send_request: Send,
    send_update: SendUpdate,
    send_dead_letter: SendDeadLetter,
    flush_sends: Flush,
    versions: VersionStore,
    executor: ThreadPoolExecutor | None = None,
) -> JobRunner:
    """The use cases wired to each other and to their adapters: a backfill child's changes
    reach the backfill's handler as ``ChildChanged`` events; the backfill decides skips."""
    executor = executor or ThreadPoolExecutor(max_workers=2, thread_name_prefix="ingest")
    backfill = RunBackfill(  # season requests: children on ingest-requests, notices on job-updates
        service.repositories,
        store,
        executor=executor,
        send_request=send_request,
        send_update=send_update,
        flush_sends=flush_sends,
        versions=versions,
        metrics=service.metrics,
        clock=service.clock,
        retry=service.retry,
        secrets=service.secrets,
    )
    ingest = IngestMatch(
        service,
        store,
        executor=executor,
        on_child_changed=backfill.child_changed,
        skip_check=backfill.skip_reason_for,
    )
    return JobRunner(
        store,
        ingest,
        send_dead_letter=send_dead_letter,
        backfill=backfill,
        metrics=service.metrics,
        clock=service.clock,
        secrets=service.secrets,
    )


def _preview(key: bytes | None) -> str:
    if key is None:
        return "none"
    text = key.decode("utf-8", "replace")
    return repr(text if len(text) <= 40 else text[:40] + "…")
