"""The additive MatchEvent fields for Wyscout and Stats Perform, read back from the sample files.

Neither provider names a pass's receiver or says when a player was under pressure: those stay
null for every event (never inferred from the next event).
"""

from __future__ import annotations

from collections import Counter

import orjson
import pytest

from domain import DuelKind
from domain import EventType
from domain import GoalkeeperAction
from domain import Outcome
from domain import PassHeight
from tests.paths import SP_MATCH
from tests.paths import WY_MATCH
from tests.paths import statsperform_dir
from tests.paths import wyscout_dir


@pytest.fixture(scope="module")
def wyscout_raw():
    events = orjson.loads((wyscout_dir() / f"{WY_MATCH}.json").read_bytes())["events"]
    return {str(e["id"]): e for e in events}


@pytest.fixture(scope="module")
def ma3_raw():
    events = orjson.loads((statsperform_dir() / "ma3" / f"{SP_MATCH}.json").read_bytes())
    return {str(e["id"]): e for e in events["liveData"]["event"]}


def _tags(raw):
    return {tag["id"] for tag in raw["tags"]}


def _qualifiers(raw):
    return {q["qualifierId"] for q in raw.get("qualifier", ())}


@pytest.mark.parametrize("provider", ["wyscout", "statsperform"])
def test_no_receivers_and_no_pressure_are_invented(provider, request):
    match = request.getfixturevalue(provider)
    assert all(e.receiver_id is None and e.received_seconds is None for e in match.events)
    assert all(e.under_pressure is None for e in match.events)
    assert all(not e.metrics for e in match.events)


@pytest.mark.parametrize("provider", ["wyscout", "statsperform"])
def test_details_only_on_their_event_types(provider, request):
    for event in request.getfixturevalue(provider).events:
        assert (event.pass_details is not None) == (event.type is EventType.PASS)
        assert (event.shot_details is not None) == (event.type is EventType.SHOT)
        if event.type is not EventType.GOALKEEPER:
            assert event.goalkeeper_action is None
        if event.type is not EventType.DUEL:
            assert event.duel_kind is None


# -- Wyscout -----------------------------------------------------------------------------------


def test_wyscout_pass_details_follow_the_tags_and_sub_events(wyscout, wyscout_raw):
    passes = [e for e in wyscout.events if e.type is EventType.PASS]
    for event in passes:
        raw, details = wyscout_raw[event.source_event_id], event.pass_details
        tags = _tags(raw)
        if 801 in tags or (802 not in tags and raw["subEventName"] == 83):
            assert details.height is PassHeight.HIGH
        elif 802 in tags:
            assert details.height is PassHeight.LOW
        else:
            assert details.height is None
        assert details.cross == (raw["subEventName"] in (80, 32))
        assert details.through_ball == (901 in tags)
        assert details.goal_assist == (301 in tags)
        assert details.shot_assist == (302 in tags and 301 not in tags)
        assert not details.switch and not details.cut_back
    counts = Counter()
    for event in passes:
        counts["goal_assist"] += event.pass_details.goal_assist
        counts["shot_assist"] += event.pass_details.shot_assist
        counts["through_ball"] += event.pass_details.through_ball
        counts["cross"] += event.pass_details.cross
    assert counts == {"goal_assist": 3, "shot_assist": 10, "through_ball": 8, "cross": 40}


def test_wyscout_shots_say_only_the_penalty(wyscout):
    shots = [e for e in wyscout.events if e.type is EventType.SHOT]
    assert sum(e.shot_details.penalty for e in shots) == 1
    assert all(e.shot_details.penalty == (e.source_type == "Free Kick/Penalty") for e in shots)
    assert all(e.shot_details.key_pass_id is None and not e.shot_details.first_time for e in shots)
    assert all(e.shot_details.technique is None for e in shots)


def test_wyscout_goalkeeper_actions_and_duel_kinds(wyscout):
    actions = Counter(e.goalkeeper_action for e in wyscout.events if e.type is EventType.GOALKEEPER)
    assert actions == {
        GoalkeeperAction.GOAL_CONCEDED: 5,
        GoalkeeperAction.SAVE: 8,
        GoalkeeperAction.KEEPER_SWEEPER: 6,
    }
    kinds = Counter(e.duel_kind for e in wyscout.events if e.type is EventType.DUEL)
    assert kinds == {DuelKind.AERIAL: 158, DuelKind.GROUND: 322, DuelKind.FIFTY_FIFTY: 82}


# -- Stats Perform -----------------------------------------------------------------------------


def test_statsperform_pass_flags_follow_the_qualifiers(statsperform, ma3_raw):
    passes = [e for e in statsperform.events if e.type is EventType.PASS]
    for event in passes:
        q = _qualifiers(ma3_raw[event.source_event_id])
        details = event.pass_details
        assert details.height is None
        assert (details.cross, details.through_ball) == (2 in q, 4 in q)
        assert (details.switch, details.cut_back) == (196 in q, 195 in q)
        assert details.goal_assist + details.shot_assist == (210 in q)
    totals = Counter()
    for event in passes:
        for name in ("cross", "through_ball", "switch", "cut_back", "goal_assist", "shot_assist"):
            totals[name] += getattr(event.pass_details, name)
    assert totals == {
        "cross": 60,
        "through_ball": 2,
        "switch": 8,
        "cut_back": 3,
        "goal_assist": 2,
        "shot_assist": 21,
    }


def test_statsperform_goals_name_the_assisting_pass_as_ma1_does(statsperform):
    ma1 = orjson.loads((statsperform_dir() / "ma1" / f"{SP_MATCH}.json").read_bytes())
    by_id = {e.event_id: e for e in statsperform.events}
    goals = {
        e.player_id: e
        for e in statsperform.events
        if e.type is EventType.SHOT and e.outcome is Outcome.GOAL
    }
    for entry in ma1["liveData"]["goal"]:
        goal = goals[entry["scorerId"]]
        key_pass = goal.shot_details.key_pass_id
        if "assistPlayerId" in entry:
            assisting = by_id[key_pass]
            assert assisting.player_id == entry["assistPlayerId"]
            assert assisting.pass_details.goal_assist and not assisting.pass_details.shot_assist
        else:
            assert key_pass is None
            assert goal.shot_details.penalty and entry["type"] == "PG"  # Kinsombi's penalty


def test_statsperform_shots_link_their_key_passes_and_say_first_time(statsperform, ma3_raw):
    by_id = {e.event_id: e for e in statsperform.events}
    shots = [e for e in statsperform.events if e.type is EventType.SHOT]
    linked = [s for s in shots if s.shot_details.key_pass_id]
    assert len(linked) == 23
    for shot in linked:
        assert by_id[shot.shot_details.key_pass_id].type is EventType.PASS
        assert by_id[shot.shot_details.key_pass_id].team_id == shot.team_id
    for shot in shots:
        q = _qualifiers(ma3_raw[shot.source_event_id])
        assert shot.shot_details.first_time == (328 in q)
        assert shot.shot_details.penalty == (9 in q)
    assert sum(s.shot_details.first_time for s in shots) == 19


def test_statsperform_goalkeeper_actions_and_duel_kinds(statsperform):
    actions = Counter(
        e.goalkeeper_action for e in statsperform.events if e.type is EventType.GOALKEEPER
    )
    assert actions == {
        GoalkeeperAction.SAVE: 9,
        GoalkeeperAction.PUNCH: 2,
        GoalkeeperAction.COLLECTED: 11,
        GoalkeeperAction.KEEPER_SWEEPER: 2,
        GoalkeeperAction.PENALTY_CONCEDED: 1,
    }
    kinds = Counter(e.duel_kind for e in statsperform.events if e.type is EventType.DUEL)
    assert kinds == {DuelKind.AERIAL: 80, DuelKind.TACKLE: 34, DuelKind.FIFTY_FIFTY: 40}


@pytest.mark.parametrize("provider", ["wyscout", "statsperform"])
def test_generic_events_are_counted_on_the_match_by_their_provider_type(provider, request):
    match = request.getfixturevalue(provider)
    generic = Counter(e.source_type for e in match.events if e.type is EventType.GENERIC)
    assert generic and {value: n for f, value, n in match.unmapped if f == "type"} == dict(generic)
    assert match.unmapped_by_field["type"] == sum(generic.values())


def test_wyscout_touches_are_its_commonest_generic_type(wyscout):
    types = [row for row in wyscout.unmapped if row[0] == "type"]
    assert max(types, key=lambda row: row[2]) == ("type", "Others on the ball/Touch", 95)
