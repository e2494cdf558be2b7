"""MatchInfo facts for the Wyscout and Stats Perform samples, read back from their files.

Stats Perform 71pif9hi2vwzp6q0xzilyxst0: Hamburger SV 2-1 Sandhausen, 2. Bundesliga 2021/2022,
11 September 2021, 18:30 UTC (20:30 local), Volksparkstadion. Wyscout 2499773: Leicester City
2-3 Liverpool; the file does not say who was at home.
"""

from __future__ import annotations

import jsonschema
import orjson
import pytest

from contracts.schemas import V1_DIR
from contracts.v1 import encode_match_event
from contracts.v1 import encode_match_info
from contracts.v1.match_info import decode_match_info
from domain import EventType
from domain import InvalidRequest
from domain import MatchQuery
from domain import Side
from processors.adapters.files import LocalFiles
from processors.adapters.statsperform import StatsPerformLoader
from processors.adapters.statsperform import StatsPerformRepository
from processors.adapters.statsperform.loaders import parse_match_files
from processors.adapters.statsperform.mapping import map_match as map_statsperform
from tests.cli_run import run_cli
from tests.paths import SP_MATCH
from tests.paths import WY_MATCH
from tests.paths import statsperform_dir
from tests.paths import wyscout_dir

HAMBURG, SANDHAUSEN = "75xi6hloabmnjn2kzgj1g8h1s", "884uzyf1wosc7ykji6e18gifp"
LIVERPOOL, LEICESTER = "1612", "1631"


def _json(path):
    return orjson.loads(path.read_bytes())


@pytest.fixture(scope="module")
def ma1():
    return _json(statsperform_dir() / "ma1" / f"{SP_MATCH}.json")


def _schema(name):
    return _json(V1_DIR / name)


# -- Stats Perform -----------------------------------------------------------------------------


def test_hamburg_home_two_one_as_ma1_scores_say(statsperform, ma1):
    home, away = statsperform.info.teams
    assert (home.team_id, home.name, home.side, home.goals) == (
        HAMBURG,
        "Hamburger SV",
        Side.HOME,
        2,
    )
    assert (away.team_id, away.name, away.side, away.goals) == (
        SANDHAUSEN,
        "Sandhausen",
        Side.AWAY,
        1,
    )
    total = ma1["liveData"]["matchDetails"]["scores"]["total"]
    assert (home.goals, away.goals) == (total["home"], total["away"]) == statsperform.score()
    assert "qualifier 28" in statsperform.info.score_derivation


def test_competition_season_date_kick_off_venue_referee(statsperform):
    info = statsperform.info
    assert (info.competition.id, info.competition.name) == (
        "722fdbecxzcq9788l6jqclzlw",
        "2. Bundesliga",
    )
    assert (info.season.id, info.season.name) == ("93wcwtf25153hracvqva88aac", "2021/2022")
    assert info.match_date == "2021-09-11"
    assert info.kick_off.utc == "2021-09-11T18:30:00Z"
    assert info.kick_off.local == "2021-09-11T20:30:00"
    assert info.kick_off.time_zone is None  # the feed names none; none is guessed
    assert info.kick_off.derivation.startswith("provider gives UTC")
    assert (info.venue.id, info.venue.name, info.venue.country) == (
        "8gaqzo8y471bfkkc3tq7ra7o",
        "Volksparkstadion",
        None,
    )
    assert (info.referee.id, info.referee.name) == ("62gpt150mgqkhvo8aj0t42vo5", "Bastian Dankert")
    assert (info.data_version.value, info.data_version.kind) == (
        "2024-03-14T21:27:20Z",
        "statsperform_last_updated",
    )


def test_line_ups_twenty_each_eleven_starters_with_shirts_and_positions(statsperform, ma1):
    for team, lineup in zip(statsperform.info.teams, ma1["liveData"]["lineUp"], strict=True):
        assert lineup["contestantId"] == team.team_id
        assert len(team.players) == len(lineup["player"]) == 20
        assert [p.starter for p in team.players].count(True) == 11
        assert [p.starter for p in team.players].count(False) == 9
        assert all(p.jersey_number is not None and p.position for p in team.players)
        assert "Substitute" not in {p.position for p in team.players}
    keeper = statsperform.info.teams[0].players[0]
    assert (keeper.name, keeper.first_name, keeper.last_name, keeper.jersey_number) == (
        "Daniel Heuer Fernandes",
        "Daniel",
        "Heuer Fernandes",
        1,
    )
    assert (keeper.position, keeper.starter) == ("Goalkeeper", True)
    jatta = next(p for p in statsperform.info.teams[0].players if p.name == "B. Jatta")
    assert (jatta.starter, jatta.position, jatta.jersey_number) == (False, "Midfielder", 18)


def test_substitutions_match_ma1_and_point_at_the_player_off_events(statsperform, ma1):
    subs = statsperform.info.substitutions
    listed = ma1["liveData"]["substitute"]
    assert len(subs) == len(listed) == 9
    by_id = {e.event_id: e for e in statsperform.events}
    for sub, entry in zip(subs, listed, strict=True):
        assert (sub.team_id, sub.period) == (entry["contestantId"], entry["periodId"])
        assert (sub.player_off.player_id, sub.player_on.player_id) == (
            entry["playerOffId"],
            entry["playerOnId"],
        )
        assert sub.minute == int(entry["timeMinSec"].split(":")[0])
        off = by_id[sub.event_id]
        assert off.type is EventType.PLAYER_OFF and off.player_id == sub.player_off.player_id
        assert sub.seconds == off.seconds
    first = subs[0]
    assert (first.player_off.name, first.player_on.name, first.minute) == (
        "M. Wintzheimer",
        "B. Jatta",
        60,
    )
    # 60:46 on the clock, 45:00 at the second half's start: 946 s into the period.
    assert first.seconds == pytest.approx(946.475)


def test_substitutions_from_the_events_alone_say_the_same(statsperform):
    ma3 = (statsperform_dir() / "ma3" / f"{SP_MATCH}.json").read_bytes()
    alone = map_statsperform(parse_match_files(ma3, None, SP_MATCH))
    assert [
        (s.team_id, s.period, s.seconds, s.minute, s.player_off, s.player_on, s.event_id)
        for s in alone.info.substitutions
    ] == [
        (s.team_id, s.period, s.seconds, s.minute, s.player_off, s.player_on, s.event_id)
        for s in statsperform.info.substitutions
    ]
    # without MA1: no line-ups, the files' hash as the version (MA3's matchInfo has lastUpdated)
    assert all(not t.players for t in alone.info.teams) and alone.info.lineup_derivation is None
    assert alone.info.kick_off.utc == "2021-09-11T18:30:00Z"


def test_periods_from_the_start_and_end_events(statsperform, ma1):
    first, second = statsperform.info.periods
    assert (first.period, first.start_utc, first.end_utc) == (
        1,
        "2021-09-11T18:30:06.787000Z",
        "2021-09-11T19:15:08.797000Z",
    )
    assert first.duration_seconds == pytest.approx(2702.01)
    assert second.start_utc == "2021-09-11T19:34:13.432000Z"
    for period, given in zip(
        (first, second), ma1["liveData"]["matchDetails"]["period"], strict=True
    ):
        length = given["lengthMin"] * 60 + given["lengthSec"]
        assert abs(period.duration_seconds - length) < 1.0


def test_a_match_file_without_last_updated_is_versioned_by_its_content():
    ma3 = _json(statsperform_dir() / "ma3" / f"{SP_MATCH}.json")
    del ma3["matchInfo"]["lastUpdated"]
    match_file = parse_match_files(orjson.dumps(ma3), None, SP_MATCH)
    info = map_statsperform(match_file).info
    assert info.data_version.kind == "content_sha256"
    assert info.data_version.value == match_file.content_sha256
    assert info.data_version.value.startswith("sha256:")


def test_statsperform_event_sides_follow_the_info(statsperform):
    for position in range(0, len(statsperform.events), 50):
        event = statsperform.events[position]
        payload = orjson.loads(encode_match_event(statsperform, event, position))
        expected = {HAMBURG: "home", SANDHAUSEN: "away"}.get(event.team_id)
        assert payload["team_side"] == expected


# -- Wyscout -----------------------------------------------------------------------------------


def test_wyscout_teams_players_and_nothing_else(wyscout, wyscout_repository):
    info = wyscout.info
    assert [(t.team_id, t.name, t.side, t.goals) for t in info.teams] == [
        (LIVERPOOL, "Liverpool", None, 3),
        (LEICESTER, "Leicester City", None, 2),
    ]
    assert [len(t.players) for t in info.teams] == [18, 18]
    mahrez = next(p for p in info.teams[1].players if p.player_id == "26150")
    assert (mahrez.name, mahrez.first_name, mahrez.last_name, mahrez.position) == (
        "R. Mahrez",
        "Riyad",
        "Mahrez",
        "Midfielder",
    )
    assert all(p.jersey_number is None and p.starter is None for t in info.teams for p in t.players)
    assert (info.competition, info.season, info.match_date, info.kick_off) == (None,) * 4
    assert (info.venue, info.referee, info.substitutions, info.periods) == (None, None, (), ())
    assert info.data_version.kind == "content_sha256"
    assert info.data_version.value == wyscout_repository.loader.version(WY_MATCH)


def test_wyscout_sides_are_null_everywhere_without_a_home_team(wyscout):
    assert not wyscout.sides_known
    for position in range(0, len(wyscout.events), 100):
        payload = orjson.loads(encode_match_event(wyscout, wyscout.events[position], position))
        assert payload["team_side"] is None


def test_wyscout_with_the_requests_home_team_leicester_is_home(wyscout_repository):
    match = wyscout_repository.get_match_for(MatchQuery(WY_MATCH, home_team_id=LEICESTER))
    home, away = match.info.teams
    assert (home.name, home.side, home.goals) == ("Leicester City", Side.HOME, 2)
    assert (away.name, away.side, away.goals) == ("Liverpool", Side.AWAY, 3)
    sides = {
        orjson.loads(encode_match_event(match, e, i))["team_side"]
        for i, e in enumerate(match.events)
        if e.team_id == LEICESTER
    }
    assert sides == {"home"}


def test_a_home_team_that_is_not_in_the_match_is_an_invalid_request(wyscout_repository):
    with pytest.raises(InvalidRequest, match="is not a team of wyscout match"):
        wyscout_repository.get_match_for(MatchQuery(WY_MATCH, home_team_id="42"))


def test_a_provider_that_names_its_home_team_refuses_another():
    repository = StatsPerformRepository(
        StatsPerformLoader(LocalFiles("statsperform", statsperform_dir()))
    )
    assert repository.get_match_for(MatchQuery(SP_MATCH, HAMBURG)).home.team_id == HAMBURG
    with pytest.raises(InvalidRequest, match="played at home"):
        repository.get_match_for(MatchQuery(SP_MATCH, SANDHAUSEN))


# -- both: the schema and the command line ------------------------------------------------------


def test_both_providers_match_info_validates_and_round_trips(statsperform, wyscout):
    schema = _schema("match-info.schema.json")
    event_schema = _schema("match-event.schema.json")
    for match in (statsperform, wyscout):
        payload = encode_match_info(match.info)
        jsonschema.validate(orjson.loads(payload), schema)
        assert decode_match_info(payload).match_id == match.match_id
        for position in range(0, len(match.events), 97):
            event = orjson.loads(encode_match_event(match, match.events[position], position))
            jsonschema.validate(event, event_schema)


def _cli(*arguments):
    folders = {
        "PITCHSTREAM_STATSPERFORM_DIR": statsperform_dir(),
        "PITCHSTREAM_WYSCOUT_DIR": wyscout_dir(),
    }
    return run_cli("match-info", *arguments, folders=folders)


def test_match_info_command_for_statsperform():
    result = _cli("--source", "statsperform", "--match-id", SP_MATCH)
    assert result.returncode == 0, result.stderr.decode()
    (line,) = result.stdout.splitlines()
    payload = orjson.loads(line)
    jsonschema.validate(payload, _schema("match-info.schema.json"))
    assert payload["kick_off"]["utc"] == "2021-09-11T18:30:00Z"
    assert [t["side"] for t in payload["teams"]] == ["home", "away"]


def test_match_info_command_for_wyscout_takes_a_home_team():
    result = _cli("--source", "wyscout", "--match-id", WY_MATCH, "--home-team-id", LEICESTER)
    assert result.returncode == 0, result.stderr.decode()
    payload = orjson.loads(result.stdout)
    assert [(t["name"], t["side"]) for t in payload["teams"]] == [
        ("Leicester City", "home"),
        ("Liverpool", "away"),
    ]
    wrong = _cli("--source", "wyscout", "--match-id", WY_MATCH, "--home-team-id", "42")
    assert wrong.returncode == 1 and b"invalid_request" in wrong.stderr
