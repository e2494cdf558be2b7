"""What the CDF lane writes to Kafka: (ce_type, record) pairs and the record key, no Kafka here.

``cdf-events`` carries one CDF event record per Kafka record; ``cdf-matches`` carries two
records per match, the match sheet and the meta record, under the same key (the topic is not
compacted): the CloudEvents ``ce_type`` tells them apart. The ce_types follow
contracts/v1/headers.py (``io.pitchstream.<record kind>.v<version>``), the version being CDF's.
"""

from __future__ import annotations

from typing import Any
from typing import Final

from processors.application.cdf.mapping import CDF_VERSION
from processors.application.cdf.mapping import CdfMatch
from processors.application.cdf.render import meta_record

CDF_EVENT_TYPE: Final = f"io.pitchstream.cdf-event.v{CDF_VERSION}"
CDF_MATCH_SHEET_TYPE: Final = f"io.pitchstream.cdf-match-sheet.v{CDF_VERSION}"
CDF_META_TYPE: Final = f"io.pitchstream.cdf-meta.v{CDF_VERSION}"

CdfRecord = tuple[str, dict[str, Any]]


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
