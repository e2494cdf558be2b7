"""Match info and the new event fields on the real sample matches (issue 11's facts)."""

from __future__ import annotations

import jsonschema
import orjson
import pytest

from contracts.schemas import V1_DIR
from contracts.v1 import encode_match_event
from contracts.v1 import encode_match_info
from domain import EventType
from domain import Outcome
from domain import Side
from processors.adapters.metrica import MetricaRepository
from processors.adapters.metrica.loaders import LocalStore
from processors.adapters.metrica.loaders import game_version
from processors.adapters.statsbomb import OpenDataMirror
from processors.adapters.statsbomb import StatsBombRepository
from processors.adapters.statsbomb.mapping import map_match
from tests.cli_run import run_cli
from tests.paths import metrica_dir
from tests.paths import statsbomb_dir

STATSBOMB = ["3788741", "15946", "15986"]
METRICA = ["Sample_Game_1", "Sample_Game_2", "Sample_Game_3"]


@pytest.fixture(scope="module")
def statsbomb():
    repository = StatsBombRepository(OpenDataMirror(statsbomb_dir()))
    return {match_id: repository.get_match(match_id) for match_id in STATSBOMB}


@pytest.fixture(scope="module")
def metrica():
    repository = MetricaRepository(LocalStore(metrica_dir()))
    return {match_id: repository.get_match(match_id) for match_id in METRICA}


def _player_events(match, name):
    return [e for e in match.events if e.player_name == name]


def test_turkey_italy_sheet(statsbomb):
    info = statsbomb["3788741"].info
    home, away = info.teams
    assert (home.name, home.side, home.goals) == ("Turkey", Side.HOME, 0)
    assert (away.name, away.side, away.goals) == ("Italy", Side.AWAY, 3)
    assert (info.competition.id, info.competition.name) == ("55", "UEFA Euro")
    assert (info.season.id, info.season.name) == ("43", "2020")
    assert info.match_date == "2021-06-11"
    assert info.venue.name == "Stadio Olimpico" and info.venue.country == "Italy"
    assert info.referee.name == "Danny Desmond Makkelie"
    assert info.data_version.value == "2021-06-12T12:49:02.070"
    assert info.data_version.kind == "statsbomb_last_updated"


@pytest.mark.parametrize(
    "match_id, countries",
    [
        ("3788741", ("Turkey", "Italy")),
        ("15946", ("Spain", "Spain")),
        ("15986", ("Spain", "Spain")),
    ],
)
def test_team_countries_come_from_the_matches_file(statsbomb, match_id, countries):
    info = statsbomb[match_id].info
    assert tuple(t.country for t in info.teams) == countries
    payload = orjson.loads(encode_match_info(info))
    assert tuple(t["country"] for t in payload["teams"]) == countries


def test_turkey_italy_kicks_off_at_21_local_in_rome_19_utc(statsbomb):
    kick_off = statsbomb["3788741"].info.kick_off
    assert kick_off.utc == "2021-06-11T19:00:00Z"
    assert kick_off.local == "2021-06-11T21:00:00"
    assert kick_off.time_zone == "Europe/Rome"
    assert "local time at the venue" in kick_off.derivation and "Italy" in kick_off.derivation


@pytest.mark.parametrize(
    "match_id, utc, local",
    [
        ("15946", "2018-08-18T20:15:00Z", "2018-08-18T22:15:00"),
        ("15986", "2018-09-23T18:45:00Z", "2018-09-23T20:45:00"),
    ],
)
def test_camp_nou_kick_offs(statsbomb, match_id, utc, local):
    info = statsbomb[match_id].info
    assert (info.kick_off.utc, info.kick_off.local) == (utc, local)
    assert info.kick_off.time_zone == "Europe/Madrid"
    assert "Camp Nou" in info.venue.name


def test_turkey_italy_line_ups_23_each_11_starters(statsbomb):
    for team in statsbomb["3788741"].info.teams:
        assert len(team.players) == 23
        assert sum(1 for p in team.players if p.starter) == 11
        assert all(p.starter is not None and p.jersey_number for p in team.players)
        assert all(p.position for p in team.players if p.starter)


@pytest.mark.parametrize("match_id, sizes", [("15946", (18, 17)), ("15986", (18, 18))])
def test_la_liga_line_ups(statsbomb, match_id, sizes):
    teams = statsbomb[match_id].info.teams
    assert tuple(len(t.players) for t in teams) == sizes
    assert [sum(1 for p in t.players if p.starter) for t in teams] == [11, 11]


def test_insignes_goal_was_assisted_by_immobile_and_immobiles_had_no_assist(statsbomb):
    match = statsbomb["3788741"]
    by_id = {e.event_id: e for e in match.events}
    goals = {
        e.player_name: e
        for e in match.events
        if e.type is EventType.SHOT and e.outcome is Outcome.GOAL
    }
    insigne = goals["Lorenzo Insigne"]
    assist = by_id[insigne.shot_details.key_pass_id]
    assert assist.player_name == "Ciro Immobile"
    assert assist.receiver_name == "Lorenzo Insigne"
    assert assist.pass_details.goal_assist and not assist.pass_details.shot_assist
    immobile = goals["Ciro Immobile"]
    assert immobile.shot_details.key_pass_id is None
    assists = [e for e in match.events if e.pass_details and e.pass_details.goal_assist]
    assert assists == [assist]  # Italy's first goal was an own goal, Immobile's unassisted


def test_shots_carry_statsbomb_xg_technique_and_penalty(statsbomb):
    shots = [e for e in statsbomb["3788741"].events if e.type is EventType.SHOT]
    assert shots and all(0 < dict(s.metrics)["statsbomb_xg"] < 1 for s in shots)
    assert all(s.shot_details.technique is not None for s in shots)
    assert not any(s.shot_details.penalty for s in shots)


@pytest.mark.parametrize("match_id, completed", [("3788741", 884), ("15946", 953), ("15986", 1000)])
def test_every_completed_pass_carries_its_receiver(statsbomb, match_id, completed):
    passes = [e for e in statsbomb[match_id].events if e.type is EventType.PASS]
    done = [p for p in passes if p.outcome is Outcome.SUCCESS]
    assert len(done) == completed
    assert all(p.receiver_id and p.receiver_name for p in done)
    assert not any(p.receiver_id for p in passes if p.outcome is not Outcome.SUCCESS)
    timed = [p for p in done if p.received_seconds is not None]
    assert len(timed) >= completed - 1
    assert all(p.received_seconds >= p.seconds for p in timed)
    assert all(p.pass_details is not None and p.pass_details.height for p in passes)


def test_pressure_goalkeeper_and_duel_kinds_are_read(statsbomb):
    events = statsbomb["3788741"].events
    assert {e.under_pressure for e in events} == {True, False}
    keepers = [e for e in events if e.type is EventType.GOALKEEPER]
    assert keepers and all(e.goalkeeper_action is not None for e in keepers)
    duels = [e for e in events if e.type is EventType.DUEL]
    assert duels and all(e.duel_kind is not None for e in duels)


def _raw(match_id: str) -> list[dict]:
    return orjson.loads((statsbomb_dir() / "data" / "events" / f"{match_id}.json").read_bytes())


def test_substitutions_name_both_players(statsbomb):
    info = statsbomb["3788741"].info
    raw = [e for e in _raw("3788741") if e["type"]["name"] == "Substitution"]
    assert [s.player_on.player_id for s in info.substitutions] == [
        str(e["substitution"]["replacement"]["id"]) for e in raw
    ]
    first = info.substitutions[0]
    assert (first.player_off.name, first.player_on.name) == ("Yusuf Yazıcı", "Cengiz Ünder")  # noqa: RUF001
    assert (first.period, first.minute) == (2, 45)
    assert [p.period for p in info.periods] == [1, 2]
    assert info.periods[0].duration_seconds == pytest.approx(2755.111)


def test_without_a_matches_file_entry_nothing_is_guessed():
    mirror = OpenDataMirror(statsbomb_dir())
    match = map_match(mirror.raw_events("3788741"), match_id="3788741")
    info = match.info
    assert [t.side for t in info.teams] == [None, None]
    assert (info.kick_off, info.venue, info.referee, info.data_version) == (None,) * 4
    assert [t.country for t in info.teams] == [None, None]
    payload = orjson.loads(encode_match_event(match, match.events[0], 0))
    assert payload["team_side"] is None


@pytest.mark.parametrize("match_id", STATSBOMB)
def test_payloads_validate_against_the_schemas(statsbomb, match_id):
    match = statsbomb[match_id]
    event_schema = orjson.loads((V1_DIR / "match-event.schema.json").read_bytes())
    info_schema = orjson.loads((V1_DIR / "match-info.schema.json").read_bytes())
    jsonschema.validate(orjson.loads(encode_match_info(match.info)), info_schema)
    for position in range(0, len(match.events), 97):
        payload = orjson.loads(encode_match_event(match, match.events[position], position))
        jsonschema.validate(payload, event_schema)
        assert payload["team_side"] in ("home", "away", None)


@pytest.mark.parametrize("match_id", METRICA)
def test_metrica_receivers_come_from_to_and_their_time_from_the_end(metrica, match_id):
    passes = [e for e in metrica[match_id].events if e.type is EventType.PASS]
    assert passes and all(p.receiver_id for p in passes)
    assert all(p.received_seconds is not None and p.received_seconds >= p.seconds for p in passes)
    others = [e for e in metrica[match_id].events if e.type is not EventType.PASS]
    assert not any(e.receiver_id for e in others)


def test_metrica_csv_receiver_is_the_to_column(metrica):
    first_pass = next(e for e in metrica["Sample_Game_1"].events if e.type is EventType.PASS)
    # row 2: Away,PASS,,1,1,0.04,3,0.12,Player19,Player21
    assert (first_pass.player_id, first_pass.receiver_id) == ("Player19", "Player21")
    assert first_pass.received_seconds == pytest.approx(0.08)


@pytest.mark.parametrize("match_id", ["Sample_Game_1", "Sample_Game_2"])
def test_metrica_csv_games_have_no_kick_off_and_sides_from_the_data(metrica, match_id):
    info = metrica[match_id].info
    assert (info.kick_off, info.match_date, info.competition, info.referee) == (None,) * 4
    assert [(t.team_id, t.side) for t in info.teams] == [("Home", Side.HOME), ("Away", Side.AWAY)]
    assert info.data_version.kind == "content_sha256"
    assert info.data_version.value == game_version(LocalStore(metrica_dir()), match_id)
    assert all(t.players for t in info.teams)
    assert all(p.starter is None for t in info.teams for p in t.players)
    assert [t.country for t in info.teams] == [None, None]


def test_metrica_game_3_info_from_the_epts_metadata(metrica):
    match = metrica["Sample_Game_3"]
    info = match.info
    assert [(t.team_id, t.name, t.side) for t in info.teams] == [
        ("FIFATMA", "Team A", Side.HOME),
        ("FIFATMB", "Team B", Side.AWAY),
    ]
    assert [t.goals for t in info.teams] == [0, 2]
    assert (info.competition.id, info.competition.name) == ("DEMO", "Demo")
    # EPTS Session Start: kept in words, not as the kick-off (its relation to frame 1 is
    # undocumented); a request may supply the kick-off.
    assert info.kick_off.utc is None and info.kick_off.local is None
    assert "2019-02-21T03:30:07" in info.kick_off.derivation
    assert "not documented" in info.kick_off.derivation
    assert len(info.teams[0].players) + len(info.teams[1].players) == 35
    goalkeeper = next(p for p in info.teams[0].players if p.player_id == "P3578")
    assert (goalkeeper.jersey_number, goalkeeper.position) == (11, "Goalkeeper")
    assert info.periods[0].duration_seconds == pytest.approx(69661 / 25)
    assert "EPTS" in info.periods[0].duration_derivation


@pytest.mark.parametrize("game", ["Sample_Game_1", "Sample_Game_2"])
def test_metrica_csv_first_half_length_from_the_frames_of_both_halves(metrica, game):
    """The CSV's frames run straight through half-time: period 1 lasts from its first event's
    frame to the second half's first event's frame, at 25 fps; the last period's is unknown."""
    import pandas

    rows = pandas.read_csv(metrica_dir() / game / f"{game}_RawEventsData.csv")
    first = rows.groupby("Period")["Start Frame"].min()
    info = metrica[game].info
    assert [p.period for p in info.periods] == [1]
    assert info.periods[0].duration_seconds == pytest.approx((first[2] - first[1]) / 25)
    assert "first event" in info.periods[0].duration_derivation


def test_metrica_duels_name_their_kind(metrica):
    duels = [e for e in metrica["Sample_Game_1"].events if e.type is EventType.DUEL]
    kinds = {e.duel_kind for e in duels}
    assert {k.value for k in kinds if k} == {"aerial", "tackle", "ground"}


# -- the command line ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, match_id, variable, root",
    [
        ("statsbomb", "3788741", "PITCHSTREAM_STATSBOMB_DIR", statsbomb_dir),
        ("metrica", "Sample_Game_2", "PITCHSTREAM_METRICA_DIR", metrica_dir),
    ],
)
def test_match_info_command_prints_the_match_info_json(source, match_id, variable, root):
    result = run_cli(
        "match-info", "--source", source, "--match-id", match_id, folders={variable: root()}
    )
    assert result.returncode == 0, result.stderr.decode()
    (line,) = result.stdout.splitlines()
    payload = orjson.loads(line)
    jsonschema.validate(payload, orjson.loads((V1_DIR / "match-info.schema.json").read_bytes()))
    assert (payload["source"], payload["match_id"]) == (source, match_id)
    if source == "statsbomb":
        assert payload["kick_off"]["utc"] == "2021-06-11T19:00:00Z"
    else:
        assert payload["kick_off"] is None


def test_match_info_command_fails_for_an_unknown_match():
    result = run_cli(
        "match-info",
        *("--source", "statsbomb", "--match-id", "999"),
        folders={"PITCHSTREAM_STATSBOMB_DIR": statsbomb_dir()},
    )
    assert result.returncode == 1 and b"match_not_found" in result.stderr


def test_stats_perform_says_whether_the_venue_was_neutral_and_a_request_overrides_it():
    from domain import with_request_facts
    from processors.adapters.statsperform.repository import repository_from_settings
    from processors.settings import Settings
    from tests.paths import statsperform_dir

    repository = repository_from_settings(Settings(statsperform_dir=str(statsperform_dir())))
    info = repository.get_match("71pif9hi2vwzp6q0xzilyxst0").info
    assert (info.neutral_venue.value, info.neutral_venue.derivation) == (
        False,
        'Stats Perform matchInfo venue.neutral "no"',
    )
    corrected = with_request_facts(info, neutral_venue=True)
    assert corrected.neutral_venue.value is True
    assert corrected.neutral_venue.derivation == (
        "supplied by the ingest request; the provider said false (Stats Perform matchInfo "
        'venue.neutral "no")'
    )
    assert corrected.kick_off == info.kick_off  # only what the request gives changes
