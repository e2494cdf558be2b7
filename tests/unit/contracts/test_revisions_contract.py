"""Issue 16 on the wire: MatchEvent's additive ``revision``, the retraction record, and the
CloudEvents ``ce_type`` (plus ``pitchstream_event_id``) that tell an event, a revision and a
retraction apart without parsing the value."""

from __future__ import annotations

import hashlib

import jsonschema
import orjson
import pytest

from contracts.codec import ContractError
from contracts.schemas import V1_DIR
from contracts.v1.headers import MATCH_EVENT_RETRACTION_TYPE
from contracts.v1.headers import MATCH_EVENT_REVISION_TYPE
from contracts.v1.headers import MATCH_EVENT_TYPE
from contracts.v1.headers import header_value
from contracts.v1.headers import record_kind
from contracts.v1.match_event import RETRACTION_SCHEMA_ID
from contracts.v1.match_event import SCHEMA_ID
from contracts.v1.match_event import MatchEventRetraction
from contracts.v1.match_event import content_digest
from contracts.v1.match_event import decode_match_event
from contracts.v1.match_event import decode_match_event_record
from contracts.v1.match_event import encode_match_event
from contracts.v1.match_event import encode_match_event_content
from contracts.v1.match_event import encode_retraction
from contracts.v1.match_event import strip_revision
from contracts.v1.match_event import with_revision
from tests.unit.contracts.test_match_event_compatibility import OLD_PAYLOADS
from tests.unit.samples import event_headers
from tests.unit.samples import synthetic_match


def _schema(name: str) -> dict:
    return orjson.loads((V1_DIR / name).read_bytes())


def test_new_payloads_end_with_revision_1_and_are_the_content_plus_that_key():
    match = synthetic_match(events=3)
    for position, event in enumerate(match.events):
        content = encode_match_event_content(match, event, position)
        payload = encode_match_event(match, event, position)
        assert "revision" not in orjson.loads(content)
        assert payload == content[:-1] + b',"revision":1}'
        assert orjson.loads(payload) == {**orjson.loads(content), "revision": 1}
        assert list(orjson.loads(payload))[-1] == "revision"
        jsonschema.validate(orjson.loads(payload), _schema("match-event.schema.json"))


def test_a_revision_is_the_same_content_with_a_higher_number_and_the_same_digest():
    match = synthetic_match(events=1)
    content = encode_match_event_content(match, match.events[0], 0)
    revised = with_revision(content, 7)
    assert orjson.loads(revised)["revision"] == 7
    assert decode_match_event(revised).revision == 7
    assert revised == encode_match_event(match, match.events[0], 0, revision=7)
    assert strip_revision(revised) == content
    assert content_digest(content) == hashlib.sha256(content).hexdigest()[:32]
    assert len(content_digest(content)) == 32
    with pytest.raises(ValueError, match="revision"):
        with_revision(content, 0)


@pytest.mark.parametrize("payload", OLD_PAYLOADS)
def test_old_payloads_decode_as_revision_1_and_their_digest_is_their_bytes(payload):
    assert decode_match_event(payload).revision == 1
    assert strip_revision(payload) == payload
    record = decode_match_event_record(payload)
    assert record.revision == 1


def test_a_retraction_carries_the_event_id_the_match_and_the_revision_only():
    payload = encode_retraction(source="statsbomb", match_id="9", event_id="e1", revision=3)
    assert orjson.loads(payload) == {
        "event_id": "e1",
        "source": "statsbomb",
        "match_id": "9",
        "revision": 3,
        "retracted": True,
    }
    record = decode_match_event_record(payload)
    assert isinstance(record, MatchEventRetraction)
    assert (record.event_id, record.revision, record.retracted) == ("e1", 3, True)
    jsonschema.validate(orjson.loads(payload), _schema("match-event-retraction.schema.json"))
    # A reader of MatchEvent alone refuses it loudly rather than inventing content.
    with pytest.raises(ContractError, match="required field is missing"):
        decode_match_event(payload)
    with pytest.raises(ContractError, match="retracted"):
        decode_match_event_record(
            b'{"event_id":"e1","source":"s","match_id":"9","revision":2,"retracted":false}'
        )
    with pytest.raises(ValueError, match="revision"):
        encode_retraction(source="s", match_id="9", event_id="e1", revision=1)


def test_the_retraction_schema_is_not_satisfied_by_an_event_nor_the_reverse():
    match = synthetic_match(events=1)
    event = orjson.loads(encode_match_event(match, match.events[0], 0))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(event, _schema("match-event-retraction.schema.json"))
    retraction = orjson.loads(encode_retraction(source="s", match_id="9", event_id="e", revision=2))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(retraction, _schema("match-event.schema.json"))


def test_ce_type_tells_an_event_a_revision_and_a_retraction_apart():
    assert MATCH_EVENT_TYPE == "io.pitchstream.match-event.v1"
    assert MATCH_EVENT_REVISION_TYPE == "io.pitchstream.match-event-revision.v1"
    assert MATCH_EVENT_RETRACTION_TYPE == "io.pitchstream.match-event-retraction.v1"
    first, revision, retraction = (
        event_headers(),
        event_headers(revision=2),
        event_headers(revision=3, retracted=True),
    )
    assert header_value(first, "ce_type") == MATCH_EVENT_TYPE
    assert header_value(revision, "ce_type") == MATCH_EVENT_REVISION_TYPE
    assert header_value(retraction, "ce_type") == MATCH_EVENT_RETRACTION_TYPE
    assert [record_kind(h) for h in (first, revision, retraction)] == [
        "event",
        "revision",
        "retraction",
    ]
    assert record_kind([("ce_type", b"something.else")]) is None
    assert header_value(retraction, "ce_dataschema") == RETRACTION_SCHEMA_ID
    assert header_value(revision, "ce_dataschema") == SCHEMA_ID


def test_ce_id_is_unique_per_record_and_the_event_id_is_a_header_of_its_own():
    """CloudEvents: the same ce_source and ce_id is the same event (consumers may drop it as
    a duplicate), so a revision of an event needs its own ce_id; the event id stays in
    ``pitchstream_event_id`` on every record."""
    event_id = "3e6b6021-4f5d-54e7-8e37-435ccbf8422c"
    ids = [
        header_value(event_headers(revision=r, retracted=gone), "ce_id")
        for r, gone in ((1, False), (2, False), (3, True))
    ]
    assert ids == [event_id, f"{event_id}.r2", f"{event_id}.r3"]
    for revision in (1, 2):
        assert header_value(event_headers(revision=revision), "pitchstream_event_id") == event_id
    with pytest.raises(ValueError, match="revision"):
        event_headers(revision=1, retracted=True)
