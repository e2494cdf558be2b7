"""The HTTP API's pure parts: body validation, trace ids, auth, listing. No Kafka, no server."""

from __future__ import annotations

import orjson
import pytest

from contracts.v1 import JobState
from contracts.v1 import JobStatus
from contracts.v1.ingest_request import MAX_REQUEST_BYTES
from processors.entrypoints.web import ApiError
from processors.entrypoints.web import authorized
from processors.entrypoints.web import error_body
from processors.entrypoints.web import parse_ingest_body
from processors.entrypoints.web import parse_list_query
from processors.entrypoints.web import select_jobs
from processors.entrypoints.web import trace_id_from_http

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def body(**fields: object) -> bytes:
    return orjson.dumps(fields)


def test_a_valid_body_becomes_an_ingest_request_with_a_server_side_job_id():
    request = parse_ingest_body(
        body(source="statsbomb", match_id="3869519"), new_job_id=lambda: "j1"
    )
    assert (request.job_id, request.source, request.match_id) == ("j1", "statsbomb", "3869519")


def test_a_caller_may_choose_the_job_id():
    request = parse_ingest_body(
        body(source="metrica", match_id="Sample_Game_1", job_id="my-job.1"), new_job_id=lambda: "x"
    )
    assert request.job_id == "my-job.1"


def test_an_integer_match_id_is_accepted_as_its_decimal_text():
    request = parse_ingest_body(body(source="statsbomb", match_id=3869519), new_job_id=lambda: "j")
    assert request.match_id == "3869519"


@pytest.mark.parametrize(
    ("payload", "status", "words"),
    [
        (body(source="opta", match_id="1"), 400, "source"),
        (body(source="statsbomb"), 400, "match_id: required field is missing"),
        (body(source="statsbomb", match_id="../etc/passwd"), 400, "match_id"),
        (body(source="statsbomb", match_id=""), 400, "match_id"),
        (body(source="statsbomb", match_id=-3), 400, "match_id"),
        (body(source="statsbomb", match_id=True), 400, "match_id"),
        (body(source="statsbomb", match_id="1", job_id="has space"), 400, "job_id"),
        (b"[1, 2]", 400, "expected an object"),
        (b"{not json", 400, "not JSON"),
        (b"", 400, "empty"),
    ],
)
def test_a_bad_body_is_refused_saying_what_is_wrong(payload, status, words):
    with pytest.raises(ApiError) as caught:
        parse_ingest_body(payload, new_job_id=lambda: "j")
    assert caught.value.status == status
    assert words in caught.value.message
    assert caught.value.code == "invalid_request"


def test_an_oversized_body_is_refused_with_413():
    payload = body(source="statsbomb", match_id="1", pad="x" * MAX_REQUEST_BYTES)
    with pytest.raises(ApiError) as caught:
        parse_ingest_body(payload, new_job_id=lambda: "j")
    assert (caught.value.status, caught.value.code) == (413, "request_too_large")


def test_errors_have_one_json_shape():
    assert error_body("invalid_request", "source: bad") == {
        "error": {"code": "invalid_request", "message": "source: bad"}
    }


def test_the_trace_id_comes_from_traceparent_first():
    headers = {"traceparent": f"00-{TRACE}-00f067aa0ba902b7-01", "X-Trace-Id": "1" * 32}
    assert trace_id_from_http(headers) == TRACE


def test_the_trace_id_comes_from_x_trace_id_when_there_is_no_traceparent():
    assert trace_id_from_http({"X-Trace-Id": TRACE.upper()}) == TRACE


def test_a_malformed_trace_header_starts_a_new_trace():
    trace_id = trace_id_from_http({"traceparent": "garbage", "X-Trace-Id": "0" * 32})
    assert len(trace_id) == 32 and trace_id != "0" * 32
    assert trace_id != trace_id_from_http({})


def test_without_a_configured_token_everyone_is_authorized():
    assert authorized(None, "")


@pytest.mark.parametrize(
    ("header", "allowed"),
    [
        ("Bearer s3cret-token", True),
        ("bearer s3cret-token", True),
        ("Bearer s3cret-tokeN", False),
        ("Bearer ", False),
        ("Basic s3cret-token", False),
        ("s3cret-token", False),
        (None, False),
    ],
)
def test_with_a_token_only_the_matching_bearer_is_authorized(header, allowed):
    assert authorized(header, "s3cret-token") is allowed


def state(job_id: str, status: JobStatus, updated_at: str) -> JobState:
    return JobState(
        job_id=job_id,
        status=status,
        source="statsbomb",
        match_id="1",
        trace_id=TRACE,
        updated_at=updated_at,
    )


def test_listing_filters_by_status_newest_first_and_limits():
    states = [
        state("a", JobStatus.FAILED, "2024-01-01T00:00:01.000Z"),
        state("b", JobStatus.SUCCEEDED, "2024-01-01T00:00:02.000Z"),
        state("c", JobStatus.FAILED, "2024-01-01T00:00:03.000Z"),
        state("d", JobStatus.FAILED, "2024-01-01T00:00:00.000Z"),
    ]
    assert [s.job_id for s in select_jobs(states, JobStatus.FAILED, 2)] == ["c", "a"]
    assert [s.job_id for s in select_jobs(states, None, 10)] == ["c", "b", "a", "d"]


def test_list_query_parameters_are_checked():
    assert parse_list_query({}) == (None, 50)
    assert parse_list_query({"status": "failed", "limit": "5"}) == (JobStatus.FAILED, 5)
    for bad in ({"status": "lost"}, {"limit": "0"}, {"limit": "x"}, {"limit": "100000"}):
        with pytest.raises(ApiError) as caught:
            parse_list_query(bad)
        assert caught.value.status == 400


def test_a_job_accepted_a_moment_ago_answers_queued_until_the_table_records_it():
    from contracts.v1 import IngestRequest
    from contracts.v1 import encode_job_state
    from processors.application import job_states
    from processors.entrypoints.web import WebContext

    table: dict[bytes, bytes] = {}
    context = WebContext(app=None, jobs=table, settings=None, make_submitter=lambda: None)  # type: ignore[arg-type]
    request = IngestRequest("job-1", "statsbomb", "3788741")
    accepted = job_states.queued(request, trace_id="1" * 32)
    assert context.local_job("job-1") is None
    context.remember_accepted(accepted)
    assert context.local_job("job-1") == accepted
    recorded = job_states.queued(request, trace_id="2" * 32)
    table[b"job-1"] = encode_job_state(recorded)
    assert context.local_job("job-1") == recorded  # the table wins once it has the job
    assert "job-1" not in context.accepted
