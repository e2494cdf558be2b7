"""Secrets from the environment never reach logs, job states or error messages."""

from __future__ import annotations

import uuid

import orjson
import pytest

from contracts.v1 import IngestRequest
from contracts.v1 import JobStatus
from contracts.v1.headers import message_headers
from processors.adapters.kafka.job_reader import JobStateReader
from processors.adapters.kafka.producer import RequestProducer
from tests.integration.harness import WorkerProcess
from tests.integration.harness import fresh_settings
from tests.integration.harness import read_topic

pytestmark = pytest.mark.integration

SASL_PASSWORD = "Passw0rdSecret42"
API_TOKEN = "Tok3nSecret99xyz"
SB_PASSWORD = "StatsB0mbSecret7"


def test_secrets_are_masked_everywhere_a_failure_is_reported(kafka_bootstrap, tmp_path):
    settings = fresh_settings(kafka_bootstrap, tmp_path, api_token=API_TOKEN)
    worker = WorkerProcess(
        settings,
        tmp_path / "worker.log",
        extra_env={"KAFKA_SASL_PASSWORD": SASL_PASSWORD, "SB_PASSWORD": SB_PASSWORD},
    ).start()
    try:
        producer = RequestProducer(settings)
        # A match id that is a secret: the "not found" message would print it.
        leaky = f"job-{uuid.uuid4().hex[:8]}"
        producer.submit(
            IngestRequest(job_id=leaky, source="statsbomb", match_id=SASL_PASSWORD),
            trace_id=uuid.uuid4().hex,
        )
        # A hostile request whose rejection reason would quote a secret.
        hostile = f"job-{uuid.uuid4().hex[:8]}"
        body = {"job_id": hostile, "source": "statsbomb", "match_id": f"../{SB_PASSWORD}"}
        producer.send_raw(
            settings.topics.ingest_requests,
            hostile.encode(),
            orjson.dumps(body),
            message_headers(trace_id=uuid.uuid4().hex, job_id=hostile),
        )
        producer.flush()
        reader = JobStateReader(settings)
        states = [
            reader.wait_until(job_id, lambda s: s.status.is_final, timeout=120)
            for job_id in (leaky, hostile)
        ]
    finally:
        worker.stop()

    assert [s.status for s in states] == [JobStatus.FAILED, JobStatus.FAILED]
    assert [s.error_code for s in states] == ["match_not_found", "invalid_request"]
    assert all("***" in (s.error_message or "") for s in states)

    changelog = read_topic(
        settings,
        settings.topics.jobs_changelog,
        expected=10_000,
        timeout=5,
        isolation="read_uncommitted",
    )
    dead_letters = read_topic(settings, settings.topics.ingest_dead_letters, expected=1)
    assert len(dead_letters) == 1
    reasons = [v for k, v in dead_letters[0].headers() if k.startswith("__connect.errors")]
    # A job state echoes the match id it was asked for; every other field is ours.
    ours = [
        {k: v for k, v in orjson.loads(m.value()).items() if k != "match_id"}
        for m in changelog
        if m.value()
    ]
    assert len(ours) >= 3  # running and failed for one job, failed for the other
    places = {
        "worker log": worker.output(),
        "job states": orjson.dumps(ours).decode(),
        "dead-letter reasons": b"".join(reasons).decode(),
    }
    assert "worker starting" in places["worker log"]
    for secret in (SASL_PASSWORD, API_TOKEN, SB_PASSWORD):
        for place, text in places.items():
            assert secret not in text, f"{secret[:4]}… appears in the {place}"
