"""Version 1 of Pitchstream's message contracts."""

from contracts.v1.headers import Headers
from contracts.v1.headers import match_event_headers
from contracts.v1.headers import message_headers
from contracts.v1.headers import new_trace_id
from contracts.v1.ingest_request import SOURCES
from contracts.v1.ingest_request import IngestRequest
from contracts.v1.ingest_request import decode_ingest_request
from contracts.v1.ingest_request import encode_ingest_request
from contracts.v1.job_state import CdfSummary
from contracts.v1.job_state import FailedChild
from contracts.v1.job_state import JobChildren
from contracts.v1.job_state import JobState
from contracts.v1.job_state import JobStatus
from contracts.v1.job_state import decode_job_state
from contracts.v1.job_state import encode_job_state
from contracts.v1.match_event import Location
from contracts.v1.match_event import MatchEvent
from contracts.v1.match_event import decode_match_event
from contracts.v1.match_event import encode_match_event
from contracts.v1.match_event import match_event_payload
from contracts.v1.match_info import MatchInfo
from contracts.v1.match_info import decode_match_info
from contracts.v1.match_info import encode_match_info
from contracts.v1.match_info import match_info_payload

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
