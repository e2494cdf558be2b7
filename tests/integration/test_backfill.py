"""Backfilling a whole season on the real broker: fan-out, the parent's report, skipping,
and children spread over two workers."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import uuid

import orjson
import pytest

from contracts.v1 import IngestRequest
from contracts.v1 import JobState
from contracts.v1 import JobStatus
from processors.adapters.kafka.publisher import partition_for
from processors.application.backfill import child_job_id
from tests.integration import harness
from tests.integration.harness import WorkerProcess
from tests.integration.harness import free_port
from tests.integration.harness import fresh_settings
from tests.integration.harness import read_topic
from tests.integration.harness import settings_env
from tests.integration.harness import submit_request
from tests.integration.harness import wait_for
from tests.paths import statsbomb_dir

pytestmark = pytest.mark.integration

EURO_2020 = (55, 43)
HELD = "3788741"  # the one Euro 2020 match whose events the offline mirror holds


def euro_2020_match_ids() -> list[str]:
    path = statsbomb_dir() / "data" / "matches" / "55" / "43.json"
    return [str(entry["match_id"]) for entry in orjson.loads(path.read_bytes())]


def submit_season(settings, job_id: str, **extra: object) -> None:
    request = IngestRequest(
        job_id=job_id,
        source="statsbomb",
        competition_id=EURO_2020[0],
        season_id=EURO_2020[1],
        **extra,
    )
    submit_request(settings, request)


def final_state(settings, job_id: str, timeout: float = 300.0) -> JobState:
    return harness.final_state(settings, job_id, timeout=timeout)


def test_euro_2020_is_backfilled_and_a_second_run_skips_the_unchanged_match(
    settings, running_worker
):
    listed = euro_2020_match_ids()
    assert len(listed) == 51 and HELD in listed

    # The first run through the CLI, as an operator would: one progress bar for the season.
    first_id = f"euro-{uuid.uuid4().hex[:8]}"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "processors.entrypoints.cli",
            "submit",
            "--source",
            "statsbomb",
            "--competition-id",
            "55",
            "--season-id",
            "43",
            "--job-id",
            first_id,
            "--wait",
            "--timeout",
            "300",
        ],
        env=settings_env(settings) | {"PITCHSTREAM_LOG_LEVEL": "warning"},
        capture_output=True,
        timeout=360,
        check=False,
    )
    assert done.returncode == 1, done.stderr.decode()[-2000:]  # the season failed: 50 missing
    progress = done.stderr.decode()
    assert "51/51 matches (1 ingested, 0 skipped, 50 failed, 0 running)" in progress
    assert progress.count("\n") >= 2  # not a tty: one line per change

    first = final_state(settings, first_id)
    assert first.status is JobStatus.FAILED
    assert first.error_code == "children_failed"
    assert (first.competition_id, first.season_id) == EURO_2020
    assert first.children is not None
    assert (first.children.total, first.children.succeeded, first.children.failed) == (51, 1, 50)
    assert (first.children.skipped, first.children.queued, first.children.running) == (0, 0, 0)
    assert first.child_statuses[HELD] == "succeeded"
    assert first.events_emitted == 3803
    missing = set(listed) - {HELD}
    assert {c.match_id for c in first.failed_children} == missing
    assert len(first.failed_children) == 50
    for failed in first.failed_children:
        assert failed.error_code == "match_not_found"
        assert failed.match_id in failed.error_message and "not found" in failed.error_message
        assert failed.job_id == child_job_id(first_id, failed.match_id)

    held = final_state(settings, child_job_id(first_id, HELD))
    assert held.status is JobStatus.SUCCEEDED and held.parent_job_id == first_id
    assert held.events_emitted == 3803 and not held.skipped
    assert held.trace_id == first.trace_id

    # A second run of the same season, a new parent: the held match has not changed.
    second_id = f"euro-{uuid.uuid4().hex[:8]}"
    submit_season(settings, second_id)
    second = final_state(settings, second_id)
    assert second.status is JobStatus.FAILED
    assert second.children is not None
    assert (second.children.skipped, second.children.succeeded, second.children.failed) == (
        1,
        0,
        50,
    )
    assert second.child_statuses[HELD] == "skipped"
    assert second.events_emitted == 0
    skipped = final_state(settings, child_job_id(second_id, HELD))
    assert skipped.status is JobStatus.SUCCEEDED and skipped.skipped
    assert skipped.skip_reason is not None
    assert skipped.skip_reason.startswith(f"unchanged since job {held.job_id}")
    events = read_topic(settings, settings.topics.match_events, expected=3804, timeout=10)
    assert len(events) == 3803  # nothing published twice


def test_a_backfill_spreads_its_children_over_two_workers(kafka_bootstrap, tmp_path):
    # A temporary mirror: one real match's events under several synthetic match ids.
    root = tmp_path / "mirror"
    (root / "data" / "events").mkdir(parents=True)
    (root / "data" / "matches" / "55").mkdir(parents=True)
    source_events = statsbomb_dir() / "data" / "events" / f"{HELD}.json"
    template = next(
        entry
        for entry in orjson.loads(
            (statsbomb_dir() / "data" / "matches" / "55" / "43.json").read_bytes()
        )
        if str(entry["match_id"]) == HELD
    )
    synthetic = [str(9_000_001 + i) for i in range(8)]
    for match_id in synthetic:
        os.symlink(source_events, root / "data" / "events" / f"{match_id}.json")
    entries = [{**template, "match_id": int(m)} for m in synthetic]
    (root / "data" / "matches" / "55" / "43.json").write_bytes(orjson.dumps(entries))

    settings = fresh_settings(kafka_bootstrap, tmp_path, statsbomb_dir=str(root))
    # A parent id whose children fall on all four partitions, so each worker owns some.
    parent_id = next(
        candidate
        for candidate in (f"spread-{uuid.uuid4().hex[:8]}" for _ in range(1000))
        if {partition_for(child_job_id(candidate, m), 4) for m in synthetic} == {0, 1, 2, 3}
    )
    first = WorkerProcess(settings, tmp_path / "worker-a.log").start()
    second = None
    try:
        second = WorkerProcess(another_worker(settings), tmp_path / "worker-b.log").start()
        wait_for(
            lambda: first.output().count("worker ready") >= 2,
            timeout=90,
            what="the first worker to take part in the rebalance",
        )
        submit_season(settings, parent_id)
        parent = final_state(settings, parent_id)
        assert parent.status is JobStatus.SUCCEEDED, parent.error_message
        assert parent.children is not None
        assert (parent.children.total, parent.children.succeeded) == (8, 8)
        assert parent.events_emitted == 8 * 3803
        logs = {"a": first.output(), "b": second.output()}
        ran = {
            name: [
                m
                for m in synthetic
                if any(
                    "job succeeded" in line and child_job_id(parent_id, m) in line
                    for line in log.splitlines()
                )
            ]
            for name, log in logs.items()
        }
        assert ran["a"] and ran["b"], ran
        assert sorted(ran["a"] + ran["b"]) == synthetic
    finally:
        if second is not None:
            second.stop()
        first.stop()


def another_worker(settings):
    """The same app id and topics; its own web port and data directory (one host)."""
    return dataclasses.replace(
        settings, web_port=free_port(), data_dir=f"{settings.data_dir}-second"
    )
