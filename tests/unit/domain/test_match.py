import dataclasses

import pytest

from domain import Coordinates
from domain import Event
from domain import EventType
from domain import Match
from domain import Outcome
from domain import Team
from domain import event_id_for
from tests.unit.samples import info_of
from tests.unit.samples import reassembled

HOME = Team("1", "Home FC")
AWAY = Team("2", "Away FC")


def make_event(index: int, *, period=1, seconds=0.0, team="1", match_id="m1", **fields) -> Event:
    defaults = dict(
        event_id=event_id_for("test", match_id, f"e{index}"),
        source="test",
        match_id=match_id,
        source_event_id=f"e{index}",
        source_type="Pass",
        type=EventType.PASS,
        index=index,
        period=period,
        seconds=seconds,
        team_id=team,
    )
    defaults.update(fields)
    return Event(**defaults)


def make_match(events, *, raw=None, dropped=None) -> Match:
    events = list(events)
    return Match.assemble(
        source="test",
        match_id="m1",
        home=HOME,
        away=AWAY,
        events=events,
        raw_event_count=len(events) if raw is None else raw,
        dropped=dropped,
    )


def test_event_ids_are_deterministic_and_distinct_per_match():
    assert event_id_for("statsbomb", "1", "a") == event_id_for("statsbomb", "1", "a")
    assert event_id_for("statsbomb", "1", "a") != event_id_for("statsbomb", "2", "a")
    assert event_id_for("statsbomb", "1", "a") != event_id_for("metrica", "1", "a")


def test_assemble_orders_events_by_period_time_and_provider_index():
    late = make_event(1, period=2, seconds=1.0)
    early = make_event(3, period=1, seconds=5.0)
    tie_second = make_event(2, period=1, seconds=5.0)
    match = make_match([late, early, tie_second])
    assert [e.source_event_id for e in match.events] == ["e2", "e3", "e1"]


def test_a_match_refuses_events_out_of_order():
    first, second = make_event(1, seconds=10.0), make_event(2, seconds=5.0)
    with pytest.raises(ValueError, match="out of order"):
        Match("test", "m1", HOME, AWAY, (first, second), 2)


def test_a_match_refuses_an_event_of_another_match():
    with pytest.raises(ValueError, match="another match"):
        make_match([make_event(1, match_id="other")])


def test_a_match_refuses_a_team_that_does_not_play_in_it():
    with pytest.raises(ValueError, match="not in match"):
        make_match([make_event(1, team="99")])


def test_a_match_refuses_duplicate_event_ids():
    event = make_event(1)
    twin = dataclasses.replace(event, index=2)
    with pytest.raises(ValueError, match="twice"):
        make_match([event, twin])


def test_a_match_refuses_home_and_away_being_the_same_team():
    with pytest.raises(ValueError, match="same team"):
        Match("test", "m1", HOME, HOME, (), 0)


def test_every_raw_event_must_be_kept_or_dropped_with_a_reason():
    events = [make_event(1), make_event(2)]
    match = make_match(events, raw=5, dropped={"unsupported": 2, "bad_row": 1})
    assert match.dropped_count == 3
    assert match.dropped_by_reason == {"bad_row": 1, "unsupported": 2}
    with pytest.raises(ValueError, match="5 raw events but 2 kept and 2 dropped"):
        make_match(events, raw=5, dropped={"unsupported": 2})


def test_dropped_counts_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        make_match([make_event(1)], raw=1, dropped={"nothing": 0})


def test_an_event_refuses_an_impossible_period_or_time():
    with pytest.raises(ValueError, match="period"):
        make_event(1, period=0)
    with pytest.raises(ValueError, match="seconds"):
        make_event(1, seconds=-1.0)
    with pytest.raises(ValueError, match="id"):
        make_event(1, event_id="")


def test_score_counts_goals_and_own_goals_for_the_other_side():
    events = [
        make_event(1, seconds=1.0, type=EventType.SHOT, outcome=Outcome.GOAL, team="1"),
        make_event(2, seconds=2.0, type=EventType.SHOT, outcome=Outcome.SAVED, team="2"),
        make_event(3, seconds=3.0, type=EventType.OWN_GOAL_AGAINST, team="1"),
        make_event(4, seconds=3.0, type=EventType.OWN_GOAL_FOR, team="2"),
    ]
    assert make_match(events).score() == (1, 1)


def test_penalty_shoot_out_goals_decide_the_winner_but_add_nothing_to_the_score():
    events = [
        make_event(1, seconds=1.0, type=EventType.SHOT, outcome=Outcome.GOAL, team="1"),
        make_event(2, period=4, seconds=9.0, type=EventType.SHOT, outcome=Outcome.GOAL, team="2"),
        make_event(3, period=5, seconds=1.0, type=EventType.SHOT, outcome=Outcome.GOAL, team="1"),
        make_event(4, period=5, seconds=2.0, type=EventType.SHOT, outcome=Outcome.GOAL, team="2"),
        make_event(5, period=5, seconds=3.0, type=EventType.SHOT, outcome=Outcome.GOAL, team="1"),
    ]
    match = make_match(events)
    assert match.score() == (1, 1)
    assert match.goals_by_team() == {"1": 1, "2": 1}


def test_match_key_keeps_one_match_in_one_partition():
    assert make_match([]).key == "test:m1"


def test_team_lookup_and_opponent():
    match = make_match([])
    assert match.team("2") is AWAY
    assert match.opponent_of("2") is HOME
    with pytest.raises(KeyError):
        match.team("3")


def test_a_team_needs_an_id():
    with pytest.raises(ValueError):
        Team("", "Nobody")


def test_events_keep_their_locations():
    event = make_event(1, start=Coordinates(1.0, 2.0), end=Coordinates(3.0, 4.0, 0.5))
    assert event.end is not None and event.end.z == 0.5


def test_sides_are_known_unless_the_provider_does_not_say():
    assert make_match([]).sides_known is True
    unknown = Match.assemble(
        source="test",
        match_id="m1",
        home=HOME,
        away=AWAY,
        events=[],
        raw_event_count=0,
        sides_known=False,
    )
    assert unknown.sides_known is False


def test_goals_by_team_counts_goals_and_own_goals_per_team_id():
    match = make_match(
        [
            make_event(1, type=EventType.SHOT, outcome=Outcome.GOAL, team="2"),
            make_event(2, seconds=5.0, type=EventType.OWN_GOAL_AGAINST, team="2"),
        ]
    )
    assert match.goals_by_team() == {"1": 1, "2": 1}


def test_a_match_refuses_info_about_other_teams():
    from domain import MatchInfo
    from domain import Side
    from domain import TeamSheet
    from tests.unit.samples import synthetic_match

    match = synthetic_match(events=1)
    other = MatchInfo(
        match.source,
        match.match_id,
        (TeamSheet("1", "Home", Side.HOME, 0), TeamSheet("9", "Else", Side.AWAY, 0)),
        "x",
    )
    with pytest.raises(ValueError, match="another match"):
        _with_info(match, other)


def _info_for(match, sides, goals=(0, 0)):
    return info_of(match, sides, goals, "counted")


def _with_info(match, info, **changes):
    return reassembled(match, info=info, **changes)


def test_sides_known_follows_the_info_unless_given():
    from domain import Side
    from tests.unit.samples import synthetic_match

    match = synthetic_match(events=1)
    assert _with_info(match, _info_for(match, (None, None))).sides_known is False
    assert _with_info(match, _info_for(match, (Side.HOME, Side.AWAY))).sides_known is True


def test_a_match_refuses_info_whose_sides_disagree():
    from domain import Side
    from tests.unit.samples import synthetic_match

    match = synthetic_match(events=1)
    with pytest.raises(ValueError, match="sides disagree"):
        _with_info(match, _info_for(match, (None, None)), sides_known=True)
    with pytest.raises(ValueError, match="sides disagree"):
        _with_info(match, _info_for(match, (Side.HOME, Side.AWAY)), sides_known=False)
    swapped = _info_for(match, (Side.HOME, Side.AWAY))
    swapped = type(swapped)(
        swapped.source,
        swapped.match_id,
        (
            type(swapped.teams[0])(match.away.team_id, "Away", Side.HOME, 0),
            type(swapped.teams[0])(match.home.team_id, "Home", Side.AWAY, 0),
        ),
        "counted",
    )
    with pytest.raises(ValueError, match="sides disagree"):
        _with_info(match, swapped)


def test_a_match_refuses_info_whose_goals_disagree_with_the_events():
    from domain import Side

    match = make_match([make_event(1, type=EventType.SHOT, outcome=Outcome.GOAL, team="2")])
    assert _with_info(match, _info_for(match, (Side.HOME, Side.AWAY), (0, 1))).score() == (0, 1)
    with pytest.raises(ValueError, match="goals disagree"):
        _with_info(match, _info_for(match, (Side.HOME, Side.AWAY), (1, 0)))
