"""The operator's CLI output: the progress bar of ``submit --wait`` and ``jobs list``."""

from __future__ import annotations

import io
import logging

import pytest
import structlog

from contracts.v1 import JobState
from contracts.v1 import JobStatus
from processors.entrypoints.cli import ProgressDisplay
from processors.entrypoints.cli import build_parser
from processors.entrypoints.cli import jobs_table
from processors.entrypoints.cli import progress_text

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
    assert "3803 events emitted, 0 lost; succeeded" in text


def test_merged_set_piece_rows_read_as_merged_not_as_missing_events():
    done = state(
        JobStatus.SUCCEEDED,
        3530,
        3620,
        events_dropped={"merged_into_set_piece_action": 90},
        source="metrica",
    )
    text = progress_text(done, width=10)
    assert text == "[##########] 3530 events emitted, 90 set-piece rows merged, 0 lost; succeeded"


def test_a_running_job_counts_what_is_still_to_go():
    text = progress_text(state(JobStatus.RUNNING, 1000, 3803), width=10)
    assert "1000 events emitted, 2803 to go; running" in text


def test_other_drop_reasons_are_in_words():
    done = state(JobStatus.SUCCEEDED, 8, 10, events_dropped={"unknown_team": 2})
    assert "8 events emitted, 2 dropped as unknown team, 0 lost" in progress_text(done)


def test_a_failed_job_counts_what_it_did_not_emit_not_as_lost():
    failed = state(JobStatus.FAILED, 0, 3803, error_code="source_unavailable")
    assert "0 events emitted, 3803 not emitted; failed (source_unavailable)" in (
        progress_text(failed)
    )


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


def test_a_mistyped_flag_after_submit_shows_submits_usage(capsys):
    from processors.entrypoints.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["submit", "--source", "statsbomb", "--match-idd", "1"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: pitchstream submit ")
    assert "pitchstream submit: error: unrecognized arguments: --match-idd 1" in err


def test_a_mistyped_flag_after_jobs_show_shows_its_usage(capsys):
    from processors.entrypoints.cli import main

    with pytest.raises(SystemExit):
        main(["jobs", "show", "job-1", "--wiat"])
    assert capsys.readouterr().err.startswith("usage: pitchstream jobs show ")


def test_help_gives_the_timeout_unit_the_exit_codes_and_what_the_worker_does():
    parser = build_parser()
    submit_help = parser._subparsers._group_actions[0].choices["submit"].format_help()
    assert "--timeout SECONDS" in submit_help and "seconds" in submit_help
    assert "exit codes:" in submit_help
    assert "exit codes:" in parser.format_help() and "3  jobs show: no such job" in (
        parser.format_help()
    )
    worker_help = parser._subparsers._group_actions[0].choices["worker"].format_help()
    assert "KAFKA_BOOTSTRAP_SERVERS" in worker_help and "PITCHSTREAM_DATA_DIR" in worker_help


@pytest.fixture
def restore_logging():
    """``main`` configures the standard library's logging; undo it for the next tests."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    structlog.reset_defaults()
    root.handlers[:] = handlers
    root.setLevel(level)
    for name in ("faust", "mode", "aiokafka"):
        logging.getLogger(name).setLevel(logging.NOTSET)


@pytest.mark.usefixtures("restore_logging")
def test_an_invalid_match_id_is_refused_in_words_before_any_kafka_call(capsys, monkeypatch):
    from processors.entrypoints.cli import main

    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1")  # never reached
    assert main(["submit", "--source", "statsbomb", "--match-id", "a/b"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: match_id: 'a/b' is not allowed: use 1 to 128 letters")


def test_the_error_line_says_whether_the_bootstrap_address_was_set_or_the_default():
    from processors.entrypoints.console import bootstrap_source

    assert bootstrap_source({"KAFKA_BOOTSTRAP_SERVERS": "b:9092"}) == "KAFKA_BOOTSTRAP_SERVERS"
    assert "not set" in bootstrap_source({})


def test_an_unchanged_reingest_says_unchanged_and_loses_nothing():
    done = state(JobStatus.SUCCEEDED, 0, 3803, added=0, changed=0, retracted=0, unchanged=3803)
    text = progress_text(done, width=10)
    assert text == "[##########] 0 events emitted (unchanged 3803), 0 lost; succeeded"


def test_a_revision_says_what_it_added_changed_and_retracted():
    done = state(
        JobStatus.SUCCEEDED,
        44,
        3803,
        added=1,
        changed=42,
        retracted=1,
        unchanged=3760,
    )
    text = progress_text(done, width=10)
    assert text == (
        "[##########] 44 events emitted (added 1, changed 42, retracted 1, unchanged 3760), "
        "0 lost; succeeded"
    )


def test_a_first_publication_reads_as_before():
    done = state(JobStatus.SUCCEEDED, 3803, 3803, added=3803, changed=0, retracted=0, unchanged=0)
    assert progress_text(done, width=10) == "[##########] 3803 events emitted, 0 lost; succeeded"


def test_a_job_that_kept_provider_values_without_a_mapping_says_so_by_field():
    done = state(JobStatus.SUCCEEDED, 1770, 1770, unmapped={"type": 95, "tag": 40})
    text = progress_text(done, width=10)
    assert text == (
        "[##########] 1770 events emitted, 0 lost; succeeded; without a mapping: type 95, tag 40"
    )
    assert "without a mapping" not in progress_text(state(JobStatus.SUCCEEDED, 3803, 3803))


def test_the_unmapped_values_are_listed_most_frequent_first_and_cut_short():
    from processors.entrypoints.console import unmapped_values_in_words

    unmapped = [("tag", str(t), n) for t, n in zip(range(1401, 1412), range(1, 12), strict=True)]
    unmapped.append(("type", "Others on the ball/Touch", 95))
    text = unmapped_values_in_words(unmapped, most=3)
    assert text == (
        "without a mapping (events kept): type 'Others on the ball/Touch' 95; "
        "tag '1411' 11, '1410' 10, '1409' 9 and 8 more (36)"
    )
    assert unmapped_values_in_words([]) == ""
