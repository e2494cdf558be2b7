"""The mirror decodes event files into typed structs (msgspec) when every event fits the
types, and into dicts otherwise; both paths must give the same match, drops included."""

from __future__ import annotations

import orjson
import pytest

from domain import InvalidSourceData
from processors.adapters.statsbomb import OpenDataMirror, StatsBombRepository
from processors.adapters.statsbomb.mapping import SbEvent, map_match
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


ODD_EDITS = [
    ("player without a name", lambda e: e.get("player", {}).pop("name", None)),
    ("numeric event ids", lambda e: e.update(id=10**6 + e["index"])),
    ("location holds a string", lambda e: e.update(location=["60", 40])),
    ("short location", lambda e: e.update(location=[60.0])),
    ("empty location", lambda e: e.update(location=[])),
    ("bad timestamp", lambda e: e.update(timestamp="soon")),
    ("period as text", lambda e: e.update(period="1")),
    ("outcome as text", lambda e: e.setdefault("pass", {}).update(outcome="Incomplete")),
    ("unknown team", lambda e: e.update(team={"id": 1, "name": "Nobody"})),
    ("no type", lambda e: e.pop("type")),
    ("detail under the empty key", lambda e: e.update({"": {"outcome": {"name": "Goal"}}})),
]


@pytest.mark.parametrize("what, edit", ODD_EDITS, ids=[what for what, _ in ODD_EDITS])
def test_odd_events_give_what_the_dict_path_gives(tmp_path, what, edit):
    dicts = orjson.loads(_events_file("3788741"))
    for raw in dicts[10:400:37]:
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
