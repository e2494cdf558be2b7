"""One mapping path for Stats Perform: an MA3 file whose events have the usual JSON types is
decoded straight into typed structs (``raw.SpEvent``, msgspec); any other file is read as
plain JSON and each event object turned into the same struct by the mapper's rules. Both give
the same match, drops included."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path
from typing import Any

import orjson
import pytest

from contracts.v1.match_event import encode_match_event
from domain import Match
from processors.adapters.statsperform import statsperform_repository
from processors.adapters.statsperform.mapping import StatsPerformMatchFile
from processors.adapters.statsperform.mapping import map_match
from processors.adapters.statsperform.mapping import unmapped_vocabulary
from processors.adapters.statsperform.raw import SpEvent
from tests.paths import SP_MATCH
from tests.paths import statsperform_dir


def real(folder: str) -> Any:
    return orjson.loads((statsperform_dir() / folder / f"{SP_MATCH}.json").read_bytes())


def write(root: Path, ma3: Any, ma1: Any | None = None) -> StatsPerformMatchFile:
    (root / "ma3").mkdir(parents=True)
    (root / "ma3" / f"{SP_MATCH}.json").write_bytes(orjson.dumps(ma3))
    if ma1 is not None:
        (root / "ma1").mkdir()
        (root / "ma1" / f"{SP_MATCH}.json").write_bytes(orjson.dumps(ma1))
    return statsperform_repository(str(root)).loader.load(SP_MATCH)


def mapped(match_file: StatsPerformMatchFile) -> tuple[Match, list[tuple[str, str]]]:
    drops: list[tuple[str, str]] = []
    match = map_match(match_file, on_dropped=lambda reason, detail: drops.append((reason, detail)))
    return match, drops


def assert_same(a: tuple[Match, list], b: tuple[Match, list]) -> None:
    (one, one_drops), (other, other_drops) = a, b
    assert repr(one) == repr(other) and repr(one.info) == repr(other.info)
    assert [encode_match_event(one, e, i) for i, e in enumerate(one.events)] == [
        encode_match_event(other, e, i) for i, e in enumerate(other.events)
    ]
    assert one.dropped_by_reason == other.dropped_by_reason
    assert one_drops == other_drops


def as_dicts(match_file: StatsPerformMatchFile, ma3: Any) -> StatsPerformMatchFile:
    """The same match file with its events as the JSON objects of ``ma3`` (the plain path)."""
    return dataclasses.replace(match_file, events=tuple(ma3["liveData"]["event"]))


@pytest.mark.parametrize("with_ma1", [True, False], ids=["MA1 and MA3", "MA3 alone"])
def test_the_sample_decodes_into_structs_and_maps_as_its_json_objects(tmp_path, with_ma1):
    match_file = write(tmp_path, real("ma3"), real("ma1") if with_ma1 else None)
    assert match_file.events and all(type(raw) is SpEvent for raw in match_file.events)
    typed = mapped(match_file)
    assert_same(typed, mapped(as_dicts(match_file, real("ma3"))))
    assert typed[0].score() == (2, 1) and len(typed[0].events) == 1662


def odd_but_typed(raw: dict[str, Any], rng: random.Random, raws: list) -> None:
    """Damage that keeps the usual JSON types: the struct path still reads the file."""
    key = rng.choice(["id", "typeId", "periodId", "x", "y", "contestantId", "playerId"])
    choice = rng.randrange(6)
    if choice == 0:
        raw.pop(key, None)
    elif choice == 1:
        raw[key] = None
    elif choice == 2:
        raw["typeId"] = rng.choice([43, 32, 30, 99, 16, 18, 19, 58])
    elif choice == 3:
        raw["periodId"] = rng.choice([0, 3, 5, 6, 14])
    elif choice == 4:
        raw["id"] = rng.choice(raws)["id"]
    else:
        raw["qualifier"] = rng.choice([[], [{"qualifierId": 140}], [{"qualifierId": 28}]])


@pytest.mark.parametrize("seed", range(4))
def test_odd_values_of_the_usual_types_map_alike_on_both_paths(tmp_path, seed):
    rng = random.Random(seed)
    ma3 = real("ma3")
    raws = ma3["liveData"]["event"]
    for raw in rng.sample(raws, 60):
        odd_but_typed(raw, rng, raws)
    match_file = write(tmp_path, ma3, real("ma1"))
    assert all(type(raw) is SpEvent for raw in match_file.events)
    typed = mapped(match_file)
    assert_same(typed, mapped(as_dicts(match_file, ma3)))
    assert typed[0].dropped_count > 0
    assert unmapped_vocabulary(match_file.events) == unmapped_vocabulary(raws)


@pytest.mark.parametrize("value", ["61.4", 61, True, "left", [1], None], ids=lambda v: f"x={v!r}")
def test_a_file_that_does_not_fit_the_structs_is_read_as_json_objects(tmp_path, value):
    ma3 = real("ma3")
    ma3["liveData"]["event"][100]["x"] = value
    ma3["liveData"]["event"][200]["typeId"] = "1"
    match_file = write(tmp_path, ma3)
    fits = value is None or type(value) is int
    if fits:  # null, and an int for a float, fit: msgspec reads 61 as 61.0
        ma3["liveData"]["event"][200]["typeId"] = 1
        match_file = write(tmp_path / "b", ma3)
    assert all(type(raw) is (SpEvent if fits else dict) for raw in match_file.events)
    assert_same(mapped(match_file), mapped(as_dicts(match_file, ma3)))


def test_structs_and_json_objects_mixed_in_one_match_map_as_either_alone(tmp_path):
    match_file = write(tmp_path, real("ma3"))
    dicts = real("ma3")["liveData"]["event"]
    mixed = [raw if i % 2 else dicts[i] for i, raw in enumerate(match_file.events)]
    assert_same(mapped(dataclasses.replace(match_file, events=tuple(mixed))), mapped(match_file))


def test_an_ma3_file_decoded_into_structs_keeps_its_match_details(tmp_path):
    ma3 = real("ma3")
    ma3["liveData"]["substitute"] = [{"playerOffId": "x"}]
    match_file = write(tmp_path, ma3)
    assert set(match_file.ma3_live_data) == {"matchDetails", "substitute"}
    assert match_file.ma3_live_data["matchDetails"] == ma3["liveData"]["matchDetails"]
