"""JobState v1: what a job is doing, as kept in the job table and its changelog.

The changelog topic (``<app id>-jobs-changelog``, key: job id) holds these as plain JSON.
A backfill's parent job has ``children`` (counts), ``child_statuses`` (by match id) and
``failed_children``; a child has ``parent_job_id``, and ``skipped`` when its match had not
changed since its last successful ingest (status ``succeeded``, reason in ``skip_reason``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from enum import StrEnum
from typing import Any

import orjson

from contracts.codec import field_meta
from contracts.codec import from_dict
from contracts.codec import loads
from contracts.codec import optional
from contracts.codec import to_dict
from contracts.v1.shared import PROVIDER
from contracts.v1.shared import PROVIDER_MATCH_ID


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def is_final(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED)


@dataclass(frozen=True, slots=True)
class JobChildren:
    """A backfill parent's children by status; ``succeeded`` excludes ``skipped``."""

    total: int = field(metadata=field_meta("Children (matches listed)", minimum=0))
    queued: int = field(default=0, metadata=field_meta("Not started yet", minimum=0))
    running: int = field(default=0, metadata=field_meta("Running", minimum=0))
    succeeded: int = field(default=0, metadata=field_meta("Ingested", minimum=0))
    failed: int = field(default=0, metadata=field_meta("Failed for good", minimum=0))
    skipped: int = field(
        default=0, metadata=field_meta("Unchanged since their last successful ingest", minimum=0)
    )

    @property
    def done(self) -> int:
        return self.succeeded + self.failed + self.skipped


@dataclass(frozen=True, slots=True)
class FailedChild:
    job_id: str = field(metadata=field_meta("The child job's id"))
    match_id: str = field(metadata=PROVIDER_MATCH_ID)
    error_code: str = field(metadata=field_meta("Stable error code, e.g. match_not_found"))
    error_message: str = field(metadata=field_meta("What went wrong"))


@dataclass(frozen=True, slots=True)
class CdfSummary:
    """What the CDF lane wrote for the job's publication (one manifest revision)."""

    revision: int = field(metadata=field_meta("The manifest revision it was made from", minimum=1))
    events_written: int = field(metadata=field_meta("CDF event records written", minimum=0))
    events_withheld: Mapping[str, int] = field(
        default_factory=dict, metadata=field_meta("MatchEvents without a CDF record, by reason")
    )
    match_sheet_withheld: str | None = optional("Why no match sheet was written; null when it was")
    meta_withheld: str | None = optional("Why no meta record was written; null when it was")
    error: str | None = optional("Set when the lane could not map the match (dead-lettered)")
    summary: str = field(
        default="", metadata=field_meta("In words: 'cdf: written N, withheld M (reason n, ...)'")
    )


@dataclass(frozen=True, slots=True)
class JobState:
    job_id: str = field(metadata=field_meta("The job's id"))
    status: JobStatus = field(metadata=field_meta("queued, running, succeeded or failed"))
    source: str = field(metadata=PROVIDER)
    match_id: str = field(metadata=PROVIDER_MATCH_ID)
    trace_id: str = field(metadata=field_meta("W3C trace id (32 hex digits) of the request"))
    updated_at: str = field(metadata=field_meta("RFC 3339 time of this state"))
    queue: str = field(default="default", metadata=field_meta("The worker lane"))
    raw_events_read: int = field(
        default=0, metadata=field_meta("Raw provider events read", minimum=0)
    )
    events_emitted: int = field(
        default=0, metadata=field_meta("Events published so far", minimum=0)
    )
    events_dropped: Mapping[str, int] = field(
        default_factory=dict, metadata=field_meta("Raw events not emitted, by reason")
    )
    started_at: str | None = optional("RFC 3339 start time")
    finished_at: str | None = optional("RFC 3339 end time")
    error_code: str | None = optional("Stable error code when failed")
    error_message: str | None = optional("What went wrong")
    attempt: int = field(
        default=0, metadata=field_meta("Attempts started (1 on a first run)", minimum=0)
    )
    checkpoint: str | None = optional(
        "Where the job's events start on match-events (partition@offset)"
    )
    parent_job_id: str | None = optional("A backfill child's parent job")
    skipped: bool = field(
        default=False,
        metadata=field_meta("A succeeded child not ingested: unchanged since its last success"),
    )
    skip_reason: str | None = optional("Why it was skipped")
    competition_id: int | None = optional("A season backfill's StatsBomb competition")
    season_id: int | None = optional("A season backfill's StatsBomb season")
    children: JobChildren | None = optional("A backfill parent's children by status")
    child_statuses: Mapping[str, str] = field(
        default_factory=dict,
        metadata=field_meta(
            "A backfill parent's children: match id to queued, running, succeeded, failed, skipped"
        ),
    )
    failed_children: tuple[FailedChild, ...] = field(
        default=(), metadata=field_meta("A backfill parent's failed children and their reasons")
    )
    # Added for issue 16 (additive): what a job changed on match-events; null when the job
    # made no comparison (a state written before revisions, a backfill parent, a failure).
    added: int | None = optional("Events published for the first time", minimum=0)
    changed: int | None = optional(
        "Events published again as a revision (content changed)", minimum=0
    )
    retracted: int | None = optional(
        "Events no longer in the provider's data, retracted", minimum=0
    )
    unchanged: int | None = optional(
        "Events as last published; not published again unless the job was full", minimum=0
    )
    cdf: CdfSummary | None = optional(
        "What the CDF lane wrote for this job's publication (additive)"
    )
    # Added for issue 13 (additive): provider vocabulary the job carried without a mapping.
    unmapped: Mapping[str, int] = field(
        default_factory=dict,
        metadata=field_meta(
            "Provider values no mapping table knows, by field: 'type' counts events kept as "
            "generic, others (a Wyscout 'tag', an Opta 'qualifier', ...) a detail of a kept "
            "event left out. Empty when everything mapped"
        ),
    )

    @property
    def events_dropped_total(self) -> int:
        return sum(self.events_dropped.values())


def job_state_to_dict(state: JobState) -> dict[str, Any]:
    result: dict[str, Any] = to_dict(state)
    return result


def encode_job_state(state: JobState) -> bytes:
    return orjson.dumps(to_dict(state))


def decode_job_state(payload: bytes | Mapping[str, Any]) -> JobState:
    if isinstance(payload, Mapping):
        return from_dict(JobState, dict(payload))
    return from_dict(JobState, loads(payload, "job state"))
