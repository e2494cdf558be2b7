"""Kafka record headers: CloudEvents binary mode, W3C trace context, and our job ids.

Every message carries ``trace_id`` and ``job_id``; match events add the CloudEvents
attributes, so ``kcat`` and Kafka UI show a plain JSON value with its metadata beside it.
A backfill's child requests add ``pitchstream_parent_partition``: the ingest-requests
partition the parent's request arrived in (where the parent's state lives), so the child
sends its notices to that partition of job-updates; a child without it (or with a value
that is not a partition number) leaves the choice to the producer's partitioner.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from typing import Final

from contracts.v1.match_event import SCHEMA_ID as MATCH_EVENT_SCHEMA_ID

Headers = list[tuple[str, bytes]]

MATCH_EVENT_TYPE: Final = "io.pitchstream.match-event.v1"
PARENT_PARTITION: Final = "pitchstream_parent_partition"
_PARTITION: Final = re.compile(rb"[0-9]{1,9}")
_TRACE_ID: Final = re.compile(r"^[0-9a-f]{32}$")
_TRACEPARENT: Final = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")


def new_trace_id() -> str:
    return secrets.token_hex(16)


def is_trace_id(value: str) -> bool:
    return bool(_TRACE_ID.match(value)) and value != "0" * 32


def trace_id_from_traceparent(value: str) -> str | None:
    match = _TRACEPARENT.match(value.strip().lower())
    if match and is_trace_id(match.group(1)):
        return match.group(1)
    return None


def traceparent(trace_id: str, span_seed: str) -> str:
    """A W3C traceparent; the span id comes from ``span_seed`` so a replay is identical."""
    span = re.sub(r"[^0-9a-f]", "", span_seed.lower())[:16].rjust(16, "0")
    if span == "0" * 16:
        span = "0" * 15 + "1"
    return f"00-{trace_id}-{span}-01"


def message_headers(*, trace_id: str, job_id: str) -> Headers:
    return [
        ("content-type", b"application/json"),
        ("trace_id", trace_id.encode()),
        ("job_id", job_id.encode()),
        ("traceparent", traceparent(trace_id, job_id.encode().hex()).encode()),
    ]


def match_event_headers(
    *, event_id: str, source: str, match_key: str, time: str, trace_id: str, job_id: str
) -> Headers:
    return [
        ("content-type", b"application/json"),
        ("ce_specversion", b"1.0"),
        ("ce_id", event_id.encode()),
        ("ce_source", f"/pitchstream/{source}".encode()),
        ("ce_type", MATCH_EVENT_TYPE.encode()),
        ("ce_time", time.encode()),
        ("ce_subject", match_key.encode()),
        ("ce_dataschema", MATCH_EVENT_SCHEMA_ID.encode()),
        ("traceparent", traceparent(trace_id, event_id).encode()),
        ("trace_id", trace_id.encode()),
        ("job_id", job_id.encode()),
    ]


def parent_partition_header(partition: int) -> tuple[str, bytes]:
    """The header a backfill's child request carries: its parent's partition."""
    return (PARENT_PARTITION, str(partition).encode())


def parent_partition_from(headers: Mapping[str, bytes]) -> int | None:
    """The parent's partition a child request names, or None: not said, or not a number."""
    value = headers.get(PARENT_PARTITION)
    if value is None or not _PARTITION.fullmatch(value):
        return None
    return int(value)


def header_value(headers: Headers | None, name: str) -> str | None:
    for key, value in headers or ():
        if key == name and value is not None:
            return value.decode("utf-8", "replace")
    return None
