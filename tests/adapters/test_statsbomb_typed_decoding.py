"""One mapping path: the mirror decodes event files into typed structs (msgspec), and
statsbombpy's dicts are converted into the same structs one event at a time; both give the
same match, drops included, and an event that does not fit the types is dropped and counted."""

from __future__ import annotations

import orjson
import pytest

from domain import InvalidSourceData
from processors.adapters.statsbomb import OpenDataMirror
from processors.adapters.statsbomb import StatsBombRepository
from processors.adapters.statsbomb.mapping import SbEvent
from processors.adapters.statsbomb.mapping import map_match
from tests.paths import statsbomb_dir

MATCH_IDS = ["3788741", "15946", "15986"]


def _events_file(match_id: str) -> bytes:
    return (statsbomb_dir() / "data" / "events" / f"{match_id}.json").read_bytes()


def _same(a, b) -> None:
    assert a.events == b.events
    assert repr(a.events) == repr(b.events)
    assert (a.home, a.away, a.raw_event_count, a.dropped) == (
        b.home,
        b.away,
        b.raw_event_count,
        b.dropped,
    )


@pytest.mark.parametrize("match_id", MATCH_IDS)
def test_sample_matches_decode_typed_and_map_as_the_dicts_do(match_id):
    mirror = OpenDataMirror(statsbomb_dir())
    typed = mirror.raw_events(match_id)
    assert typed and all(type(raw) is SbEvent for raw in typed)
    dicts = orjson.loads(_events_file(match_id))
    for teams in (mirror.teams(match_id), None):  # None: teams from the Starting XI events
        _same(
            map_match(typed, match_id=match_id, teams=teams),
            map_match(dicts, match_id=match_id, teams=teams),
        )


def _mirror_with(tmp_path, match_id: str, raw_events: list) -> OpenDataMirror:
    events_dir = tmp_path / "data" / "events"
    events_dir.mkdir(parents=True, exist_ok=True)
    (events_dir / f"{match_id}.json").write_bytes(orjson.dumps(raw_events))
    return OpenDataMirror(tmp_path)


# (what, edit, the reason each edited event is dropped under; None: kept)
ODD_EDITS = [
    ("player without a name", lambda e: e.get("player", {}).pop("name", None), None),
    ("numeric event ids", lambda e: e.update(id=10**6 + e["index"]), None),
    ("location holds a string", lambda e: e.update(location=["60", 40]), "invalid_location"),
    ("short location", lambda e: e.update(location=[60.0]), "invalid_location"),
    ("empty location", lambda e: e.update(location=[]), "invalid_location"),
    ("bad timestamp", lambda e: e.update(timestamp="soon"), "unreadable_event"),
    ("period as text", lambda e: e.update(period="1"), "unreadable_event"),
    (
        "outcome as text",
        lambda e: e.setdefault("pass", {}).update(outcome="Incomplete"),
        "unreadable_event",
    ),
    ("unknown team", lambda e: e.update(team={"id": 1, "name": "Nobody"}), "unknown_team"),
    ("no type", lambda e: e.pop("type"), "unreadable_event"),
    ("detail under the empty key", lambda e: e.update({"": {"outcome": {"name": "Goal"}}}), None),
]
EDITED = slice(10, 400, 37)  # 11 events


@pytest.mark.parametrize("what, edit, reason", ODD_EDITS, ids=[e[0] for e in ODD_EDITS])
def test_odd_events_are_dropped_under_their_reason_or_kept(what, edit, reason):
    dicts = orjson.loads(_events_file("3788741"))
    for raw in dicts[EDITED]:
        edit(raw)
    match = map_match(dicts, match_id="3788741")
    assert match.dropped_by_reason == ({} if reason is None else {reason: 11})
    assert match.raw_event_count == len(dicts)


def test_a_numeric_event_id_reads_as_text_and_a_missing_player_name_as_empty():
    dicts = orjson.loads(_events_file("3788741"))[:40]
    dicts[5]["id"] = 123
    dicts[6]["player"].pop("name")
    events = {e.index: e for e in map_match(dicts, match_id="3788741").events}
    assert events[dicts[5]["index"]].source_event_id == "123"
    assert events[dicts[6]["index"]].player_name == ""
    assert events[dicts[6]["index"]].player_id == str(dicts[6]["player"]["id"])


@pytest.mark.parametrize("what, edit, reason", ODD_EDITS, ids=[e[0] for e in ODD_EDITS])
def test_a_mirror_file_with_odd_events_maps_as_statsbombpys_dicts_do(tmp_path, what, edit, reason):
    dicts = orjson.loads(_events_file("3788741"))
    for raw in dicts[EDITED]:
        edit(raw)
    mirror = _mirror_with(tmp_path, "3788741", dicts)
    loaded = mirror.raw_events("3788741")
    expected_dropped = []
    got_dropped = []
    _same(
        map_match(
            loaded,
            match_id="3788741",
            on_dropped=lambda reason, detail: got_dropped.append((reason, detail)),
        ),
        map_match(
            dicts,
            match_id="3788741",
            on_dropped=lambda reason, detail: expected_dropped.append((reason, detail)),
        ),
    )
    assert got_dropped == expected_dropped


def test_events_that_fit_the_types_exactly_are_read_typed(tmp_path):
    dicts = orjson.loads(_events_file("15946"))[:50]
    loaded = _mirror_with(tmp_path, "15946", dicts).raw_events("15946")
    assert all(type(raw) is SbEvent for raw in loaded)


@pytest.mark.parametrize(
    "content, message",
    [(b"[{", "not valid JSON"), (b'{"a": 1}', "not a list"), (b'["\xff"]', "not valid JSON")],
)
def test_unreadable_files_are_refused_as_before(tmp_path, content, message):
    events_dir = tmp_path / "data" / "events"
    events_dir.mkdir(parents=True)
    (events_dir / "1.json").write_bytes(content)
    with pytest.raises(InvalidSourceData, match=message):
        StatsBombRepository(OpenDataMirror(tmp_path)).get_match("1")


@pytest.mark.parametrize("match_id", MATCH_IDS)
def test_every_provider_value_in_the_sample_matches_is_known(match_id):
    mirror = OpenDataMirror(statsbomb_dir())
    match = StatsBombRepository(mirror).get_match(match_id)
    assert match.unmapped == ()
