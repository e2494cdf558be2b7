"""One ingest request flows through a real worker on the real broker."""

from __future__ import annotations

import uuid

import jsonschema
import orjson
import pytest
from confluent_kafka import Consumer
from confluent_kafka import TopicPartition

from contracts.schemas import V1_DIR
from contracts.v1 import JobStatus
from contracts.v1 import decode_job_state
from processors.adapters.kafka.publisher import partition_for
from tests.integration.harness import final_state
from tests.integration.harness import read_topic
from tests.integration.harness import submit

pytestmark = pytest.mark.integration

MATCH_EVENT_SCHEMA = orjson.loads((V1_DIR / "match-event.schema.json").read_bytes())


def test_a_statsbomb_match_lands_on_match_events_complete_and_in_order(settings, running_worker):
    job_id, trace_id = submit(settings, "statsbomb", "3788741")
    state = final_state(settings, job_id)

    assert state.status is JobStatus.SUCCEEDED, state.error_message
    assert state.raw_events_read == 3803
    assert state.events_emitted == 3803
    assert state.events_dropped == {}
    assert state.trace_id == trace_id

    messages = read_topic(settings, settings.topics.match_events, expected=state.events_emitted)
    assert len(messages) == state.events_emitted
    assert {m.key() for m in messages} == {b"statsbomb:3788741"}
    assert {m.partition() for m in messages} == {partition_for("statsbomb:3788741", 4)}
    payloads = [orjson.loads(m.value()) for m in messages]
    assert [p["index"] for p in payloads] == list(range(len(payloads)))
    order = [(p["period"], p["seconds"]) for p in payloads]
    assert order == sorted(order)
    validator = jsonschema.Draft202012Validator(MATCH_EVENT_SCHEMA)
    for payload in payloads:
        validator.validate(payload)
    headers = dict(messages[0].headers())
    assert headers["trace_id"] == trace_id.encode()
    assert headers["job_id"] == job_id.encode()
    assert headers["ce_id"] == payloads[0]["event_id"].encode()


def test_the_job_state_reads_as_plain_json_from_the_changelog(settings, running_worker):
    job_id, _ = submit(settings, "statsbomb", "15946")
    state = final_state(settings, job_id)
    assert state.status is JobStatus.SUCCEEDED

    consumer = Consumer(
        {
            "bootstrap.servers": settings.bootstrap_servers,
            "group.id": f"plain-{uuid.uuid4().hex}",
            "auto.offset.reset": "earliest",
        }
    )
    topic = settings.topics.jobs_changelog
    consumer.assign([TopicPartition(topic, p, 0) for p in range(4)])
    seen = []
    try:
        while not seen or seen[-1]["status"] != "succeeded":
            message = consumer.poll(10)
            assert message is not None, f"no succeeded state on {topic}; saw {seen}"
            if message.error() or message.key() != job_id.encode():
                continue
            seen.append(orjson.loads(message.value()))
    finally:
        consumer.close()
    assert "__faust" not in seen[-1]
    assert decode_job_state(seen[-1]) == state
    assert seen[0]["status"] in ("queued", "running")
    assert seen[-1]["raw_events_read"] == 4002


@pytest.mark.parametrize(
    "source, match_id", [("statsbomb", "999999"), ("metrica", "Sample_Game_404")]
)
def test_an_unknown_match_fails_its_job_with_a_clear_reason(
    settings, running_worker, source, match_id
):
    job_id, trace_id = submit(settings, source, match_id)
    state = final_state(settings, job_id)
    assert state.status is JobStatus.FAILED
    assert state.error_code == "match_not_found"
    assert match_id in (state.error_message or "")
    assert state.trace_id == trace_id


def test_the_same_job_submitted_twice_runs_once(settings, running_worker):
    job_id, _ = submit(settings, "statsbomb", "15986")
    first = final_state(settings, job_id)
    assert first.status is JobStatus.SUCCEEDED
    submit(settings, "statsbomb", "15986", job_id=job_id)
    # A marker job in the same partition, queued behind the duplicate, proves it was handled.
    marker = next(
        candidate
        for candidate in (uuid.uuid4().hex for _ in range(1000))
        if partition_for(candidate, 4) == partition_for(job_id, 4)
    )
    submit(settings, "statsbomb", "999998", job_id=marker)
    assert final_state(settings, marker).status is JobStatus.FAILED
    messages = read_topic(
        settings, settings.topics.match_events, expected=first.events_emitted + 1, timeout=10
    )
    assert len(messages) == first.events_emitted
