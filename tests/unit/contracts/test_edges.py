"""Edges of the domain and contracts that the main tests do not reach."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from dataclasses import field

import orjson
import pytest

from contracts import ContractError
from contracts.v1 import decode_ingest_request
from contracts.v1 import decode_match_event
from contracts.v1.match_event import encode_match_event
from contracts.v1.match_event import match_event_payload
from domain import EventType
from domain import Match
from domain import Team
from domain.coordinates import init_through_slot_setters
from tests.unit.samples import one_event_match


def test_a_season_request_cannot_also_ask_for_all_matches():
    with pytest.raises(ContractError, match="all_matches"):
        decode_ingest_request(
            b'{"job_id": "j", "source": "statsbomb", "competition_id": 55, "season_id": 43,'
            b' "all_matches": true}'
        )


def test_an_event_without_a_team_has_no_team_name():
    match = one_event_match("e", "Half Start", EventType.PERIOD_START, team_id="")
    (event,) = match.events
    payload = match_event_payload(match, event, 0)
    assert payload["team_name"] == ""
    assert encode_match_event(match, event, 0) == orjson.dumps(payload)


def test_a_match_event_that_is_not_json_is_refused():
    with pytest.raises(ContractError, match="not JSON"):
        decode_match_event(b"{nope")


def test_a_match_needs_a_source_and_an_id():
    with pytest.raises(ValueError, match="source and an id"):
        Match("", "m", Team("1", "A"), Team("2", "B"), (), 0)


def test_the_fast_init_refuses_fields_it_cannot_reproduce():
    @dataclass(frozen=True, slots=True)
    class WithFactory:
        items: list[int] = field(default_factory=list)

    with pytest.raises(TypeError, match="only plain positional fields"):
        init_through_slot_setters(WithFactory)


def test_the_fast_init_works_without_post_init():
    @dataclass(frozen=True, slots=True)
    class Plain:
        a: int
        b: int = 2

    init_through_slot_setters(Plain)
    assert Plain(1) == Plain(a=1, b=2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        Plain(1).a = 3  # type: ignore[misc]
