"""Version 1 of Pitchstream's message contracts."""

from contracts.v1.headers import Headers, match_event_headers, message_headers, new_trace_id
from contracts.v1.ingest_request import (
    SOURCES,
    IngestRequest,
    decode_ingest_request,
    encode_ingest_request,
)
from contracts.v1.job_state import (
    CdfSummary,
    FailedChild,
    JobChildren,
    JobState,
    JobStatus,
    decode_job_state,
    encode_job_state,
)
from contracts.v1.match_event import (
    Location,
    MatchEvent,
    decode_match_event,
    encode_match_event,
    match_event_payload,
)
from contracts.v1.match_info import (
    MatchInfo,
    decode_match_info,
    encode_match_info,
    match_info_payload,
)

__all__ = [
    "SOURCES",
    "CdfSummary",
    "FailedChild",
    "Headers",
    "IngestRequest",
    "JobChildren",
    "JobState",
    "JobStatus",
    "Location",
    "MatchEvent",
    "MatchInfo",
    "decode_ingest_request",
    "decode_job_state",
    "decode_match_event",
    "decode_match_info",
    "encode_ingest_request",
    "encode_job_state",
    "encode_match_event",
    "encode_match_info",
    "match_event_headers",
    "match_event_payload",
    "match_info_payload",
    "message_headers",
    "new_trace_id",
]
