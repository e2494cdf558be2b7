"""The Common Data Format (CDF v0.3.2) lane: pure mapping and rendering, no Kafka.

``to_cdf`` turns one match (a MatchInfo v1 wire dict and its MatchEvent v1 wire dicts) into CDF
event records, a match sheet and a meta record; ``processors.cdf.render`` writes them as text.
The mapping is documented in contracts/README.md ("Common Data Format").
"""

from processors.cdf.mapping import (
    CDF_VERSION,
    WITHHELD_REASONS,
    CdfInputError,
    CdfMatch,
    to_cdf,
)
from processors.cdf.render import (
    events_jsonl,
    match_sheet_json,
    meta_json,
    meta_record,
    withheld_summary,
)

__all__ = [
    "CDF_VERSION",
    "WITHHELD_REASONS",
    "CdfInputError",
    "CdfMatch",
    "events_jsonl",
    "match_sheet_json",
    "meta_json",
    "meta_record",
    "to_cdf",
    "withheld_summary",
]
