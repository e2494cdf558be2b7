"""The fast MatchEvent encoder writes exactly what orjson writes for the payload dict
(``match_event_payload``), also for odd values: strings orjson escapes, coordinates near zero
and far out (its table of coordinate texts), numbers of another type than declared, a team
that is not the match's, two matches' teams in turn."""

from __future__ import annotations

import dataclasses

import orjson
import pytest

from contracts.v1.match_event import encode_match_event
from contracts.v1.match_event import encode_match_event_content
from contracts.v1.match_event import match_event_payload
from domain import BodyPart
from domain import Coordinates
from domain import EventType
from domain import Match
from domain import Outcome
from domain import PassDetails
from domain import PassHeight
from domain import ShotDetails
from domain import Team
from tests.unit.samples import synthetic_match

ODD_STRINGS = ['say "hi"', "back\\slash", "tab\there", "nl\n", "\x7f", "nbsp\xa0", "ü\u2028", ""]
ODD_FLOATS = [0.0, -0.0, -0.00001, 0.00005, 0.00015, 1e-7, 1e16, 3e17, -2.5e20, 104.99995, 7.00005]


def _events(match: Match):
    base = match.events[0]
    yield base
    for text in ODD_STRINGS:
        for name in ("source_event_id", "source_type", "player_id", "player_name"):
            yield dataclasses.replace(base, **{name: text or "x"})
        yield dataclasses.replace(base, related_event_ids=(text, "b"))
        yield dataclasses.replace(base, receiver_id=text, receiver_name=text)
        yield dataclasses.replace(base, receiver_id="7", receiver_name=None)
    for value in ODD_FLOATS:
        yield dataclasses.replace(
            base,
            seconds=abs(value),
            start=Coordinates(value, -value),
            end=Coordinates(value, 1.0, value),
            received_seconds=value,
        )
    yield dataclasses.replace(base, received_seconds=float("nan"))
    yield dataclasses.replace(base, start=Coordinates(3, 4), seconds=2)
    yield dataclasses.replace(base, period=2.0)
    yield dataclasses.replace(base, under_pressure=1)
    yield dataclasses.replace(base, team_id="", player_id="")
    yield dataclasses.replace(base, team_id="someone else")
    yield dataclasses.replace(
        base,
        type=EventType.PASS,
        outcome=Outcome.SUCCESS,
        body_part=BodyPart.HEAD,
        pass_details=PassDetails(PassHeight.HIGH, cross=True),
        shot_details=ShotDetails(None, penalty=True, key_pass_id='k"p'),
        metrics=(("statsbomb_xg", 0.123456789), ("odd", 1e-9)),
        under_pressure=True,
    )


@pytest.mark.parametrize("sides_known", [True, False])
def test_every_odd_event_encodes_as_the_payload_dict(sides_known):
    match = synthetic_match()
    match = dataclasses.replace(match, sides_known=sides_known, info=None)
    for position, event in enumerate(_events(match)):
        expected = orjson.dumps(match_event_payload(match, event, position))
        assert encode_match_event(match, event, position) == expected, event
        assert encode_match_event(match, event, position, 7) == expected[:-2] + b"7}"
        content = encode_match_event_content(match, event, position)
        assert content == expected[: expected.rfind(b',"revision"')] + b"}"


def test_teams_of_two_matches_in_turn_keep_their_own_names_and_sides():
    first = synthetic_match()
    renamed = dataclasses.replace(
        first, home=Team(first.home.team_id, 'Renamed "FC"'), sides_known=False, info=None
    )
    for match in (first, renamed, first):
        for position, event in enumerate(match.events):
            expected = orjson.dumps(match_event_payload(match, event, position))
            assert encode_match_event(match, event, position) == expected
