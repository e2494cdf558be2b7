"""Two ways in, one match: a Wyscout file that fits the typed structs (``typed.py``) is decoded
into ``WyEvent``s, any other is read as dicts; both give the same events, drops and drop
messages, and the unmapped vocabulary. Files are the real sample, edited at test time."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import orjson
import pytest

from domain import InvalidSourceData
from domain import Match
from processors.adapters.wyscout.loaders import parse_match_file
from processors.adapters.wyscout.mapping import WyscoutMatchFile
from processors.adapters.wyscout.mapping import map_event
from processors.adapters.wyscout.mapping import map_match
from processors.adapters.wyscout.mapping import unmapped_vocabulary
from processors.adapters.wyscout.typed import WyEvent
from processors.adapters.wyscout.typed import WyTag
from tests.paths import WY_MATCH
from tests.paths import wyscout_dir


@pytest.fixture(scope="module")
def sample_bytes() -> bytes:
    return (wyscout_dir() / f"{WY_MATCH}.json").read_bytes()


def mapped(match_file: WyscoutMatchFile) -> tuple[Match, list[tuple[str, str]]]:
    drops: list[tuple[str, str]] = []
    match = map_match(match_file, on_dropped=lambda reason, detail: drops.append((reason, detail)))
    return match, drops


def as_dicts(match_file: WyscoutMatchFile, data: bytes) -> WyscoutMatchFile:
    """The same file with its events as the JSON's dicts: the dict path."""
    return WyscoutMatchFile(
        match_file.match_id,
        match_file.teams,
        tuple(orjson.loads(data)["events"]),
        match_file.roster,
        match_file.raw_teams,
        match_file.content_sha256,
    )


def assert_both_paths_agree(data: bytes) -> tuple[bool, Match, list[tuple[str, str]]]:
    """Whether the file took the typed path, its match and drops; both paths compared."""
    match_file = parse_match_file(data, WY_MATCH)
    typed = all(type(raw) is WyEvent for raw in match_file.events)
    match, drops = mapped(match_file)
    dict_match, dict_drops = mapped(as_dicts(match_file, data))
    assert match.events == dict_match.events
    assert repr(match) == repr(dict_match) and match.info == dict_match.info
    assert drops == dict_drops
    raw_dicts = orjson.loads(data)["events"]
    assert unmapped_vocabulary(match_file.events) == unmapped_vocabulary(raw_dicts)
    return typed, match, drops


def test_the_sample_decodes_typed_and_maps_as_its_dicts_do(sample_bytes):
    typed, match, drops = assert_both_paths_agree(sample_bytes)
    assert typed and len(match.events) == 1770 and drops == []


def test_a_typed_event_reads_its_fields_by_their_json_names(sample_bytes):
    first = parse_match_file(sample_bytes, WY_MATCH).events[0]
    assert type(first) is WyEvent
    assert (first["id"], first["eventName"], first["subEventName"]) == (190078343, 8, 85)
    assert first["tags"] == [WyTag(1801)]
    with pytest.raises(KeyError):
        first["nope"]


Edit = Callable[[dict], object]


def _edited(data: bytes, edit: Edit, every: int = 97) -> bytes:
    document = orjson.loads(data)
    document["events"] = [copy.deepcopy(e) for e in document["events"]]
    for event in document["events"][::every]:
        edit(event)
    return orjson.dumps(document)


def _positions(*points) -> Edit:
    return lambda e: e.update(positions=[dict(p) for p in points])


# (what, edit, whether the file still fits the types, the reason each edited event is
# dropped under; None: kept)
ODD_EDITS: list[tuple[str, Edit, bool, str | None]] = [
    (
        "public data set layout",
        lambda e: e.update(eventId=e.pop("eventName"), eventName="x"),
        True,
        None,
    ),
    ("codes as digit strings", lambda e: e.update(eventName=str(e["eventName"])), True, None),
    ("no code at all", lambda e: e.update(eventName="Pass"), True, "unreadable_event"),
    ("unknown period", lambda e: e.update(matchPeriod="9H"), True, "unreadable_event"),
    ("negative seconds", lambda e: e.update(eventSec=-1), True, "unreadable_event"),
    ("unknown team", lambda e: e.update(teamId=7), True, "unknown_team"),
    ("no player", lambda e: e.update(playerId=0), True, None),
    ("no tags, no positions", lambda e: (e.pop("tags"), e.pop("positions")), True, None),
    ("positions as float strings", _positions({"x": "7.5", "y": " 29"}), True, None),
    ("a nan position, y first", _positions({"y": "nan", "x": 5}), True, "invalid_location"),
    ("a position that is no number", _positions({"x": "abc", "y": 5}), True, "invalid_location"),
    ("a position without y", _positions({"x": 5}), False, "invalid_location"),
    ("a null position", _positions({"x": None, "y": 5}), False, "invalid_location"),
    ("a boolean player id", lambda e: e.update(playerId=True), False, None),
    ("a string event id", lambda e: e.update(id=f"s{e['id']}"), False, None),
    ("seconds as a string", lambda e: e.update(eventSec="12.5"), False, None),
    ("tags as an object", lambda e: e.update(tags={"id": 101}), False, "unreadable_event"),
    ("a tag with a string id", lambda e: e.update(tags=[{"id": "101"}]), False, None),
    ("an extra field", lambda e: e.update(extra=1), False, None),
    ("a player id beyond int64", lambda e: e.update(playerId=2**63 + 1), False, None),
]


@pytest.mark.parametrize(
    ("what", "edit", "fits", "reason"), ODD_EDITS, ids=[e[0] for e in ODD_EDITS]
)
def test_odd_files_map_the_same_on_either_path(sample_bytes, what, edit, fits, reason):
    typed, match, drops = assert_both_paths_agree(_edited(sample_bytes, edit))
    assert typed is fits
    edited = len(range(0, 1770, 97))
    if reason is None:
        assert drops == []
    else:
        assert [r for r, _ in drops] == [reason] * edited
    assert len(match.events) + len(drops) == 1770


def test_a_number_orjson_cannot_read_is_invalid_source_data_as_before(sample_bytes):
    data = sample_bytes.replace(b'"matchId": 2499773', b'"matchId": 1e400', 1)
    assert data != sample_bytes
    with pytest.raises(InvalidSourceData, match="not valid JSON"):
        parse_match_file(data, WY_MATCH)


def test_teams_and_players_maps_read_alike_on_either_path(sample_bytes, tmp_path: Path):
    typed_file = parse_match_file(sample_bytes, WY_MATCH)
    dict_file = parse_match_file(_edited(sample_bytes, lambda e: e.update(extra=1), 1), WY_MATCH)
    assert type(dict_file.events[0]) is dict
    assert typed_file.teams == dict_file.teams and typed_file.roster == dict_file.roster
    assert typed_file.raw_teams == dict_file.raw_teams
    bare = orjson.loads(sample_bytes)
    del bare["teams"], bare["players"]
    without_maps = parse_match_file(orjson.dumps(bare), WY_MATCH)
    assert type(without_maps.events[0]) is WyEvent
    assert [t.team_id for t in without_maps.teams] == ["1612", "1631"]
    assert not without_maps.roster


def test_a_mix_of_typed_events_and_dicts_maps_as_the_dicts_do(sample_bytes):
    match_file = parse_match_file(sample_bytes, WY_MATCH)
    dicts = as_dicts(match_file, sample_bytes)
    rows = [*match_file.events[:900], *dicts.events[900:], "not an object"]
    mixed, mixed_drops = mapped(replace(match_file, events=tuple(rows)))
    plain, plain_drops = mapped(replace(dicts, events=(*dicts.events, "not an object")))
    assert mixed.events == plain.events and len(mixed.events) == 1770
    assert mixed_drops == plain_drops == [("unreadable_event", "row 1771 is not an object")]
    assert [map_event(raw, i, match_id=WY_MATCH) for i, raw in enumerate(rows[:5])] == [
        map_event(raw, i, match_id=WY_MATCH) for i, raw in enumerate(dicts.events[:5])
    ]
