"""Logging, configured once: structlog over the standard library.

Errors are always single-line JSON (with ``trace_id``, ``job_id``, ``source``, ``match_id``,
``error_type`` and ``error``), so operators can grep and parse them. Other levels are
human-readable by default and JSON with ``PITCHSTREAM_LOG_FORMAT=json``. Known secrets are
masked in every line.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

import orjson
import structlog

from processors.settings import LIBRDKAFKA_LOGGER  # confluent-kafka clients log through it

_SECRETS: tuple[str, ...] = ()
_STARTED = time.monotonic()  # about when the process started: this module loads early


def scrub(text: str, secrets: Iterable[str] | None = None) -> str:
    """``text`` with every known secret replaced by ``***``."""
    for secret in _SECRETS if secrets is None else secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def _mask_secrets(
    _: Any, __: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    if _SECRETS:
        for key, value in event_dict.items():
            if isinstance(value, str):
                event_dict[key] = scrub(value)
    return event_dict


def _json_dumps(value: Any, **_: Any) -> str:
    return orjson.dumps(value, default=str).decode()


class _ErrorsAsJson:
    """Renders error lines as JSON and the rest with the development console renderer."""

    def __init__(self, always_json: bool) -> None:
        self.json = structlog.processors.JSONRenderer(serializer=_json_dumps)
        self.console = structlog.dev.ConsoleRenderer(colors=False)
        self.always_json = always_json

    def __call__(self, logger: Any, name: str, event_dict: MutableMapping[str, Any]) -> str:
        if self.always_json or event_dict.get("level") in ("error", "critical"):
            return str(self.json(logger, name, event_dict))
        return str(self.console(logger, name, event_dict))


def _record_logger_name(
    _: Any, __: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    record = event_dict.get("_record")
    if record is not None:
        event_dict.setdefault("logger", record.name)
    return event_dict


def _drop_frames(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Console format: an exception as its type and message, without the stack frames."""
    exception = event_dict.get("exception")
    if isinstance(exception, list):
        event_dict["exception"] = [
            {k: v for k, v in item.items() if k != "frames"} if isinstance(item, dict) else item
            for item in exception
        ]
    return event_dict


def _traceback_processors(log_format: str) -> list[Any]:
    if log_format == "json":
        return [structlog.processors.dict_tracebacks]
    return [structlog.processors.dict_tracebacks, _drop_frames]


def _common_processors() -> list[Any]:
    return [
        structlog.contextvars.merge_contextvars,  # the job's trace_id, job_id, ... when bound
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _mask_secrets,
    ]


def configure_logging(
    *, log_format: str = "console", level: str = "info", secrets: Iterable[str] = ()
) -> None:
    """Configure structlog once per process.

    Context bound with ``structlog.contextvars.bound_contextvars`` (the HTTP API binds the
    request's trace and job ids) is added to every line logged inside it, in that task or
    thread. Code running in an executor thread gets it only when the context is copied
    (``contextvars.copy_context().run``) or bound again there.
    """
    global _SECRETS
    _SECRETS = tuple(s for s in secrets if s)
    renderer = _ErrorsAsJson(always_json=log_format == "json")
    structlog.configure(
        processors=[*_common_processors(), *_traceback_processors(log_format), renderer],
        wrapper_class=structlog.make_filtering_bound_logger(_level_number(level)),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )


def stdlib_logging_config(*, log_format: str = "console", level: str = "info") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for Faust, aiokafka and other standard-library loggers.

    Their lines go through the same renderer as ours: an error from Faust is one JSON line
    too, with the logger's name, and secrets are masked. Pass it to ``faust.Worker``.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "pitchstream": {
                "()": structlog.stdlib.ProcessorFormatter,
                "foreign_pre_chain": [*_common_processors(), _record_logger_name],
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    *_traceback_processors(log_format),
                    _ErrorsAsJson(always_json=log_format == "json"),
                ],
            }
        },
        "filters": {"expected": {"()": ExpectedChatter, "level": _level_number(level)}},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "pitchstream",
                "stream": "ext://sys.stderr",
                "filters": ["expected"],
            }
        },
        "loggers": _quiet_libraries(_level_number(level)),
        "root": {"level": _level_number(level), "handlers": ["default"]},
    }


def _level_number(level: str) -> int:
    return logging.getLevelNamesMapping().get(level.upper(), logging.INFO)


def get_logger(name: str = "pitchstream") -> Any:
    return structlog.get_logger(name)


# -- the libraries' chatter -------------------------------------------------------------------

_CHATTY_LIBRARIES = ("faust", "mode", "aiokafka")


def _quiet_libraries(level: int) -> dict[str, Any]:
    """Faust's, mode's and aiokafka's info lines (~60 "Starting..." lines per start) show from
    ``PITCHSTREAM_LOG_LEVEL=debug``; their warnings and errors always."""
    quiet = logging.NOTSET if level <= logging.DEBUG else max(level, logging.WARNING)
    return {name: {"level": quiet} for name in _CHATTY_LIBRARIES}


@dataclass(frozen=True, slots=True)
class _Expected:
    """A library line that is expected in normal operation, shown at debug level instead.

    ``limit``: after that many in one process it is no longer normal and keeps its level;
    ``within``: only in the first that many seconds of the process (while it starts).
    """

    logger: str
    contains: tuple[str, ...]
    limit: int | None = None
    within: float | None = None


_COORDINATOR = "aiokafka.consumer.group_coordinator"
_STARTING = 120.0  # seconds: a worker is ready in 2-15 s, slower on a busy or fresh broker

EXPECTED_CHATTER: tuple[_Expected, ...] = (
    # The broker loads the group coordinator when a group first appears: aiokafka asks again.
    # Expected while the worker starts; later they are a real problem and keep their level.
    _Expected(_COORDINATOR, ("GroupCoordinatorNotAvailableError",), 50, _STARTING),
    _Expected(_COORDINATOR, ("CoordinatorLoadInProgressError",), 50, _STARTING),
    _Expected(_COORDINATOR, ("Marking the coordinator dead",), 10, _STARTING),
    # Faust's leader-election topic: we never create it (topic_allow_declare=False), nor use it.
    _Expected("aiokafka.cluster", ("__assignor-__leader", "not found in cluster metadata")),
    _Expected(
        "faust.assignor.partition_assignor", ("Ignoring missing topic", "__assignor-__leader")
    ),
    # librdkafka: the transaction coordinator is still loading on a fresh broker; it retries.
    _Expected(LIBRDKAFKA_LOGGER, ("Coordinator load in progress",), 50, _STARTING),
    # librdkafka: a broker connection failed. Retried; a command that cannot reach Kafka says so
    # in one line (processors.entrypoints.console.check_kafka); producers and consumers raise
    # the error.
    _Expected(LIBRDKAFKA_LOGGER, ("Connection refused",)),
    _Expected(LIBRDKAFKA_LOGGER, ("Failed to resolve",)),
    _Expected(LIBRDKAFKA_LOGGER, ("brokers are down",)),
    _Expected(LIBRDKAFKA_LOGGER, ("Disconnected",)),
    _Expected(LIBRDKAFKA_LOGGER, ("Connection setup timed out",)),
)


class ExpectedChatter(logging.Filter):
    """Shows the expected library lines above (``EXPECTED_CHATTER``) at debug level.

    A handler filter: a downgraded line is dropped unless ``level`` is debug. Only the exact
    messages listed are touched; a line beyond its rule's ``limit`` keeps its level.
    """

    def __init__(self, level: int = logging.INFO, rules: tuple[_Expected, ...] = ()) -> None:
        super().__init__()
        self.level = level
        self.rules = rules or EXPECTED_CHATTER
        self.seen: dict[int, int] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno <= logging.DEBUG:
            return True
        for index, rule in enumerate(self.rules):
            if not (record.name == rule.logger or record.name.startswith(rule.logger + ".")):
                continue
            message = record.getMessage()
            if not all(part in message for part in rule.contains):
                continue
            count = self.seen[index] = self.seen.get(index, 0) + 1
            if rule.limit is not None and count > rule.limit:
                return True
            if rule.within is not None and time.monotonic() - _STARTED > rule.within:
                return True
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return self.level <= logging.DEBUG
        return True
