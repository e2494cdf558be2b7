"""Use case: one manifest in, one CDF batch out (the CDF lane's step, without Kafka).

The lane consumes ``match-published``. For each manifest it reads the match's MatchEvents
through the manifest's segments (``SegmentReader``), folds them by ``event_id`` (the latest
record wins; a record whose JSON says ``"retracted": true`` drops the event), maps the match
with ``processors.application.cdf`` and returns every record to write, with the job's notice,
as one ``CdfBatch``; the Kafka side writes a batch in one transaction with the input offset.
A manifest that cannot be read or mapped becomes a batch holding one dead letter and the
job's notice saying why; the lane moves on.
"""

from __future__ import annotations

from abc import ABC
from abc import abstractmethod
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Final

import orjson

from contracts import ContractError
from contracts.codec import loads
from contracts.v1 import JobState
from contracts.v1.headers import cloud_event_headers
from contracts.v1.headers import header_value
from contracts.v1.match_published import MatchPublished
from contracts.v1.match_published import Segment
from contracts.v1.match_published import decode_match_published
from processors.application import job_states
from processors.application.cdf import CDF_EVENT_TYPE
from processors.application.cdf import CDF_MATCH_SHEET_TYPE
from processors.application.cdf import CdfMatch
from processors.application.cdf import encode_event_record
from processors.application.cdf import event_records
from processors.application.cdf import match_records
from processors.application.cdf import to_cdf
from processors.application.cdf.mapping import CDF_VERSION

REVISION_HEADER: Final = "pitchstream_revision"
"""On every CDF record: the manifest revision it was made from. A CDF consumer replaces a
match's whole record set when records with a higher revision arrive for its key."""
RETRACTED: Final = "retracted"

Headers = list[tuple[str, bytes]]


class SegmentReader(ABC):
    """Reads the MatchEvent payloads a manifest's segments name (read_committed)."""

    @abstractmethod
    def read(self, segment: Segment) -> list[bytes]:
        """The values of the first ``segment.records`` records of ``segment.job_id`` on
        ``match-events[segment.partition]`` from ``segment.from_offset``, in offset order."""


class LaneInputError(ValueError):
    """The manifest or the events it names cannot be turned into CDF; dead-lettered."""


@dataclass(frozen=True, slots=True)
class Output:
    topic: str
    key: bytes
    value: bytes
    headers: Headers


@dataclass(frozen=True, slots=True)
class CdfBatch:
    """What one manifest becomes: the records, the job's notice, and the counts."""

    outputs: list[Output]
    notice: JobState | None
    revision: int | None
    events_written: int = 0
    withheld: Mapping[str, int] = field(default_factory=dict)
    matches_written: Mapping[str, int] = field(default_factory=dict)
    """``match_sheet`` and ``meta``: 1 when written."""
    dead_letter: str | None = None
    """Why the manifest was dead-lettered, when it was."""


def fold_segments(manifest: MatchPublished, reader: SegmentReader) -> list[dict[str, Any]]:
    """The match's current MatchEvent payloads, in the manifest's canonical order."""
    current: dict[str, dict[str, Any]] = {}
    for segment in manifest.segments:
        values = reader.read(segment)
        if len(values) != segment.records:
            raise LaneInputError(
                f"segment {segment.job_id}@{segment.partition}:{segment.from_offset}: "
                f"{len(values)} of {segment.records} records found"
            )
        for value in values:
            try:
                payload = orjson.loads(value)
            except orjson.JSONDecodeError as error:
                raise LaneInputError(f"a MatchEvent is not JSON: {error}") from None
            if not isinstance(payload, dict) or not isinstance(payload.get("event_id"), str):
                raise LaneInputError("a MatchEvent record has no event_id")
            if payload.get(RETRACTED) is True:
                current.pop(payload["event_id"], None)
            else:
                current[payload["event_id"]] = payload
    if not manifest.events:
        return sorted(current.values(), key=lambda e: (e.get("period"), e.get("seconds")))
    ordered = []
    for event_id, _, _ in manifest.events:
        payload = current.pop(event_id, None)
        if payload is None:
            raise LaneInputError(f"event {event_id} of the manifest is not in its segments")
        ordered.append(payload)
    if current:
        raise LaneInputError(f"{len(current)} events in the segments are not in the manifest")
    return ordered


@dataclass
class CdfLaneStep:
    """Turns one ``match-published`` record into a ``CdfBatch``."""

    reader: SegmentReader
    events_topic: str
    matches_topic: str
    dead_letter_topic: str
    clock: Any = job_states.utc_now

    def batch(
        self, key: bytes | None, value: bytes | None, headers: Sequence[tuple[str, bytes]]
    ) -> CdfBatch:
        now = job_states.rfc3339(self.clock())
        try:
            wire = _parsed(value)  # parsed once: the manifest's checks and its raw info
            manifest = decode_match_published(wire)
        except ContractError as error:
            return self._dead_letter(
                key, value, headers, f"unreadable manifest: {error}", None, now
            )
        try:
            info = _raw_info(wire)
            events = fold_segments(manifest, self.reader)  # Kafka errors propagate: retried
        except LaneInputError as error:
            return self._dead_letter(key, value, headers, str(error), manifest, now)
        try:
            result = to_cdf(info, events)
        except Exception as error:  # a mapping bug or odd input: dead-lettered, never a crash
            reason = f"mapping failed: {type(error).__name__}: {error}"
            return self._dead_letter(key, value, headers, reason, manifest, now)
        return self._records(manifest, headers, result, now)

    def _records(
        self,
        manifest: MatchPublished,
        headers: Sequence[tuple[str, bytes]],
        result: CdfMatch,
        now: str,
    ) -> CdfBatch:
        trace_id = header_value(list(headers), "trace_id") or "0" * 32
        match_key = f"{manifest.source}:{manifest.match_id}"
        key = match_key.encode()
        revision = manifest.revision
        extra = [(REVISION_HEADER, str(revision).encode())]

        record_headers = HeaderTemplate(
            source=manifest.source, match_key=match_key, time=now, trace_id=trace_id,
            job_id=manifest.job_id, extra=extra,
        )  # fmt: skip
        outputs = [
            Output(
                self.events_topic,
                key,
                encode_event_record(record),
                record_headers(f"{record['event']['id']}@r{revision}", ce_type),
            )
            for ce_type, record in event_records(result)
        ]
        written = {"match_sheet": 0, "meta": 0}
        for ce_type, record in match_records(result):
            kind = "match_sheet" if ce_type == CDF_MATCH_SHEET_TYPE else "meta"
            written[kind] = 1
            outputs.append(
                Output(
                    self.matches_topic,
                    key,
                    orjson.dumps(record),
                    record_headers(f"{match_key}@r{revision}/{kind}", ce_type),
                )
            )
        notice = job_states.cdf_notice(
            job_id=manifest.job_id,
            source=manifest.source,
            match_id=manifest.match_id,
            trace_id=trace_id,
            now=now,
            revision=revision,
            events_written=len(result.events),
            events_withheld=result.withheld,
            match_sheet_withheld=result.match_sheet_withheld,
            meta_withheld=result.meta_withheld,
        )
        return CdfBatch(
            outputs=outputs,
            notice=notice,
            revision=revision,
            events_written=len(result.events),
            withheld=dict(result.withheld),
            matches_written=written,
        )

    def _dead_letter(
        self,
        key: bytes | None,
        value: bytes | None,
        headers: Sequence[tuple[str, bytes]],
        reason: str,
        manifest: MatchPublished | None,
        now: str,
    ) -> CdfBatch:
        """The original record (key, value, headers) on the dead-letter topic; the caller
        adds the Kafka Connect error headers (it knows the offset)."""
        notice = None
        if manifest is not None:
            notice = job_states.cdf_notice(
                job_id=manifest.job_id,
                source=manifest.source,
                match_id=manifest.match_id,
                trace_id=header_value(list(headers), "trace_id") or "0" * 32,
                now=now,
                revision=manifest.revision,
                error=reason,
            )
        return CdfBatch(
            outputs=[Output(self.dead_letter_topic, key or b"", value or b"", list(headers))],
            notice=notice,
            revision=None if manifest is None else manifest.revision,
            dead_letter=reason,
        )


def _parsed(value: bytes | None) -> dict[str, Any]:
    data = loads(value or b"", "manifest")
    if not isinstance(data, dict):
        raise ContractError("manifest: expected an object")
    return data


def _raw_info(wire: dict[str, Any]) -> dict[str, Any]:
    """The manifest's ``info`` exactly as published (the wire dict the mapper reads)."""
    info = wire.get("info")
    if not isinstance(info, dict):
        raise LaneInputError("the manifest carries no MatchInfo")
    return info


class HeaderTemplate:
    """``cloud_event_headers(...)`` for the records of one batch, which share everything but
    ``ce_type``, ``ce_id`` and the ``traceparent`` made from it: the fixed part is built once
    per ``ce_type``, and per record only those two headers are set (the same bytes)."""

    def __init__(
        self,
        *,
        source: str,
        match_key: str,
        time: str,
        trace_id: str,
        job_id: str,
        extra: Sequence[tuple[str, bytes]],
    ) -> None:
        self._facts: dict[str, Any] = {
            "source": source, "match_key": match_key, "time": time, "dataschema": None,
            "trace_id": trace_id, "job_id": job_id, "extra": extra,
        }  # fmt: skip
        self._prefix = f"00-{trace_id}-".encode()
        self._fixed: dict[str, tuple[Headers, int, int]] = {}

    def __call__(self, ce_id: str, ce_type: str) -> Headers:
        encoded = ce_id.encode()
        if len(encoded) < 8:  # traceparent pads or replaces a short span: the plain path
            return cloud_event_headers(ce_id=ce_id, ce_type=ce_type, **self._facts)
        fixed = self._fixed.get(ce_type)
        if fixed is None:
            sample = cloud_event_headers(ce_id=ce_id, ce_type=ce_type, **self._facts)
            names = [name for name, _ in sample]
            fixed = (sample, names.index("ce_id"), names.index("traceparent"))
            self._fixed[ce_type] = fixed
        sample, at_id, at_parent = fixed
        headers = sample.copy()
        headers[at_id] = ("ce_id", encoded)
        # traceparent(trace_id, ce_id's hex): its span is the hex of ce_id's first 8 bytes
        headers[at_parent] = ("traceparent", self._prefix + encoded[:8].hex().encode() + b"-01")
        return headers


__all__ = [
    "CDF_EVENT_TYPE",
    "CDF_VERSION",
    "REVISION_HEADER",
    "CdfBatch",
    "CdfLaneStep",
    "LaneInputError",
    "Output",
    "SegmentReader",
    "fold_segments",
]
