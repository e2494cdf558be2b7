"""What the command line says to a person: exit codes, one-line failures, figures in words.

A command that cannot do its work raises ``CommandError`` (or lets a known exception through)
and ``main`` prints one line, ``error: <what went wrong>; <the setting to change>``, and exits
with the code below; no traceback.
"""

from __future__ import annotations

import enum
import os
import time
from collections.abc import Iterable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from processors.settings import Settings


class ExitCode(enum.IntEnum):
    """Exit codes of the ``pitchstream`` command (also in ``pitchstream --help`` and README)."""

    OK = 0
    JOB_FAILED = 1  # submit --wait / jobs show --wait: the job ended failed
    USAGE = 2  # a bad option or an invalid request; nothing was sent
    NO_SUCH_JOB = 3  # jobs show: the job table has no such job
    TIMED_OUT = 4  # --wait gave up after --timeout seconds; the job goes on
    KAFKA_UNREACHABLE = 5  # no Kafka broker answered at KAFKA_BOOTSTRAP_SERVERS
    CANNOT_RUN = 6  # something else on this machine (a directory, a setting); the line says what


EXIT_CODES_HELP = """exit codes:
  0  done (submit: request stored; --wait: the job succeeded; jobs show: state printed)
  1  submit --wait / jobs show --wait: the job ended failed (its state is printed)
  2  a bad option or an invalid request (nothing was sent)
  3  jobs show: no such job
  4  --wait: gave up after --timeout seconds (the job goes on)
  5  Kafka cannot be reached at KAFKA_BOOTSTRAP_SERVERS
  6  something else stopped the command (the error line says what and which setting)"""


class CommandError(Exception):
    """A failure to tell a person in one line, with the exit code to leave with."""

    def __init__(self, message: str, code: ExitCode = ExitCode.CANNOT_RUN) -> None:
        super().__init__(message)
        self.code = code


# -- Kafka reachability -----------------------------------------------------------------------

_REFUSED_GRACE = 2.0  # seconds: a refused connection is retried that long, for a starting broker
_CONNECT_FAILURES = (
    "connection refused",
    "name or service not known",
    "the host name does not resolve",
)
_UNREACHABLE_CODES = ("_TRANSPORT", "_ALL_BROKERS_DOWN", "_RESOLVE", "_TIMED_OUT")


def bootstrap_source(environ: Mapping[str, str] | None = None) -> str:
    """How the bootstrap address was chosen, for the error line."""
    env = os.environ if environ is None else environ
    if env.get("KAFKA_BOOTSTRAP_SERVERS", "").strip():
        return "KAFKA_BOOTSTRAP_SERVERS"
    return "the default; KAFKA_BOOTSTRAP_SERVERS is not set"


def kafka_unreachable(settings: Settings, reason: str) -> CommandError:
    return CommandError(
        f"cannot reach Kafka at {settings.bootstrap_servers} ({bootstrap_source()}): {reason}. "
        "Start a broker (make broker-start) and export the KAFKA_BOOTSTRAP_SERVERS=... line "
        "it prints, or set KAFKA_BOOTSTRAP_SERVERS to your cluster",
        ExitCode.KAFKA_UNREACHABLE,
    )


def _reason(error: Any) -> str:
    """librdkafka's error in a few words: ``connection refused`` rather than its log format."""
    text = error.str() if hasattr(error, "str") else str(error)
    lowered = text.lower()
    for words in ("connection refused", "timed out", "name or service not known"):
        if words in lowered:
            return words
    if "resolve" in lowered:
        return "the host name does not resolve"
    if "authentication" in lowered or "sasl" in lowered:
        return f"authentication failed ({text}); check KAFKA_SASL_* and KAFKA_SECURITY_PROTOCOL"
    if "ssl" in lowered:
        return f"TLS failed ({text}); check KAFKA_SSL_CA_LOCATION and KAFKA_SECURITY_PROTOCOL"
    return text


def check_kafka(settings: Settings, *, timeout: float = 6.0) -> None:
    """Raise ``CommandError`` (exit 5) when no broker answers within ``timeout`` seconds."""
    from confluent_kafka import KafkaException
    from confluent_kafka.admin import AdminClient

    errors: list[Any] = []
    # librdkafka's configuration takes callbacks too; AdminClient's stub says scalars only.
    config: dict[str, Any] = {
        **settings.kafka_client_config(),
        "error_cb": errors.append,
        "reconnect.backoff.max.ms": 500,
    }
    admin = AdminClient(config)
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            admin.list_topics(timeout=min(1.0, max(deadline - time.monotonic(), 0.1)))
            return
        except KafkaException as error:
            last = error.args[0] if error.args else error
        admin.poll(0)  # serves error_cb: the reason (connection refused, resolve, auth)
        fatal = [e for e in errors if not _is_transient(e)]
        if fatal:
            raise kafka_unreachable(settings, _reason(fatal[-1]))
        refused = [e for e in errors if _reason(e) in _CONNECT_FAILURES]
        if refused and time.monotonic() >= deadline - timeout + _REFUSED_GRACE:
            raise kafka_unreachable(settings, _reason(refused[-1]))
        if time.monotonic() >= deadline:
            raise kafka_unreachable(settings, _reason(errors[-1] if errors else last))


def _is_transient(error: Any) -> bool:
    name = error.name() if hasattr(error, "name") else ""
    return name in _UNREACHABLE_CODES or not name


def check_port_free(host: str, port: int) -> None:
    """Raise ``CommandError`` when the worker's web port is taken (before Faust says it in a
    stack of lines)."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp binds
        try:
            sock.bind((host, port))
        except OSError as error:
            raise CommandError(
                f"the worker's web port {host}:{port} is not free ({error.strerror}): another "
                "worker or program uses it; set PITCHSTREAM_WEB_PORT to a free port "
                "(and PITCHSTREAM_WEB_HOST to bind elsewhere)"
            ) from None


# -- figures in words -------------------------------------------------------------------------

_DROP_WORDS: Mapping[str, str] = {
    "merged_into_set_piece_action": "{n} set-piece rows merged",
}


def dropped_in_words(dropped: Mapping[str, int]) -> list[str]:
    """``{"merged_into_set_piece_action": 90}`` as ``["90 set-piece rows merged"]``."""
    parts = []
    for reason, count in sorted(dropped.items()):
        if not count:
            continue
        template = _DROP_WORDS.get(reason, "{n} dropped as " + reason.replace("_", " "))
        parts.append(template.format(n=count))
    return parts


def _fields_in_order(fields: Iterable[str]) -> list[str]:
    """``type`` (events kept as generic) first, then the details' fields by name."""
    return sorted(set(fields), key=lambda name: (name != "type", name))


def unmapped_in_words(unmapped: Mapping[str, int]) -> str:
    """``{"tag": 40, "type": 95}`` as ``without a mapping: type 95, tag 40`` ('' when none)."""
    counts = [f"{name} {unmapped[name]}" for name in _fields_in_order(unmapped) if unmapped[name]]
    return f"without a mapping: {', '.join(counts)}" if counts else ""


def unmapped_values_in_words(unmapped: Iterable[tuple[str, str, int]], *, most: int = 8) -> str:
    """``Match.unmapped`` (field, provider value, count) as one line: per field its ``most``
    most frequent values, then how many more and their count ('' when everything mapped)."""
    by_field: dict[str, list[tuple[str, int]]] = {}
    for name, value, count in unmapped:
        by_field.setdefault(name, []).append((value, count))
    parts = []
    for name in _fields_in_order(by_field):
        values = sorted(by_field[name], key=lambda item: (-item[1], item[0]))
        shown = ", ".join(f"{value!r} {count}" for value, count in values[:most])
        rest = values[most:]
        if rest:
            shown += f" and {len(rest)} more ({sum(count for _, count in rest)})"
        parts.append(f"{name} {shown}")
    return f"without a mapping (events kept): {'; '.join(parts)}" if parts else ""


def events_in_words(
    raw: int,
    emitted: int,
    dropped: Mapping[str, int],
    *,
    final: bool = True,
    succeeded: bool = True,
    changes: Mapping[str, int] | None = None,
) -> str:
    """``3530 events emitted, 90 set-piece rows merged, 0 lost``: every raw event accounted for.

    While a job runs, the raw events not handled yet are ``to go``; when it succeeded they are
    ``lost`` (always 0: raw = emitted + dropped); when it failed, ``not emitted``. A job that
    compared the match with its last publication (``changes``: added, changed, retracted,
    unchanged) accounts for its events as added + changed + unchanged, and says so unless it
    only added: ``44 events emitted (added 1, changed 42, retracted 1, unchanged 3760)``.
    """
    emitted_text = f"{emitted} events emitted"
    accounted = emitted
    if changes is not None:
        accounted = changes["added"] + changes["changed"] + changes["unchanged"]
        if changes["changed"] or changes["retracted"] or changes["unchanged"]:
            summary = ", ".join(f"{kind} {n}" for kind, n in changes.items() if n)
            emitted_text += f" ({summary})"
    parts = [emitted_text, *dropped_in_words(dropped)]
    if raw:
        rest = raw - accounted - sum(dropped.values())
        if not final:
            parts.append(f"{rest} to go")
        else:
            parts.append(f"{rest} lost" if succeeded else f"{rest} not emitted")
    return ", ".join(parts)
