"""Stats Perform feeds as users get them: each variant ends as mapped events, drops counted by
reason, or a clear InvalidSourceData, never a crash or a silent loss.

Small synthetic MA1/MA3 files are written to a temporary folder by each test; the real sample
(../shared/data) is only read and, for the conversions, rewritten to the temporary folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from contracts.v1.match_event import encode_match_event
from domain import EventType
from domain import InvalidSourceData
from domain import Match
from domain import Outcome
from processors.adapters.statsperform import statsperform_repository
from tests.paths import SP_MATCH
from tests.paths import statsperform_dir

MATCH = "m1"
HOME, AWAY = "home-id", "away-id"
KICK_OFF = "2021-01-01T12:00:00.000Z"


def info(*, positions: tuple[Any, Any] = ("home", "away")) -> dict[str, Any]:
    return {
        "id": MATCH,
        "contestant": [
            {"id": HOME, "name": "Home FC", "position": positions[0]},
            {"id": AWAY, "name": "Away FC", "position": positions[1]},
        ],
    }


def event(event_id: int, type_id: Any = 1, team: str = HOME, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": event_id,
        "eventId": event_id,
        "typeId": type_id,
        "periodId": 1,
        "timeMin": 0,
        "timeSec": 5,
        "contestantId": team,
        "playerId": f"p{event_id}",
        "playerName": f"Player {event_id}",
        "outcome": 1,
        "x": 40.0,
        "y": 30.0,
        "timeStamp": "2021-01-01T12:00:05.500Z",
        "qualifier": [{"qualifierId": 140, "value": "60.0"}, {"qualifierId": 141, "value": "50"}],
    }
    row.update(fields)
    return row


MISSING = "missing"


def with_field(row: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
    """``row`` with ``name`` set to ``value``, or without it when ``value`` is MISSING."""
    if value == MISSING:
        del row[name]
    else:
        row[name] = value
    return row


def start(event_id: int, period: int = 1, stamp: str = KICK_OFF) -> dict[str, Any]:
    return event(event_id, 32, x=0, y=0, periodId=period, timeStamp=stamp, qualifier=[])


def write(
    root: Path,
    events: Any,
    *,
    ma3_info: dict[str, Any] | None = None,
    ma1: Any = None,
    match_id: str = MATCH,
) -> None:
    """An MA3 holding ``events`` (and ``ma3_info`` as its matchInfo) and, unless ``ma1`` is
    None, an MA1 (a dict is encoded, bytes are written as given)."""
    (root / "ma3").mkdir(exist_ok=True)
    ma3: dict[str, Any] = {"liveData": {"event": events}}
    if ma3_info is not None:
        ma3["matchInfo"] = ma3_info
    (root / "ma3" / f"{match_id}.json").write_bytes(orjson.dumps(ma3))
    if ma1 is not None:
        (root / "ma1").mkdir(exist_ok=True)
        data = ma1 if isinstance(ma1, bytes) else orjson.dumps(ma1)
        (root / "ma1" / f"{match_id}.json").write_bytes(data)


def load(root: Path, match_id: str = MATCH) -> Match:
    return statsperform_repository(str(root)).get_match(match_id)


def one_match(root: Path, *rows: dict[str, Any], **files: Any) -> Match:
    """A match of a Start event and ``rows``, with MA3's own matchInfo; all accounted for."""
    files.setdefault("ma3_info", info())
    write(root, [start(0), *rows], **files)
    match = load(root)
    assert len(match.events) + match.dropped_count == match.raw_event_count == len(rows) + 1
    return match


def by_source_id(match: Match) -> dict[str, Any]:
    return {e.source_event_id: e for e in match.events}


# --- MA1 and MA3 files -------------------------------------------------------------------


def test_ma3_without_ma1_takes_the_sides_from_its_own_match_info(tmp_path):
    match = one_match(tmp_path, event(1, 16))
    assert match.sides_known is True
    assert (match.home.team_id, match.away.team_id) == (HOME, AWAY)
    assert match.score() == (1, 0)


def test_ma3_without_ma1_and_positions_keeps_the_file_order_with_sides_unknown(tmp_path):
    match = one_match(tmp_path, event(1, 16, team=AWAY), ma3_info=info(positions=(None, None)))
    assert match.sides_known is False
    assert match.info.teams[0].side is None and match.info.teams[1].side is None
    assert match.goals_by_team() == {HOME: 0, AWAY: 1}


def test_ma3_without_ma1_or_contestants_is_invalid_source_data(tmp_path):
    write(tmp_path, [start(0), event(1)])
    with pytest.raises(InvalidSourceData, match=rf"statsperform match {MATCH}.*contestant"):
        load(tmp_path)


@pytest.mark.parametrize(
    "live_data",
    [
        None,
        {},
        {"matchDetails": {}},
        {"matchDetails": {"periodId": 14, "scores": None}},
        {"matchDetails": {"scores": {"total": {}}}},
    ],
    ids=["no liveData", "no matchDetails", "no scores", "null scores", "empty total"],
)
def test_ma1_without_a_score_counts_the_goals_from_the_events(tmp_path, live_data):
    ma1: dict[str, Any] = {"matchInfo": info()}
    if live_data is not None:
        ma1["liveData"] = live_data
    match = one_match(tmp_path, event(1, 16), event(2, 16, team=AWAY), event(3, 16), ma1=ma1)
    assert match.sides_known is True
    assert match.score() == (2, 1)
    assert [t.goals for t in match.info.teams] == [2, 1]


def test_an_empty_ma1_file_is_invalid_source_data_not_ignored(tmp_path):
    write(tmp_path, [start(0)], ma3_info=info(), ma1=b"")
    with pytest.raises(InvalidSourceData, match=rf"statsperform match {MATCH}: MA1"):
        load(tmp_path)


@pytest.mark.parametrize(
    "live_data",
    [{}, {"matchDetails": {}}, {"event": None}, {"event": {"id": 1}}, {"event": "[]"}],
    ids=["no event", "only matchDetails", "null", "an object", "a string"],
)
def test_an_ma3_without_an_event_list_is_invalid_source_data(tmp_path, live_data):
    (tmp_path / "ma3").mkdir()
    document = {"matchInfo": info(), "liveData": live_data}
    (tmp_path / "ma3" / f"{MATCH}.json").write_bytes(orjson.dumps(document))
    with pytest.raises(InvalidSourceData, match=rf"statsperform match {MATCH}.*liveData\.event"):
        load(tmp_path)


def test_an_ma3_without_live_data_is_invalid_source_data(tmp_path):
    (tmp_path / "ma3").mkdir()
    (tmp_path / "ma3" / f"{MATCH}.json").write_bytes(orjson.dumps({"matchInfo": info()}))
    with pytest.raises(InvalidSourceData, match=rf"statsperform match {MATCH}.*liveData\.event"):
        load(tmp_path)


def test_an_ma3_with_an_empty_event_list_is_a_match_without_events(tmp_path):
    write(tmp_path, [], ma3_info=info())
    match = load(tmp_path)
    assert (match.raw_event_count, len(match.events), match.dropped_count) == (0, 0, 0)
    assert match.score() == (0, 0)


# --- the events --------------------------------------------------------------------------


@pytest.mark.parametrize("qualifier", [MISSING, None, []], ids=["missing", "null", "empty list"])
def test_an_event_without_qualifiers_is_mapped_without_details(tmp_path, qualifier):
    match = one_match(tmp_path, with_field(event(1), "qualifier", qualifier), event(2, 16))
    passed = by_source_id(match)["1"]
    assert (passed.type, passed.outcome, passed.end) == (EventType.PASS, Outcome.SUCCESS, None)
    assert passed.start is not None
    assert match.dropped_count == 0 and match.score() == (1, 0)


@pytest.mark.parametrize("qualifier", ["140", 140, {"qualifierId": 140}, True])
def test_an_event_whose_qualifiers_are_not_a_list_is_dropped_as_unreadable(tmp_path, qualifier):
    match = one_match(tmp_path, event(1, 16, qualifier=qualifier), event(2, 16))
    assert match.dropped_by_reason == {"unreadable_event": 1}
    assert set(by_source_id(match)) == {"0", "2"}
    assert match.score() == (1, 0)


def test_qualifier_entries_that_are_not_objects_or_lack_an_id_are_ignored(tmp_path):
    qualifiers = [
        "junk",
        None,
        {"value": "9"},
        {"qualifierId": None},
        {"qualifierId": "140", "value": 61.5},
        {"qualifierId": 141, "value": "50"},
    ]
    match = one_match(tmp_path, event(1, qualifier=qualifiers))
    passed = by_source_id(match)["1"]
    reference = by_source_id(one_match(tmp_path, event(1, qualifier=qualifiers[-2:])))["1"]
    assert passed.end is not None and passed.end == reference.end


def test_x_and_y_as_numeric_strings_read_as_the_numbers(tmp_path):
    numbers = by_source_id(one_match(tmp_path, event(1, x=61.4, y=43.9)))["1"]
    texts = by_source_id(one_match(tmp_path, event(1, x="61.4", y=" 43.9")))["1"]
    assert texts.start == numbers.start and texts.start is not None


@pytest.mark.parametrize("missing", [("x",), ("y",), ("x", "y")])
@pytest.mark.parametrize("how", [MISSING, None], ids=["absent", "null"])
def test_an_event_without_x_or_y_has_no_start_location(tmp_path, missing, how):
    row = event(1)
    for name in missing:
        with_field(row, name, how)
    match = one_match(tmp_path, row)
    passed = by_source_id(match)["1"]
    assert passed.start is None and passed.end is not None
    assert match.dropped_count == 0


@pytest.mark.parametrize("value", ["", "left", True, [40.0], {"x": 1}, "nan", "inf"])
def test_an_unreadable_x_is_dropped_as_an_invalid_location(tmp_path, value):
    match = one_match(tmp_path, event(1, x=value), event(2))
    assert match.dropped_by_reason == {"invalid_location": 1}
    assert set(by_source_id(match)) == {"0", "2"}


def test_an_unreadable_end_location_qualifier_is_dropped_as_an_invalid_location(tmp_path):
    row = event(1, qualifier=[{"qualifierId": 140, "value": "nan"}, {"qualifierId": 141}])
    match = one_match(tmp_path, row)
    assert match.dropped_by_reason == {"invalid_location": 1}


@pytest.mark.parametrize("player", [MISSING, None, ""])
def test_a_team_event_without_a_player_is_kept_for_the_team(tmp_path, player):
    row = event(1, 6, team=AWAY, playerName=None)
    with_field(row, "playerId", player)
    corner = by_source_id(one_match(tmp_path, row))["1"]
    assert (corner.type, corner.team_id, corner.player_id, corner.player_name) == (
        EventType.BALL_OUT,
        AWAY,
        "",
        "",
    )


@pytest.mark.parametrize(
    "type_id, period, kept", [("16", "1", True), (" 16", 1, True), ("16.0", 1, False)]
)
def test_a_type_and_period_given_as_strings_of_digits_read_as_numbers(
    tmp_path, type_id, period, kept
):
    match = one_match(tmp_path, event(1, type_id, periodId=period))
    assert match.score() == ((1, 0) if kept else (0, 0))
    assert match.dropped_by_reason == ({} if kept else {"unreadable_event": 1})


@pytest.mark.parametrize("team", ["someone-else", None, "", 7])
def test_an_event_of_a_team_not_in_the_match_is_dropped_and_its_goal_not_counted(tmp_path, team):
    match = one_match(tmp_path, event(1, 16, team=team), event(2, 16, team=AWAY))
    assert match.dropped_by_reason == {"unknown_team": 1}
    assert match.score() == (0, 1)


def test_a_repeated_event_id_is_kept_once_and_the_repeat_dropped(tmp_path):
    match = one_match(tmp_path, event(1, 16), event(1, 16), event(2, 1))
    assert match.dropped_by_reason == {"duplicate_event_id": 1}
    assert match.score() == (1, 0)
    assert sorted(by_source_id(match)) == ["0", "1", "2"]


@pytest.mark.parametrize("event_id", [MISSING, None, ""])
def test_an_event_without_an_id_is_dropped_as_unreadable(tmp_path, event_id):
    match = one_match(tmp_path, with_field(event(1), "id", event_id), event(2))
    assert match.dropped_by_reason == {"unreadable_event": 1}
    assert set(by_source_id(match)) == {"0", "2"}


@pytest.mark.parametrize(
    "minute, kept",
    [(5, True), ("5", True), (" 5", True), (5.0, False), (5.7, False), (True, False), ("-5", 0)],
)
def test_the_match_clock_counts_only_when_whole_numbers_or_digit_strings(tmp_path, minute, kept):
    """Without a time stamp an event's time is its clock; timeMin/timeSec read as typeId does."""
    row = event(1, timeMin=minute, timeSec="7")
    del row["timeStamp"]
    match = one_match(tmp_path, row)
    assert match.dropped_by_reason == ({} if kept else {"unreadable_event": 1})
    if kept:
        assert by_source_id(match)["1"].seconds == 5 * 60 + 7


@pytest.mark.parametrize("period", [0, 6, 99, -1])
def test_an_event_in_a_period_that_does_not_exist_is_dropped_and_counted(tmp_path, period):
    match = one_match(tmp_path, event(1, periodId=period), event(2))
    assert sum(match.dropped_by_reason.values()) == 1
    assert set(by_source_id(match)) == {"0", "2"}


# --- extra time and a penalty shoot-out ---------------------------------------------------


def extra_time_and_shoot_out() -> list[dict[str, Any]]:
    """1-1 after extra time (goals in periods 2 and 4), then a shoot-out won 2-1 by the home
    side: two penalties scored by home (one missed by away, one saved, one scored)."""

    def stamp(minutes: int, seconds: int = 0) -> str:
        return f"2021-01-01T{12 + minutes // 60:02d}:{minutes % 60:02d}:{seconds:02d}.000Z"

    def penalty(event_id: int, type_id: int, team: str, minute: int) -> dict[str, Any]:
        return event(
            event_id,
            type_id,
            team=team,
            periodId=5,
            timeMin=120,
            timeSec=minute,
            timeStamp=stamp(150, minute),
            x=88.5,
            y=50.0,
            qualifier=[{"qualifierId": 9}, {"qualifierId": 102, "value": "50"}],
        )

    return [
        start(0, 1, stamp(0)),
        start(10, 2, stamp(60)),
        event(11, 16, periodId=2, timeMin=50, timeStamp=stamp(65)),
        start(20, 3, stamp(110)),
        event(21, 1, team=AWAY, periodId=3, timeMin=95, timeSec=30, timeStamp=stamp(115, 30)),
        start(30, 4, stamp(127)),
        event(31, 16, team=AWAY, periodId=4, timeMin=110, timeSec=0, timeStamp=stamp(132)),
        start(40, 5, stamp(150)),
        penalty(41, 16, HOME, 10),
        penalty(42, 13, AWAY, 20),
        penalty(43, 16, HOME, 30),
        penalty(44, 15, AWAY, 40),
        penalty(45, 16, AWAY, 50),
    ]


def test_extra_time_events_count_their_seconds_from_their_periods_start(tmp_path):
    write(tmp_path, extra_time_and_shoot_out(), ma3_info=info())
    events = by_source_id(load(tmp_path))
    assert (events["21"].period, events["21"].seconds) == (3, 330.0)
    assert (events["31"].period, events["31"].seconds) == (4, 300.0)


def test_extra_time_falls_back_to_the_match_clock_without_start_events(tmp_path):
    rows = [r for r in extra_time_and_shoot_out() if r["typeId"] != 32]
    for row in rows:
        del row["timeStamp"]
    write(tmp_path, rows, ma3_info=info())
    events = by_source_id(load(tmp_path))
    assert (events["21"].period, events["21"].seconds) == (3, 5 * 60 + 30)
    assert (events["31"].period, events["31"].seconds) == (4, 5 * 60)
    assert (events["45"].period, events["45"].seconds) == (5, 50.0)


def test_shoot_out_penalties_are_period_5_penalty_shots(tmp_path):
    write(tmp_path, extra_time_and_shoot_out(), ma3_info=info())
    match = load(tmp_path)
    kicks = [e for e in match.events if e.period == 5 and e.type is EventType.SHOT]
    assert [(e.team_id, e.outcome) for e in kicks] == [
        (HOME, Outcome.GOAL),
        (AWAY, Outcome.OFF_TARGET),
        (HOME, Outcome.GOAL),
        (AWAY, Outcome.SAVED),
        (AWAY, Outcome.GOAL),
    ]
    assert all(e.shot_details.penalty for e in kicks)
    assert [p.period for p in match.info.periods] == [1, 2, 3, 4, 5]
    assert match.dropped_count == 0


def test_shoot_out_goals_do_not_count_in_the_score(tmp_path):
    write(tmp_path, extra_time_and_shoot_out(), ma3_info=info())
    match = load(tmp_path)
    assert match.score() == (1, 1)
    assert [t.goals for t in match.info.teams] == [1, 1]


# --- the real sample, converted ----------------------------------------------------------


def real(folder: str) -> Any:
    return orjson.loads((statsperform_dir() / folder / f"{SP_MATCH}.json").read_bytes())


def payloads(match: Match) -> list[bytes]:
    return [encode_match_event(match, e, i) for i, e in enumerate(match.events)]


def write_real(root: Path, ma3: Any, ma1: Any | None) -> Match:
    (root / "ma3").mkdir(parents=True, exist_ok=True)
    (root / "ma3" / f"{SP_MATCH}.json").write_bytes(orjson.dumps(ma3))
    if ma1 is not None:
        (root / "ma1").mkdir(exist_ok=True)
        (root / "ma1" / f"{SP_MATCH}.json").write_bytes(orjson.dumps(ma1))
    return load(root, SP_MATCH)


def stringified(ma3: dict[str, Any]) -> dict[str, Any]:
    """Every number an event carries (ids, codes, clock, x and y, qualifier ids) as text."""
    for row in ma3["liveData"]["event"]:
        for key in ("typeId", "periodId", "timeMin", "timeSec", "outcome", "x", "y", "eventId"):
            row[key] = str(row[key])
        for entry in row["qualifier"]:
            entry["qualifierId"] = str(entry["qualifierId"])
    return ma3


@pytest.mark.parametrize("with_ma1", [True, False], ids=["MA1 and MA3", "MA3 alone"])
def test_the_real_match_with_every_number_as_text_reads_the_same(tmp_path, with_ma1):
    ma1 = real("ma1") if with_ma1 else None
    original = write_real(tmp_path / "a", real("ma3"), ma1)
    texts = write_real(tmp_path / "b", stringified(real("ma3")), ma1)
    assert payloads(texts) == payloads(original)
    assert texts.dropped_by_reason == original.dropped_by_reason
    assert texts.info.periods == original.info.periods
    assert texts.info.substitutions == original.info.substitutions
    assert len(original.info.substitutions) == 9


def test_the_real_match_without_any_qualifiers_accounts_for_every_event(tmp_path):
    ma3 = real("ma3")
    for row in ma3["liveData"]["event"]:
        del row["qualifier"]
    match = write_real(tmp_path, ma3, real("ma1"))
    assert len(match.events) + match.dropped_count == match.raw_event_count == 1737
    assert match.score() == (2, 1)


def test_the_real_match_with_ma1_under_a_match_list_reads_as_the_plain_feed(tmp_path):
    """The fixtures-and-results shape ``{"match": [{"matchInfo", "liveData"}, ...]}``."""
    plain = write_real(tmp_path / "plain", real("ma3"), real("ma1"))
    other = {"matchInfo": {"id": "another"}, "liveData": {}}
    wrapped = write_real(tmp_path / "wrapped", real("ma3"), {"match": [other, real("ma1")]})
    assert payloads(wrapped) == payloads(plain)
    assert repr(wrapped.info) == repr(plain.info)
    assert wrapped.info.lineup_derivation is not None


def test_the_real_match_with_ma3_under_a_match_list_reads_as_the_plain_feed(tmp_path):
    plain = write_real(tmp_path / "plain", real("ma3"), None)
    wrapped = write_real(tmp_path / "wrapped", {"match": [real("ma3")]}, None)
    assert payloads(wrapped) == payloads(plain)


@pytest.mark.parametrize(
    "document",
    [{"match": []}, {"match": [{"matchInfo": {"id": "another"}}]}, {"match": "x"}],
    ids=["empty list", "another match", "not a list"],
)
def test_an_ma1_match_list_without_this_match_is_invalid_source_data(tmp_path, document):
    write(tmp_path, [start(0)], ma3_info=info(), ma1=document)
    with pytest.raises(InvalidSourceData, match=rf"statsperform match {MATCH}: MA1"):
        load(tmp_path)
