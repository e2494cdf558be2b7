"""The real Wyscout sample rewritten at test time in the public v2 data set's layout (numbers in
``eventId``/``subEventId``, names in ``eventName``/``subEventName``, ``subEventId`` "" when
there is no sub-event) maps to the same match as the file as distributed."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from domain import EventType
from domain import InvalidSourceData
from domain import Match
from domain import Outcome
from processors.adapters.files import LocalFiles
from processors.adapters.wyscout import WyscoutLoader
from processors.adapters.wyscout import WyscoutRepository
from processors.adapters.wyscout.loaders import parse_match_file
from processors.adapters.wyscout.mapping import _EVENT_NAMES
from processors.adapters.wyscout.mapping import _SUB_EVENT_NAMES
from processors.adapters.wyscout.mapping import unmapped_vocabulary
from processors.adapters.wyscout.typed import WyEvent
from tests.paths import WY_MATCH
from tests.paths import wyscout_dir


def to_public_layout(event: dict) -> dict:
    """``eventName``/``subEventName`` numbers moved to ``eventId``/``subEventId``, names in
    their place (the sample's events without a sub-event have ``subEventName`` "")."""
    event = dict(event)
    event_id, sub_event_id = event.pop("eventName"), event.pop("subEventName")
    return {
        **event,
        "eventId": event_id,
        "subEventId": sub_event_id,
        "eventName": _EVENT_NAMES[event_id],
        "subEventName": "" if sub_event_id == "" else _SUB_EVENT_NAMES[sub_event_id],
    }


@pytest.fixture(scope="module")
def original_document() -> dict:
    return orjson.loads((wyscout_dir() / f"{WY_MATCH}.json").read_bytes())


@pytest.fixture(scope="module")
def public_dir(tmp_path_factory, original_document) -> Path:
    folder = tmp_path_factory.mktemp("wyscout-public-layout")
    document = dict(original_document)
    document["events"] = [to_public_layout(e) for e in original_document["events"]]
    (folder / f"{WY_MATCH}.json").write_bytes(orjson.dumps(document))
    return folder


def get_match(root: Path) -> Match:
    return WyscoutRepository(WyscoutLoader(LocalFiles("wyscout", root))).get_match(WY_MATCH)


@pytest.fixture(scope="module")
def original() -> Match:
    return get_match(wyscout_dir())


@pytest.fixture(scope="module")
def public(public_dir) -> Match:
    return get_match(public_dir)


def test_the_rewrite_really_moves_the_numbers(public_dir):
    events = orjson.loads((public_dir / f"{WY_MATCH}.json").read_bytes())["events"]
    assert events[0]["eventId"] == 8 and events[0]["eventName"] == "Pass"
    assert sum(e["subEventId"] == "" for e in events) == 5


def test_the_public_layout_decodes_into_typed_events(public_dir):
    match_file = parse_match_file((public_dir / f"{WY_MATCH}.json").read_bytes(), WY_MATCH)
    assert all(type(raw) is WyEvent for raw in match_file.events)


def test_the_public_layout_emits_the_same_events(original, public):
    assert len(public.events) == len(original.events) > 1700
    assert public.events == original.events
    assert public.dropped_by_reason == original.dropped_by_reason
    assert public.raw_event_count == original.raw_event_count == 1770


def test_the_public_layout_has_the_same_score_and_scorers(original, public):
    def scorers(match: Match) -> list[tuple[str, str, int]]:
        return [
            (e.team_id, e.player_name, e.period)
            for e in match.events
            if e.type is EventType.SHOT and e.outcome is Outcome.GOAL
        ]

    assert public.goals_by_team() == original.goals_by_team() == {"1612": 3, "1631": 2}
    assert scorers(public) == scorers(original) and len(scorers(public)) == 5
    assert public.info is not None and original.info is not None
    assert public.info.teams == original.info.teams


def test_the_public_layout_has_the_same_unmapped_vocabulary(original_document, public_dir):
    public_events = orjson.loads((public_dir / f"{WY_MATCH}.json").read_bytes())["events"]
    counts = unmapped_vocabulary(public_events)
    assert counts == unmapped_vocabulary(original_document["events"])
    assert counts["sub_event:72"] > 0


def test_a_file_that_is_only_the_events_list_maps_the_same_events(tmp_path, original):
    """One match cut out of the public data set's per-competition files is a bare list of
    its events (no teams or players maps): the same events, teams named by their ids."""
    events = orjson.loads((wyscout_dir() / f"{WY_MATCH}.json").read_bytes())["events"]
    (tmp_path / f"{WY_MATCH}.json").write_bytes(orjson.dumps([to_public_layout(e) for e in events]))
    bare = get_match(tmp_path)
    assert [e.event_id for e in bare.events] == [e.event_id for e in original.events]
    assert bare.goals_by_team() == {"1612": 3, "1631": 2}
    assert {bare.home.name, bare.away.name} == {"1612", "1631"}
    assert {e.player_name for e in bare.events} == {""}  # no players map: no names


def test_a_bare_list_with_three_teams_is_refused_in_words(tmp_path):
    rows = [{"id": n, "teamId": n, "matchPeriod": "1H", "eventSec": 1.0} for n in (1, 2, 3)]
    (tmp_path / f"{WY_MATCH}.json").write_bytes(orjson.dumps(rows))
    with pytest.raises(InvalidSourceData, match="3 teams, not two"):
        get_match(tmp_path)
