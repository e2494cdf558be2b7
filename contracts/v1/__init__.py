"""Version 1 of Pitchstream's message contracts."""

from contracts.v1.headers import Headers, match_event_headers, message_headers, new_trace_id
from contracts.v1.ingest_request import (
    SOURCES,
    IngestRequest,
    decode_ingest_request,
    encode_ingest_request,
)
from contracts.v1.job_state import (
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

__all__ = [
    "SOURCES",
    "FailedChild",
    "Headers",
    "IngestRequest",
    "JobChildren",
    "JobState",
    "JobStatus",
    "Location",
    "MatchEvent",
    "decode_ingest_request",
    "decode_job_state",
    "decode_match_event",
    "encode_ingest_request",
    "encode_job_state",
    "encode_match_event",
    "match_event_headers",
    "match_event_payload",
    "message_headers",
    "new_trace_id",
]
