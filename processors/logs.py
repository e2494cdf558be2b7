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


def _mask_secrets(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
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


def configure_logging(
    *, log_format: str = "console", level: str = "info", secrets: Iterable[str] = ()
) -> None:
    global _SECRETS
    _SECRETS = tuple(s for s in secrets if s)
    renderer = _ErrorsAsJson(always_json=log_format == "json")
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _mask_secrets,
            structlog.processors.dict_tracebacks,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
        ),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )


def get_logger(name: str = "pitchstream") -> Any:
    return structlog.get_logger(name)
