"""MatchPublished v1: a match's manifest, what was last published for it (contracts/README.md).

Topic ``match-published``, compacted, key ``<source>:<match_id>``, plain JSON, written in the
same Kafka transaction as the job's events and its MatchInfo. ``segments`` say where the match's
current events are on ``match-events``: read each segment read_committed from ``from_offset``,
keep the records whose ``job_id`` header is the segment's job until ``records`` of them are
read, and fold them by ``event_id`` in offset order (the latest wins; a record whose JSON has
``"retracted": true`` drops its event). ``events`` lists the current events in canonical order
as ``[event_id, digest, revision]``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from typing import Any
from typing import Final

import orjson

from contracts.codec import ContractError
from contracts.codec import field_meta
from contracts.codec import from_dict
from contracts.codec import json_schema
from contracts.codec import loads
from contracts.codec import optional
from contracts.v1.match_info import DataVersion
from contracts.v1.match_info import MatchInfo
from contracts.v1.match_info import match_info_payload
from contracts.v1.shared import PROVIDER
from contracts.v1.shared import PROVIDER_MATCH_ID
from domain import MatchInfo as DomainMatchInfo
from domain.manifest import MatchManifest

SCHEMA_ID: Final = "https://pitchstream.io/schemas/v1/match-published.json"
CE_TYPE: Final = "io.pitchstream.match-published.v1"
_DIGEST: Final = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True, slots=True)
class Segment:
    job_id: str = field(metadata=field_meta("The job whose records these are (job_id header)"))
    partition: int = field(metadata=field_meta("The match's match-events partition", minimum=0))
    from_offset: int = field(
        metadata=field_meta("The job's checkpoint: match-events' end offset before it", minimum=0)
    )
    records: int = field(metadata=field_meta("Records the job wrote there", minimum=0))


@dataclass(frozen=True, slots=True)
class Changes:
    """What the job that wrote the manifest changed, compared with the manifest before it."""

    added: int = field(metadata=field_meta("Events published for the first time", minimum=0))
    changed: int = field(metadata=field_meta("Events published again, revision + 1", minimum=0))
    retracted: int = field(metadata=field_meta("Events retracted", minimum=0))
    unchanged: int = field(
        metadata=field_meta("Events as before (republished only by a full job)", minimum=0)
    )


@dataclass(frozen=True, slots=True)
class MatchPublished:
    source: str = field(metadata=PROVIDER)
    match_id: str = field(metadata=PROVIDER_MATCH_ID)
    job_id: str = field(metadata=field_meta("The job that wrote this manifest"))
    revision: int = field(
        metadata=field_meta("1 on the first publication, +1 for every later one", minimum=1)
    )
    full: bool = field(metadata=field_meta("This job republished the whole match"))
    segments: tuple[Segment, ...] = field(
        metadata=field_meta("match-events ranges that give the current match", minItems=1)
    )
    events: tuple[tuple[str, str, int], ...] = field(
        default=(),
        metadata=field_meta("The current events in order: [event_id, digest, revision]"),
    )
    data_version: DataVersion | None = optional("MatchInfo's data_version")
    info: MatchInfo | None = optional("The MatchInfo v1 payload as published")
    info_digest: str | None = optional("sha256 hex of the published MatchInfo payload bytes")
    # Added for issue 16 (additive).
    retracted_events: tuple[tuple[str, int], ...] = field(
        default=(),
        metadata=field_meta(
            "Event ids retracted and not back: [event_id, the retraction's revision]"
        ),
    )
    changes: Changes | None = optional(
        "What this job changed (null in manifests written before revisions)"
    )


def digest(payload: bytes) -> str:
    """An event's digest: the first 32 hex digits of the sha256 of its payload bytes."""
    return hashlib.sha256(payload).hexdigest()[:32]


def info_digest(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def match_published_payload(
    manifest: MatchManifest, info: DomainMatchInfo | None
) -> dict[str, Any]:
    version = manifest.data_version
    return {
        "source": manifest.source,
        "match_id": manifest.match_id,
        "job_id": manifest.job_id,
        "revision": manifest.revision,
        "full": manifest.full,
        "segments": [
            {
                "job_id": s.job_id,
                "partition": s.partition,
                "from_offset": s.from_offset,
                "records": s.records,
            }
            for s in manifest.segments
        ],
        "events": [[e.event_id, e.digest, e.revision] for e in manifest.events],
        "data_version": None if version is None else {"value": version.value, "kind": version.kind},
        "info": None if info is None else match_info_payload(info),
        "info_digest": manifest.info_digest,
        "retracted_events": [
            [event_id, revision] for event_id, revision in manifest.retracted_events
        ],
        "changes": None if manifest.changes is None else manifest.changes.as_dict(),
    }


def encode_match_published(manifest: MatchManifest, info: DomainMatchInfo | None) -> bytes:
    return orjson.dumps(match_published_payload(manifest, info))


def decode_match_published(payload: bytes | dict[str, Any]) -> MatchPublished:
    """Decode and check a manifest; raises ContractError saying what is wrong."""
    data = dict(payload) if isinstance(payload, dict) else loads(payload, "manifest")
    if not isinstance(data, dict):
        raise ContractError("manifest: expected an object")
    rows = data.pop("events", [])
    retracted_rows = data.pop("retracted_events", [])
    manifest = from_dict(MatchPublished, data)
    if not manifest.segments:
        raise ContractError("segments: at least one segment is required")
    events = _rows("events", rows, _is_event_row, "[event_id, 32-hex digest, revision >= 1]")
    if manifest.info is not None and len(manifest.info.teams) != 2:
        raise ContractError("info.teams: expected exactly two")
    retracted = _rows(
        "retracted_events", retracted_rows, _is_retracted_row, "[event_id, revision >= 2]"
    )
    return replace(manifest, events=events, retracted_events=retracted)


def _rows(key: str, rows: Any, is_row: Callable[[list[Any]], bool], expected: str) -> Any:
    """The array ``key`` of a manifest as a tuple of tuples, every row checked by ``is_row``."""
    if not isinstance(rows, list):
        raise ContractError(f"{key}: expected an array")
    for n, row in enumerate(rows):
        if not isinstance(row, list) or not is_row(row):
            raise ContractError(f"{key}[{n}]: expected {expected}")
    return tuple(tuple(row) for row in rows)


def _is_revision(value: Any, least: int) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and value >= least


def _is_event_row(row: list[Any]) -> bool:
    """``[event_id, digest, revision]``."""
    return (
        len(row) == 3
        and isinstance(row[0], str)
        and isinstance(row[1], str)
        and _DIGEST.match(row[1]) is not None
        and _is_revision(row[2], 1)
    )


def _is_retracted_row(row: list[Any]) -> bool:
    """``[event_id, the retraction's revision]``."""
    return len(row) == 2 and isinstance(row[0], str) and _is_revision(row[1], 2)


def match_published_schema() -> dict[str, Any]:
    schema = json_schema(
        MatchPublished,
        schema_id=SCHEMA_ID,
        title="MatchPublished v1",
        description=(
            "A match's manifest: what was last published for it and where its current events "
            "are on match-events. Topic match-published (compacted), key <source>:<match_id>."
        ),
    )
    schema["properties"]["events"] = {
        "description": "The current events in order: [event_id, digest, revision]",
        "type": "array",
        "items": {
            "type": "array",
            "prefixItems": [
                {"type": "string"},
                {"type": "string", "pattern": "^[0-9a-f]{32}$"},
                {"type": "integer", "minimum": 1},
            ],
            "minItems": 3,
            "maxItems": 3,
        },
        "default": [],
    }
    schema["properties"]["retracted_events"] = {
        "description": (
            "Event ids retracted and not back: [event_id, the retraction's revision], so an "
            "event that comes back continues its revisions"
        ),
        "type": "array",
        "items": {
            "type": "array",
            "prefixItems": [{"type": "string"}, {"type": "integer", "minimum": 2}],
            "minItems": 2,
            "maxItems": 2,
        },
        "default": [],
    }
    return schema
