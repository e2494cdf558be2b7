"""Broken provider files end as a failed job with a clear reason, or counted drops, never a crash.

Each case starts from a real file in ../shared/data, damaged in a temporary copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest

from domain import InvalidSourceData
from domain import MatchNotFound
from processors.adapters.metrica.repository import MetricaRepository
from processors.adapters.registry import build_repositories
from processors.adapters.statsbomb import OpenDataMirror
from processors.adapters.statsbomb import StatsBombRepository
from processors.settings import Settings
from tests.paths import metrica_dir
from tests.paths import statsbomb_dir

MATCH = "3788741"


def statsbomb_copy(tmp_path: Path, content: bytes) -> StatsBombRepository:
    events = tmp_path / "data" / "events"
    events.mkdir(parents=True)
    (events / f"{MATCH}.json").write_bytes(content)
    return StatsBombRepository(OpenDataMirror(tmp_path))


def real_statsbomb_bytes() -> bytes:
    return (statsbomb_dir() / "data" / "events" / f"{MATCH}.json").read_bytes()


def test_a_truncated_statsbomb_file_fails_naming_the_match_and_file(tmp_path):
    repository = statsbomb_copy(tmp_path, real_statsbomb_bytes()[:100_000])
    with pytest.raises(InvalidSourceData, match=rf"match {MATCH}.*{MATCH}\.json.*not valid JSON"):
        repository.get_match(MATCH)


def test_a_statsbomb_file_that_is_not_json_fails(tmp_path):
    repository = statsbomb_copy(tmp_path, b"PK\x03\x04 this is a zip, not JSON")
    with pytest.raises(InvalidSourceData, match="not valid JSON"):
        repository.get_match(MATCH)


def test_a_statsbomb_file_with_the_wrong_shape_fails(tmp_path):
    repository = statsbomb_copy(tmp_path, b'{"events": []}')
    with pytest.raises(InvalidSourceData, match="not a list"):
        repository.get_match(MATCH)


def test_statsbomb_rows_with_impossible_values_are_dropped_and_counted(tmp_path):
    raw = orjson.loads(real_statsbomb_bytes())
    raw[10]["period"] = 0
    raw[11]["timestamp"] = "not a time"
    raw[12]["location"] = ["far", "away"]
    raw[13]["team"] = {"id": 1, "name": "Nobody"}
    repository = statsbomb_copy(tmp_path, orjson.dumps(raw))
    match = repository.get_match(MATCH)
    assert match.raw_event_count == len(raw)
    assert len(match.events) == len(raw) - 4
    assert sum(match.dropped_by_reason.values()) == 4
    assert len(match.dropped_by_reason) >= 3


def test_a_missing_statsbomb_match_is_not_found(tmp_path):
    repository = statsbomb_copy(tmp_path, real_statsbomb_bytes())
    with pytest.raises(MatchNotFound, match="424242"):
        repository.get_match("424242")


def metrica_copy(tmp_path: Path, game: str) -> Path:
    shutil.copytree(metrica_dir() / game, tmp_path / game)
    return tmp_path / game


def metrica_repository(root: Path) -> MetricaRepository:
    repository = build_repositories(Settings(metrica_dir=str(root)))["metrica"]
    assert isinstance(repository, MetricaRepository)
    return repository


def test_a_truncated_metrica_csv_fails_or_drops_but_never_crashes(tmp_path):
    folder = metrica_copy(tmp_path, "Sample_Game_1")
    csv = folder / "Sample_Game_1_RawEventsData.csv"
    data = csv.read_bytes()
    csv.write_bytes(data[: len(data) // 2 + 7])  # cut in the middle of a row
    repository = metrica_repository(tmp_path)
    try:
        match = repository.get_match("Sample_Game_1")
    except InvalidSourceData as error:
        assert "Sample_Game_1" in str(error)
    else:
        assert len(match.events) + match.dropped_count == match.raw_event_count


def test_a_metrica_csv_that_is_not_csv_fails_naming_the_match(tmp_path):
    folder = metrica_copy(tmp_path, "Sample_Game_1")
    (folder / "Sample_Game_1_RawEventsData.csv").write_bytes(b"\x00\x01\x02 binary junk\n\xff")
    with pytest.raises(InvalidSourceData, match="Sample_Game_1"):
        metrica_repository(tmp_path).get_match("Sample_Game_1")


def test_a_truncated_metrica_json_fails_naming_the_match(tmp_path):
    folder = metrica_copy(tmp_path, "Sample_Game_3")
    events = folder / "Sample_Game_3_events.json"
    events.write_bytes(events.read_bytes()[:5000])
    with pytest.raises(InvalidSourceData, match="Sample_Game_3"):
        metrica_repository(tmp_path).get_match("Sample_Game_3")
