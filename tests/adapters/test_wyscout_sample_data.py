"""The Wyscout adapter on the real v2 match file in ../shared/data, from a folder and over HTTP.

Match 2499773: Leicester City 2-3 Liverpool, Premier League, 23 September 2017.
"""

from __future__ import annotations

from collections import Counter

import orjson
import pytest

from domain import EventType
from domain import InvalidRequest
from domain import InvalidSourceData
from domain import Match
from domain import MatchScope
from domain import Outcome
from domain import SetPiece
from processors.adapters.files import LocalFiles
from processors.adapters.wyscout import WyscoutLoader
from processors.adapters.wyscout import WyscoutRepository
from processors.adapters.wyscout.mapping import USED_TAGS
from processors.adapters.wyscout.mapping import unmapped_vocabulary
from tests.paths import wyscout_dir

MATCH_ID = "2499773"
LIVERPOOL, LEICESTER = "1612", "1631"


def repository(root=None) -> WyscoutRepository:
    return WyscoutRepository(WyscoutLoader(LocalFiles("wyscout", root or wyscout_dir())))


@pytest.fixture(scope="module")
def match() -> Match:
    return repository().get_match(MATCH_ID)


@pytest.fixture(scope="module")
def raw_events() -> list[dict]:
    return orjson.loads((wyscout_dir() / f"{MATCH_ID}.json").read_bytes())["events"]


def goals(match: Match) -> list[tuple[str, str, int, int]]:
    return [
        (e.team_id, e.player_name, e.period, int(e.seconds))
        for e in match.events
        if e.type is EventType.SHOT and e.outcome is Outcome.GOAL
    ]


def test_liverpool_win_three_two_at_leicester(match):
    assert match.goals_by_team() == {LIVERPOOL: 3, LEICESTER: 2}
    assert {match.team(LIVERPOOL).name, match.team(LEICESTER).name} == {
        "Liverpool",
        "Leicester City",
    }


def test_the_scorers_and_when_they_scored(match):
    assert goals(match) == [
        (LIVERPOOL, "Mohamed Salah", 1, 899),
        (LIVERPOOL, "Philippe Coutinho", 1, 1350),
        (LEICESTER, "S. Okazaki", 1, 2859),
        (LIVERPOOL, "J. Henderson", 2, 1326),
        (LEICESTER, "J. Vardy", 2, 1416),
    ]


def test_coutinhos_goal_is_a_free_kick_shot(match):
    coutinho = next(
        e
        for e in match.events
        if e.player_name == "Philippe Coutinho" and e.outcome is Outcome.GOAL
    )
    assert coutinho.set_piece is SetPiece.FREE_KICK
    assert coutinho.source_type == "Free Kick/Free kick shot"


def test_the_keepers_mirrored_goal_event_is_not_a_second_goal(match, raw_events):
    tagged = [r for r in raw_events if any(t["id"] == 101 for t in r["tags"])]
    assert len(tagged) == 10  # five goals, each also on the keeper's save attempt
    keepers = {e.source_event_id: e for e in match.events if e.type is EventType.GOALKEEPER}
    conceded = [r for r in tagged if str(r["id"]) in keepers]
    assert len(conceded) == 5
    for raw in conceded:
        keeper = keepers[str(raw["id"])]
        assert keeper.outcome is Outcome.FAILURE and keeper.start is None
    assert sum(match.score()) == 5


def test_the_file_does_not_say_who_played_at_home(match):
    assert match.sides_known is False
    assert (match.home.team_id, match.away.team_id) == (LIVERPOOL, LEICESTER)  # file order


def test_a_home_team_id_from_the_request_sets_the_sides():
    known = repository().get_match(MATCH_ID, home_team_id=LEICESTER)
    assert known.sides_known is True
    assert (known.home.name, known.away.name) == ("Leicester City", "Liverpool")
    assert known.score() == (2, 3)
    with pytest.raises(InvalidRequest, match="home_team_id '999' is not a team"):
        repository().get_match(MATCH_ID, home_team_id="999")


def test_every_raw_event_is_accounted_for(match, raw_events):
    assert match.raw_event_count == len(raw_events) == 1770
    assert len(match.events) + match.dropped_count == match.raw_event_count
    assert {e.source_event_id for e in match.events} <= {str(r["id"]) for r in raw_events}


def test_every_sub_event_and_tag_in_the_file_is_mapped_or_counted_unmapped(match, raw_events):
    unmapped = unmapped_vocabulary(raw_events)
    # Only "Touch" (sub-event 72) has no canonical type; it is emitted as generic.
    assert {key for key in unmapped if key.startswith("sub_event:")} == {"sub_event:72"}
    generic = Counter(e.source_type for e in match.events if e.type is EventType.GENERIC)
    assert generic == Counter({"Others on the ball/Touch": unmapped["sub_event:72"]})
    tags = Counter(t["id"] for r in raw_events for t in r["tags"])
    for tag, count in tags.items():
        assert tag in USED_TAGS or unmapped[f"tag:{tag}"] == count, tag
    assert not {k for k in unmapped if k.startswith("tag:") and int(k[4:]) in USED_TAGS}
    # ... and the match carries the same counts (every event of the sample is kept)
    on_match = {f"{field}:{value}": n for field, value, n in match.unmapped if field == "tag"}
    assert on_match == {k: n for k, n in unmapped.items() if k.startswith("tag:")}


def test_player_names_come_from_the_players_map(match):
    named = [e for e in match.events if e.player_id]
    assert named and all(e.player_name for e in named)
    assert not any(e.player_name for e in match.events if not e.player_id)


def test_shots_and_saves_have_no_placeholder_locations(match):
    for event in match.events:
        if event.type is EventType.SHOT:
            assert event.start is not None and event.end is None
        if event.source_type.startswith("Save attempt"):
            assert event.start is None and event.end is None


def test_each_period_starts_with_a_pass_from_the_centre_spot(match):
    for period in (1, 2):
        first = next(e for e in match.events if e.period == period)
        assert first.type is EventType.PASS
        assert first.start.distance_to(type(first.start)(52.5, 34.0)) < 1.0


def test_the_folder_lists_its_matches_with_their_content_hash():
    (listed,) = repository().list_matches(MatchScope())
    assert listed.match_id == MATCH_ID and listed.version.startswith("sha256:")


def test_a_broken_file_is_invalid_source_data(tmp_path):
    (tmp_path / "1.json").write_bytes(b'{"events": [')
    with pytest.raises(InvalidSourceData, match="wyscout match 1"):
        repository(tmp_path).get_match("1")
