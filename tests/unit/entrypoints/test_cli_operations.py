"""The operator's CLI output: the progress bar of ``submit --wait`` and ``jobs list``."""

from __future__ import annotations

import io

from contracts.v1 import JobState, JobStatus
from processors.entrypoints.cli import ProgressDisplay, build_parser, jobs_table, progress_text

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def state(status: JobStatus, emitted: int = 0, read: int = 0, **extra: object) -> JobState:
    values: dict = dict(
        job_id="job-1",
        status=status,
        source="statsbomb",
        match_id="3788741",
        trace_id=TRACE,
        updated_at="2024-05-01T10:00:00.000Z",
        events_emitted=emitted,
        raw_events_read=read,
    )
    values.update(extra)
    return JobState(**values)


def test_the_bar_fills_when_the_total_is_known():
    text = progress_text(state(JobStatus.SUCCEEDED, 3803, 3803), width=10)
    assert text.startswith("[##########]")
    assert "3803/3803 events" in text and "succeeded" in text


def test_the_bar_is_half_full_at_half_the_events():
    assert progress_text(state(JobStatus.RUNNING, 50, 100), width=10).startswith("[#####.....]")


def test_without_a_total_the_count_is_shown_alone():
    text = progress_text(state(JobStatus.RUNNING, 1500), width=10)
    assert "1500 events" in text and "/" not in text.split("]")[1]
    assert "running" in text


def test_a_failed_job_shows_its_error_code():
    text = progress_text(state(JobStatus.FAILED, error_code="match_not_found"), width=10)
    assert "failed" in text and "match_not_found" in text


def test_on_a_terminal_the_line_is_redrawn_in_place():
    out = io.StringIO()
    display = ProgressDisplay(out, tty=True, width=10)
    display.show(state(JobStatus.QUEUED))
    display.show(state(JobStatus.RUNNING, 500))
    display.close()
    written = out.getvalue()
    assert written.count("\r") == 2 and written.endswith("\n")


def test_elsewhere_each_new_state_is_one_line():
    out = io.StringIO()
    display = ProgressDisplay(out, tty=False, width=10)
    display.show(state(JobStatus.QUEUED))
    display.show(state(JobStatus.QUEUED))  # unchanged: not printed again
    display.show(state(JobStatus.SUCCEEDED, 10, 10))
    display.close()
    assert "\r" not in out.getvalue()
    assert len(out.getvalue().splitlines()) == 2


def test_jobs_list_prints_an_aligned_table():
    rows = jobs_table(
        [
            state(JobStatus.FAILED, error_code="match_not_found", job_id="a"),
            state(JobStatus.SUCCEEDED, 3803, 3803, job_id="bb"),
        ]
    )
    lines = rows.splitlines()
    assert lines[0].split() == [
        "JOB_ID",
        "STATUS",
        "SOURCE",
        "MATCH_ID",
        "EVENTS",
        "UPDATED_AT",
        "ERROR",
    ]
    assert lines[1].split()[:2] == ["a", "failed"]
    assert "match_not_found" in lines[1]
    assert lines[2].split()[4] == "3803"
    assert lines[0].index("STATUS") == lines[1].index("failed") == lines[2].index("succeeded")


def test_jobs_list_takes_a_status_and_a_limit():
    args = build_parser().parse_args(["jobs", "list", "--status", "failed", "--limit", "5"])
    assert (args.status, args.limit) == ("failed", 5)
