"""The Wyscout and Stats Perform mappers on synthetic rows: own goals, drops, orientation."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime

import pytest

from domain import EventType
from domain import Outcome
from domain import Team
from processors.adapters.statsperform import mapping as opta
from processors.adapters.wyscout import mapping as wyscout
from tests.unit.samples import assert_accounted

TEAMS = (Team("1", "One"), Team("2", "Two"))


def wy(event_id: int, team: int = 1, **fields) -> dict:
    row = {
        "id": event_id,
        "playerId": 10,
        "teamId": team,
        "matchPeriod": "1H",
        "eventSec": float(event_id),
        "eventName": 8,
        "subEventName": 85,
        "positions": [{"x": 40, "y": 30}, {"x": 60, "y": 30}],
        "tags": [{"id": 1801}],
    }
    row.update(fields)
    return row


def wy_match(*rows, home_team_id=None):
    match_file = wyscout.WyscoutMatchFile("m", TEAMS, rows)
    return wyscout.map_match(match_file, home_team_id=home_team_id)


def test_a_wyscout_own_goal_counts_for_the_other_team_at_the_own_end():
    own_goal = wy(
        1,
        team=2,
        eventName=7,
        subEventName=72,
        tags=[{"id": 102}],
        positions=[{"x": "3", "y": "50"}, {"x": "0", "y": "50"}],
    )
    match = wy_match(own_goal)
    (event,) = match.events
    assert (
        event.type is EventType.OWN_GOAL_AGAINST and event.source_type == "Others on the ball/Touch"
    )
    assert event.start.x < 5.0
    assert match.goals_by_team() == {"1": 1, "2": 0}


def test_a_wyscout_goal_and_the_keepers_tagged_save_count_once():
    shot = wy(1, eventName=10, subEventName=100, tags=[{"id": 101}, {"id": 1801}])
    save = wy(2, team=2, eventName=9, subEventName=90, tags=[{"id": 101}, {"id": 1802}])
    match = wy_match(shot, save)
    assert match.goals_by_team() == {"1": 1, "2": 0}
    assert [e.type for e in match.events] == [EventType.SHOT, EventType.GOALKEEPER]


def test_wyscout_rows_that_cannot_be_read_are_dropped_and_counted():
    rows = [
        wy(1),
        wy(1),  # the same id again
        wy(2, team=3),
        wy(3, matchPeriod="9H"),
        wy(4, positions=[{"x": "a", "y": 1}]),
        wy(5, eventSec=-1.0),
        "not an object",
    ]
    match = wy_match(*rows)
    reasons = dict(duplicate_event_id=1, unknown_team=1, unreadable_event=3, invalid_location=1)
    assert_accounted(match, emitted=1, dropped=reasons)


def test_wyscout_y_is_the_acting_teams_left_touchline_at_zero():
    (event,) = wy_match(wy(1, positions=[{"x": 50, "y": 0}])).events
    assert event.start.y == pytest.approx(68.0)


def test_wyscout_unknown_sub_events_are_generic_and_counted():
    row = wy(1, eventName=7, subEventName=77, tags=[{"id": 9999}])
    (event,) = wy_match(row).events
    assert event.type is EventType.GENERIC and event.source_type == "Others on the ball/77"
    assert wyscout.unmapped_vocabulary([row]) == {"sub_event:77": 1, "tag:9999": 1}


def test_wyscout_tags_no_table_reads_are_counted_on_the_match_for_kept_events_only():
    rows = [
        wy(1, eventName=7, subEventName=77, tags=[{"id": 9999}, {"id": 1801}]),
        wy(2, tags=[{"id": 9999}, {"id": 1401}]),
        wy(3, team=3, tags=[{"id": 9999}]),  # dropped: unknown team
        wy(2, tags=[{"id": 1401}]),  # dropped: the same id again
    ]
    match = wy_match(*rows)
    assert match.unmapped == (
        ("tag", "1401", 1),
        ("tag", "9999", 2),
        ("type", "Others on the ball/77", 1),
    )
    assert match.unmapped_by_field == {"tag": 3, "type": 1}


START = "2021-01-01T12:00:00.000Z"


def sp(event_id: int, type_id: int = 1, team: str = "1", qualifiers=(), **fields) -> dict:
    row = {
        "id": event_id,
        "typeId": type_id,
        "periodId": 1,
        "timeMin": 0,
        "timeSec": 5,
        "contestantId": team,
        "playerId": "p",
        "playerName": "P",
        "outcome": 1,
        "x": 40.0,
        "y": 30.0,
        "timeStamp": "2021-01-01T12:00:05.500Z",
        "qualifier": [{"qualifierId": q, "value": v} for q, v in qualifiers],
    }
    row.update(fields)
    return row


def sp_match(*rows):
    start = sp(0, 32, x=0, y=0, timeStamp=START, timeSec=0)
    match_file = opta.StatsPerformMatchFile("m", TEAMS, (start, *rows))
    return opta.map_match(match_file)


def test_an_opta_own_goal_is_turned_to_face_the_scorers_own_goal_and_counts_for_the_other():
    own_goal = sp(1, 16, team="2", qualifiers=[(28, None)], x=97.0, y=48.0)
    match = sp_match(own_goal)
    event = match.events[-1]
    assert event.type is EventType.OWN_GOAL_AGAINST
    assert event.start.x < 5.0
    assert match.score() == (1, 0)


def test_an_opta_goal_is_a_scored_shot_and_times_count_from_the_start_event():
    match = sp_match(sp(1, 16, x=88.5, y=50.0, qualifiers=[(9, None)]))
    goal = match.events[-1]
    assert (goal.type, goal.outcome, goal.seconds) == (EventType.SHOT, Outcome.GOAL, 5.5)
    assert 105 - goal.start.x == pytest.approx(11.0)


def test_an_opta_save_with_qualifier_94_is_an_outfield_block():
    match = sp_match(sp(1, 10, qualifiers=[(94, None)]), sp(2, 10))
    assert [e.type for e in match.events[1:]] == [EventType.BLOCK, EventType.GOALKEEPER]


def test_an_opta_foul_is_committed_or_won_by_its_outcome():
    match = sp_match(sp(1, 4, outcome=0), sp(2, 4, team="2", outcome=1))
    assert [e.type for e in match.events[1:]] == [EventType.FOUL_COMMITTED, EventType.FOUL_WON]


def test_opta_rows_that_cannot_be_read_are_dropped_and_counted():
    match = sp_match(
        sp(1),
        sp(2, 43),
        sp(3, 30, periodId=14),
        sp(4, team="9"),
        sp(5, periodId=None),
        sp(6, qualifiers=[(140, "x"), (141, "1")]),
        sp(1),
    )
    assert match.dropped_by_reason == {
        "deleted_by_provider": 1,
        "outside_play": 1,
        "unknown_team": 1,
        "unreadable_event": 1,
        "invalid_location": 1,
        "duplicate_event_id": 1,
    }
    assert len(match.events) == 2


def test_opta_times_fall_back_to_the_match_clock_without_a_start():
    row = sp(1, periodId=2, timeMin=50, timeSec=7, timeStamp=None)
    match_file = opta.StatsPerformMatchFile("m", TEAMS, (row,))
    (event,) = opta.map_match(match_file).events
    assert event.seconds == 5 * 60 + 7


def test_opta_period_start_from_ma1_is_used_when_ma3_has_no_start_event():
    row = sp(1)
    starts = {1: datetime(2021, 1, 1, 12, 0, 1, tzinfo=UTC)}
    match_file = opta.StatsPerformMatchFile("m", TEAMS, (row,), period_starts_utc=starts)
    (event,) = opta.map_match(match_file).events
    assert event.seconds == pytest.approx(4.5)


def test_opta_qualifiers_no_table_reads_are_counted_on_the_match_for_kept_events_only():
    rows = [
        sp(1, qualifiers=[(9001, "x"), (9001, "again"), (140, "50")]),
        sp(2, qualifiers=[(9001, None), (9002, "1")]),
        sp(3, team="3", qualifiers=[(9001, None)]),  # dropped: unknown team
        sp(4, 43, qualifiers=[(9001, None)]),  # dropped: deleted by the provider
    ]
    match = sp_match(*rows)
    assert [u for u in match.unmapped if u[0] == "qualifier"] == [
        ("qualifier", "9001", 2),
        ("qualifier", "9002", 1),
    ]
