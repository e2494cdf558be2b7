"""The Stats Perform adapter on the real MA1 + MA3 files in ../shared/data.

Match 71pif9hi2vwzp6q0xzilyxst0: Hamburger SV 2-1 Sandhausen, 2. Bundesliga, 11 September 2021.
"""

from __future__ import annotations

from collections import Counter

import orjson
import pytest

from domain import BodyPart
from domain import Coordinates
from domain import EventType
from domain import InvalidSourceData
from domain import Match
from domain import MatchScope
from domain import Outcome
from domain import SetPiece
from processors.adapters.files import LocalFiles
from processors.adapters.statsperform import StatsPerformLoader
from processors.adapters.statsperform import StatsPerformRepository
from processors.adapters.statsperform.mapping import DELETED_BY_PROVIDER
from processors.adapters.statsperform.mapping import OUTSIDE_PLAY
from processors.adapters.statsperform.mapping import USED_QUALIFIERS
from processors.adapters.statsperform.mapping import unmapped_vocabulary
from tests.paths import statsperform_dir

MATCH_ID = "71pif9hi2vwzp6q0xzilyxst0"
HAMBURG, SANDHAUSEN = "75xi6hloabmnjn2kzgj1g8h1s", "884uzyf1wosc7ykji6e18gifp"


def repository(root=None) -> StatsPerformRepository:
    store = LocalFiles("statsperform", root or statsperform_dir())
    return StatsPerformRepository(StatsPerformLoader(store))


@pytest.fixture(scope="module")
def match() -> Match:
    return repository().get_match(MATCH_ID)


@pytest.fixture(scope="module")
def raw_events() -> list[dict]:
    path = statsperform_dir() / "ma3" / f"{MATCH_ID}.json"
    return orjson.loads(path.read_bytes())["liveData"]["event"]


def clock(seconds: float, period: int) -> str:
    total = int(seconds) + {1: 0, 2: 45 * 60}[period]
    return f"{total // 60}:{total % 60:02d}"


def test_hamburg_beat_sandhausen_two_one_at_home(match):
    assert match.sides_known is True
    assert (match.home.name, match.away.name) == ("Hamburger SV", "Sandhausen")
    assert match.score() == (2, 1)


def test_the_scorers_and_the_match_clock_when_they_scored(match):
    goals = [
        (match.team(e.team_id).name, e.player_name, e.period, clock(e.seconds, e.period))
        for e in match.events
        if e.type is EventType.SHOT and e.outcome is Outcome.GOAL
    ]
    assert goals == [
        ("Hamburger SV", "D. Kinsombi", 2, "73:39"),
        ("Sandhausen", "J. Bachmann", 2, "86:57"),
        ("Hamburger SV", "M. Heyer", 2, "95:22"),
    ]


def test_kinsombis_penalty_is_taken_eleven_metres_from_goal(match):
    (penalty,) = [e for e in match.events if e.set_piece is SetPiece.PENALTY]
    assert penalty.player_name == "D. Kinsombi" and penalty.outcome is Outcome.GOAL
    assert 105.0 - penalty.start.x == pytest.approx(11.0)
    assert penalty.start.y == pytest.approx(34.0)
    assert penalty.body_part is BodyPart.RIGHT_FOOT
    assert penalty.end.x == 105.0 and 30.34 <= penalty.end.y <= 37.66  # inside the posts


def test_every_raw_event_is_accounted_for(match, raw_events):
    assert match.raw_event_count == len(raw_events) == 1737
    assert len(match.events) + match.dropped_count == match.raw_event_count
    deleted = sum(r["typeId"] == 43 for r in raw_events)
    after_full_time = sum(r["periodId"] == 14 for r in raw_events)
    assert match.dropped_by_reason == {DELETED_BY_PROVIDER: deleted, OUTSIDE_PLAY: after_full_time}


def test_every_type_and_qualifier_in_the_files_is_mapped_or_counted_unmapped(match, raw_events):
    unmapped = unmapped_vocabulary(raw_events)
    generic = Counter(e.source_type for e in match.events if e.type is EventType.GENERIC)
    assert generic == Counter(
        {"Offside provoked": 2, "Start delay": 2, "End delay": 2, "Injury Time Announcement": 1}
    )
    assert {k for k in unmapped if k.startswith("type:")} == {
        "type:55",
        "type:27",
        "type:28",
        "type:70",
        "type:37",  # Collection End, after full time: dropped as outside_play
    }
    qualifiers = Counter(
        q["qualifierId"] for r in raw_events if r["typeId"] != 43 for q in r["qualifier"]
    )
    for qualifier_id, count in qualifiers.items():
        assert qualifier_id in USED_QUALIFIERS or unmapped[f"qualifier:{qualifier_id}"] == count
    # ... and the match carries them for the events it kept (not the two after full time)
    kept = {e.source_event_id for e in match.events}
    expected = Counter(
        str(qualifier_id)
        for r in raw_events
        if str(r["id"]) in kept
        for qualifier_id in {q["qualifierId"] for q in r["qualifier"]} - USED_QUALIFIERS
    )
    assert {v: n for f, v, n in match.unmapped if f == "qualifier"} == expected


def test_the_team_set_ups_are_starting_lineups_before_the_kick_off(match):
    lineups = [e for e in match.events if e.type is EventType.STARTING_LINEUP]
    assert {e.team_id for e in lineups} == {HAMBURG, SANDHAUSEN}
    assert all((e.period, e.seconds, e.start) == (1, 0.0, None) for e in lineups)


def test_times_count_from_the_periods_start_event(match):
    starts = [e for e in match.events if e.type is EventType.PERIOD_START]
    assert [(e.period, e.seconds) for e in starts] == [(1, 0.0), (1, 0.0), (2, 0.0), (2, 0.0)]
    assert all(e.seconds >= 0 for e in match.events)


def test_events_without_a_location_have_none(match):
    for event in match.events:
        if event.type in (EventType.PERIOD_START, EventType.CARD, EventType.PLAYER_ON):
            assert event.start is None


def test_kick_offs_start_on_the_centre_spot(match):
    kick_offs = [e for e in match.events if e.set_piece is SetPiece.KICK_OFF]
    assert len(kick_offs) == 5  # two halves, three goals
    assert all(e.start.distance_to(Coordinates(52.5, 34.0)) < 1.0 for e in kick_offs)


def test_the_second_yellow_card_is_one(match):
    cards = Counter((e.player_name, e.card.value) for e in match.events if e.card is not None)
    assert cards[("M. Ritzmaier", "second_yellow")] == 1
    assert cards[("M. Ritzmaier", "yellow")] == 1


def test_the_folder_lists_its_matches_with_their_content_hash():
    (listed,) = repository().list_matches(MatchScope())
    assert listed.match_id == MATCH_ID and listed.version.startswith("sha256:")


def test_without_ma1_the_sides_come_from_ma3s_match_info(tmp_path):
    (tmp_path / "ma3").mkdir()
    source = statsperform_dir() / "ma3" / f"{MATCH_ID}.json"
    (tmp_path / "ma3" / f"{MATCH_ID}.json").write_bytes(source.read_bytes())
    alone = repository(tmp_path).get_match(MATCH_ID)
    assert alone.sides_known and alone.score() == (2, 1)


def test_a_broken_file_is_invalid_source_data(tmp_path):
    (tmp_path / "ma3").mkdir()
    (tmp_path / "ma3" / "x1.json").write_bytes(b'{"liveData": ')
    with pytest.raises(InvalidSourceData, match="statsperform match x1"):
        repository(tmp_path).get_match("x1")
