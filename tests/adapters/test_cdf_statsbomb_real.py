"""The CDF mapper on the three real StatsBomb matches, every record through the official validator.

The MatchEvents are today's wire payloads (no issue-11 fields yet: no receivers, no key passes);
the MatchInfo is built here from the matches and lineups files as SPEC.md describes it (the real
builder lives on the `matchinfo` branch). The half-time break is supplied, as a request would.
"""

from __future__ import annotations

import warnings
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import cdf
import orjson
import pytest

from contracts.v1 import match_event_payload
from processors.adapters.statsbomb import OpenDataMirror, StatsBombRepository
from processors.cdf import CdfMatch, meta_record, to_cdf
from tests.paths import statsbomb_dir

MATCH_IDS = ["3788741", "15946", "15986"]
ZONES = {"Italy": "Europe/Rome", "Spain": "Europe/Madrid"}


def _raw_match(match_id: str) -> dict[str, Any]:
    for path in (statsbomb_dir() / "data" / "matches").glob("*/*.json"):
        for match in orjson.loads(path.read_bytes()):
            if str(match["match_id"]) == match_id:
                return dict(match)
    raise LookupError(match_id)


def _match_info(match_id: str, home_goals: int, away_goals: int) -> dict[str, Any]:
    raw = _raw_match(match_id)
    lineups = orjson.loads((statsbomb_dir() / "data" / "lineups" / f"{match_id}.json").read_bytes())
    local = f"{raw['match_date']}T{raw['kick_off'][:8]}"
    country = raw["stadium"]["country"]["name"]
    utc = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(ZONES[country]))
    home_id, away_id = str(raw["home_team"]["home_team_id"]), str(raw["away_team"]["away_team_id"])
    teams = []
    for team_id, side, goals in ((home_id, "home", home_goals), (away_id, "away", away_goals)):
        lineup = next(t for t in lineups if str(t["team_id"]) == team_id)
        players = [
            {
                "player_id": str(p["player_id"]),
                "name": p["player_name"],
                "first_name": None,
                "last_name": None,
                "nickname": p.get("player_nickname"),
                "jersey_number": p["jersey_number"],
                "position": None,
                "starter": any(
                    pos.get("start_reason") == "Starting XI" for pos in p.get("positions", [])
                ),
            }
            for p in lineup["lineup"]
        ]
        teams.append(
            {
                "team_id": team_id,
                "name": lineup["team_name"],
                "side": side,
                "goals": goals,
                "players": players,
            }
        )
    return {
        "source": "statsbomb",
        "match_id": match_id,
        "competition": {
            "id": str(raw["competition"]["competition_id"]),
            "name": raw["competition"]["competition_name"],
        },
        "season": {"id": str(raw["season"]["season_id"]), "name": raw["season"]["season_name"]},
        "match_date": raw["match_date"],
        "kick_off": {
            "utc": utc.astimezone(ZoneInfo("UTC")).isoformat(),
            "local": local,
            "time_zone": ZONES[country],
            "derivation": f"statsbomb kick_off is local time at the venue; zone from {country}",
        },
        "venue": {
            "id": str(raw["stadium"]["id"]),
            "name": raw["stadium"]["name"].strip(),
            "country": country,
        },
        "referee": {
            "id": str(raw["referee"]["id"]),
            "name": raw["referee"]["name"],
            "country": raw["referee"]["country"]["name"],
        },
        "teams": teams,
        "score_derivation": "goals and own goals counted from the events",
        "substitutions": [],
        "periods": [],
        "data_version": {"value": raw["last_updated"], "kind": "statsbomb_last_updated"},
    }


@pytest.fixture(scope="module")
def converted() -> dict[str, tuple[CdfMatch, list[dict[str, Any]]]]:
    repository = StatsBombRepository(OpenDataMirror(statsbomb_dir()))
    out = {}
    for match_id in MATCH_IDS:
        match = repository.get_match(match_id)
        payloads = [match_event_payload(match, e, i) for i, e in enumerate(match.events)]
        info = _match_info(match_id, *match.score())
        out[match_id] = (
            to_cdf(info, payloads, assumed_breaks={2: 900.0}, is_neutral=False),
            payloads,
        )
    return out


def _problems(validator: Any, record: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(errors, unknown keys): strict fails on the first, extreme on both (cdf's _report)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        validator.validate_schema(record, mode="soft")
    return list(validator.errors), list(validator.advisories)


@pytest.mark.parametrize("match_id", MATCH_IDS)
def test_every_record_of_a_real_match_passes_the_validator(converted, match_id: str) -> None:
    result, payloads = converted[match_id]
    assert len(result.events) + sum(result.withheld.values()) == len(payloads)
    assert len(result.events) > len(payloads) / 2
    validator = cdf.EventSchemaValidator()
    failing = {}
    for record in result.events:
        errors, unknown = _problems(validator, record)
        if errors or unknown:
            failing[record["event"]["id"]] = errors + unknown
    assert failing == {}, f"{len(failing)} of {len(result.events)} records fail"
    assert result.match_sheet is not None, result.match_sheet_withheld
    assert _problems(cdf.MatchSchemaValidator(), result.match_sheet) == ([], [])
    meta = meta_record(result, extension=False)
    assert meta is not None, result.meta_withheld
    assert _problems(cdf.MetaSchemaValidator(), meta) == ([], [])


@pytest.mark.parametrize("match_id", MATCH_IDS)
def test_home_shoots_towards_plus_x_and_away_towards_minus_x_in_both_halves(
    converted, match_id: str
) -> None:
    result, _ = converted[match_id]
    assert result.meta is not None
    home = result.meta["teams"]["home"]["id"]
    seen = set()
    for record in result.events:
        event = record["event"]
        if event["type"] == "shot" and event["outcome_type"] != "own_goal":
            assert (event["x"] > 0) == (event["team_id"] == home), event
            seen.add((event["period"], event["team_id"] == home))
    assert {p for p, _ in seen} == {"first_half", "second_half"}


@pytest.mark.parametrize("match_id", MATCH_IDS)
def test_real_kick_offs_are_on_the_centre_spot(converted, match_id: str) -> None:
    result, _ = converted[match_id]
    kick_offs = [r["event"] for r in result.events if r["event"]["sub_type"] == "kick_off"]
    assert len(kick_offs) >= 2
    for event in kick_offs:
        assert (event["x"] ** 2 + event["y"] ** 2) ** 0.5 <= 1.0, event


def test_turkey_italy_sheet_has_the_own_goal_for_italy(converted) -> None:
    result, _ = converted["3788741"]
    assert result.match_sheet is not None
    goals = result.match_sheet["events"]["goals"]
    assert [(g["is_own_goal"], g["score"]["home"], g["score"]["away"]) for g in goals] == [
        (True, 0, 1),
        (False, 0, 2),
        (False, 0, 3),
    ]
    assert result.match_sheet["match"]["result"]["final"]["winning_team_id"] == "914"
