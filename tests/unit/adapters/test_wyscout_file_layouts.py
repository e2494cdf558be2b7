"""The Wyscout mapper and loader on the layouts users' v2 files come in (synthetic rows).

Wyscout's public v2 data set (Pappalardo et al.) and many API exports put the numbers in
``eventId``/``subEventId`` and the names in ``eventName``/``subEventName`` (``subEventId`` ""
when there is no sub-event); the API v2 files kloppy ships put the numbers in ``eventName``/
``subEventName``. Either way every raw event is mapped or counted as dropped, never a crash.
"""

from __future__ import annotations

import orjson
import pytest

from domain import EventType
from domain import Outcome
from domain import SetPiece
from domain import Team
from processors.adapters.wyscout import mapping as wyscout
from processors.adapters.wyscout.loaders import parse_match_file
from tests.unit.adapters.test_wyscout_statsperform_mapping import wy as api_row
from tests.unit.samples import assert_accounted

TEAMS = (Team("1", "One"), Team("2", "Two"))


def public_row(event_id: int, event: int = 8, sub_event: int | str = 85, **fields) -> dict:
    """The same row in the public data set's layout: numbers in eventId/subEventId, names
    in eventName/subEventName (``api_row``: numbers in eventName/subEventName, as in the
    API v2 files kloppy ships)."""
    row = api_row(event_id, **fields)
    del row["eventName"], row["subEventName"]
    sub_name = "" if sub_event == "" else wyscout._SUB_EVENT_NAMES.get(int(sub_event), "")
    row.update(
        eventId=event,
        subEventId=sub_event,
        eventName=wyscout._EVENT_NAMES.get(event, ""),
        subEventName=sub_name,
    )
    row.update(fields)
    return row


def mapped(*rows):
    return wyscout.map_match(wyscout.WyscoutMatchFile("m", TEAMS, rows))


def test_a_public_layout_pass_maps_like_the_api_layout_pass():
    public, api = mapped(public_row(1)), mapped(api_row(1))
    assert public.events == api.events
    (event,) = public.events
    assert event.type is EventType.PASS and event.source_type == "Pass/Simple pass"
    assert event.outcome is Outcome.SUCCESS


def test_an_empty_sub_event_id_means_the_event_alone_decides():
    (offside,) = mapped(public_row(1, event=6, sub_event="")).events
    assert offside.type is EventType.OFFSIDE and offside.source_type == "Offside"


def test_public_layout_codes_written_as_strings_are_read():
    shot = public_row(1, event="10", sub_event="100", tags=[{"id": "101"}])
    (event,) = mapped(shot).events
    assert event.type is EventType.SHOT and event.outcome is Outcome.GOAL


def test_a_free_kick_shot_in_the_public_layout_is_a_free_kick_goal():
    shot = public_row(1, event=3, sub_event=33, tags=[{"id": 101}])
    match = mapped(shot)
    (event,) = match.events
    assert event.set_piece is SetPiece.FREE_KICK and event.source_type == "Free Kick/Free kick shot"
    assert match.goals_by_team() == {"1": 1, "2": 0}


def test_event_id_wins_over_a_numeric_event_name_and_a_blank_one_falls_back():
    both = api_row(1, eventId=10, subEventId=100)  # eventName 8 / subEventName 85 too
    assert mapped(both).events[0].type is EventType.SHOT
    blank = api_row(2, eventId="", subEventId=None)  # present but no code: use the names
    assert mapped(blank).events[0].source_type == "Pass/Simple pass"


def test_event_codes_read_either_layout():
    assert wyscout.event_codes(public_row(1)) == (8, 85)
    assert wyscout.event_codes(api_row(1)) == (8, 85)
    assert wyscout.event_codes(public_row(1, event=6, sub_event="")) == (6, None)
    assert wyscout.event_codes({"eventName": "Pass", "subEventName": "Simple pass"}) == (None, None)
    assert wyscout.event_codes({"eventId": "²", "eventName": 7}) == (7, None)


def test_an_event_named_but_not_numbered_is_dropped_as_unreadable():
    row = public_row(1)
    del row["eventId"]
    assert_accounted(mapped(row, public_row(2)), emitted=1, dropped={"unreadable_event": 1})


def test_unmapped_vocabulary_is_the_same_for_both_layouts():
    rows = [(7, 72, 9999), (6, "", 1801), (7, 77, 1401)]
    public = [public_row(i, e, s, tags=[{"id": t}]) for i, (e, s, t) in enumerate(rows)]
    api = [
        api_row(i, eventName=e, subEventName=s, tags=[{"id": t}])
        for i, (e, s, t) in enumerate(rows)
    ]
    expected = {"sub_event:72": 1, "sub_event:77": 1, "tag:9999": 1, "tag:1401": 1}
    assert wyscout.unmapped_vocabulary(public) == wyscout.unmapped_vocabulary(api) == expected


# -- other variations a user's file may have ---------------------------------------------------


def test_player_id_zero_is_no_player():
    (event,) = mapped(public_row(1, playerId=0)).events
    assert event.player_id == "" and event.player_name == ""


@pytest.mark.parametrize("tags", [None, [], [{}], [{"id": None}], [{"name": "x"}], ["1801"]])
def test_missing_or_empty_tags_mean_no_tags(tags):
    row = public_row(1)
    if tags is None:
        del row["tags"]
    else:
        row["tags"] = tags
    (event,) = mapped(row).events
    assert event.outcome is None


@pytest.mark.parametrize("tags", [101, {"id": 101}, "101", True])
def test_tags_that_are_not_a_list_drop_the_event_as_unreadable(tags):
    assert_accounted(
        mapped(public_row(1, tags=tags), public_row(2)),
        emitted=1,
        dropped={"unreadable_event": 1},
    )
    assert wyscout.unmapped_vocabulary([public_row(1, tags=tags)]) == {}


def test_missing_or_short_positions_give_no_end_or_no_location():
    none = public_row(1)
    del none["positions"]
    empty = public_row(2, positions=[])
    one = public_row(3, positions=[{"x": 50, "y": 50}])
    events = mapped(none, empty, one).events
    assert [(e.start is None, e.end is None) for e in events] == [
        (True, True),
        (True, True),
        (False, True),
    ]


@pytest.mark.parametrize(
    "positions",
    [
        {"x": 50, "y": 50},
        5,
        "50",
        [{"x": 50}],
        [{"x": None, "y": 1}],
        [{"x": [1], "y": 1}],
        [{"x": "nan", "y": 1}],
        [None],
    ],
)
def test_positions_that_cannot_be_read_drop_the_event_as_invalid_location(positions):
    assert_accounted(
        mapped(public_row(1, positions=positions), public_row(2)),
        emitted=1,
        dropped={"invalid_location": 1},
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"id": None},
        {"matchPeriod": ["1H"]},
        {"eventSec": None},
        {"eventSec": "soon"},
        {"eventId": None, "eventName": None},
        {"eventId": {"id": 8}},
    ],
)
def test_odd_values_drop_the_event_as_unreadable(fields):
    row = public_row(1)
    row.update(fields)  # public_row's eventName is "Pass": no code to fall back on
    assert_accounted(mapped(row, public_row(2)), emitted=1, dropped={"unreadable_event": 1})


# -- the file's teams and players maps ---------------------------------------------------------


def file_bytes(events, **document) -> bytes:
    return orjson.dumps({"events": events, **document})


TWO_TEAMS = [public_row(1, teamId=1), public_row(2, teamId=2, playerId=20)]


def test_a_file_without_teams_or_players_maps_takes_the_teams_from_the_events():
    match_file = parse_match_file(file_bytes(TWO_TEAMS), "m")
    assert [t.team_id for t in match_file.teams] == ["1", "2"]
    match = wyscout.map_match(match_file)
    assert_accounted(match, emitted=2, dropped={})
    assert [e.player_name for e in match.events] == ["", ""]
    assert match.info is not None and match.info.lineup_derivation is None


@pytest.mark.parametrize(
    "teams",
    [
        {"1": {"team": None}, "2": {"team": None}},
        {"1": None, "2": "Two"},
        {"1": {"team": {"name": 7}}, "2": {}},
    ],
)
def test_teams_entries_of_odd_shape_fall_back_to_their_keys(teams):
    match_file = parse_match_file(file_bytes(TWO_TEAMS, teams=teams), "m")
    assert [t.team_id for t in match_file.teams] == ["1", "2"]
    assert_accounted(wyscout.map_match(match_file), emitted=2, dropped={})


def test_teams_given_as_a_list_fall_back_to_the_events():
    teams = [{"wyId": 1, "name": "One"}, {"wyId": 2, "name": "Two"}]
    match_file = parse_match_file(file_bytes(TWO_TEAMS, teams=teams), "m")
    assert [t.team_id for t in match_file.teams] == ["1", "2"]


def test_player_entries_keyed_by_player_id_name_the_events():
    players = {
        "1": [{"playerId": 10, "shortName": "Ten"}],
        "2": [{"player": {"playerId": "20", "firstName": "Twen", "lastName": "Ty"}}],
    }
    match = wyscout.map_match(parse_match_file(file_bytes(TWO_TEAMS, players=players), "m"))
    assert [(e.player_id, e.player_name) for e in match.events] == [
        ("10", "Ten"),
        ("20", "Twen Ty"),
    ]


@pytest.mark.parametrize(
    "players",
    [
        [{"wyId": 10}],
        {"1": None, "2": "x"},
        {"1": [None, 5, {"player": None}, {"player": {"wyId": None}}, {"wyId": 0}, {"wyId": "²"}]},
        {"1": [{"player": {"wyId": 10, "role": "Forward", "shortName": 5}}]},
    ],
)
def test_players_maps_of_odd_shape_never_stop_the_match(players):
    match = wyscout.map_match(parse_match_file(file_bytes(TWO_TEAMS, players=players), "m"))
    assert_accounted(match, emitted=2, dropped={})
    assert all(e.player_name in ("", "10") for e in match.events)
