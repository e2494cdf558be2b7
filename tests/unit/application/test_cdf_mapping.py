"""The CDF lane's mapper on a tiny synthetic match, every record checked by the official validator.

The validator (``common-data-format-validator``, module ``cdf``) is run per record in dict mode,
where it collects every error with its path (its JSONL mode reports one error per line, and only
line 1 unless ``limit=None``), in strict and in extreme mode.
"""

from __future__ import annotations

import contextlib
import copy
import warnings
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import cdf
import orjson
import pytest
from jsonschema import ValidationError

from processors.application.cdf import CDF_EVENT_TYPE
from processors.application.cdf import CDF_MATCH_SHEET_TYPE
from processors.application.cdf import CDF_META_TYPE
from processors.application.cdf import WITHHELD_REASONS
from processors.application.cdf import CdfInputError
from processors.application.cdf import CdfMatch
from processors.application.cdf import event_records
from processors.application.cdf import events_jsonl
from processors.application.cdf import match_records
from processors.application.cdf import match_sheet_json
from processors.application.cdf import meta_json
from processors.application.cdf import meta_record
from processors.application.cdf import record_key
from processors.application.cdf import to_cdf
from processors.application.cdf import withheld_summary
from tests.unit.cdf_samples import AWAY
from tests.unit.cdf_samples import HOME
from tests.unit.cdf_samples import event_id
from tests.unit.cdf_samples import match_events
from tests.unit.cdf_samples import match_info
from tests.unit.cdf_samples import metrica_like

BREAKS = {2: 900.0}


def _run(validator: Any, record: dict[str, Any] | str, mode: str) -> list[str]:
    """Problems the validator finds in ``mode`` ("strict": errors; "extreme": also unknown keys)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with contextlib.suppress(ValidationError):
            validator.validate_schema(record, mode=mode, limit=None)
    return list(validator.errors) + (list(validator.advisories) if mode == "extreme" else [])


def _raises(validator: Any, record: dict[str, Any], mode: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            validator.validate_schema(record, mode=mode)
        except ValidationError:
            return True
    return False


@pytest.fixture(scope="module")
def result() -> CdfMatch:
    return to_cdf(match_info(), match_events(), assumed_breaks=BREAKS, is_neutral=False)


def _by_id(result: CdfMatch) -> dict[str, dict[str, Any]]:
    return {record["event"]["id"]: record["event"] for record in result.events}


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value)


# ------------------------------------------------------------------ validity


@pytest.mark.parametrize("mode", ["strict", "extreme"])
def test_every_event_record_passes_the_official_validator(result: CdfMatch, mode: str) -> None:
    validator = cdf.EventSchemaValidator()
    problems = {
        record["event"]["id"]: found
        for record in result.events
        if (found := _run(validator, record, mode))
    }
    assert result.events, "the fixture must produce event records"
    assert problems == {}
    assert not any(_raises(validator, record, mode) for record in result.events)


def test_the_events_jsonl_file_passes_with_every_line_checked(
    result: CdfMatch, tmp_path: Path
) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(events_jsonl(result), encoding="utf-8", newline="")
    validator = cdf.EventSchemaValidator()
    for mode in ("strict", "extreme"):
        validator.validate_schema(str(path), mode=mode, limit=None)  # raises on any error
    assert validator.errors == [] and validator.advisories == []
    assert path.read_bytes().count(b"\n") == len(result.events)
    assert b"\r" not in path.read_bytes()


@pytest.mark.parametrize("mode", ["strict", "extreme"])
def test_the_match_sheet_passes_the_official_validator(result: CdfMatch, mode: str) -> None:
    assert result.match_sheet is not None, result.match_sheet_withheld
    validator = cdf.MatchSchemaValidator()
    assert _run(validator, result.match_sheet, mode) == []
    assert not _raises(validator, result.match_sheet, mode)


def test_meta_passes_strict_and_extreme_but_for_its_one_documented_extension_key(
    result: CdfMatch,
) -> None:
    validator = cdf.MetaSchemaValidator()
    published = meta_record(result)
    assert published is not None, result.meta_withheld
    assert _run(validator, published, "strict") == []
    assert _run(validator, published, "extreme") == ["root: unknown field 'pitchstream'"]
    pure = meta_record(result, extension=False)
    assert pure is not None
    assert _run(validator, pure, "extreme") == []
    assert not _raises(validator, pure, "extreme")


def test_the_metrica_like_match_with_capitalised_ids_still_validates() -> None:
    info, events = metrica_like(match_info(), match_events())
    result = to_cdf(
        info, events, kick_off_utc="2019-02-21T15:00:00Z", assumed_breaks=BREAKS, is_neutral=False
    )
    assert result.events
    event_validator, sheet_validator = cdf.EventSchemaValidator(), cdf.MatchSchemaValidator()
    for record in result.events:
        assert _run(event_validator, record, "extreme") == []
    assert result.match_sheet is not None
    assert result.match_sheet["meta"]["vendor"] == "metrica"
    assert _run(sheet_validator, result.match_sheet, "extreme") == []
    # No competition, season or venue id: CDF meta requires them and we never make them up.
    assert result.meta is None and result.meta_withheld == "no_competition_id"


# ------------------------------------------------------------------ accounting


def test_written_plus_withheld_is_every_match_event(result: CdfMatch) -> None:
    assert len(result.events) + sum(result.withheld.values()) == len(match_events())
    assert set(result.withheld) <= set(WITHHELD_REASONS)


def test_each_withheld_event_is_counted_under_its_reason(result: CdfMatch) -> None:
    assert result.withheld == {
        "carried_by_meta_whistles": 5,  # 3 period starts, 2 period ends
        "folded_into_pass_receiver": 1,
        "no_body_part": 1,  # the pass Metrica-style without body part
        "mirror_of_foul_committed": 1,
        "no_location": 1,  # the card
        "no_end_location": 1,  # the own goal
        "mirror_of_own_goal_against": 1,
        "carried_by_match_sheet": 1,  # the substitution
        "no_cdf_counterpart": 1,  # the tactical shift
    }
    assert result.omitted == {"player_without_jersey_number": 1, "receiver_not_in_line_up": 1}


def test_without_a_kick_off_every_timed_record_is_withheld() -> None:
    info = match_info()
    info["kick_off"] = None
    result = to_cdf(info, match_events(), assumed_breaks=BREAKS, is_neutral=False)
    assert result.events == ()
    # The 11 written before, and the 3 that a record-level reason withheld: time is checked first.
    assert result.withheld["no_kick_off_time"] == 14
    assert len(result.events) + sum(result.withheld.values()) == len(match_events())
    assert result.meta_withheld == "no_kick_off_time"
    assert result.match_sheet_withheld == "no_kick_off_time"


def _second_half_start(result, interval: float) -> dict:
    """The second half's provenance, after checking the meta's gap between the halves."""
    assert result.meta is not None and result.provenance is not None
    first, second = result.meta["match"]["periods"]
    assert (_parse(second["start_time"]) - _parse(first["end_time"])).total_seconds() == interval
    return result.provenance["period_starts"][1]


def test_without_a_source_the_second_half_starts_after_an_assumed_15_minute_interval() -> None:
    result = to_cdf(match_info(), match_events(), is_neutral=False)
    assert {r["event"]["period"] for r in result.events} == {"first_half", "second_half"}
    assert "no_period_start_time" not in result.withheld
    assert _second_half_start(result, 900.0) == {
        "period": "second_half",
        "anchor": "assumed_interval",
        "interval_seconds": 900.0,
        "assumption": "assumed 15 min half-time interval (Laws of the Game, Law 7: the "
        "half-time interval must not exceed 15 minutes)",
    }


def test_a_request_supplied_break_wins_over_the_assumed_interval() -> None:
    result = to_cdf(match_info(), match_events(), assumed_breaks={2: 600.0}, is_neutral=False)
    assert _second_half_start(result, 600.0) == {
        "period": "second_half",
        "anchor": "request_break",
        "interval_seconds": 600.0,
        "assumption": "break supplied by the ingest request",
    }


def test_extra_time_starts_after_an_assumed_5_minute_interval() -> None:
    info, events = match_info(), match_events()
    last = copy.deepcopy(events[-1])
    extra = [
        last | {"event_id": event_id(200), "type": "period_start", "period": 3, "seconds": 0.0},
        last | {"event_id": event_id(201), "type": "period_end", "period": 3, "seconds": 900.0},
    ]
    result = to_cdf(info, events + extra, is_neutral=False)
    assert result.meta is not None and result.provenance is not None
    periods = {p["period"]: p for p in result.meta["match"]["periods"]}
    gap = _parse(periods["first_half_extratime"]["start_time"]) - _parse(
        periods["second_half"]["end_time"]
    )
    assert gap.total_seconds() == 300.0
    assert result.provenance["period_starts"][2]["assumption"] == (
        "assumed 5 min interval before extra time"
    )


def test_a_later_period_whose_previous_end_is_unknown_is_withheld_not_guessed() -> None:
    info = match_info()
    info["periods"] = []
    events = [e for e in match_events() if not (e["type"] == "period_end" and e["period"] == 1)]
    result = to_cdf(info, events, is_neutral=False)
    assert {r["event"]["period"] for r in result.events} == {"first_half"}
    # The 5 second-half records written before and the own goal (time is checked first).
    assert result.withheld["no_period_start_time"] == 6
    assert result.match_sheet_withheld == "no_period_start_time"
    assert result.meta is not None
    second = result.meta["match"]["periods"][1]
    assert second == {"period": "second_half", "play_direction": "left_right"}
    assert len(result.events) + sum(result.withheld.values()) == len(events)


def test_no_interval_is_assumed_before_the_second_half_of_extra_time() -> None:
    info, events = match_info(), match_events()
    last = copy.deepcopy(events[-1])
    extra = [
        last | {"event_id": event_id(200 + i), "type": kind, "period": period, "seconds": sec}
        for i, (kind, period, sec) in enumerate(
            [("period_start", 3, 0.0), ("period_end", 3, 900.0), ("period_start", 4, 0.0),
             ("period_end", 4, 900.0)]
        )
    ]  # fmt: skip
    result = to_cdf(info, events + extra, is_neutral=False)
    assert result.meta is not None
    periods = {p["period"]: p for p in result.meta["match"]["periods"]}
    assert "start_time" in periods["first_half_extratime"]
    assert "start_time" not in periods["second_half_extratime"]
    with_break = to_cdf(info, events + extra, assumed_breaks={4: 60.0}, is_neutral=False)
    assert with_break.meta is not None
    assert "start_time" in with_break.meta["match"]["periods"][3]


def test_no_home_team_means_no_frame_and_nothing_written() -> None:
    info = match_info()
    for team in info["teams"]:
        team["side"] = None
    result = to_cdf(info, match_events(), assumed_breaks=BREAKS, is_neutral=False)
    assert result.events == ()
    assert result.meta_withheld == result.match_sheet_withheld == "home_away_unknown"
    assert len(result.events) + sum(result.withheld.values()) == len(match_events())


def test_is_neutral_is_derived_from_the_venue_and_home_team_countries() -> None:
    result = to_cdf(match_info(), match_events())
    assert result.match_sheet is not None, result.match_sheet_withheld
    assert result.match_sheet["match"]["status"]["is_neutral"] is False
    assert result.provenance is not None
    assert result.provenance["is_neutral"] == {
        "value": False,
        "supplied_by": "match_info",
        "derivation": "venue country Italy == home team country Italy "
        "(MatchInfo venue.country and teams[].country)",
    }
    info = match_info()
    info["venue"]["country"] = "England"
    neutral = to_cdf(info, match_events())
    assert neutral.match_sheet is not None
    assert neutral.match_sheet["match"]["status"]["is_neutral"] is True
    assert neutral.provenance is not None and neutral.provenance["is_neutral"]["value"] is True


def test_a_request_supplied_is_neutral_wins() -> None:
    result = to_cdf(match_info(), match_events(), is_neutral=True)
    assert result.match_sheet is not None
    assert result.match_sheet["match"]["status"]["is_neutral"] is True
    assert result.provenance is not None
    assert result.provenance["is_neutral"] == {"value": True, "supplied_by": "request"}


@pytest.mark.parametrize("missing", ["venue", "home_team"])
def test_the_match_sheet_is_withheld_when_no_one_says_whether_the_venue_was_neutral(
    missing: str,
) -> None:
    info = match_info()
    if missing == "venue":
        info["venue"]["country"] = None
    else:
        del info["teams"][0]["country"]
    result = to_cdf(info, match_events())
    assert result.match_sheet is None and result.match_sheet_withheld == "is_neutral_unknown"
    assert result.provenance is not None and result.provenance["is_neutral"] is None


def test_a_referee_event_without_the_referees_id_is_withheld() -> None:
    info = match_info()
    info["referee"] = {"id": None, "name": "Danny Makkelie", "country": None}
    result = to_cdf(info, match_events(), assumed_breaks=BREAKS, is_neutral=False)
    assert result.withheld["no_official_id"] == 1
    assert all(r["event"]["type"] != "referee" for r in result.events)


# ------------------------------------------------------------------ frame


def test_each_team_shoots_towards_its_own_attacking_end(result: CdfMatch) -> None:
    shots = [r["event"] for r in result.events if r["event"]["type"] == "shot"]
    assert {s["team_id"] for s in shots} == {HOME, AWAY}
    for shot in shots:
        if shot["team_id"] == HOME:
            assert shot["x"] > 0 and shot["x_end"] == 52.5
        else:
            assert shot["x"] < 0 and shot["x_end"] == -52.5


def test_kick_offs_are_on_the_centre_spot(result: CdfMatch) -> None:
    kick_offs = [r["event"] for r in result.events if r["event"]["sub_type"] == "kick_off"]
    assert len(kick_offs) == 3
    for event in kick_offs:
        assert (event["x"] ** 2 + event["y"] ** 2) ** 0.5 <= 1.0


def test_the_acting_teams_left_is_plus_y_for_home_and_minus_y_for_away(result: CdfMatch) -> None:
    events = _by_id(result)
    # Home pass from our (60, 20): 20 m from its right touchline, i.e. 14 m right of centre.
    assert (events[event_id(4)]["x"], events[event_id(4)]["y"]) == (7.5, -14.0)
    # Away duel at our (30, 50): away attacks -x, so its left (+y ours) is -y in CDF.
    assert (events[event_id(20)]["x"], events[event_id(20)]["y"]) == (22.5, -16.0)


# ------------------------------------------------------------------ time


def test_time_minus_period_start_gives_back_our_seconds_exactly(result: CdfMatch) -> None:
    assert result.meta is not None
    starts = {p["period"]: _parse(p["start_time"]) for p in result.meta["match"]["periods"]}
    seconds = {e["event_id"]: e["seconds"] for e in match_events()}
    received = {e["event_id"]: e["received_seconds"] for e in match_events()}
    for record in result.events:
        event = record["event"]
        start = starts[event["period"]]
        assert (_parse(event["time"]) - start).total_seconds() == seconds[event["id"]]
        if event["receiver_time"] is not None:
            got = (_parse(event["receiver_time"]) - start).total_seconds()
            assert got == received[event["id"]]


def test_the_second_half_starts_after_the_first_halfs_end_plus_the_assumed_break(
    result: CdfMatch,
) -> None:
    assert result.meta is not None and result.provenance is not None
    first, second = result.meta["match"]["periods"]
    gap = _parse(second["start_time"]) - _parse(first["end_time"])
    assert gap.total_seconds() == 900.0
    assert result.provenance["period_starts"][1] == {
        "period": "second_half",
        "anchor": "request_break",
        "interval_seconds": 900.0,
        "assumption": "break supplied by the ingest request",
    }
    whistles = [_parse(w["time"]) for w in result.meta["match"]["whistles"]]
    assert whistles == sorted(whistles) and len(whistles) == 4


def test_a_request_supplied_kick_off_is_used_and_meta_says_so() -> None:
    result = to_cdf(
        match_info(),
        match_events(),
        kick_off_utc="2021-06-11T19:03:10+00:00",
        assumed_breaks=BREAKS,
        is_neutral=False,
    )
    assert result.meta is not None and result.provenance is not None
    assert result.meta["match"]["kickoff_time"] == "2021-06-11T19:03:10.000Z"
    assert result.provenance["kick_off"]["supplied_by"] == "request"
    assert "local_kickoff_time" not in result.meta["match"]
    assert result.events[0]["event"]["time"] == "2021-06-11T19:03:10.520Z"


def test_local_kick_off_keeps_the_venues_offset(result: CdfMatch) -> None:
    assert result.meta is not None
    assert result.meta["match"]["local_kickoff_time"] == "2021-06-11T21:00:00+02:00"
    assert result.meta["match"]["kickoff_time"] == "2021-06-11T19:00:00.000Z"


# ------------------------------------------------------------------ events


def test_a_completed_pass_names_its_receiver_from_the_line_up(result: CdfMatch) -> None:
    line_up = {p["player_id"] for t in match_info()["teams"] for p in t["players"]}
    events = _by_id(result)
    with_receiver = [e for e in events.values() if e["receiver_id"] is not None]
    assert len(with_receiver) == 3
    for event in with_receiver:
        assert event["receiver_id"] in line_up and event["receiver_team_id"] == event["team_id"]
    # The incomplete pass's intended receiver is not a receiver.
    assert events[event_id(4)]["receiver_id"] is None
    assert events[event_id(4)]["outcome_type"] == "unsuccessful"
    # A receiver missing from the line-up is left out, never given a team.
    assert events[event_id(18)]["receiver_id"] is None


def test_types_follow_the_cdf_vocabulary(result: CdfMatch) -> None:
    events = _by_id(result)
    kinds = {
        i: (events[event_id(i)]["type"], events[event_id(i)]["sub_type"])
        for i in (2, 4, 6, 9, 17, 19, 20, 21)
    }
    assert kinds == {
        2: ("pass", "kick_off"),
        4: ("pass", None),
        6: ("shot", None),
        9: ("referee", "foul"),
        17: ("shot", "penalty_kick"),
        19: ("defending", "pressing"),
        20: ("duel", "aerial_duel"),
        21: ("misc", "carry"),
    }
    foul = events[event_id(9)]
    assert foul["official_id"] == "500" and "player_id" not in foul
    assert foul["outcome_type"] == "yellow_card"
    goal = events[event_id(6)]
    assert goal["is_successful"] and goal["outcome_type"] == "successful"
    assert goal["metrics"] == {"xg": 0.41}


@pytest.mark.parametrize(
    "duel_kind, expected",
    [
        ("aerial", ("duel", "aerial_duel")),
        ("ground", ("duel", "ground_duel")),
        ("tackle", ("misc", "tackle")),
        ("fifty_fifty", ("duel", "fifty_fifty")),
        (None, ("duel", None)),
    ],
)
def test_every_duel_kind_of_the_vocabulary_has_its_sub_type(
    duel_kind: str | None, expected: tuple[str, str | None]
) -> None:
    events = match_events()
    events[20]["duel_kind"] = duel_kind
    record = _by_id(to_cdf(match_info(), events, is_neutral=False))[event_id(20)]
    assert (record["type"], record["sub_type"]) == expected
    assert _run(cdf.EventSchemaValidator(), {"match": {"id": "9001"}, "meta": {"is_synced": False},
                "event": record}, "extreme") == []  # fmt: skip


def test_the_duel_cases_above_are_every_duel_kind_of_the_contract() -> None:
    from domain import DuelKind

    assert {kind.value for kind in DuelKind} == {"aerial", "ground", "tackle", "fifty_fifty"}


def test_related_ids_name_only_written_records(result: CdfMatch) -> None:
    events = _by_id(result)
    for event in events.values():
        for other in event["related_event_ids"] or []:
            assert other in events


def test_ids_are_strings(result: CdfMatch) -> None:
    for record in result.events:
        event = record["event"]
        assert isinstance(record["match"]["id"], str)
        for key in ("id", "player_id", "team_id", "official_id", "receiver_id"):
            assert event.get(key) is None or isinstance(event[key], str)


def test_a_non_string_id_is_refused() -> None:
    info = match_info()
    info["teams"][0]["players"][0]["player_id"] = 7
    with pytest.raises(CdfInputError):
        to_cdf(info, match_events())
    events = match_events()
    events[0]["match_id"] = "other"
    with pytest.raises(CdfInputError):
        to_cdf(match_info(), events)
    with pytest.raises(CdfInputError):
        to_cdf(match_info(), match_events(), assumed_breaks={2: -1.0})


def test_an_old_payload_without_the_new_fields_still_maps() -> None:
    old_keys = (
        "team_side", "receiver", "received_seconds", "under_pressure", "pass", "shot",
        "goalkeeper_action", "duel_kind", "metrics",
    )  # fmt: skip
    events = [{k: v for k, v in e.items() if k not in old_keys} for e in match_events()]
    result = to_cdf(match_info(), events, assumed_breaks=BREAKS, is_neutral=False)
    assert len(result.events) + sum(result.withheld.values()) == len(events)
    assert all(r["event"]["receiver_id"] is None for r in result.events)
    assert result.match_sheet is not None
    assert [g["assist_id"] for g in result.match_sheet["events"]["goals"]] == [None, None, None]


# ------------------------------------------------------------------ match sheet


def test_goals_credit_own_goals_to_the_other_side_with_assists_and_penalties(
    result: CdfMatch,
) -> None:
    assert result.match_sheet is not None
    goals = result.match_sheet["events"]["goals"]
    summary = [
        (g["team_id"], g["player_id"], g["assist_id"], g["is_own_goal"], g["is_penalty"],
         (g["score"]["home"], g["score"]["away"]))
        for g in goals
    ]  # fmt: skip
    assert summary == [
        (HOME, "h3", "h2", False, False, (1, 0)),
        (HOME, "a1", None, True, False, (2, 0)),
        (AWAY, "a3", None, False, True, (2, 1)),
    ]
    result_block = result.match_sheet["match"]["result"]
    assert result_block["final"] == {"home": 2, "away": 1, "winning_team_id": HOME}
    assert result_block["first_half"] == {"home": 1, "away": 0}
    assert result_block["second_half"] == {"home": 2, "away": 1}


def test_substitutions_cards_and_who_played(result: CdfMatch) -> None:
    assert result.match_sheet is not None
    events = result.match_sheet["events"]
    substitutions = events["substitutions"]
    assert [(s["out_player_id"], s["in_player_id"], s["period"]) for s in substitutions] == [
        ("h3", "h4", "second_half")
    ]
    assert [(c["player_id"], c["team_id"], c["type"]) for c in events["cards"]] == [
        ("a2", AWAY, "yellow_card"),
        ("h3", HOME, "yellow_card"),
    ]
    players = {p["id"]: p for team in result.match_sheet["teams"].values() for p in team["players"]}
    assert players["h4"]["has_played"] and not players["h4"]["is_starter"]
    assert not players["h5"]["has_played"]
    assert "a4" not in players  # no jersey number: CDF requires one
    # One provider name is never split: first and last stay empty, the name is the short name.
    assert (players["h2"]["first_name"], players["h2"]["last_name"]) == ("", "")
    assert players["h2"]["short_name"] == "Jorginho"
    assert (players["h3"]["first_name"], players["h3"]["last_name"]) == ("Ciro", "Immobile")


def test_a_score_that_disagrees_with_match_info_withholds_the_sheet() -> None:
    info = match_info()
    info["teams"][0]["goals"] = 3
    result = to_cdf(info, match_events(), assumed_breaks=BREAKS, is_neutral=False)
    assert result.match_sheet_withheld == "score_disagrees_with_match_info"


def test_a_shootout_decides_the_winner_of_a_draw() -> None:
    info, events = match_info(), match_events()
    info["teams"][0]["goals"] = 1  # MatchInfo counts the regular goals only here
    events = [e for e in events if e["type"] != "own_goal_against"]
    last = copy.deepcopy(events[-1])
    shootout = [
        last | {"event_id": event_id(100 + i), "type": "shot", "period": 5, "seconds": 10.0 * i,
                "team_id": team, "player_id": player, "start": {"x": 94.0, "y": 34.0},
                "end": {"x": 105.0, "y": 34.0}, "outcome": outcome, "body_part": "left_foot",
                "set_piece": "penalty"}
        for i, (team, player, outcome) in enumerate(
            [(HOME, "h2", "goal"), (AWAY, "a3", "saved"), (HOME, "h4", "goal")]
        )
    ]  # fmt: skip
    result = to_cdf(info, events + shootout, assumed_breaks={2: 900.0}, is_neutral=True)
    assert result.match_sheet is not None, result.match_sheet_withheld
    block = result.match_sheet["match"]
    assert block["status"]["has_shootout"] is True
    assert block["result"]["final"] == {"home": 1, "away": 1, "winning_team_id": HOME}
    assert block["result"]["shootout"] == {"home": 2, "away": 0}
    assert _run(cdf.MatchSchemaValidator(), result.match_sheet, "extreme") == []


# ------------------------------------------------------------------ rendering


def test_rendered_text_round_trips(result: CdfMatch) -> None:
    lines = events_jsonl(result).splitlines()
    assert [orjson.loads(line) for line in lines] == list(result.events)
    sheet, meta = match_sheet_json(result), meta_json(result)
    assert sheet is not None and meta is not None
    assert orjson.loads(sheet) == result.match_sheet
    assert orjson.loads(meta)["pitchstream"] == result.provenance
    assert orjson.loads(meta_json(result, extension=False) or "null") == result.meta
    summary = withheld_summary(result)
    assert summary["events_read"] == summary["events_written"] + sum(
        summary["events_withheld"].values()
    )


def _walk(value: Any) -> Iterator[Any]:
    yield value
    if isinstance(value, dict):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def test_meta_never_writes_the_actual_ends_it_does_not_know(result: CdfMatch) -> None:
    assert result.meta is not None
    for node in _walk(result.meta):
        if isinstance(node, dict):
            assert "left_team_id" not in node and "right_team_id" not in node


def test_a_throw_in_without_body_part_is_taken_with_the_hands() -> None:
    events = match_events()
    events[8]["set_piece"] = "throw_in"  # the away pass without body part
    result = to_cdf(match_info(), events, assumed_breaks=BREAKS, is_neutral=False)
    throw_in = _by_id(result)[event_id(8)]
    assert (throw_in["sub_type"], throw_in["body_part"]) == ("throw_in", "hands")
    assert "no_body_part" not in result.withheld


# ------------------------------------------------------------------ lane records


def test_the_lane_gives_each_record_its_ce_type(result: CdfMatch) -> None:
    assert (CDF_EVENT_TYPE, CDF_MATCH_SHEET_TYPE, CDF_META_TYPE) == (
        "io.pitchstream.cdf-event.v0.3.2",
        "io.pitchstream.cdf-match-sheet.v0.3.2",
        "io.pitchstream.cdf-meta.v0.3.2",
    )
    assert record_key(match_info()) == "statsbomb:9001"
    events = event_records(result)
    assert [record for _, record in events] == list(result.events)
    assert {ce_type for ce_type, _ in events} == {CDF_EVENT_TYPE}
    sheet, meta = match_records(result)
    assert sheet == (CDF_MATCH_SHEET_TYPE, result.match_sheet)
    assert meta == (CDF_META_TYPE, meta_record(result))
    assert "pitchstream" in meta[1]
    assert match_records(result, extension=False)[1] == (CDF_META_TYPE, result.meta)


def test_a_withheld_match_sheet_is_absent_from_the_lane_records() -> None:
    info = match_info()
    info["venue"]["country"] = None
    result = to_cdf(info, match_events())
    assert [ce_type for ce_type, _ in match_records(result)] == [CDF_META_TYPE]
