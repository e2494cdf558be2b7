"""CDF text for ``pitchstream normalize --format cdf`` and ``pitchstream match-info --format cdf``.

Event records are JSON Lines (one compact object per line, LF only, as the validator demands);
the match sheet and the meta record are one JSON document each.
"""

from __future__ import annotations

from typing import Any
from typing import Final

import orjson

from processors.application.cdf.mapping import CdfMatch

EXTENSION_KEY: Final = "pitchstream"
"""Meta's one key beyond CDF: how times and is_neutral were obtained (fails only extreme mode)."""


def events_jsonl(result: CdfMatch) -> str:
    """The event records as CDF JSONL: one line per record, each ending in LF."""
    return "".join(orjson.dumps(record).decode() + "\n" for record in result.events)


def match_sheet_json(result: CdfMatch, *, indent: bool = False) -> str | None:
    """The match sheet as one JSON document, or None when it was withheld."""
    if result.match_sheet is None:
        return None
    return _dumps(result.match_sheet, indent)


def meta_record(result: CdfMatch, *, extension: bool = True) -> dict[str, Any] | None:
    """The meta record; with ``extension`` it carries ``pitchstream`` (anchors, counts)."""
    if result.meta is None:
        return None
    if not extension or result.provenance is None:
        return result.meta
    return {**result.meta, EXTENSION_KEY: result.provenance}


def meta_json(result: CdfMatch, *, extension: bool = True, indent: bool = False) -> str | None:
    """The meta record as one JSON document, or None when it was withheld."""
    record = meta_record(result, extension=extension)
    return None if record is None else _dumps(record, indent)


def withheld_summary(result: CdfMatch) -> dict[str, Any]:
    """What was not written and why, for a CLI's stderr or a job state."""
    return {
        "events_read": result.input_events,
        "events_written": len(result.events),
        "events_withheld": dict(sorted(result.withheld.items())),
        "match_sheet_withheld": result.match_sheet_withheld,
        "meta_withheld": result.meta_withheld,
        "omitted": dict(sorted(result.omitted.items())),
    }


def _dumps(value: dict[str, Any], indent: bool) -> str:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2 if indent else 0).decode()
