"""A newcomer's first hour: a quiet worker on a fresh machine, and one clear line when Kafka or
a directory is not there."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from tests.integration.harness import WorkerProcess
from tests.integration.harness import fresh_settings
from tests.integration.harness import settings_env

pytestmark = pytest.mark.integration

CLI = [sys.executable, "-m", "processors.entrypoints.cli"]


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def json_lines(text: str) -> list[dict]:
    return [orjson.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_a_worker_start_and_a_job_log_no_warning_or_error_on_a_fresh_machine(
    kafka_bootstrap, tmp_path
):
    home = tmp_path / "home"  # empty: no ~/.cache yet, the default data dir must be made
    settings = fresh_settings(kafka_bootstrap, tmp_path, data_dir="", log_format="json")
    fresh = {"HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache")}
    worker = WorkerProcess(settings, tmp_path / "worker.log", extra_env=fresh).start()
    try:
        submitted = subprocess.run(
            [*CLI, "submit", "--source", "metrica", "--match-id", "Sample_Game_3", "--wait"],
            env=settings_env(settings) | fresh,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert submitted.returncode == 0, submitted.stderr
        deadline = time.monotonic() + 30
        while "job succeeded" not in worker.output() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.stop()
    log = worker.output()
    records = json_lines(log)
    assert any(r["event"] == "partitions assigned; worker ready" for r in records)
    assert any(r["event"] == "job succeeded" for r in records)
    not_json = [line for line in log.splitlines() if line.strip() and not line.startswith("{")]
    assert not_json == [], not_json  # no raw librdkafka "%3|..." lines, no tracebacks
    loud = [r for r in records if r["level"] not in ("debug", "info")]
    assert loud == [], loud
    assert (home / ".cache" / "pitchstream" / "worker" / settings.app_id).is_dir()
    cli_records = json_lines(submitted.stderr)
    assert [r for r in cli_records if r["level"] not in ("debug", "info")] == []
    assert "%4|" not in submitted.stderr and "%3|" not in submitted.stderr
    assert submitted.stderr.splitlines()[-1].endswith(
        "3530 events emitted, 90 set-piece rows merged, 0 lost; succeeded"
    )


@pytest.mark.parametrize(
    "command",
    [
        ["submit", "--source", "statsbomb", "--match-id", "3788741", "--wait"],
        ["jobs", "list"],
        ["jobs", "show", "some-job"],
        ["topics", "create"],
        ["worker"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_an_unreachable_broker_is_one_line_naming_the_setting_within_ten_seconds(command, tmp_path):
    address = f"127.0.0.1:{closed_port()}"
    env = settings_env(fresh_settings_offline(address, tmp_path))
    began = time.monotonic()
    result = subprocess.run(
        [*CLI, *command], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    elapsed = time.monotonic() - began
    assert elapsed < 10, elapsed
    assert result.returncode == 5
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: cannot reach Kafka at " + address)
    assert "KAFKA_BOOTSTRAP_SERVERS" in line and "connection refused" in line
    assert result.stdout == ""


def worker_refusal(settings) -> str:
    """The one line a worker that cannot start (exit code 6) writes on stderr."""
    result = subprocess.run(
        [*CLI, "worker"],
        env=settings_env(settings),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 6
    (line,) = result.stderr.splitlines()
    return line


def test_the_worker_says_in_one_line_when_it_cannot_make_its_data_directory(
    kafka_bootstrap, tmp_path
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    settings = fresh_settings(kafka_bootstrap, tmp_path, data_dir=str(blocker / "worker"))
    line = worker_refusal(settings)
    assert f"cannot create the worker's data directory {blocker / 'worker'}" in line
    assert "set PITCHSTREAM_DATA_DIR to a writable directory" in line


def fresh_settings_offline(bootstrap: str, tmp_path: Path):
    """Settings for a broker that is not there (``fresh_settings`` would create topics)."""
    from processors.settings import Settings

    return Settings(bootstrap_servers=bootstrap, data_dir=str(tmp_path / "data"))


def test_the_worker_says_in_one_line_when_its_web_port_is_taken(kafka_bootstrap, tmp_path):
    settings = fresh_settings(kafka_bootstrap, tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", settings.web_port))
        taken.listen()
        line = worker_refusal(settings)
    assert f"web port 127.0.0.1:{settings.web_port} is not free" in line
    assert "set PITCHSTREAM_WEB_PORT to a free port" in line
