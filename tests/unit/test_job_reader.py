"""Choosing a job's state when its id shows up in more than one changelog partition."""

from __future__ import annotations

from contracts.v1 import JobState, JobStatus
from processors.kafka.job_reader import most_advanced


def state(status: JobStatus, updated_at: str) -> JobState:
    return JobState(
        job_id="j",
        status=status,
        source="statsbomb",
        match_id="1",
        trace_id="0" * 32,
        updated_at=updated_at,
    )


def test_nothing_found_is_none():
    assert most_advanced([]) is None


def test_the_furthest_status_wins_then_the_newest():
    queued = state(JobStatus.QUEUED, "2026-01-01T00:00:09Z")
    running = state(JobStatus.RUNNING, "2026-01-01T00:00:01Z")
    done = state(JobStatus.SUCCEEDED, "2026-01-01T00:00:02Z")
    later = state(JobStatus.RUNNING, "2026-01-01T00:00:05Z")
    assert most_advanced([queued, running]) is running
    assert most_advanced([done, queued, later]) is done
    assert most_advanced([running, later]) is later
