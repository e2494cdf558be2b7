"""What the CDF lane writes to Kafka: (ce_type, record) pairs and the record key, no Kafka here.

``cdf-events`` carries one CDF event record per Kafka record; ``cdf-matches`` carries two
records per match, the match sheet and the meta record, under the same key (the topic is not
compacted): the CloudEvents ``ce_type`` tells them apart. The ce_types follow
contracts/v1/headers.py (``io.pitchstream.<record kind>.v<version>``), the version being CDF's.
"""

from __future__ import annotations

from typing import Any
from typing import Final

import msgspec
import orjson

from contracts.codec import MSGSPEC_FLOATS_AS_ORJSON_BELOW
from processors.application.cdf.mapping import CDF_VERSION
from processors.application.cdf.mapping import CdfMatch
from processors.application.cdf.render import meta_record

CDF_EVENT_TYPE: Final = f"io.pitchstream.cdf-event.v{CDF_VERSION}"
CDF_MATCH_SHEET_TYPE: Final = f"io.pitchstream.cdf-match-sheet.v{CDF_VERSION}"
CDF_META_TYPE: Final = f"io.pitchstream.cdf-meta.v{CDF_VERSION}"

CdfRecord = tuple[str, dict[str, Any]]

_ENCODER: Final = msgspec.json.Encoder()
_SAME_FLOATS: Final = MSGSPEC_FLOATS_AS_ORJSON_BELOW


def record_key(match_info: dict[str, Any]) -> str:
    """``<source>:<match_id>``, the key of every record of the match on both topics."""
    return f"{match_info['source']}:{match_info['match_id']}"


def event_records(result: CdfMatch) -> list[CdfRecord]:
    """The ``cdf-events`` records of one match, in event order."""
    return [(CDF_EVENT_TYPE, record) for record in result.events]


def match_records(result: CdfMatch, *, extension: bool = True) -> list[CdfRecord]:
    """The ``cdf-matches`` records of one match: the match sheet, then meta; a withheld one
    is absent (``result.match_sheet_withheld`` / ``meta_withheld`` say why). Meta carries the
    ``pitchstream`` extension key unless ``extension`` is False."""
    records: list[CdfRecord] = []
    if result.match_sheet is not None:
        records.append((CDF_MATCH_SHEET_TYPE, result.match_sheet))
    meta = meta_record(result, extension=extension)
    if meta is not None:
        records.append((CDF_META_TYPE, meta))
    return records


def encode_event_record(record: dict[str, Any]) -> bytes:
    """``orjson.dumps(record)``'s bytes for a ``cdf-events`` record, written by msgspec
    (about 4x faster here). The two write the same JSON for all an event record holds (strings,
    null, booleans, its coordinates, xg) but floats of 1e16 or more, ints beyond 64 bits (orjson
    refuses them) and strings with lone surrogates (both refuse, with other errors): a record
    with a coordinate or xg not below 1e16 (or NaN), or whose player id is not a string (any
    JSON value the payload gave), and any record msgspec refuses, is left to orjson."""
    event = record["event"]
    if type(event.get("player_id", "")) is not str:
        return orjson.dumps(record)
    for key in ("x", "y", "x_end", "y_end"):
        value = event[key]
        if value is not None and not -_SAME_FLOATS < value < _SAME_FLOATS:
            return orjson.dumps(record)
    metrics = event.get("metrics")
    if metrics is not None and not -_SAME_FLOATS < metrics["xg"] < _SAME_FLOATS:
        return orjson.dumps(record)
    try:
        return _ENCODER.encode(record)
    except (TypeError, ValueError, OverflowError):
        return orjson.dumps(record)  # the error orjson gives, if any
