"""The CDF mapper on the three real StatsBomb matches, from exactly the wire payloads.

The MatchInfo is the StatsBomb repository's ``Match.info`` encoded by the real contract encoder,
the MatchEvents are the real MatchEvent encoder's bytes; both are decoded as a consumer of the
topics would (``orjson.loads``). Nothing comes from the request: the kick-off, the second half's
start and ``is_neutral`` are what the mapper derives from the payloads. Every record goes
through the official validator, in strict and extreme mode.
"""

from __future__ import annotations

import dataclasses
import warnings
from datetime import datetime
from typing import Any

import cdf
import pytest
from jsonschema import ValidationError

from contracts.v1 import match_event as event_contract
from contracts.v1 import match_info as info_contract
from processors.adapters.statsbomb import OpenDataMirror
from processors.adapters.statsbomb import StatsBombRepository
from processors.application.cdf import CDF_EVENT_TYPE
from processors.application.cdf import CDF_MATCH_SHEET_TYPE
from processors.application.cdf import CDF_META_TYPE
from processors.application.cdf import CdfMatch
from processors.application.cdf import event_records
from processors.application.cdf import match_records
from processors.application.cdf import meta_record
from processors.application.cdf import record_key
from processors.application.cdf import to_cdf
from tests.adapters.wire import on_the_wire
from tests.paths import statsbomb_dir

MATCH_IDS = ["3788741", "15946", "15986"]

# The reasons a real StatsBomb match may withhold an event for: by design (carried elsewhere,
# no CDF counterpart) or because StatsBomb does not give what CDF requires. No record may be
# withheld for want of a time, a frame, a team, a player or the referee.
EXPECTED_REASONS = {
    "folded_into_pass_receiver",
    "mirror_of_own_goal_against",
    "mirror_of_foul_committed",
    "carried_by_meta_whistles",
    "carried_by_match_sheet",
    "carried_by_line_up",
    "no_cdf_counterpart",
    "no_location",
    "no_end_location",
    "no_body_part",
}


@dataclasses.dataclass(frozen=True)
class Converted:
    info: dict[str, Any]
    events: list[dict[str, Any]]
    result: CdfMatch


@pytest.fixture(scope="module")
def converted() -> dict[str, Converted]:
    repository = StatsBombRepository(OpenDataMirror(statsbomb_dir()))
    out = {}
    for match_id in MATCH_IDS:
        info, events = on_the_wire(repository.get_match(match_id))
        out[match_id] = Converted(info, events, to_cdf(info, events))
    return out


def _problems(validator: Any, record: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(errors, unknown keys): strict fails on the first, extreme on both (cdf's _report)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        validator.validate_schema(record, mode="soft")
    return list(validator.errors), list(validator.advisories)


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _keys(cls: Any) -> set[str]:
    return {f.metadata.get("json_name", f.name) for f in dataclasses.fields(cls)}


# ------------------------------------------------------------------ the wire's field names


def test_the_keys_the_mapper_reads_are_the_contracts_keys() -> None:
    """Every key the mapper reads is a key of MatchInfo v1 / MatchEvent v1 as encoded."""
    assert _keys(info_contract.MatchInfo) >= {
        "source",
        "match_id",
        "teams",
        "competition",
        "season",
        "kick_off",
        "venue",
        "referee",
        "substitutions",
        "periods",
        "data_version",
    }
    assert _keys(info_contract.TeamSheet) >= {"team_id", "name", "side", "goals", "players"}
    assert "country" in _keys(info_contract.TeamSheet)
    assert _keys(info_contract.LineupPlayer) >= {
        "player_id",
        "name",
        "first_name",
        "last_name",
        "nickname",
        "jersey_number",
        "starter",
    }
    assert _keys(info_contract.KickOff) >= {"utc", "local", "time_zone", "derivation"}
    assert _keys(info_contract.Place) >= {"id", "name", "country"}
    assert _keys(info_contract.PeriodInfo) >= {"period", "start_utc", "end_utc", "duration_seconds"}
    assert _keys(info_contract.Substitution) >= {
        "team_id",
        "period",
        "seconds",
        "player_off",
        "player_on",
    }
    assert _keys(info_contract.DataVersion) == {"value", "kind"}
    assert _keys(event_contract.MatchEvent) >= {
        "event_id",
        "match_id",
        "type",
        "period",
        "seconds",
        "team_id",
        "player_id",
        "start",
        "end",
        "outcome",
        "body_part",
        "set_piece",
        "card",
        "related_event_ids",
        "receiver",
        "received_seconds",
        "pass",
        "shot",
        "goalkeeper_action",
        "duel_kind",
        "metrics",
    }
    assert _keys(event_contract.Receiver) >= {"player_id"}
    assert _keys(event_contract.PassInfo) >= {"goal_assist"}
    assert _keys(event_contract.ShotInfo) >= {"penalty", "key_pass_id"}


@pytest.mark.parametrize("match_id", MATCH_IDS)
def test_the_real_payloads_carry_those_keys(converted, match_id: str) -> None:
    data = converted[match_id]
    assert set(data.info) == _keys(info_contract.MatchInfo)
    for team in data.info["teams"]:
        assert set(team) == _keys(info_contract.TeamSheet)
    for event in data.events:
        assert set(event) == _keys(event_contract.MatchEvent)
    passes = [e for e in data.events if e["type"] == "pass"]
    assert passes and all(isinstance(e["pass"], dict) for e in passes)
    assert not any("pass_" in e for e in data.events)


# ------------------------------------------------------------------ validity and accounting


@pytest.mark.parametrize("match_id", MATCH_IDS)
def test_every_event_is_written_or_withheld_with_an_expected_reason(converted, match_id) -> None:
    result = converted[match_id].result
    assert len(result.events) + sum(result.withheld.values()) == len(converted[match_id].events)
    assert set(result.withheld) <= EXPECTED_REASONS, result.withheld
    assert {r["event"]["period"] for r in result.events} == {"first_half", "second_half"}


@pytest.mark.parametrize("match_id", MATCH_IDS)
def test_every_event_record_is_valid_in_strict_and_extreme_mode(converted, match_id) -> None:
    result = converted[match_id].result
    validator = cdf.EventSchemaValidator()
    failing = {}
    for record in result.events:
        errors, unknown = _problems(validator, record)
        if errors or unknown:
            failing[record["event"]["id"]] = errors + unknown
    assert failing == {}, f"{len(failing)} of {len(result.events)} records fail"


@pytest.mark.parametrize("match_id", MATCH_IDS)
def test_the_match_sheet_and_meta_are_valid(converted, match_id) -> None:
    result = converted[match_id].result
    assert result.match_sheet is not None, result.match_sheet_withheld
    assert _problems(cdf.MatchSchemaValidator(), result.match_sheet) == ([], [])
    assert result.meta is not None, result.meta_withheld
    assert _problems(cdf.MetaSchemaValidator(), result.meta) == ([], [])
    # With the extension key: valid in strict mode; extreme mode finds that key only.
    published = meta_record(result)
    assert published is not None
    assert _problems(cdf.MetaSchemaValidator(), published) == (
        [],
        ["root: unknown field 'pitchstream'"],
    )


def test_the_validators_own_strict_and_extreme_modes_agree_with_the_counts(converted) -> None:
    """The soft-mode lists above are what strict and extreme decide on (spot check)."""
    result = converted["3788741"].result
    published = meta_record(result)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cdf.MetaSchemaValidator().validate_schema(published, mode="strict")
        cdf.EventSchemaValidator().validate_schema(result.events[-1], mode="extreme")
        with pytest.raises(ValidationError):
            cdf.MetaSchemaValidator().validate_schema(published, mode="extreme")


# ------------------------------------------------------------------ semantics


@pytest.mark.parametrize("match_id", MATCH_IDS)
def test_lost_aerial_duels_are_written_as_unsuccessful(converted, match_id: str) -> None:
    data = converted[match_id]
    aerial = {e["event_id"] for e in data.events if e["duel_kind"] == "aerial"}
    assert aerial
    written = [r["event"] for r in data.result.events if r["event"]["id"] in aerial]
    assert len(written) == len(aerial)
    for event in written:
        assert (event["type"], event["sub_type"]) == ("duel", "aerial_duel")
        assert (event["is_successful"], event["outcome_type"]) == (False, "unsuccessful")


@pytest.mark.parametrize("match_id", MATCH_IDS)
def test_home_shoots_towards_plus_x_and_away_towards_minus_x_in_both_halves(
    converted, match_id: str
) -> None:
    result = converted[match_id].result
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
    result = converted[match_id].result
    kick_offs = [r["event"] for r in result.events if r["event"]["sub_type"] == "kick_off"]
    assert {e["period"] for e in kick_offs} == {"first_half", "second_half"}
    for event in kick_offs:
        assert (event["x"] ** 2 + event["y"] ** 2) ** 0.5 <= 1.0, event


@pytest.mark.parametrize("match_id", MATCH_IDS)
def test_time_minus_the_period_start_is_our_seconds_exactly(converted, match_id: str) -> None:
    data = converted[match_id]
    assert data.result.meta is not None
    starts = {p["period"]: _parse(p["start_time"]) for p in data.result.meta["match"]["periods"]}
    by_id = {e["event_id"]: e for e in data.events}
    receiver_times = 0
    for record in data.result.events:
        event = record["event"]
        start = starts[event["period"]]
        source = by_id[event["id"]]
        assert (_parse(event["time"]) - start).total_seconds() == source["seconds"]
        if event["receiver_time"] is not None:
            received = (_parse(event["receiver_time"]) - start).total_seconds()
            assert received == source["received_seconds"]
            receiver_times += 1
    assert receiver_times > 500


@pytest.mark.parametrize("match_id", MATCH_IDS)
def test_the_second_half_starts_15_minutes_after_the_first_halfs_end(converted, match_id) -> None:
    data = converted[match_id]
    result = data.result
    assert result.meta is not None and result.provenance is not None
    first, second = result.meta["match"]["periods"]
    duration = data.info["periods"][0]["duration_seconds"]
    assert (_parse(first["end_time"]) - _parse(first["start_time"])).total_seconds() == duration
    assert (_parse(second["start_time"]) - _parse(first["end_time"])).total_seconds() == 900.0
    second_anchor = result.provenance["period_starts"][1]
    assert second_anchor["anchor"] == "assumed_interval"
    assert second_anchor["assumption"].startswith("assumed 15 min half-time interval")
    assert result.meta["match"]["kickoff_time"] == first["start_time"]
    assert _parse(first["start_time"]) == _parse(data.info["kick_off"]["utc"])


@pytest.mark.parametrize("match_id", MATCH_IDS)
def test_every_receiver_is_in_the_line_up_of_its_team(converted, match_id: str) -> None:
    result = converted[match_id].result
    assert result.meta is not None and result.match_sheet is not None
    for block in (result.meta, result.match_sheet):
        line_up = {p["id"]: team["id"] for team in block["teams"].values() for p in team["players"]}
        receivers = [r["event"] for r in result.events if r["event"]["receiver_id"] is not None]
        assert len(receivers) > 500
        for event in receivers:
            assert line_up[event["receiver_id"]] == event["receiver_team_id"]
            assert event["receiver_team_id"] == event["team_id"]
    assert "receiver_not_in_line_up" not in result.omitted


@pytest.mark.parametrize(
    "match_id, neutral, derivation",
    [
        ("3788741", True, "venue country Italy != home team country Turkey"),
        ("15946", False, "venue country Spain == home team country Spain"),
        ("15986", False, "venue country Spain == home team country Spain"),
    ],
)
def test_is_neutral_from_the_venue_and_home_team_countries(
    converted, match_id, neutral, derivation
) -> None:
    result = converted[match_id].result
    assert result.match_sheet is not None and result.provenance is not None
    assert result.match_sheet["match"]["status"]["is_neutral"] is neutral
    assert result.provenance["is_neutral"]["supplied_by"] == "match_info"
    assert result.provenance["is_neutral"]["derivation"].startswith(derivation)


def test_turkey_italy_sheet_has_the_own_goal_and_immobiles_assist_for_insigne(converted) -> None:
    data = converted["3788741"]
    result = data.result
    assert result.match_sheet is not None
    goals = result.match_sheet["events"]["goals"]
    assert [(g["is_own_goal"], g["score"]["home"], g["score"]["away"]) for g in goals] == [
        (True, 0, 1),
        (False, 0, 2),
        (False, 0, 3),
    ]
    names = {p["player_id"]: p["name"] for t in data.info["teams"] for p in t["players"]}
    scorers = [(names[g["player_id"]], g["assist_id"] and names[g["assist_id"]]) for g in goals]
    assert scorers[1:] == [("Ciro Immobile", None), ("Lorenzo Insigne", "Ciro Immobile")]
    assert result.match_sheet["match"]["result"]["final"]["winning_team_id"] == "914"
    assert len(result.match_sheet["events"]["substitutions"]) == len(data.info["substitutions"])


# ------------------------------------------------------------------ the lane's records


@pytest.mark.parametrize("match_id", MATCH_IDS)
def test_the_lane_writes_one_sheet_and_one_meta_under_the_match_key(converted, match_id) -> None:
    data = converted[match_id]
    assert record_key(data.info) == f"statsbomb:{match_id}"
    assert [t for t, _ in match_records(data.result)] == [CDF_MATCH_SHEET_TYPE, CDF_META_TYPE]
    records = event_records(data.result)
    assert len(records) == len(data.result.events)
    assert {t for t, _ in records} == {CDF_EVENT_TYPE}
