"""Job states: every transition in one module, and no other module builds a JobState."""

from __future__ import annotations

import ast
import dataclasses

from contracts.v1 import IngestRequest
from contracts.v1 import JobStatus
from processors.application import job_states
from tests.paths import REPO_ROOT

TRACE = "0af7651916cd43dd8448eb211c80319c"
NOW = "2026-01-01T00:00:00.000Z"
LATER = "2026-01-01T00:00:05.000Z"
REQUEST = IngestRequest(job_id="job-1", source="statsbomb", match_id="m1")


def test_queued_names_the_request():
    queued = job_states.queued(REQUEST, trace_id=TRACE, now=NOW)
    assert (queued.status, queued.trace_id, queued.match_id) == (JobStatus.QUEUED, TRACE, "m1")
    assert queued.updated_at == NOW
    assert job_states.queued(REQUEST, trace_id=TRACE).updated_at.endswith("Z")


def test_running_counts_the_attempt_and_keeps_the_checkpoint_given():
    first = job_states.running(REQUEST, trace_id=TRACE, now=NOW, previous=None, checkpoint="0@5")
    again = job_states.running(REQUEST, trace_id=TRACE, now=LATER, previous=first, checkpoint="0@5")
    assert (first.status, first.attempt, again.attempt) == (JobStatus.RUNNING, 1, 2)
    assert again.checkpoint == "0@5" and again.started_at == LATER


def test_a_job_succeeds_with_its_tally():
    running = job_states.running(REQUEST, trace_id=TRACE, now=NOW, previous=None, checkpoint="c")
    moving = job_states.progressed(running, events_emitted=2, now=NOW)
    assert moving.events_emitted == 2 and moving.status is JobStatus.RUNNING
    done = job_states.succeeded(
        moving, raw_events_read=4, events_emitted=3, events_dropped={"no_team": 1}, now=LATER
    )
    assert (done.status, done.finished_at, done.events_dropped_total) == (
        JobStatus.SUCCEEDED,
        LATER,
        1,
    )


def test_a_failure_masks_secrets_in_its_message():
    queued = job_states.queued(REQUEST, trace_id=TRACE, now=NOW)
    failed = job_states.failed(
        queued,
        code="source_unauthorized",
        message="token s3cr3t-x",
        now=LATER,
        secrets=("s3cr3t-x",),
    )
    assert failed.status is JobStatus.FAILED and failed.finished_at == LATER
    assert "s3cr3t-x" not in (failed.error_message or "")


def test_a_skipped_child_is_a_success_that_says_why():
    child = dataclasses.replace(REQUEST, parent_job_id="p", source_version="v")
    state = job_states.skipped(child, trace_id=TRACE, reason="unchanged", now=NOW)
    assert (state.status, state.skipped, state.skip_reason) == (
        JobStatus.SUCCEEDED,
        True,
        "unchanged",
    )
    assert job_states.child_status(state) == "skipped"


def test_an_update_never_moves_a_job_back():
    queued = job_states.queued(REQUEST, trace_id=TRACE, now=NOW)
    running = job_states.running(REQUEST, trace_id=TRACE, now=NOW, previous=None, checkpoint="c")
    assert job_states.supersedes(queued, None)
    assert job_states.supersedes(running, queued)
    assert not job_states.supersedes(queued, running)
    assert not job_states.supersedes(running, running)


def test_the_furthest_state_of_a_job_found_in_several_partitions_wins_then_the_newest():
    """A producer may send one job id to two partitions: lookups read them all."""
    queued = job_states.queued(REQUEST, trace_id=TRACE, now="2026-01-01T00:00:09.000Z")
    running = job_states.running(REQUEST, trace_id=TRACE, now=NOW, previous=None, checkpoint="c")
    later = job_states.progressed(running, events_emitted=5, now=LATER)
    done = job_states.succeeded(
        running, raw_events_read=1, events_emitted=1, events_dropped={}, now=NOW
    )
    assert job_states.most_advanced([]) is None
    assert job_states.most_advanced([queued, running]) is running
    assert job_states.most_advanced([done, queued, later]) is done
    assert job_states.most_advanced([running, later]) is later
    assert job_states.most_advanced(iter([later, running])) is later


def test_job_ids_follow_the_contracts_pattern():
    assert job_states.is_job_id("season-1.3788741")
    assert not job_states.is_job_id("../x")
    assert not job_states.is_job_id("x" * 200)


def _builds_job_state(path) -> list[int]:
    tree = ast.parse(path.read_text())
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "JobState"
    ]


def test_no_module_but_job_states_builds_a_job_state():
    builders = {
        str(path.relative_to(REPO_ROOT)): lines
        for path in sorted((REPO_ROOT / "processors").rglob("*.py"))
        if (lines := _builds_job_state(path))
    }
    assert list(builders) == ["processors/application/job_states.py"]


def test_a_revision_job_says_what_it_added_changed_retracted_and_left_unchanged():
    running = job_states.running(REQUEST, trace_id=TRACE, now=NOW, previous=None, checkpoint="c")
    done = job_states.succeeded(
        running,
        raw_events_read=10,
        events_emitted=4,
        events_dropped={},
        now=LATER,
        changes={"added": 1, "changed": 2, "retracted": 1, "unchanged": 7},
    )
    assert (done.added, done.changed, done.retracted, done.unchanged) == (1, 2, 1, 7)
    assert done.events_emitted == 4
    # Without a comparison (old states, a job that never compared) the counts are unknown.
    plain = job_states.succeeded(
        running, raw_events_read=1, events_emitted=1, events_dropped={}, now=LATER
    )
    assert (plain.added, plain.changed, plain.retracted, plain.unchanged) == (None,) * 4


def test_old_job_states_decode_without_the_revision_counts():
    from contracts.v1 import decode_job_state

    old = (
        b'{"job_id":"j","status":"succeeded","source":"statsbomb","match_id":"1",'
        b'"trace_id":"0af7651916cd43dd8448eb211c80319c","updated_at":"t","events_emitted":3}'
    )
    state = decode_job_state(old)
    assert state.events_emitted == 3 and state.added is None and state.unchanged is None
