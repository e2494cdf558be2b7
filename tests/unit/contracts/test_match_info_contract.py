"""MatchInfo v1: the domain value, its payload, the contract's decoder and the schema agree."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import jsonschema
import orjson
import pytest

from contracts import ContractError
from contracts.codec import to_dict
from contracts.schemas import V1_DIR
from contracts.v1 import decode_match_info
from contracts.v1 import encode_match_info
from contracts.v1 import match_info as contract
from contracts.v1 import match_info_payload
from contracts.v1.topics import Topics
from domain import DataVersion
from domain import KickOff
from domain import LineupPlayer
from domain import MatchInfo
from domain import NamedRef
from domain import PeriodInfo
from domain import Place
from domain import PlayerRef
from domain import Side
from domain import Substitution
from domain import TeamSheet

SCHEMA = orjson.loads((V1_DIR / "match-info.schema.json").read_bytes())


def full_info() -> MatchInfo:
    return MatchInfo(
        source="statsbomb",
        match_id="7",
        teams=(
            TeamSheet(
                "1",
                "Home",
                Side.HOME,
                2,
                (LineupPlayer("10", "Ten", None, None, "T", 10, "Striker", True),),
                country="Italy",
            ),
            TeamSheet("2", "Away", Side.AWAY, 1, (LineupPlayer("20", "Twenty"),)),
        ),
        score_derivation="counted",
        competition=NamedRef("55", "Euro"),
        season=NamedRef("43", "2020"),
        match_date="2021-06-11",
        kick_off=KickOff.from_local(datetime(2021, 6, 11, 21), "Europe/Rome", "local"),
        venue=Place("381", "Stadio Olimpico", "Italy"),
        referee=Place("293", "Ref", "Netherlands"),
        substitutions=(
            Substitution("1", 2, 0.0, 45, PlayerRef("10", "Ten"), PlayerRef("11", "Eleven"), "e"),
        ),
        periods=(PeriodInfo(1, duration_seconds=2755.111),),
        data_version=DataVersion("2021-06-12T12:49:02.070", "statsbomb_last_updated"),
        lineup_derivation="file",
    )


def _keys(cls) -> set[str]:
    return {f.metadata.get("json_name", f.name) for f in dataclasses.fields(cls)}


def test_a_payload_validates_against_the_schema_and_round_trips():
    payload = encode_match_info(full_info())
    data = orjson.loads(payload)
    jsonschema.validate(data, SCHEMA)
    decoded = decode_match_info(payload)
    assert to_dict(decoded) == data
    assert decoded.kick_off is not None and decoded.kick_off.utc == "2021-06-11T19:00:00Z"
    assert decoded.teams[0].side is Side.HOME


@pytest.mark.parametrize(
    "domain_cls, contract_cls",
    [
        (MatchInfo, contract.MatchInfo),
        (TeamSheet, contract.TeamSheet),
        (LineupPlayer, contract.LineupPlayer),
        (KickOff, contract.KickOff),
        (Place, contract.Place),
        (NamedRef, contract.NamedRef),
        (Substitution, contract.Substitution),
        (PlayerRef, contract.PlayerRef),
        (PeriodInfo, contract.PeriodInfo),
        (DataVersion, contract.DataVersion),
    ],
)
def test_the_domain_value_and_the_contract_have_the_same_fields(domain_cls, contract_cls):
    assert _keys(domain_cls) == _keys(contract_cls)


def test_the_payload_writes_every_field_null_when_unknown():
    minimal = MatchInfo(
        "metrica",
        "g",
        (TeamSheet("Home", "Home", Side.HOME, 0), TeamSheet("Away", "Away", Side.AWAY, 0)),
        "counted",
    )
    data = match_info_payload(minimal)
    assert set(data) == set(SCHEMA["properties"])
    assert data["kick_off"] is None and data["competition"] is None
    jsonschema.validate(data, SCHEMA)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda d: d["teams"].pop(), "exactly two"),
        (lambda d: d.pop("teams"), "teams: required"),
        (lambda d: d["teams"][0].update(side="left"), "is not one of"),
        (lambda d: d["kick_off"].pop("derivation"), "derivation: required"),
    ],
)
def test_a_bad_payload_is_refused_with_a_reason(edit, message):
    data = match_info_payload(full_info())
    edit(data)
    with pytest.raises(ContractError, match=message):
        decode_match_info(orjson.dumps(data))


def test_sides_are_both_known_or_both_unknown():
    home, away = TeamSheet("1", "A", Side.HOME, 0), TeamSheet("2", "B", None, 0)
    with pytest.raises(ValueError, match="sides"):
        MatchInfo("s", "m", (home, away), "x")
    unknown = MatchInfo("s", "m", (dataclasses.replace(home, side=None), away), "x")
    assert not unknown.sides_known


def test_a_kick_off_without_a_zone_has_no_utc_time():
    kick_off = KickOff.from_local(datetime(2021, 6, 11, 21), None, "no zone")
    assert (kick_off.utc, kick_off.local, kick_off.time_zone) == (None, "2021-06-11T21:00:00", None)
    unknown = KickOff.from_local(datetime(2021, 6, 11, 21), "Mars/Olympus", "why")
    assert unknown.utc is None and "unknown time zone" in unknown.derivation


def test_the_match_info_topic_takes_the_prefix():
    assert Topics(prefix="t-").match_info == "t-match-info"


def test_a_payload_without_the_additive_team_country_still_decodes():
    data = match_info_payload(full_info())
    assert data["teams"][0]["country"] == "Italy" and data["teams"][1]["country"] is None
    for team in data["teams"]:
        del team["country"]
    jsonschema.validate(data, SCHEMA)
    decoded = decode_match_info(orjson.dumps(data))
    assert [t.country for t in decoded.teams] == [None, None]
    assert decoded.teams[0].name == "Home"
