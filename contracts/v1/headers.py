"""Kafka record headers: CloudEvents binary mode, W3C trace context, and our job ids.

Every message carries ``trace_id`` and ``job_id``; match events add the CloudEvents
attributes, so ``kcat`` and Kafka UI show a plain JSON value with its metadata beside it.
A backfill's child requests add ``pitchstream_parent_partition``: the ingest-requests
partition the parent's request arrived in (where the parent's state lives), so the child
sends its notices to that partition of job-updates; a child without it (or with a value
that is not a partition number) leaves the choice to the producer's partitioner.
A ``match-published`` record carries ``pitchstream_input_partition`` (when the job knew the
partition its request arrived in): the CDF lane sends the job's notice to that partition of
job-updates, where the job's state lives, whichever partitioner placed the request.

A ``match-events`` record is one of three kinds, told apart by ``ce_type`` alone (issue 16):
an event's first publication (revision 1), a revision of it (a changed version, revision 2
and up) and a retraction. ``ce_id`` is unique per record, as CloudEvents wants (the same
``ce_source`` and ``ce_id`` is the same event, which a consumer may drop as a duplicate): the
event id for revision 1, ``<event id>.r<revision>`` after; ``pitchstream_event_id`` always
holds the event id, the key to fold by.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Final
from typing import Literal

from contracts.v1.match_event import RETRACTION_SCHEMA_ID
from contracts.v1.match_event import SCHEMA_ID as MATCH_EVENT_SCHEMA_ID

Headers = list[tuple[str, bytes]]

MATCH_EVENT_TYPE: Final = "io.pitchstream.match-event.v1"
PARENT_PARTITION: Final = "pitchstream_parent_partition"
INPUT_PARTITION: Final = "pitchstream_input_partition"
_PARTITION: Final = re.compile(rb"[0-9]{1,9}")
MATCH_EVENT_REVISION_TYPE: Final = "io.pitchstream.match-event-revision.v1"
MATCH_EVENT_RETRACTION_TYPE: Final = "io.pitchstream.match-event-retraction.v1"
EVENT_ID_HEADER: Final = "pitchstream_event_id"
RecordKind = Literal["event", "revision", "retraction"]
_KINDS: Final[dict[bytes, RecordKind]] = {
    MATCH_EVENT_TYPE.encode(): "event",
    MATCH_EVENT_REVISION_TYPE.encode(): "revision",
    MATCH_EVENT_RETRACTION_TYPE.encode(): "retraction",
}
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
    *,
    event_id: str,
    source: str,
    match_key: str,
    time: str,
    trace_id: str,
    job_id: str,
    revision: int = 1,
    retracted: bool = False,
) -> Headers:
    if retracted and revision < 2:
        raise ValueError(f"a retraction's revision {revision} is not >= 2")
    if retracted:
        ce_type, schema = MATCH_EVENT_RETRACTION_TYPE, RETRACTION_SCHEMA_ID
    else:
        ce_type = MATCH_EVENT_TYPE if revision == 1 else MATCH_EVENT_REVISION_TYPE
        schema = MATCH_EVENT_SCHEMA_ID
    return [
        ("content-type", b"application/json"),
        ("ce_specversion", b"1.0"),
        ("ce_id", ce_id(event_id, revision).encode()),
        ("ce_source", f"/pitchstream/{source}".encode()),
        ("ce_type", ce_type.encode()),
        ("ce_time", time.encode()),
        ("ce_subject", match_key.encode()),
        ("ce_dataschema", schema.encode()),
        ("traceparent", traceparent(trace_id, event_id).encode()),
        ("trace_id", trace_id.encode()),
        ("job_id", job_id.encode()),
        (EVENT_ID_HEADER, event_id.encode()),
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


def ce_id(event_id: str, revision: int) -> str:
    """The record's CloudEvents id: the event id for revision 1, ``<event id>.r<n>`` after."""
    return event_id if revision == 1 else f"{event_id}.r{revision}"


def record_kind(headers: Headers | None) -> RecordKind | None:
    """``event``, ``revision`` or ``retraction`` from a match-events record's ``ce_type``."""
    for key, value in headers or ():
        if key == "ce_type":
            return _KINDS.get(value)
    return None


def cloud_event_headers(
    *,
    ce_id: str,
    ce_type: str,
    source: str,
    match_key: str,
    time: str,
    dataschema: str | None,
    trace_id: str,
    job_id: str,
    extra: Sequence[tuple[str, bytes]] = (),
) -> Headers:
    """CloudEvents binary-mode headers for a record about one match that is not a MatchEvent
    (its info, its manifest, its CDF records); ``extra`` are appended (e.g. a revision)."""
    headers: Headers = [
        ("content-type", b"application/json"),
        ("ce_specversion", b"1.0"),
        ("ce_id", ce_id.encode()),
        ("ce_source", f"/pitchstream/{source}".encode()),
        ("ce_type", ce_type.encode()),
        ("ce_time", time.encode()),
        ("ce_subject", match_key.encode()),
    ]
    if dataschema is not None:
        headers.append(("ce_dataschema", dataschema.encode()))
    headers += [
        ("traceparent", traceparent(trace_id, ce_id.encode().hex()).encode()),
        ("trace_id", trace_id.encode()),
        ("job_id", job_id.encode()),
    ]
    headers += list(extra)
    return headers


def input_partition_header(partition: int) -> tuple[str, bytes]:
    """The header a match's manifest record carries: the ingest-requests partition its job's
    request arrived in (where the job's state lives), so the CDF lane's notice goes there."""
    return (INPUT_PARTITION, str(partition).encode())


def input_partition_from(headers: Headers | None) -> int | None:
    """The input partition a manifest record names, or None: not said, or not a number."""
    for key, value in headers or ():
        if key == INPUT_PARTITION:
            return int(value) if _PARTITION.fullmatch(value) else None
    return None


def header_value(headers: Headers | None, name: str) -> str | None:
    for key, value in headers or ():
        if key == name and value is not None:
            return value.decode("utf-8", "replace")
    return None
