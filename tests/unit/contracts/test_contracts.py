import dataclasses
import json

import jsonschema
import orjson
import pytest

from contracts import ContractError
from contracts.schemas import V1_DIR
from contracts.schemas import render
from contracts.schemas import v1_documents
from contracts.v1 import IngestRequest
from contracts.v1 import JobState
from contracts.v1 import JobStatus
from contracts.v1 import decode_ingest_request
from contracts.v1 import decode_job_state
from contracts.v1 import decode_match_event
from contracts.v1 import encode_ingest_request
from contracts.v1 import encode_job_state
from contracts.v1 import encode_match_event
from contracts.v1.headers import header_value
from contracts.v1.headers import is_trace_id
from contracts.v1.headers import message_headers
from contracts.v1.headers import new_trace_id
from contracts.v1.headers import parent_partition_from
from contracts.v1.headers import parent_partition_header
from contracts.v1.headers import trace_id_from_traceparent
from contracts.v1.headers import traceparent
from contracts.v1.topics import Topics
from domain import Coordinates
from domain import EventType
from domain import Match
from domain import Outcome
from tests.unit.samples import event_headers
from tests.unit.samples import one_event_match


def schema(name: str) -> dict:
    return json.loads((V1_DIR / name).read_text())


@pytest.mark.parametrize("name", sorted(v1_documents()))
def test_committed_schemas_match_the_code(name):
    assert (V1_DIR / name).read_text() == render(v1_documents()[name]), (
        "run `python -m contracts.schemas` and commit the result"
    )


@pytest.mark.parametrize("name", [n for n in sorted(v1_documents()) if n.endswith("schema.json")])
def test_published_schemas_are_valid_json_schema(name):
    jsonschema.Draft202012Validator.check_schema(schema(name))


def sample_match() -> Match:
    return one_event_match(
        "s1",
        "Shot",
        EventType.SHOT,
        match_id="9",
        index=7,
        seconds=12.5,
        player_id="10",
        player_name="Striker",
        start=Coordinates(95.0, 30.0),
        end=Coordinates(105.0, 34.0, 1.2),
        outcome=Outcome.GOAL,
        related_event_ids=("x",),
    )


def test_a_match_event_payload_is_valid_against_its_schema_and_round_trips():
    match = sample_match()
    payload = encode_match_event(match, match.events[0], 0)
    jsonschema.validate(orjson.loads(payload), schema("match-event.schema.json"))
    event = decode_match_event(payload)
    assert event.type is EventType.SHOT and event.outcome is Outcome.GOAL
    assert event.team_name == "Home"
    assert event.end is not None and event.end.z == pytest.approx(1.2)
    assert event.related_event_ids == ("x",)


def test_match_event_payload_has_exactly_the_contract_fields():
    match = sample_match()
    payload = orjson.loads(encode_match_event(match, match.events[0], 0))
    assert set(payload) == set(schema("match-event.schema.json")["properties"])


def test_ingest_request_round_trips_with_defaults():
    request = decode_ingest_request(
        b'{"job_id": "j1", "source": "statsbomb", "match_id": "3788741"}'
    )
    assert request == IngestRequest("j1", "statsbomb", "3788741")
    assert request.queue == "default"
    assert decode_ingest_request(encode_ingest_request(request)) == request


@pytest.mark.parametrize(
    "payload, message",
    [
        (b"not json", "not JSON"),
        (b"[]", "expected an object"),
        (b'{"job_id": "j1", "source": "statsbomb"}', "match_id: required"),
        (b'{"job_id": "j1", "source": "opta", "match_id": "1"}', "source: 'opta' is not one of"),
        (b'{"job_id": "j1", "source": "statsbomb", "match_id": 5}', "match_id: expected a string"),
        (b'{"job_id": "j1", "source": "statsbomb", "match_id": "../etc"}', "match_id"),
        (b'{"job_id": "j1", "source": "statsbomb", "match_id": "a/b"}', "is not allowed: use"),
        (b'{"job_id": "j1", "source": "statsbomb", "match_id": "a\\nb"}', "is not allowed: use"),
        (b'{"job_id": "j1", "source": "statsbomb", "match_id": "1\\n"}', "is not allowed: use"),
        (b'{"job_id": "j1", "source": "statsbomb", "match_id": "1", "queue": "gpu"}', "queue"),
        (b'{"job_id": "j 1", "source": "statsbomb", "match_id": "1"}', "job_id"),
        (b'{"job_id": "j1", "source": "statsbomb", "match_id": "1", "options": []}', "options"),
        (b'{"job_id": "j1", "source": "wyscout", "match_id": "1", "home_team_id": 5}', "home_"),
        (b'{"job_id": "j1", "source": "wyscout", "match_id": "1", "home_team_id": ""}', "home_"),
        (
            b'{"job_id": "j1", "source": "wyscout", "all_matches": true, "home_team_id": "1"}',
            "home_team_id: only with match_id",
        ),
    ],
)
def test_a_bad_ingest_request_is_refused_with_a_reason(payload, message):
    with pytest.raises(ContractError, match=message):
        decode_ingest_request(payload)


@pytest.mark.parametrize(
    "payload",
    [
        b'{"job_id": "j1", "source": "statsbomb", "match_id": "a/b"}',
        b'{"job_id": "j 1", "source": "statsbomb", "match_id": "1"}',
        b'{"job_id": "j1", "source": "opta", "match_id": "1"}',
    ],
)
def test_a_refusal_says_what_is_allowed_in_words_not_as_a_regex(payload):
    with pytest.raises(ContractError) as refused:
        decode_ingest_request(payload)
    message = str(refused.value)
    assert not any(token in message for token in ("^", "(?", "{0,", "[A-Z", "('")), message


def test_an_oversized_ingest_request_is_refused_before_parsing():
    with pytest.raises(ContractError, match="bytes"):
        decode_ingest_request(b"{" + b" " * 70_000 + b"}")


def test_the_schema_refuses_what_the_decoder_refuses():
    validator = jsonschema.Draft202012Validator(schema("ingest-request.schema.json"))
    bad = {"job_id": "j1", "source": "statsbomb", "match_id": "../../secret"}
    assert not validator.is_valid(bad)
    assert validator.is_valid({"job_id": "j1", "source": "metrica", "match_id": "Sample_Game_1"})
    one = {"job_id": "j1", "source": "wyscout", "match_id": "2499773", "home_team_id": "1631"}
    assert validator.is_valid(one)
    assert not validator.is_valid({**one, "match_id": None, "all_matches": True})
    assert not validator.is_valid({**one, "home_team_id": ""})


def test_home_team_id_is_optional_and_round_trips():
    old = decode_ingest_request(b'{"job_id": "j1", "source": "wyscout", "match_id": "2499773"}')
    assert old.home_team_id is None
    new = IngestRequest("j1", "wyscout", "2499773", home_team_id="1631")
    assert decode_ingest_request(encode_ingest_request(new)) == new


def test_job_state_round_trips_and_validates():
    state = JobState(
        job_id="j1",
        status=JobStatus.FAILED,
        source="statsbomb",
        match_id="1",
        trace_id=new_trace_id(),
        updated_at="2026-01-01T00:00:00Z",
        events_dropped={"unsupported": 2},
        error_code="match_not_found",
        error_message="no such match",
    )
    payload = encode_job_state(state)
    jsonschema.validate(orjson.loads(payload), schema("job-state.schema.json"))
    assert decode_job_state(payload) == state
    assert decode_job_state(orjson.loads(payload)) == state
    assert state.events_dropped_total == 2
    assert JobStatus.FAILED.is_final and not JobStatus.RUNNING.is_final


def test_job_state_refuses_an_unknown_status():
    with pytest.raises(ContractError, match="status"):
        decode_job_state(
            b'{"job_id":"j","status":"lost","source":"s","match_id":"m",'
            b'"trace_id":"t","updated_at":"u"}'
        )


def test_trace_ids_travel_in_w3c_traceparent():
    trace_id = new_trace_id()
    assert is_trace_id(trace_id)
    header = traceparent(trace_id, "abc")
    assert trace_id_from_traceparent(header) == trace_id
    assert trace_id_from_traceparent("garbage") is None
    assert trace_id_from_traceparent(f"00-{'0' * 32}-{'1' * 16}-01") is None


def test_every_message_carries_trace_and_job_ids():
    headers = message_headers(trace_id="a" * 32, job_id="j1")
    assert header_value(headers, "trace_id") == "a" * 32
    assert header_value(headers, "job_id") == "j1"
    assert header_value(headers, "missing") is None


def test_match_event_headers_follow_cloudevents_binary_mode():
    headers = dict(event_headers(event_id="e1"))
    assert headers["ce_specversion"] == b"1.0"
    assert headers["ce_id"] == b"e1"
    assert headers["ce_type"] == b"io.pitchstream.match-event.v1"
    assert headers["ce_subject"] == b"statsbomb:9"
    assert headers["traceparent"].startswith(b"00-" + b"b" * 32)


def test_a_child_request_names_its_parents_partition_in_a_header():
    assert parent_partition_header(3) == ("pitchstream_parent_partition", b"3")
    assert parent_partition_from(dict([parent_partition_header(0)])) == 0
    assert parent_partition_from({"pitchstream_parent_partition": b"12"}) == 12


@pytest.mark.parametrize("value", [b"", b"-1", b"x", b"1.0", b" 2", b"\xd9\xa3", b"9" * 12])
def test_an_unusable_parent_partition_header_is_not_said(value):
    assert parent_partition_from({"pitchstream_parent_partition": value}) is None
    assert parent_partition_from({}) is None


def test_topic_names_take_a_prefix_and_the_changelog_follows_faust():
    topics = Topics(prefix="t1-", app_id="app1")
    assert topics.ingest_requests == "t1-ingest-requests"
    assert topics.ingest_dead_letters == "t1-ingest-requests.dlq"
    assert topics.match_events == "t1-match-events"
    assert topics.job_updates == "t1-job-updates"
    assert topics.jobs_changelog == "app1-jobs-changelog"


def test_request_facts_are_optional_round_trip_and_the_schema_agrees_with_the_decoder():
    old = decode_ingest_request(b'{"job_id": "j1", "source": "metrica", "match_id": "G1"}')
    assert (old.kick_off_utc, old.neutral_venue) == (None, None)
    new = IngestRequest(
        "j1", "metrica", "G1", kick_off_utc="2019-02-21T15:00:00.5Z", neutral_venue=False
    )
    assert decode_ingest_request(encode_ingest_request(new)) == new
    validator = jsonschema.Draft202012Validator(schema("ingest-request.schema.json"))
    one = {"job_id": "j1", "source": "metrica", "match_id": "G1"}
    assert validator.is_valid({**one, "kick_off_utc": "2019-02-21T15:00:00Z"})
    assert not validator.is_valid({**one, "kick_off_utc": "2019-02-21T15:00:00+01:00"})
    assert not validator.is_valid({**one, "neutral_venue": "yes"})
    backfill = {"job_id": "j1", "source": "metrica", "all_matches": True}
    assert validator.is_valid(backfill)
    assert not validator.is_valid({**backfill, "kick_off_utc": "2019-02-21T15:00:00Z"})
    assert not validator.is_valid({**backfill, "neutral_venue": True})


def test_job_state_cdf_is_optional_and_round_trips():
    from contracts.v1 import decode_job_state
    from contracts.v1 import encode_job_state
    from processors.application import job_states

    notice = job_states.cdf_notice(
        job_id="j1", source="statsbomb", match_id="1", trace_id="a" * 32, now="t",
        revision=2, events_written=5, events_withheld={"no_outcome": 2, "no_location": 1},
    )  # fmt: skip
    assert decode_job_state(encode_job_state(notice)) == notice
    assert notice.cdf.summary == "cdf: written 5, withheld 3 (no_outcome 2, no_location 1)"
    validator = jsonschema.Draft202012Validator(schema("job-state.schema.json"))
    assert validator.is_valid(orjson.loads(encode_job_state(notice)))


def test_job_state_unmapped_is_additive_old_states_decode_without_it():
    old = b'{"job_id":"j","status":"succeeded","source":"wyscout","match_id":"m",' + (
        b'"trace_id":"t","updated_at":"u","events_dropped":{"unreadable_event":1}}'
    )
    assert decode_job_state(old).unmapped == {}
    state = dataclasses.replace(decode_job_state(old), unmapped={"tag": 6, "type": 2})
    payload = encode_job_state(state)
    assert decode_job_state(payload) == state
    validator = jsonschema.Draft202012Validator(schema("job-state.schema.json"))
    assert validator.is_valid(orjson.loads(payload))
    assert not validator.is_valid({**orjson.loads(payload), "unmapped": {"tag": "six"}})
