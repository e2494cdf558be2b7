"""The CDF mapper on the three Metrica sample games, from exactly the wire payloads.

No game gives a kick-off (game 3's EPTS Session Start is kept in words only: how it relates to
the first frame is undocumented), so without one from the request nothing is written and every
MatchEvent is withheld with a reason. With a supplied kick-off every written record is valid
(strict and extreme mode), and both halves are written: the periods' lengths come from the
frames (EPTS period frames for game 3; for the CSV games, whose frames run straight through
half-time, from the first frames of the two halves), so the second half starts at the first
half's end + the assumed 15 min interval.
"""

from __future__ import annotations

import dataclasses
import warnings
from datetime import datetime
from datetime import timedelta
from typing import Any

import cdf
import pytest

from processors.adapters.metrica import LocalStore
from processors.adapters.metrica import MetricaRepository
from processors.application.cdf import CdfMatch
from processors.application.cdf import to_cdf
from processors.application.cdf import withheld_summary
from tests.adapters.wire import on_the_wire
from tests.paths import metrica_dir

GAMES = ["Sample_Game_1", "Sample_Game_2", "Sample_Game_3"]
CSV_GAMES = GAMES[:2]
KICK_OFF = "2019-02-21T15:00:00Z"


@dataclasses.dataclass(frozen=True)
class Game:
    info: dict[str, Any]
    events: list[dict[str, Any]]


@pytest.fixture(scope="module")
def games() -> dict[str, Game]:
    repository = MetricaRepository(LocalStore(metrica_dir()))
    return {match_id: Game(*on_the_wire(repository.get_match(match_id))) for match_id in GAMES}


@pytest.fixture(scope="module")
def with_kick_off(games) -> dict[str, CdfMatch]:
    return {
        game: to_cdf(games[game].info, games[game].events, kick_off_utc=KICK_OFF) for game in GAMES
    }


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize("game", GAMES)
def test_without_a_kick_off_a_game_writes_nothing_and_says_why(games, game) -> None:
    data = games[game]
    assert data.info["kick_off"] is None or data.info["kick_off"]["utc"] is None
    result = to_cdf(data.info, data.events)
    assert result.events == ()
    assert sum(result.withheld.values()) == len(data.events)
    assert result.withheld["no_kick_off_time"] > 0.9 * len(data.events)
    # Checked before time: a contest without a result is withheld as that.
    assert set(result.withheld) <= {"no_kick_off_time", "no_outcome"}
    assert result.meta is None
    assert result.meta_withheld == (
        "no_season_id" if game == "Sample_Game_3" else "no_competition_id"
    )
    assert result.match_sheet is None and result.match_sheet_withheld == "is_neutral_unknown"
    summary = withheld_summary(result)
    assert summary["events_written"] == 0
    assert summary["events_read"] == sum(summary["events_withheld"].values())


@pytest.mark.parametrize("game", GAMES)
def test_with_a_kick_off_every_written_record_is_valid(with_kick_off, games, game) -> None:
    result = with_kick_off[game]
    assert len(result.events) + sum(result.withheld.values()) == len(games[game].events)
    assert result.events
    validator = cdf.EventSchemaValidator()
    failing = {}
    for record in result.events:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            validator.validate_schema(record, mode="soft")
        if validator.errors or validator.advisories:
            failing[record["event"]["id"]] = list(validator.errors) + list(validator.advisories)
    assert failing == {}
    # Metrica names no referee, competition id for the CSV games, season or venue.
    assert result.meta is None
    assert result.match_sheet is None and result.match_sheet_withheld == "is_neutral_unknown"


@pytest.mark.parametrize("game", GAMES)
def test_the_second_half_starts_15_minutes_after_the_first_halfs_end_from_frames(
    games, game
) -> None:
    data = games[game]
    period_1 = data.info["periods"][0]
    assert period_1["period"] == 1 and "frame" in period_1["duration_derivation"]
    duration = period_1["duration_seconds"]
    result = to_cdf(data.info, data.events, kick_off_utc=KICK_OFF)
    first = min(r["event"]["time"] for r in result.events if r["event"]["period"] == "second_half")
    by_id = {e["event_id"]: e for e in data.events}
    record = next(r["event"] for r in result.events if r["event"]["time"] == first)
    start = _parse(first).timestamp() - by_id[record["id"]]["seconds"]
    assert start - _parse(KICK_OFF).timestamp() == pytest.approx(duration + 900.0, abs=1e-6)
    assert "no_period_start_time" not in result.withheld


@pytest.mark.parametrize("game", GAMES)
def test_time_minus_our_seconds_is_one_start_per_period(with_kick_off, games, game) -> None:
    """Meta (where start_time would be published) is withheld for Metrica; every record's
    time - its seconds must still be one instant per period, the kick-off for the first."""
    result = with_kick_off[game]
    by_id = {e["event_id"]: e for e in games[game].events}
    starts: dict[str, set[datetime]] = {}
    for record in result.events:
        event = record["event"]
        source = by_id[event["id"]]
        moment = _parse(event["time"])
        starts.setdefault(event["period"], set()).add(moment - _seconds(source["seconds"]))
        if event["receiver_time"] is not None:
            gap = _parse(event["receiver_time"]) - moment
            assert gap == _seconds(source["received_seconds"]) - _seconds(source["seconds"])
    assert all(len(instants) == 1 for instants in starts.values()), starts
    assert starts["first_half"] == {_parse(KICK_OFF)}


def _seconds(value: float) -> timedelta:
    return timedelta(microseconds=round(value * 1_000_000))


@pytest.mark.parametrize("game", GAMES)
def test_home_shoots_towards_plus_x_and_away_towards_minus_x(with_kick_off, games, game) -> None:
    result = with_kick_off[game]
    home = next(t["team_id"] for t in games[game].info["teams"] if t["side"] == "home")
    shots = [r["event"] for r in result.events if r["event"]["type"] == "shot"]
    assert shots  # Metrica names a body part (head) for a few shots only
    for event in shots:
        assert (event["x"] > 0) == (event["team_id"] == home), event


@pytest.mark.parametrize("game", GAMES)
def test_kick_off_passes_are_withheld_for_want_of_a_body_part(with_kick_off, games, game) -> None:
    """Metrica names no body part for its passes, so no kick-off becomes a CDF record."""
    kick_offs = [e for e in games[game].events if e["set_piece"] == "kick_off"]
    assert kick_offs and all(e["body_part"] is None for e in kick_offs)
    written = {r["event"]["id"] for r in with_kick_off[game].events}
    assert not written & {e["event_id"] for e in kick_offs}
    assert with_kick_off[game].withheld["no_body_part"] >= len(
        [e for e in kick_offs if e["period"] == 1]
    )


@pytest.mark.parametrize("game", GAMES)
def test_every_receiver_is_in_the_line_up(with_kick_off, games, game) -> None:
    result = with_kick_off[game]
    line_up = {
        p["player_id"]: t["team_id"] for t in games[game].info["teams"] for p in t["players"]
    }
    receivers = [r["event"] for r in result.events if r["event"]["receiver_id"] is not None]
    assert receivers
    for event in receivers:
        assert line_up[event["receiver_id"]] == event["receiver_team_id"] == event["team_id"]
