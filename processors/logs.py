"""Logging, configured once: structlog over the standard library.

Errors are always single-line JSON (with ``trace_id``, ``job_id``, ``source``, ``match_id``,
``error_type`` and ``error``), so operators can grep and parse them. Other levels are
human-readable by default and JSON with ``PITCHSTREAM_LOG_FORMAT=json``. Known secrets are
masked in every line.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, MutableMapping
from typing import Any

import orjson
import structlog

_SECRETS: tuple[str, ...] = ()


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
        processors=[*_common_processors(), structlog.processors.dict_tracebacks, renderer],
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
                    structlog.processors.dict_tracebacks,
                    _ErrorsAsJson(always_json=log_format == "json"),
                ],
            }
        },
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "pitchstream",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": _level_number(level), "handlers": ["default"]},
    }


def _level_number(level: str) -> int:
    return logging.getLevelNamesMapping().get(level.upper(), logging.INFO)


def get_logger(name: str = "pitchstream") -> Any:
    return structlog.get_logger(name)
