"""The consumer's handlers (decode, dead-letter, dispatch) over the fakes: no Kafka."""

from __future__ import annotations

import dataclasses

import pytest

from contracts.v1 import IngestRequest
from contracts.v1 import JobStatus
from contracts.v1.job_state import encode_job_state
from domain import Match
from processors.application import job_states
from processors.entrypoints.consumer import header_map
from processors.entrypoints.consumer import trace_id_from_headers
from processors.entrypoints.consumer import usable_job_id
from tests.fakes import InMemoryRepository
from tests.fakes import InMemoryWorker
from tests.unit.samples import synthetic_match

TRACE = "0af7651916cd43dd8448eb211c80319c"


class Harness(InMemoryWorker):
    def __init__(self) -> None:
        super().__init__(
            {"m1": synthetic_match(), "m2": synthetic_match("m2")}, secrets=("s3cr3t-token",)
        )

    def request(self, job_id: str = "job-1", match_id: str = "m1", **headers: str) -> None:
        self.submit(IngestRequest(job_id=job_id, source="statsbomb", match_id=match_id), **headers)


def test_a_request_runs_its_job_to_succeeded_with_the_callers_trace_id():
    harness = Harness()
    harness.request(traceparent=f"00-{TRACE}-b7ad6b7169203331-01")
    state = harness.state()
    assert state.status is JobStatus.SUCCEEDED
    assert state.trace_id == TRACE
    assert state.events_emitted == 3


def test_a_finished_job_is_never_run_twice():
    harness = Harness()
    harness.request()
    harness.request()
    assert len(harness.publisher.events_of("job-1")) == 3
    assert (
        harness.service.metrics.registry.get_sample_value("ingestion_duplicate_requests_total") == 1
    )


def test_an_interrupted_job_resumes_from_its_checkpoint_without_doubling():
    harness = Harness()
    harness.request()
    finished = harness.state()
    # As if the worker died after publishing but before recording success:
    harness.store.put(dataclasses.replace(finished, status=JobStatus.RUNNING))
    harness.request()
    state = harness.state()
    assert state.status is JobStatus.SUCCEEDED and state.attempt == 2
    assert len(harness.publisher.events_of("job-1")) == 3


@pytest.mark.parametrize(
    "value, key, reason",
    [
        (b"not json at all", b"job-9", "not JSON"),
        (b'{"job_id": "job-9", "source": "statsbomb"}', b"job-9", "match_id: required"),
        (b'{"job_id": "job-9", "source": "opta", "match_id": "1"}', b"job-9", "source"),
        (
            b'{"job_id": "job-9", "source": "statsbomb", "match_id": "1", "queue": "gpu"}',
            b"job-9",
            "queue",
        ),
        (
            b'{"job_id": "job-9", "source": "statsbomb", "match_id": "../../etc/passwd"}',
            b"job-9",
            "match_id",
        ),
        (
            b'{"job_id": "job-9", "source": "statsbomb", "match_id": "a\\u0000b"}',
            b"job-9",
            "match_id",
        ),
        (b'{"job_id": "job-9", "source": "statsbomb", "match_id": "1"}', b"job-8", "key"),
        (None, b"job-9", "not JSON"),
    ],
)
def test_a_bad_request_is_dead_lettered_and_fails_its_job(value, key, reason):
    harness = Harness()
    harness.deliver(value, key=key, headers=[("trace_id", TRACE.encode())])
    assert len(harness.dead_letters) == 1
    dead_key, dead_value, headers = harness.dead_letters[0]
    assert (dead_key, dead_value) == (key, value)
    names = dict(headers)
    assert names["__connect.errors.topic"] == b"ingest-requests"
    assert names["__connect.errors.offset"] == b"7"
    assert names["__connect.errors.exception.class.name"] == b"ContractError"
    assert reason in names["__connect.errors.exception.message"].decode()
    assert names["trace_id"] == TRACE.encode()
    job = harness.state(key.decode())
    assert job.status is JobStatus.FAILED and job.error_code == "invalid_request"
    assert reason in (job.error_message or "")
    assert harness.publisher.log == []


@pytest.mark.parametrize("key", [None, b"", b"../x", b"x" * 200, b"bad key\n"])
def test_a_bad_request_without_a_usable_job_id_is_only_dead_lettered(key):
    harness = Harness()
    harness.deliver(b"{}", key=key)
    assert len(harness.dead_letters) == 1
    assert harness.store.states == {}


def test_a_huge_request_is_dead_lettered_not_parsed():
    harness = Harness()
    harness.deliver(b'{"match_id": "' + b"9" * 100_000 + b'"}', key=b"job-big")
    assert harness.state("job-big").error_code == "invalid_request"
    assert "bytes" in (harness.state("job-big").error_message or "")


def test_a_dead_letter_does_not_overwrite_a_finished_job():
    harness = Harness()
    harness.request()
    harness.deliver(b"garbage", key=b"job-1")
    assert harness.state().status is JobStatus.SUCCEEDED
    assert len(harness.dead_letters) == 1


def test_other_jobs_go_on_after_bad_input():
    harness = Harness()
    harness.deliver(b"garbage", key=b"job-bad")
    harness.request("job-2", "m2")
    assert harness.state("job-2").status is JobStatus.SUCCEEDED


def test_queued_updates_never_move_a_job_backwards():
    harness = Harness()
    harness.request()
    queued = job_states.queued(
        IngestRequest(job_id="job-1", source="statsbomb", match_id="m1"), trace_id=TRACE
    )
    harness.update(encode_job_state(queued))
    assert harness.state().status is JobStatus.SUCCEEDED
    fresh = job_states.queued(
        IngestRequest(job_id="job-7", source="statsbomb", match_id="m1"), trace_id=TRACE
    )
    harness.update(encode_job_state(fresh))
    assert harness.state("job-7").status is JobStatus.QUEUED
    harness.update(b"not a job state")  # ignored, no crash


def test_trace_ids_come_from_traceparent_then_trace_id_else_new():
    assert (
        trace_id_from_headers({"traceparent": f"00-{TRACE}-b7ad6b7169203331-01".encode()}) == TRACE
    )
    assert trace_id_from_headers({"trace_id": TRACE.encode()}) == TRACE
    generated = trace_id_from_headers({"trace_id": b"not-hex"})
    assert len(generated) == 32 and generated != TRACE


def test_header_map_accepts_lists_and_dicts():
    assert header_map([("a", b"1"), ("b", None)]) == {"a": b"1"}
    assert header_map({"a": "1"}) == {"a": b"1"}
    assert header_map(None) == {}


def test_usable_job_ids():
    assert usable_job_id(b"job-1") == "job-1"
    assert usable_job_id(b"job 1") is None
    assert usable_job_id(None) is None


def test_the_runner_is_busy_while_a_request_is_in_hand_and_idle_after():
    harness = Harness()
    seen: list[float | None] = []

    class Watched(InMemoryRepository):
        def get_match(self, match_id: str) -> Match:
            seen.append(harness.runner.idle_since())
            return super().get_match(match_id)

    harness.service.repositories = {"statsbomb": Watched({"m1": synthetic_match()})}
    harness.request()
    assert seen == [None]  # the watchdog leaves a busy worker alone
    assert harness.runner.idle_since() is not None


def test_a_job_publishes_and_fences_as_the_partition_its_request_arrived_in():
    """Whatever partitioner put the request there: the publisher's transactional producer
    is that partition's, for the first attempt and for a resumed one."""
    harness = Harness()
    harness.submit(IngestRequest(job_id="job-1", source="statsbomb", match_id="m1"), partition=3)
    assert harness.state().status is JobStatus.SUCCEEDED
    assert harness.publisher.input_partitions["job-1"] == [3]
    harness.store.put(dataclasses.replace(harness.state(), status=JobStatus.RUNNING))
    harness.submit(IngestRequest(job_id="job-1", source="statsbomb", match_id="m1"), partition=3)
    assert harness.state().attempt == 2
    assert harness.publisher.input_partitions["job-1"] == [3, 3]  # published_since: fenced
