"""Logging: errors as one JSON line with the job's context, the rest readable, secrets masked."""

from __future__ import annotations

import logging
import logging.config
import time

import orjson
import pytest
import structlog
from structlog.contextvars import bound_contextvars

import processors.logs
from processors.logs import configure_logging
from processors.logs import get_logger
from processors.logs import scrub
from processors.logs import stdlib_logging_config

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
JOB = {"trace_id": TRACE, "job_id": "j1", "source": "statsbomb", "match_id": "999999"}


@pytest.fixture(autouse=True)
def restore_logging(monkeypatch):
    # The startup window of the expected chatter counts from when processors.logs was
    # imported; in a long run (make test) that was minutes ago. Each test starts afresh.
    monkeypatch.setattr(processors.logs, "_STARTED", time.monotonic())
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    structlog.reset_defaults()
    configure_logging(secrets=())  # module-level secrets back to none
    structlog.reset_defaults()
    root.handlers[:] = handlers
    root.setLevel(level)
    for name in ("faust", "mode", "aiokafka"):
        logging.getLogger(name).setLevel(logging.NOTSET)


def lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.strip()]


def test_an_error_is_one_json_line_with_the_job_context(capsys):
    configure_logging(log_format="console")
    get_logger("t").bind(**JOB).error(
        "job failed", error_type="MatchNotFound", error="statsbomb match 999999 not found"
    )
    (line,) = lines(capsys)
    record = orjson.loads(line)
    assert {k: record[k] for k in JOB} == JOB
    assert record["level"] == "error"
    assert record["event"] == "job failed"
    assert record["error_type"] == "MatchNotFound"
    assert record["error"] == "statsbomb match 999999 not found"
    assert record["timestamp"].endswith("Z")


def test_an_exception_stays_on_one_line(capsys):
    configure_logging(log_format="console")
    try:
        raise ValueError("first line\nsecond line")
    except ValueError:
        get_logger("t").exception("job crashed", **JOB)
    (line,) = lines(capsys)
    record = orjson.loads(line)
    assert record["exception"][0]["exc_type"] == "ValueError"


def test_other_levels_are_readable_text_in_development(capsys):
    configure_logging(log_format="console")
    get_logger("t").info("job succeeded", events_emitted=3803, **JOB)
    (line,) = lines(capsys)
    assert not line.startswith("{")
    assert "job succeeded" in line and "events_emitted=3803" in line and TRACE in line


def test_json_format_makes_every_line_json(capsys):
    configure_logging(log_format="json")
    get_logger("t").info("job succeeded", events_emitted=3803)
    get_logger("t").warning("transient error, retrying")
    records = [orjson.loads(line) for line in lines(capsys)]
    assert [r["level"] for r in records] == ["info", "warning"]


def test_the_level_filters_lower_lines(capsys):
    configure_logging(level="warning")
    get_logger("t").info("hidden")
    get_logger("t").warning("shown")
    assert [("shown" in line) for line in lines(capsys)] == [True]


def test_context_bound_for_a_job_is_on_every_line(capsys):
    configure_logging(log_format="json")
    with bound_contextvars(**JOB):
        get_logger("t").info("ingest request accepted")
        get_logger("t").error("job failed", error_type="X", error="boom")
    get_logger("t").info("after the job")
    records = [orjson.loads(line) for line in lines(capsys)]
    assert [r.get("trace_id") for r in records] == [TRACE, TRACE, None]


def test_secrets_are_masked_in_every_format(capsys):
    for log_format in ("console", "json"):
        configure_logging(log_format=log_format, secrets=["hunter2-password"])
        get_logger("t").info("connecting", url="sasl://user:hunter2-password@broker")
        get_logger("t").error("failed", error="auth hunter2-password refused")
    output = capsys.readouterr().err
    assert "hunter2-password" not in output
    assert output.count("***") == 4


def test_scrub_replaces_each_secret():
    assert scrub("a s3cret b s3cret", ["s3cret"]) == "a *** b ***"
    assert scrub("nothing here", []) == "nothing here"


def test_library_errors_through_the_standard_library_are_json_too(capsys):
    configure_logging(log_format="console", secrets=["hunter2-password"])
    logging.config.dictConfig(stdlib_logging_config(log_format="console", level="info"))
    logging.getLogger("faust.worker").warning("starting")
    logging.getLogger("aiokafka").error("broker refused hunter2-password")
    first, second = lines(capsys)
    assert not first.startswith("{") and "starting" in first
    record = orjson.loads(second)
    assert record["level"] == "error"
    assert record["logger"] == "aiokafka"
    assert record["event"] == "broker refused ***"


def test_the_libraries_info_lines_show_only_at_debug_level(capsys):
    for level in ("info", "debug"):
        logging.config.dictConfig(stdlib_logging_config(log_format="console", level=level))
        logging.getLogger("faust.worker").info(f"[^Worker]: Starting... at {level}")
        logging.getLogger("aiokafka.consumer").warning(f"a real warning at {level}")
    output = capsys.readouterr().err
    assert "Starting... at info" not in output and "Starting... at debug" in output
    assert "a real warning at info" in output and "a real warning at debug" in output


def test_expected_coordinator_and_assignor_chatter_is_not_an_error(capsys):
    logging.config.dictConfig(stdlib_logging_config(log_format="json", level="info"))
    logging.getLogger("aiokafka.consumer.group_coordinator").error(
        "Group Coordinator Request failed: [Error 15] GroupCoordinatorNotAvailableError"
    )
    logging.getLogger("aiokafka.cluster").error(
        "Topic pitchstream-__assignor-__leader not found in cluster metadata"
    )
    logging.getLogger("faust.assignor.partition_assignor").warning(
        "Ignoring missing topic: 'pitchstream-__assignor-__leader'"
    )
    logging.getLogger("librdkafka").warning(
        "GETPID [rdkafka#producer-2] [thrd:main]: Failed to acquire idempotence PID from broker "
        "127.0.0.1:46031/1: Broker: Coordinator load in progress: retrying"
    )
    assert lines(capsys) == []


def test_the_same_messages_about_other_topics_stay_errors(capsys):
    logging.config.dictConfig(stdlib_logging_config(log_format="json", level="info"))
    logging.getLogger("aiokafka.cluster").error("Topic match-events not found in cluster metadata")
    (line,) = lines(capsys)
    assert orjson.loads(line)["level"] == "error"


def test_a_coordinator_that_never_comes_is_an_error_again(capsys):
    logging.config.dictConfig(stdlib_logging_config(log_format="json", level="info"))
    coordinator = logging.getLogger("aiokafka.consumer.group_coordinator")
    for _ in range(60):
        coordinator.error(
            "Group Coordinator Request failed: [Error 15] GroupCoordinatorNotAvailableError"
        )
    records = [orjson.loads(line) for line in lines(capsys)]
    assert len(records) == 10 and {r["level"] for r in records} == {"error"}


def test_expected_lines_show_at_debug_level_as_debug(capsys):
    logging.config.dictConfig(stdlib_logging_config(log_format="json", level="debug"))
    logging.getLogger("librdkafka").error(
        "FAIL [rdkafka#producer-1] [thrd:127.0.0.1:1/bootstrap]: 127.0.0.1:1/bootstrap: Connect "
        "to ipv4#127.0.0.1:1 failed: Connection refused (after 0ms in state CONNECT)"
    )
    (line,) = lines(capsys)
    assert orjson.loads(line)["level"] == "debug"


@pytest.mark.parametrize("log_format, frames", [("console", False), ("json", True)])
def test_only_the_json_format_keeps_an_exceptions_stack_frames(capsys, log_format, frames):
    configure_logging(log_format=log_format)
    try:
        raise FileNotFoundError("no such directory")
    except FileNotFoundError:
        get_logger("t").exception("worker failed")
    (line,) = lines(capsys)
    (exception,) = orjson.loads(line)["exception"]
    assert exception["exc_type"] == "FileNotFoundError"
    assert bool(exception.get("frames")) is frames


def test_coordinator_chatter_long_after_the_start_keeps_its_level(capsys, monkeypatch):
    import processors.logs

    logging.config.dictConfig(stdlib_logging_config(log_format="json", level="info"))
    monkeypatch.setattr(processors.logs, "_STARTED", processors.logs.time.monotonic() - 3600)
    logging.getLogger("aiokafka.consumer.group_coordinator").warning(
        "Marking the coordinator dead (node 1)for group pitchstream."
    )
    (line,) = lines(capsys)
    assert orjson.loads(line)["level"] == "warning"
