"""The Metrica adapter on the real sample games in ../shared/data, from a folder and over HTTP."""

from __future__ import annotations

import math
from collections import Counter

import jsonschema
import orjson
import pandas as pd
import pytest

from contracts.schemas import V1_DIR
from domain import EventType
from domain import InvalidRequest
from domain import Match
from domain import Outcome
from domain import SetPiece
from processors.adapters.metrica import LocalStore
from processors.adapters.metrica import MetricaRepository
from processors.adapters.metrica.loaders import load_game
from processors.adapters.metrica.mapping import MERGED_INTO_SET_PIECE_ACTION
from tests.cli_run import run_cli
from tests.paths import metrica_dir

GAMES = ["Sample_Game_1", "Sample_Game_2", "Sample_Game_3"]
RAW_ROWS = {"Sample_Game_1": 1745, "Sample_Game_2": 1935, "Sample_Game_3": 3620}


@pytest.fixture(scope="module")
def matches() -> dict[str, Match]:
    repository = MetricaRepository(LocalStore(metrica_dir()))
    return {game: repository.get_match(game) for game in GAMES}


def csv_rows(game: str) -> pd.DataFrame:
    return pd.read_csv(metrica_dir() / game / f"{game}_RawEventsData.csv")


def json_rows(game: str) -> list[dict]:
    return orjson.loads((metrica_dir() / game / f"{game}_events.json").read_bytes())["data"]


def scorers(match: Match) -> list[tuple[str, str]]:
    return sorted(
        (match.team(e.team_id).name, e.player_name)
        for e in match.events
        if e.type is EventType.SHOT and e.outcome is Outcome.GOAL
    )


def own_goals(match: Match) -> list[tuple[str, str]]:
    return [
        (match.team(e.team_id).name, e.player_name)
        for e in match.events
        if e.type is EventType.OWN_GOAL_AGAINST
    ]


def kick_offs(match: Match) -> list:
    return [e for e in match.events if e.set_piece is SetPiece.KICK_OFF]


# -- facts from the data ---------------------------------------------------------------------


def test_sample_game_1_home_scores_three_and_concedes_an_own_goal(matches):
    match = matches["Sample_Game_1"]
    assert (match.home.name, match.away.name) == ("Home", "Away")
    assert scorers(match) == [("Home", "Player10"), ("Home", "Player9"), ("Home", "Player9")]
    # BALL OUT 'WOODWORK-GOAL' by Home's Player5 into Home's own goal (period 2, frame 87470);
    # Home, the side that conceded, kicks off next. The shots alone make it 3-0.
    assert own_goals(match) == [("Home", "Player5")]
    assert match.score() == (3, 1)


def test_after_every_goal_of_sample_game_1_the_conceding_side_kicks_off(matches):
    events = matches["Sample_Game_1"].events
    goals = [
        e
        for e in events
        if (e.type is EventType.SHOT and e.outcome is Outcome.GOAL)
        or e.type is EventType.OWN_GOAL_AGAINST
    ]
    restarts = kick_offs(matches["Sample_Game_1"])
    assert len(goals) == 4
    for goal in goals:
        restart = next(e for e in restarts if e.order_key > goal.order_key)
        conceding = (
            goal.team_id
            if goal.type is EventType.OWN_GOAL_AGAINST
            else ("Away" if goal.team_id == "Home" else "Home")
        )
        assert restart.team_id == conceding, goal


def test_sample_game_2_ends_home_three_away_two(matches):
    match = matches["Sample_Game_2"]
    assert match.score() == (3, 2)
    assert scorers(match) == [
        ("Away", "Player20"),
        ("Away", "Player24"),
        ("Home", "Player10"),
        ("Home", "Player12"),
        ("Home", "Player9"),
    ]
    assert own_goals(match) == []
    penalty = next(e for e in match.events if e.set_piece is SetPiece.PENALTY)
    assert (penalty.type, penalty.outcome, penalty.player_id) == (
        EventType.SHOT,
        Outcome.GOAL,
        "Player20",
    )


def test_sample_game_3_ends_team_a_nil_team_b_two_as_the_metadata_says(matches):
    match = matches["Sample_Game_3"]
    assert (match.home.team_id, match.home.name) == ("FIFATMA", "Team A")
    assert (match.away.team_id, match.away.name) == ("FIFATMB", "Team B")
    assert match.score() == (0, 2)
    assert scorers(match) == [("Team B", "Player 22"), ("Team B", "Player 27")]


def test_sample_game_3_players_are_named_by_the_epts_metadata(matches):
    names = {(e.player_id, e.player_name) for e in matches["Sample_Game_3"].events if e.player_id}
    assert ("P3577", "Player 10") in names
    assert all(pid.startswith("P") and name.startswith("Player ") for pid, name in names)


# -- accounting ------------------------------------------------------------------------------


@pytest.mark.parametrize("game", GAMES)
def test_every_raw_row_is_emitted_or_merged_into_its_set_piece_action(matches, game):
    match = matches[game]
    assert match.raw_event_count == RAW_ROWS[game]
    assert len(match.events) + match.dropped_count == RAW_ROWS[game]
    set_piece_rows = (
        int((csv_rows(game)["Type"] == "SET PIECE").sum())
        if game != "Sample_Game_3"
        else sum(1 for r in json_rows(game) if r["type"]["name"] == "SET PIECE")
    )
    assert match.dropped_by_reason == {MERGED_INTO_SET_PIECE_ACTION: set_piece_rows}
    assert not [e for e in match.events if e.type is EventType.SET_PIECE]


@pytest.mark.parametrize("game", GAMES)
def test_every_metrica_type_in_the_files_has_a_canonical_type(matches, game):
    assert {e.source_type for e in matches[game].events if e.type is EventType.GENERIC} == set()


# -- frame and time --------------------------------------------------------------------------


@pytest.mark.parametrize("game", ["Sample_Game_1", "Sample_Game_2"])
def test_missing_csv_locations_stay_missing_and_present_ones_stay_present(matches, game):
    raw = csv_rows(game)
    located = {str(i + 1) for i in raw.index[raw["Start X"].notna() & raw["Start Y"].notna()]}
    for event in matches[game].events:
        assert (event.start is not None) == (event.source_event_id in located)


def test_the_ends_read_from_the_data_agree_with_the_game_3_metadata(matches):
    # The metadata: Team A attacks right to left in the first half, Team B left to right.
    raw = {str(r["index"]): r for r in json_rows("Sample_Game_3")}
    checked = Counter()
    for event in matches["Sample_Game_3"].events:
        r = raw[event.source_event_id]
        if event.start is None:
            continue
        towards_x_1 = (event.team_id == "FIFATMB") == (event.period == 1)
        expected_x = r["start"]["x"] * 105 if towards_x_1 else (1 - r["start"]["x"]) * 105
        assert event.start.x == pytest.approx(expected_x)
        checked[(event.period, event.team_id)] += 1
    assert len(checked) == 4


@pytest.mark.parametrize("game", GAMES)
def test_times_are_seconds_since_the_first_event_of_the_period(matches, game):
    by_period: dict[int, list[float]] = {}
    for event in matches[game].events:
        by_period.setdefault(event.period, []).append(event.seconds)
    assert sorted(by_period) == [1, 2]
    for seconds in by_period.values():
        assert min(seconds) == 0.0
        assert max(seconds) < 60 * 60


def test_a_csv_events_time_is_its_frame_since_the_periods_first_frame(matches):
    raw = csv_rows("Sample_Game_1")
    first_frame = raw.groupby("Period")["Start Frame"].min()
    for event in matches["Sample_Game_1"].events[::50]:
        r = raw.iloc[int(event.source_event_id) - 1]
        expected = (r["Start Frame"] - first_frame[r["Period"]]) / 25
        assert event.seconds == pytest.approx(expected)


# -- where the files come from ---------------------------------------------------------------


def test_a_game_folder_linked_to_outside_the_root_is_refused(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    source = metrica_dir() / "Sample_Game_1" / "Sample_Game_1_RawEventsData.csv"
    (outside / "Linked_RawEventsData.csv").write_bytes(source.read_bytes())
    (root / "Linked").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InvalidRequest, match="outside"):
        load_game(LocalStore(root), "Linked")


# -- the command line ------------------------------------------------------------------------


@pytest.mark.parametrize("game", GAMES)
def test_normalize_prints_valid_match_event_v1_lines(matches, game):
    result = run_cli(
        "normalize",
        *("--source", "metrica", "--match-id", game),
        folders={"PITCHSTREAM_METRICA_DIR": metrica_dir()},
    )
    assert result.returncode == 0, result.stderr.decode()
    lines = result.stdout.splitlines()
    assert len(lines) == len(matches[game].events)
    validator = jsonschema.Draft202012Validator(
        orjson.loads((V1_DIR / "match-event.schema.json").read_bytes())
    )
    payloads = [orjson.loads(line) for line in lines]
    for payload in payloads:
        validator.validate(payload)
    assert [p["index"] for p in payloads] == list(range(len(payloads)))
    assert {p["source"] for p in payloads} == {"metrica"}
    assert all(
        p["start"] is None or (math.isfinite(p["start"]["x"]) and math.isfinite(p["start"]["y"]))
        for p in payloads
    )
