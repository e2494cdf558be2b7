"""The Common Data Format (CDF v0.3.2) lane: pure mapping and rendering, no Kafka.

``to_cdf`` turns one match (a MatchInfo v1 wire dict and its MatchEvent v1 wire dicts) into CDF
event records, a match sheet and a meta record; ``render`` writes them as text, ``lane``
gives them as (ce_type, record) pairs for the lane's topics.
The mapping is documented in contracts/README.md ("Common Data Format").
"""

from processors.application.cdf.lane import (
    CDF_EVENT_TYPE,
    CDF_MATCH_SHEET_TYPE,
    CDF_META_TYPE,
    event_records,
    match_records,
    record_key,
)
from processors.application.cdf.mapping import (
    ASSUMED_INTERVALS,
    CDF_VERSION,
    WITHHELD_REASONS,
    CdfInputError,
    CdfMatch,
    to_cdf,
)
from processors.application.cdf.render import (
    events_jsonl,
    match_sheet_json,
    meta_json,
    meta_record,
    withheld_summary,
)

__all__ = [
    "ASSUMED_INTERVALS",
    "CDF_EVENT_TYPE",
    "CDF_MATCH_SHEET_TYPE",
    "CDF_META_TYPE",
    "CDF_VERSION",
    "WITHHELD_REASONS",
    "CdfInputError",
    "CdfMatch",
    "event_records",
    "events_jsonl",
    "match_records",
    "match_sheet_json",
    "meta_json",
    "meta_record",
    "record_key",
    "to_cdf",
    "withheld_summary",
]
