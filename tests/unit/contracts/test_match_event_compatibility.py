"""MatchEvent v1 grew optional fields (issue 11); both directions of compatibility hold.

Old payloads (written before the fields existed) decode with today's decoder, the new keys
at their null defaults; new payloads decode with a reader that knows only the fields v1 had
before (a frozen copy of those fields below), which ignores the keys it does not know.
"""

from __future__ import annotations

from dataclasses import field
from dataclasses import make_dataclass

import jsonschema
import orjson
import pytest

from contracts.codec import field_meta
from contracts.codec import from_dict
from contracts.schemas import V1_DIR
from contracts.v1.match_event import Location
from contracts.v1.match_event import MatchEvent
from contracts.v1.match_event import decode_match_event
from contracts.v1.match_event import encode_match_event
from domain import BodyPart
from domain import Card
from domain import EventType
from domain import Outcome
from domain import PassDetails
from domain import PassHeight
from domain import SetPiece
from domain import ShotDetails
from domain import ShotTechnique
from domain import Side
from tests.contract_facts import ISSUE_11_EVENT_FIELDS
from tests.unit.samples import info_of
from tests.unit.samples import synthetic_match

# Payloads of StatsBomb match 3788741 as published before issue 11 (commit 719a05e).
OLD_PAYLOADS = [
    b'{"event_id":"b3c9bccf-7df0-53ec-b4fe-d4f4f24e23a6","source":"statsbomb","match_id":"3788741","source_event_id":"19edeac2-e63f-4795-8a8b-17a6e9fdb6e3","source_type":"Starting XI","type":"starting_lineup","index":0,"period":1,"seconds":0.0,"team_id":"909","team_name":"Turkey","player_id":"","player_name":"","start":null,"end":null,"outcome":null,"body_part":null,"set_piece":null,"card":null,"related_event_ids":[]}',  # noqa: E501
    b'{"event_id":"f6bfc3ee-b48a-50ce-bc1a-c1c2f2310c0c","source":"statsbomb","match_id":"3788741","source_event_id":"bbc398f7-c784-4958-a504-37b583caf97a","source_type":"Pass","type":"pass","index":5,"period":1,"seconds":0.878,"team_id":"909","team_name":"Turkey","player_id":"11086","player_name":"Burak Y\xc4\xb1lmaz","start":{"x":52.4562,"y":34.0425},"end":{"x":28.3938,"y":43.5625},"outcome":"success","body_part":"right_foot","set_piece":"kick_off","card":null,"related_event_ids":["407e1965-cbb4-5909-8075-63d2a5678ffe"]}',  # noqa: E501
    b'{"event_id":"3e6b6021-4f5d-54e7-8e37-435ccbf8422c","source":"statsbomb","match_id":"3788741","source_event_id":"009e954d-99b5-4cf4-83e9-5de8989b5725","source_type":"Shot","type":"shot","index":2774,"period":2,"seconds":1233.192,"team_id":"914","team_name":"Italy","player_id":"7788","player_name":"Ciro Immobile","start":{"x":99.3563,"y":37.3575},"end":{"x":104.9562,"y":33.7875,"z":1.2802},"outcome":"goal","body_part":"right_foot","set_piece":null,"card":null,"related_event_ids":["ba72c634-b2a6-59fc-88c2-ad1895b755b4"]}',  # noqa: E501
]
NEW_KEYS = set(ISSUE_11_EVENT_FIELDS)


# MatchEvent v1's fields before the additive ones, in order, as a consumer's reader had them
# (frozen here: today's MatchEvent must keep decoding into it).
FIELDS_BEFORE_ISSUE_11 = {
    "event_id": str,
    "source": str,
    "match_id": str,
    "source_event_id": str,
    "source_type": str,
    "type": EventType,
    "index": int,
    "period": int,
    "seconds": float,
    "team_id": str,
    "team_name": str,
    "player_id": str,
    "player_name": str,
    "start": Location | None,
    "end": Location | None,
    "outcome": Outcome | None,
    "body_part": BodyPart | None,
    "set_piece": SetPiece | None,
    "card": Card | None,
    "related_event_ids": tuple[str, ...],
}
BOUNDS_BEFORE_ISSUE_11 = {
    "index": {"minimum": 0},
    "period": {"minimum": 1, "maximum": 5},
    "seconds": {"minimum": 0},
}
MatchEventBeforeIssue11 = make_dataclass(
    "MatchEventBeforeIssue11",
    [
        (name, kind, field(metadata=field_meta("", **BOUNDS_BEFORE_ISSUE_11.get(name, {}))))
        for name, kind in FIELDS_BEFORE_ISSUE_11.items()
    ],
    frozen=True,
    slots=True,
)


@pytest.mark.parametrize("payload", OLD_PAYLOADS)
def test_old_payloads_decode_with_the_new_decoder_the_new_fields_null(payload):
    event = decode_match_event(payload)
    assert event.source == "statsbomb"
    assert (event.team_side, event.receiver, event.received_seconds) == (None, None, None)
    assert (event.pass_, event.shot, event.metrics, event.under_pressure) == (None,) * 4
    assert (event.goalkeeper_action, event.duel_kind) == (None, None)
    old = orjson.loads(payload)
    assert not NEW_KEYS & set(old)
    jsonschema.validate(old, orjson.loads((V1_DIR / "match-event.schema.json").read_bytes()))


def _rich_match():
    match = synthetic_match(events=3)
    events = list(match.events)
    events[0] = _replace(
        events[0],
        receiver_id="9",
        receiver_name="Nine",
        received_seconds=1.25,
        under_pressure=True,
        pass_details=PassDetails(PassHeight.HIGH, cross=True, goal_assist=True),
    )
    events[1] = _replace(
        events[1],
        type=EventType.SHOT,
        shot_details=ShotDetails(ShotTechnique.VOLLEY, True, False, events[0].event_id),
        metrics=(("statsbomb_xg", 0.25),),
    )
    info = info_of(match)
    return type(match)(
        match.source,
        match.match_id,
        match.home,
        match.away,
        tuple(events),
        match.raw_event_count,
        match.dropped,
        (),
        info,
    )


def _replace(event, **changes):
    import dataclasses

    return dataclasses.replace(event, **changes)


def test_new_payloads_carry_every_new_key_and_decode_with_todays_reader():
    match = _rich_match()
    for position, event in enumerate(match.events):
        payload = encode_match_event(match, event, position)
        data = orjson.loads(payload)
        assert set(data) >= NEW_KEYS
        old_reader = from_dict(MatchEventBeforeIssue11, data)
        new = decode_match_event(payload)
        for name in MatchEventBeforeIssue11.__dataclass_fields__:
            assert getattr(old_reader, name) == getattr(new, name)


def test_the_new_fields_round_trip():
    match = _rich_match()
    passed = decode_match_event(encode_match_event(match, match.events[0], 0))
    assert passed.team_side is Side.HOME
    assert passed.receiver is not None and passed.receiver.player_id == "9"
    assert passed.received_seconds == 1.25 and passed.under_pressure is True
    assert passed.pass_ is not None and passed.pass_.height is PassHeight.HIGH
    assert passed.pass_.cross and passed.pass_.goal_assist and not passed.pass_.switch
    shot = decode_match_event(encode_match_event(match, match.events[1], 1))
    assert shot.team_side is Side.AWAY
    assert shot.shot is not None and shot.shot.technique is ShotTechnique.VOLLEY
    assert shot.shot.key_pass_id == match.events[0].event_id
    assert shot.metrics == {"statsbomb_xg": 0.25}
    assert orjson.loads(encode_match_event(match, match.events[1], 1))["pass"] is None


def test_sides_are_null_exactly_when_the_match_does_not_know_them():
    import dataclasses

    known = synthetic_match(events=2)
    unknown = dataclasses.replace(known, sides_known=False)
    for position, event in enumerate(known.events):
        side = orjson.loads(encode_match_event(known, event, position))["team_side"]
        assert side == ("home" if event.team_id == known.home.team_id else "away")
        assert orjson.loads(encode_match_event(unknown, event, position))["team_side"] is None


def test_the_schema_lists_pass_under_its_json_name():
    properties = orjson.loads((V1_DIR / "match-event.schema.json").read_bytes())["properties"]
    assert "pass" in properties and "pass_" not in properties
    assert set(properties) == set(MatchEvent.__dataclass_fields__) - {"pass_"} | {"pass"}
