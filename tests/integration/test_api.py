"""The worker's HTTP API on the real broker: submit, watch, list, metrics, logs, auth, routing."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from dataclasses import replace
from datetime import datetime
from typing import Any

import orjson
import pytest

from contracts.v1 import JobStatus
from contracts.v1 import decode_ingest_request
from contracts.v1 import decode_job_state
from processors.adapters.kafka.publisher import partition_for
from processors.application.ingest import PROGRESS_INTERVAL
from tests.integration.harness import WorkerProcess
from tests.integration.harness import free_port
from tests.integration.harness import fresh_settings
from tests.integration.harness import pitchstream
from tests.integration.harness import read_topic
from tests.integration.harness import settings_env
from tests.integration.harness import wait_for
from tests.integration.harness import worker

pytestmark = pytest.mark.integration

TRACE = "0af7651916cd43dd8448eb211c80319c"
TOKEN = "operator-token-for-tests"


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)


def http(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=body, method=method, headers=headers or {}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Reply(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, dict(error.headers), error.read())


def ingest(
    port: int, match_id: str, *, headers: dict[str, str] | None = None, **extra: Any
) -> Reply:
    body = orjson.dumps({"source": "statsbomb", "match_id": match_id, **extra})
    return http(
        port,
        "POST",
        "/api/v1/ingest",
        body,
        {"Content-Type": "application/json", **(headers or {})},
    )


def job(port: int, job_id: str, headers: dict[str, str] | None = None) -> dict[str, Any] | None:
    reply = http(port, "GET", f"/api/v1/jobs/{job_id}", headers=headers)
    if reply.status == 404:
        return None
    assert reply.status == 200, (reply.status, reply.body)
    return reply.json()


def follow(port: int, job_id: str, timeout: float = 120.0) -> list[dict[str, Any]]:
    """Every distinct state the API showed for ``job_id`` until it ended (polled fast)."""
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = job(port, job_id)
        if state is not None and (not seen or state != seen[-1]):
            seen.append(state)
            if JobStatus(state["status"]).is_final:
                return seen
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} did not end within {timeout}s; saw {seen}")


def metric(text: str, name: str, **labels: str) -> float | None:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = re.escape(f"{name}{{{wanted}}}" if labels else name) + r" (\S+)$"
    for line in text.splitlines():
        found = re.match(pattern, line)
        if found:
            return float(found.group(1))
    return None


def test_an_ingest_through_the_api_ends_succeeded_and_the_metrics_say_so(settings, running_worker):
    port = settings.web_port
    reply = ingest(port, "3788741")
    assert reply.status == 202, reply.body
    accepted = reply.json()
    assert accepted["status"] == "queued"
    assert reply.headers["Location"] == f"/api/v1/jobs/{accepted['job_id']}"

    states = follow(port, accepted["job_id"])
    statuses = [s["status"] for s in states]
    order = ["queued", "running", "succeeded"]
    assert statuses == sorted(statuses, key=order.index), statuses
    final = states[-1]
    assert final["status"] == "succeeded"
    assert final["events_emitted"] == 3803
    assert final["trace_id"] == accepted["trace_id"]

    text = http(port, "GET", "/metrics").body.decode()
    assert 'ingestion_jobs_total{source="statsbomb",status="succeeded"} 1.0' in text
    assert metric(text, "ingestion_events_emitted_total", source="statsbomb") == 3803
    assert metric(text, "ingestion_job_duration_seconds_count", source="statsbomb") == 1
    assert metric(text, "ingestion_jobs_in_flight") == 0
    assert metric(text, "ingestion_jobs_total", source="statsbomb", status="failed") is None
    # Faust's own sensors, served from the same registry
    assert metric(text, "faust_messages_received_total") >= 2  # the request and its queued update
    assert "faust_producer_send_latency_bucket" in text

    listed = http(port, "GET", "/api/v1/jobs?status=succeeded").json()
    assert [j["job_id"] for j in listed["jobs"]] == [accepted["job_id"]]
    assert listed["complete"] is True


def test_a_job_submitted_while_the_worker_is_busy_reads_queued_at_once(settings, running_worker):
    port = settings.web_port
    matches = ("3788741", "15946", "15986", "3788741", "15946")
    ahead = [ingest(port, m).json()["job_id"] for m in matches]
    # The same match again: full, or it would publish nothing (it has not changed, issue 16).
    last = ingest(port, "3788741", full=True).json()["job_id"]

    first_seen = wait_for(lambda: job(port, last), timeout=10, what="the last job in the API")
    ahead_then = [job(port, j) for j in ahead]
    assert first_seen["status"] == "queued"
    assert any(s is not None and not JobStatus(s["status"]).is_final for s in ahead_then), (
        "the worker should still be busy with the jobs ahead",
        ahead_then,
    )

    states = follow(port, last)
    running = [s for s in states if s["status"] == "running"]
    assert running, [s["status"] for s in states]
    assert states[-1]["status"] == "succeeded"
    # Progress is recorded every PROGRESS_INTERVAL while events are published; a job that
    # publishes for longer than two intervals must have shown some.
    if _seconds(states[-1]["started_at"], states[-1]["finished_at"]) > 2 * PROGRESS_INTERVAL:
        assert any(0 < s["events_emitted"] < 3803 for s in running), (
            "progress while running",
            [s["events_emitted"] for s in running],
        )
    assert states[-1]["events_emitted"] == 3803
    for job_id in ahead:
        assert follow(port, job_id)[-1]["status"] == "succeeded"


def test_a_failing_job_logs_one_json_error_line_with_the_callers_trace_id(settings, running_worker):
    port = settings.web_port
    reply = ingest(port, "999999", headers={"traceparent": f"00-{TRACE}-b7ad6b7169203331-01"})
    assert reply.status == 202
    job_id = reply.json()["job_id"]
    assert reply.json()["trace_id"] == TRACE

    final = follow(port, job_id)[-1]
    assert final["status"] == "failed"
    assert final["error_code"] == "match_not_found"
    assert "999999" in final["error_message"]
    assert final["trace_id"] == TRACE

    def error_lines() -> list[dict[str, Any]]:
        lines = []
        for line in running_worker.output().splitlines():
            if line.startswith("{") and TRACE in line:
                record = orjson.loads(line)
                if record.get("level") == "error":
                    lines.append(record)
        return lines

    lines = wait_for(error_lines, timeout=10, what="the JSON error line")
    assert len(lines) == 1, lines
    line = lines[0]
    assert line["trace_id"] == TRACE
    assert (line["job_id"], line["source"], line["match_id"]) == (job_id, "statsbomb", "999999")
    assert line["error_type"] == "MatchNotFound"
    assert "999999" in line["error"]

    topics = settings.topics
    requests = [m for m in read_topic(settings, topics.ingest_requests, expected=1)]
    updates = [m for m in read_topic(settings, topics.job_updates, expected=1)]
    for message in requests + updates:
        headers = dict(message.headers())
        assert headers["trace_id"] == TRACE.encode()
        assert headers["job_id"] == job_id.encode()
        assert TRACE.encode() in headers["traceparent"]
    assert decode_ingest_request(requests[0].value()).job_id == job_id
    assert decode_job_state(updates[0].value()).trace_id == TRACE


def test_bad_requests_get_a_json_error_saying_what_is_wrong(settings, running_worker):
    port = settings.web_port
    unknown = http(port, "POST", "/api/v1/ingest", b'{"source": "opta", "match_id": "1"}')
    assert unknown.status == 400
    assert unknown.json()["error"]["code"] == "invalid_request"
    assert "source" in unknown.json()["error"]["message"]
    missing = http(port, "POST", "/api/v1/ingest", b'{"source": "statsbomb"}')
    assert "match_id" in missing.json()["error"]["message"]
    huge = http(port, "POST", "/api/v1/ingest", b'{"pad": "' + b"x" * 70_000 + b'"}')
    assert huge.status == 413
    assert huge.json()["error"]["code"] == "request_too_large"
    nothing = http(port, "GET", f"/api/v1/jobs/{uuid.uuid4().hex}")
    assert nothing.status == 404
    assert nothing.json()["error"]["code"] == "not_found"
    assert http(port, "GET", "/api/v1/jobs?status=lost").status == 400


def test_with_a_token_every_endpoint_but_health_and_metrics_needs_it(kafka_bootstrap, tmp_path):
    settings = fresh_settings(kafka_bootstrap, tmp_path, api_token=TOKEN)
    for running in worker(settings, tmp_path):
        port = settings.web_port
        good = {"Authorization": f"Bearer {TOKEN}"}
        assert http(port, "GET", "/api/v1/jobs").status == 401
        assert (
            http(port, "GET", "/api/v1/jobs", headers={"Authorization": "Bearer nope"}).status
            == 401
        )
        refused = ingest(port, "15946")
        assert refused.status == 401
        assert refused.json()["error"]["code"] == "unauthorized"
        assert refused.headers["WWW-Authenticate"].startswith("Bearer")
        assert http(port, "GET", "/healthz").status == 200
        assert http(port, "GET", "/metrics").status == 200
        # Faust's own table pages would bypass the token: they are off
        assert http(port, "GET", "/table/jobs/").status == 404
        assert http(port, "GET", "/router/").status == 404
        accepted = ingest(port, "15946", headers=good)
        assert accepted.status == 202
        assert job(port, accepted.json()["job_id"], headers=good) is not None
        assert TOKEN not in running.output()


def test_two_workers_each_answer_for_every_job(settings, tmp_path):
    second = replace(settings, web_port=free_port())
    first_worker = WorkerProcess(settings, tmp_path / "w1.log").start()
    try:
        second_worker = WorkerProcess(second, tmp_path / "w2.log").start()
        try:
            ports = (settings.web_port, second.web_port)
            # one job per partition, so each worker owns some and must route the others
            job_ids = []
            for partition in range(settings.partitions):
                job_ids.append(
                    next(
                        candidate
                        for candidate in (uuid.uuid4().hex for _ in range(1000))
                        if partition_for(candidate, settings.partitions) == partition
                    )
                )

            def submitted() -> bool:
                return all(
                    ingest(ports[0], "15946", job_id=job_id).status == 202 for job_id in job_ids
                )

            wait_for(submitted, timeout=30, what="the API accepting jobs")
            for job_id in job_ids:
                for port in ports:
                    final = wait_for(
                        lambda p=port, j=job_id: _final_or_none(p, j),
                        timeout=120,
                        what=f"job {job_id} final through port {port}",
                    )
                    assert final["status"] == "succeeded", final
            owners = {_owner(w) for w in (first_worker, second_worker)}
            assert owners == {True}, "both workers own partitions after the rebalance"
            for port in ports:
                listed = http(port, "GET", "/api/v1/jobs?limit=10").json()
                assert sorted(j["job_id"] for j in listed["jobs"]) == sorted(job_ids)
                assert listed["complete"] is True
        finally:
            second_worker.stop()
    finally:
        first_worker.stop()


def _seconds(start: str, end: str) -> float:
    parse = datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def _final_or_none(port: int, job_id: str) -> dict[str, Any] | None:
    reply = http(port, "GET", f"/api/v1/jobs/{job_id}")
    if reply.status != 200:
        return None  # 404 before the job is recorded, 503 while partitions move
    state = reply.json()
    return state if JobStatus(state["status"]).is_final else None


def _owner(process: WorkerProcess) -> bool:
    local = http(process.settings.web_port, "GET", "/api/v1/jobs?scope=local&limit=10").json()
    return bool(local["jobs"])


def test_the_cli_shows_progress_while_waiting_and_lists_jobs(settings, running_worker):
    env = settings_env(settings)
    submit = ("submit", "--source", "statsbomb", "--match-id", "15946", "--wait")
    submitted = pitchstream(env, *submit, "--timeout", "120", timeout=180)
    assert submitted.returncode == 0, submitted.stderr
    job_id = submitted.stdout.splitlines()[0]
    bars = [line for line in submitted.stderr.splitlines() if line.startswith("[")]
    assert bars[-1].startswith("[" + "#" * 30 + "]"), bars  # not a TTY: one line per state
    assert "4002 events emitted, 0 lost; succeeded" in bars[-1]

    failed = ingest(settings.web_port, "999999").json()["job_id"]
    follow(settings.web_port, failed)
    listed = pitchstream(env, "jobs", "list", "--status", "failed")
    assert listed.returncode == 0, listed.stderr
    listing = listed.stdout.splitlines()
    assert listing[0].split()[:2] == ["JOB_ID", "STATUS"]
    assert [row.split()[0] for row in listing[1:]] == [failed]
    assert "match_not_found" in listing[1]
    everything = pitchstream(env, "jobs", "list")
    assert everything.returncode == 0, everything.stderr
    assert job_id in everything.stdout and failed in everything.stdout
