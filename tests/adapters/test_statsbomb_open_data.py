"""The StatsBomb adapter on the real open-data files in ../shared/data."""

import math

import orjson
import pytest

from domain import EventType
from domain import Match
from domain import Outcome
from domain import SetPiece
from processors.adapters.statsbomb import OpenDataMirror
from processors.adapters.statsbomb import StatsBombRepository
from processors.adapters.statsbomb.mapping import detect_fidelity
from tests.paths import statsbomb_dir

MATCH_IDS = ["3788741", "15946", "15986"]


@pytest.fixture(scope="module")
def mirror() -> OpenDataMirror:
    return OpenDataMirror(statsbomb_dir())


@pytest.fixture(scope="module")
def matches(mirror) -> dict[str, Match]:
    repository = StatsBombRepository(mirror)
    return {match_id: repository.get_match(match_id) for match_id in MATCH_IDS}


def raw_events(match_id: str) -> list[dict]:
    return orjson.loads((statsbomb_dir() / "data" / "events" / f"{match_id}.json").read_bytes())


def scorers(match: Match) -> list[tuple[str, str]]:
    return [
        (match.team(e.team_id).name, e.player_name)
        for e in match.events
        if e.type is EventType.SHOT and e.outcome is Outcome.GOAL
    ]


def own_goals(match: Match) -> list[str]:
    return [e.player_name for e in match.events if e.type is EventType.OWN_GOAL_AGAINST]


def test_turkey_nil_italy_three(matches):
    match = matches["3788741"]
    assert (match.home.name, match.away.name) == ("Turkey", "Italy")
    assert match.score() == (0, 3)
    assert sorted(name for _, name in scorers(match)) == ["Ciro Immobile", "Lorenzo Insigne"]
    assert own_goals(match) == ["Merih Demiral"]


def test_barcelona_two_girona_two(matches):
    match = matches["15986"]
    assert (match.home.name, match.away.name) == ("Barcelona", "Girona")
    assert match.score() == (2, 2)
    assert sorted(scorers(match)) == [
        ("Barcelona", "Gerard Piqué Bernabéu"),
        ("Barcelona", "Lionel Andrés Messi Cuccittini"),
        ("Girona", "Cristhian Ricardo Stuani Curbelo"),
        ("Girona", "Cristhian Ricardo Stuani Curbelo"),
    ]


def test_barcelona_three_alaves_nil(matches):
    match = matches["15946"]
    assert (match.home.name, match.away.name) == ("Barcelona", "Deportivo Alavés")
    assert match.score() == (3, 0)


@pytest.mark.parametrize(
    "match_id, xy, shot", [("3788741", 2, 2), ("15946", 1, 2), ("15986", 1, 2)]
)
def test_fidelity_is_detected_from_the_events_not_the_matches_file(match_id, xy, shot):
    fidelity = detect_fidelity(raw_events(match_id))
    assert (fidelity.xy, fidelity.shot) == (xy, shot)


@pytest.mark.parametrize("match_id", MATCH_IDS)
def test_every_raw_event_is_accounted_for(matches, match_id):
    match = matches[match_id]
    raw = raw_events(match_id)
    assert match.raw_event_count == len(raw)
    assert len(match.events) + match.dropped_count == len(raw)
    assert {e.source_event_id for e in match.events} == {r["id"] for r in raw}


@pytest.mark.parametrize("match_id", MATCH_IDS)
def test_every_statsbomb_type_in_the_files_has_a_canonical_type(matches, match_id):
    generic = {e.source_type for e in matches[match_id].events if e.type is EventType.GENERIC}
    assert generic == set()


@pytest.mark.parametrize("match_id", MATCH_IDS)
def test_own_goals_are_conceded_at_the_acting_teams_own_end(matches, match_id):
    for event in matches[match_id].events:
        if event.type is EventType.OWN_GOAL_AGAINST and event.start is not None:
            assert event.start.x < 52.5


@pytest.mark.parametrize("match_id", MATCH_IDS)
def test_kick_offs_start_within_a_metre_of_the_centre_spot(matches, match_id):
    kick_offs = [
        e
        for e in matches[match_id].events
        if e.type is EventType.PASS and e.set_piece is SetPiece.KICK_OFF
    ]
    assert len(kick_offs) >= 4  # two halves and at least two goals or restarts
    for event in kick_offs:
        assert event.start is not None
        assert math.hypot(event.start.x - 52.5, event.start.y - 34) < 1.0


@pytest.mark.parametrize("match_id", MATCH_IDS)
def test_every_shot_and_every_goal_is_taken_from_the_attacking_half(matches, match_id):
    events = matches[match_id].events
    shots = [e for e in events if e.type is EventType.SHOT or e.outcome is Outcome.GOAL]
    assert any(e.outcome is Outcome.GOAL for e in shots)
    assert all(e.start is not None and e.start.x > 52.5 for e in shots)


@pytest.mark.parametrize("match_id", MATCH_IDS)
def test_goalkeeper_actions_happen_near_the_own_goal(matches, match_id):
    actions = [
        e
        for e in matches[match_id].events
        if e.type is EventType.GOALKEEPER and e.start is not None
    ]
    assert actions and all(e.start.x < 30 for e in actions)


def test_home_and_away_come_from_the_starting_lineups_without_a_matches_file(tmp_path):
    events_dir = tmp_path / "data" / "events"
    events_dir.mkdir(parents=True)
    (events_dir / "3788741.json").write_bytes(
        (statsbomb_dir() / "data" / "events" / "3788741.json").read_bytes()
    )
    match = StatsBombRepository(OpenDataMirror(tmp_path)).get_match("3788741")
    assert (match.home.name, match.away.name) == ("Turkey", "Italy")
