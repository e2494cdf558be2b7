"""The worker's HTTP API: submit ingest jobs, read job states, health and Prometheus metrics.

Views stay thin: validate, produce, read the job table. A POST cannot write the table (Faust
allows table writes only inside stream iteration), so it produces the ``IngestRequest`` and a
``queued`` ``JobState`` on ``job-updates``; the ``job-updates`` agent records it at once, even
while the ingest agent is busy with another match (that work runs in a thread).

Routes (documented in ``contracts/openapi.yaml``; a unit test keeps the two in step):
``POST /api/v1/ingest``, ``GET /api/v1/jobs/{job_id}``, ``GET /api/v1/jobs``, ``GET /healthz``,
``GET /metrics``. With ``PITCHSTREAM_API_TOKEN`` set, all but ``/healthz`` and ``/metrics``
require ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import asyncio
import hmac
import re
import uuid
from collections import OrderedDict
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import ClassVar
from typing import Final
from typing import Protocol

import aiohttp
import faust
import orjson
from faust.web import View
from structlog.contextvars import bound_contextvars

from contracts import ContractError
from contracts.codec import from_dict
from contracts.v1 import IngestRequest
from contracts.v1 import JobState
from contracts.v1 import JobStatus
from contracts.v1 import decode_job_state
from contracts.v1 import new_trace_id
from contracts.v1.headers import is_trace_id
from contracts.v1.headers import trace_id_from_traceparent
from contracts.v1.ingest_request import MAX_REQUEST_BYTES
from contracts.v1.job_state import job_state_to_dict
from processors.application import job_states
from processors.application.job_states import is_job_id
from processors.logs import get_logger
from processors.metrics import Metrics
from processors.settings import Settings

API_PREFIX: Final = "/api/v1"
DEFAULT_LIMIT: Final = 50
MAX_LIMIT: Final = 1000
PEER_TIMEOUT: Final = 5.0
ROUTES: Final = (
    ("POST", "/api/v1/ingest"),
    ("GET", "/api/v1/jobs/{job_id}"),
    ("GET", "/api/v1/jobs"),
    ("GET", "/healthz"),
    ("GET", "/metrics"),
)
"""Every route this module registers (the OpenAPI test compares against it)."""


class ApiError(Exception):
    """A request the API refuses: an HTTP status, a stable code and a readable message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class Submitter(Protocol):
    def submit(self, request: IngestRequest, *, trace_id: str, queued: JobState | None) -> None: ...


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def parse_ingest_body(body: bytes, *, new_job_id: Callable[[], str]) -> IngestRequest:
    """The ``IngestRequest`` in an HTTP body; raises ApiError saying what is wrong."""
    if len(body) > MAX_REQUEST_BYTES:
        raise ApiError(
            413,
            "request_too_large",
            f"request body is {len(body)} bytes, more than {MAX_REQUEST_BYTES}",
        )
    if not body.strip():
        raise ApiError(400, "invalid_request", "request body is empty; expected a JSON object")
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise ApiError(400, "invalid_request", f"request body is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_request", "IngestRequest: expected an object")
    match_id = data.get("match_id")
    if isinstance(match_id, int) and not isinstance(match_id, bool) and match_id >= 0:
        data["match_id"] = str(match_id)  # StatsBomb ids are numbers in their own files
    data.setdefault("job_id", new_job_id())
    try:
        return from_dict(IngestRequest, data)
    except ContractError as error:
        raise ApiError(400, "invalid_request", str(error)) from None


def trace_id_from_http(headers: Mapping[str, str]) -> str:
    """The caller's trace id (W3C ``traceparent``, else ``X-Trace-Id``), or a new one."""
    lowered = {k.lower(): v for k, v in headers.items()}
    parent = lowered.get("traceparent")
    if parent:
        found = trace_id_from_traceparent(parent)
        if found:
            return found
    given = lowered.get("x-trace-id", "").strip().lower()
    return given if is_trace_id(given) else new_trace_id()


def authorized(header: str | None, token: str) -> bool:
    """True without a configured token, else only for ``Bearer <token>`` (constant time)."""
    if not token:
        return True
    if not header:
        return False
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


def parse_list_query(query: Mapping[str, str]) -> tuple[JobStatus | None, int]:
    status = None
    if query.get("status"):
        try:
            status = JobStatus(query["status"])
        except ValueError:
            allowed = ", ".join(s.value for s in JobStatus)
            raise ApiError(
                400, "invalid_request", f"status: {query['status']!r} is not one of {allowed}"
            ) from None
    raw = query.get("limit", str(DEFAULT_LIMIT))
    try:
        limit = int(raw)
    except ValueError:
        raise ApiError(400, "invalid_request", f"limit: {raw!r} is not an integer") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, "invalid_request", f"limit: must be between 1 and {MAX_LIMIT}")
    return status, limit


def select_jobs(states: Iterable[JobState], status: JobStatus | None, limit: int) -> list[JobState]:
    """Jobs with ``status`` (all when None), most recently updated first, at most ``limit``."""
    chosen = [s for s in states if status is None or s.status is status]
    chosen.sort(key=lambda s: (s.updated_at, s.job_id), reverse=True)
    return chosen[:limit]


# Accepted jobs remembered until the table has them (a few seconds each; bounded all the same).
MAX_ACCEPTED_REMEMBERED = 1000


@dataclass
class WebContext:
    """What the views need, made once per app by ``register_web``."""

    app: faust.App
    jobs: MutableMapping[bytes, Any]
    settings: Settings
    make_submitter: Callable[[], Submitter]
    log: Any = field(default_factory=lambda: get_logger("pitchstream.web"))
    submit_pool: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=4, thread_name_prefix="api-submit")
    )
    _submitter: Submitter | None = None
    accepted: OrderedDict[str, JobState] = field(default_factory=OrderedDict)
    """Queued states of the jobs this worker accepted and its table has not recorded yet: the
    job-updates agent records them asynchronously, and a GET right after the 202 must not 404."""

    def remember_accepted(self, state: JobState) -> None:
        self.accepted[state.job_id] = state
        while len(self.accepted) > MAX_ACCEPTED_REMEMBERED:
            self.accepted.popitem(last=False)

    def submitter(self) -> Submitter:
        if self._submitter is None:
            self._submitter = self.make_submitter()
        return self._submitter

    def local_job(self, job_id: str) -> JobState | None:
        """The job's state in this worker's table (its partitions only), else the queued state
        of a job it accepted a moment ago, or None."""
        value = self.jobs.get(job_id.encode()) if is_job_id(job_id) else None
        if value is not None:
            self.accepted.pop(job_id, None)
            return decode_job_state(value)
        return self.accepted.get(job_id)

    def local_states(self) -> list[JobState]:
        states = []
        for value in list(self.jobs.values()):
            if value is None:
                continue
            try:
                states.append(decode_job_state(value))
            except ContractError:
                continue
        return states


class ApiView(View):
    """Checks the token, and turns ApiError and surprises into the JSON error shape."""

    context: ClassVar[WebContext]
    public: ClassVar[bool] = False

    async def on_request_error(self, request: Any, exc: Any) -> Any:
        code = re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()
        return self.json(error_body(code, str(exc.detail)), status=exc.code)

    async def dispatch(self, request: Any) -> Any:
        if not self.public and not authorized(
            request.headers.get("Authorization"), self.context.settings.api_token
        ):
            return self.json(
                error_body("unauthorized", "missing or wrong bearer token"),
                status=401,
                headers={"WWW-Authenticate": 'Bearer realm="pitchstream"'},
            )
        try:
            return await super().dispatch(request)
        except ApiError as error:
            return self.json(error_body(error.code, error.message), status=error.status)
        except Exception as error:  # an unexpected bug answers 500, never a stack trace
            self.context.log.error(
                "api request failed",
                path=request.path,
                error_type=type(error).__name__,
                error=str(error),
            )
            return self.json(
                error_body("internal_error", "internal error; see the worker log"), status=500
            )


class IngestView(ApiView):
    async def post(self, request: Any) -> Any:
        if (request.content_length or 0) > MAX_REQUEST_BYTES:
            raise ApiError(
                413, "request_too_large", f"request body is more than {MAX_REQUEST_BYTES} bytes"
            )
        body = await request.content.read(MAX_REQUEST_BYTES + 1)
        ingest = parse_ingest_body(body, new_job_id=lambda: uuid.uuid4().hex)
        trace_id = trace_id_from_http(request.headers)
        queued = job_states.queued(ingest, trace_id=trace_id)
        context = self.context
        with bound_contextvars(
            trace_id=trace_id,
            job_id=ingest.job_id,
            source=ingest.source,
            match_id=ingest.match_id,
        ):
            loop = asyncio.get_running_loop()
            try:
                await loop.run_in_executor(
                    context.submit_pool,
                    lambda: context.submitter().submit(ingest, trace_id=trace_id, queued=queued),
                )
            except Exception as error:
                context.log.error(
                    "ingest request not produced",
                    error_type=type(error).__name__,
                    error=str(error),
                )
                raise ApiError(
                    503, "kafka_unavailable", f"could not produce the request: {error}"
                ) from None
            context.remember_accepted(queued)
            context.log.info("ingest request accepted")
        location = f"{API_PREFIX}/jobs/{ingest.job_id}"
        return self.json(
            {
                "job_id": ingest.job_id,
                "trace_id": trace_id,
                "status": "queued",
                "location": location,
            },
            status=202,
            headers={"Location": location},
        )


class JobView(ApiView):
    """Not Faust's ``table_route``: it picks the worker from murmur2 of the key, but a job
    lives in the partition its request arrived in, which the request's producer chose (kcat
    and confluent-kafka hash with CRC32 by default; any producer may name a partition). So
    this worker asks its peers for their own copy (``scope=local``), as the list does, and
    the furthest state wins (``job_states.most_advanced``)."""

    async def get(self, request: Any, job_id: str) -> Any:
        if not is_job_id(job_id):
            raise ApiError(404, "not_found", f"no job {job_id!r}")
        local = self.context.local_job(job_id)
        found = [] if local is None else [local]
        missing: list[str] = []
        if request.query.get("scope") != "local":
            peer_states, missing = await _ask_peers_for_job(self.context.app, request, job_id)
            found += peer_states
        state = job_states.most_advanced(found)
        if state is None and missing:
            raise ApiError(
                503,
                "workers_unreachable",
                f"job {job_id!r} is not on the workers that answered; "
                f"no answer from {', '.join(missing)}",
            )
        if state is None:
            raise ApiError(404, "not_found", f"no job {job_id!r}")
        return self.json(job_state_to_dict(state))


class JobListView(ApiView):
    async def get(self, request: Any) -> Any:
        status, limit = parse_list_query(request.query)
        states = self.context.local_states()
        missing: list[str] = []
        if request.query.get("scope") != "local":
            peer_states, missing = await _ask_peers(self.context.app, request, limit)
            states += peer_states
        chosen = select_jobs(states, status, limit)
        return self.json(
            {
                "jobs": [job_state_to_dict(s) for s in chosen],
                "complete": not missing,
                "unreachable_workers": missing,
            }
        )


class HealthView(ApiView):
    public = True

    async def get(self, request: Any) -> Any:
        return self.json({"status": "ok", "app_id": self.context.settings.app_id})


VIEWS: Final = (
    (f"{API_PREFIX}/ingest", "ingest", IngestView),
    (f"{API_PREFIX}/jobs/{{job_id}}", "job", JobView),
    (f"{API_PREFIX}/jobs", "jobs", JobListView),
    ("/healthz", "healthz", HealthView),
)


def register_web(
    app: faust.App,
    *,
    jobs: MutableMapping[bytes, Any],
    settings: Settings,
    metrics: Metrics,
    submitter_factory: Callable[[], Submitter] | None = None,
) -> WebContext:
    """Add the API views and ``/metrics`` to ``app``; call before the worker starts.

    Faust's built-in pages that would bypass the token (``/table`` shows table data,
    ``/router`` the cluster's URLs, the statistics pages) are turned off first: they are
    not needed for asking the peers, which reads the partition assignment directly.
    """
    from faust.sensors.prometheus import setup_prometheus_sensors

    from processors.adapters.kafka.producer import RequestProducer

    for flag in (
        "web_tables_enabled",
        "web_router_enabled",
        "web_stats_enabled",
        "web_graph_enabled",
    ):
        setattr(app.conf, flag, False)
    # Faust's ~26 metric families go on our registry, prefixed "faust_" whatever the app id.
    setup_prometheus_sensors(app, registry=metrics.registry, name_prefix="faust")

    context = WebContext(
        app,
        jobs,
        settings,
        make_submitter=submitter_factory or (lambda: RequestProducer(settings)),
    )
    for path, name, view in VIEWS:
        app.page(path, name=name)(type(view.__name__, (view,), {"context": context}))
    return context


def _peer_urls(app: faust.App) -> list[str]:
    """The other workers' web addresses (``canonical_url``) from the partition assignment."""
    own = str(app.conf.canonical_url).rstrip("/")
    try:
        return [url.rstrip("/") for url in app.router.tables_metadata() if url.rstrip("/") != own]
    except Exception:  # no assignment yet: nothing to ask
        return []


async def _ask_peers_for_job(
    app: faust.App, request: Any, job_id: str
) -> tuple[list[JobState], list[str]]:
    """The other workers' own copies of one job (``scope=local``), and who did not answer."""
    return await _ask_peers_at(app, request, f"/jobs/{job_id}", {"scope": "local"}, _one_job)


async def _ask_peers(app: faust.App, request: Any, limit: int) -> tuple[list[JobState], list[str]]:
    """The other workers' local job lists (each worker holds the jobs of its partitions)."""
    query = {k: v for k, v in request.query.items() if k != "scope"} | {"scope": "local"}
    return await _ask_peers_at(app, request, "/jobs", query, _job_list)


def _one_job(status: int, body: bytes) -> list[JobState] | None:
    if status == 200:
        return [decode_job_state(body)]
    return [] if status == 404 else None


def _job_list(status: int, body: bytes) -> list[JobState] | None:
    if status != 200:
        return None
    return [decode_job_state(item) for item in orjson.loads(body)["jobs"]]


async def _ask_peers_at(
    app: faust.App,
    request: Any,
    path: str,
    params: Mapping[str, str],
    states_of: Callable[[int, bytes], list[JobState] | None],
) -> tuple[list[JobState], list[str]]:
    """Every other worker's answer at ``path`` (asked at once, with the caller's token):
    the states ``states_of`` reads from each (status, body), and the workers that did not
    answer (unreachable, or an answer ``states_of`` takes for none: None)."""
    headers = {k: v for k, v in request.headers.items() if k.lower() == "authorization"}
    states: list[JobState] = []
    missing: list[str] = []

    async def ask(url: str) -> None:
        try:
            async with app.http_client.get(
                f"{url}{API_PREFIX}{path}",
                params=params,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=PEER_TIMEOUT),
            ) as response:
                found = states_of(response.status, await response.read())
        except Exception:
            found = None
        if found is None:
            missing.append(url)
        else:
            states.extend(found)

    await asyncio.gather(*(ask(url) for url in _peer_urls(app)))
    return states, missing
