"""The Common Data Format (CDF v0.3.2) lane: pure mapping and rendering, no Kafka.

``to_cdf`` turns one match (a MatchInfo v1 wire dict and its MatchEvent v1 wire dicts) into CDF
event records, a match sheet and a meta record; ``render`` writes them as text, ``lane``
gives them as (ce_type, record) pairs for the lane's topics.
The mapping is documented in contracts/README.md ("Common Data Format").
"""

from processors.application.cdf.lane import CDF_EVENT_TYPE
from processors.application.cdf.lane import CDF_MATCH_SHEET_TYPE
from processors.application.cdf.lane import CDF_META_TYPE
from processors.application.cdf.lane import encode_event_record
from processors.application.cdf.lane import event_records
from processors.application.cdf.lane import match_records
from processors.application.cdf.lane import record_key
from processors.application.cdf.mapping import ASSUMED_INTERVALS
from processors.application.cdf.mapping import CDF_VERSION
from processors.application.cdf.mapping import WITHHELD_REASONS
from processors.application.cdf.mapping import CdfInputError
from processors.application.cdf.mapping import CdfMatch
from processors.application.cdf.mapping import to_cdf
from processors.application.cdf.render import events_jsonl
from processors.application.cdf.render import match_sheet_json
from processors.application.cdf.render import meta_json
from processors.application.cdf.render import meta_record
from processors.application.cdf.render import withheld_summary

__all__ = [
    "ASSUMED_INTERVALS",
    "CDF_EVENT_TYPE",
    "CDF_MATCH_SHEET_TYPE",
    "CDF_META_TYPE",
    "CDF_VERSION",
    "WITHHELD_REASONS",
    "CdfInputError",
    "CdfMatch",
    "encode_event_record",
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
