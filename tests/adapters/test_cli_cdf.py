"""``pitchstream normalize --format cdf`` and ``match-info --format cdf`` on real matches: the
records the CDF lane writes, from the same wire payloads and the same mapper."""

from __future__ import annotations

import os
import subprocess
import sys

import orjson
import pytest

from contracts.v1.match_event import encode_match_event
from contracts.v1.match_info import encode_match_info
from processors.adapters.metrica import LocalStore
from processors.adapters.metrica import MetricaRepository
from processors.application.cdf import match_records
from processors.application.cdf import to_cdf
from tests.paths import REPO_ROOT
from tests.paths import metrica_dir
from tests.paths import statsbomb_dir


def cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PITCHSTREAM_")}
    env["PITCHSTREAM_METRICA_DIR"] = str(metrica_dir())
    env["PITCHSTREAM_STATSBOMB_DIR"] = str(statsbomb_dir())
    result = subprocess.run(
        [sys.executable, "-m", "processors.entrypoints.cli", *args],
        capture_output=True, env=env, cwd=REPO_ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr.decode()
    return result


def test_normalize_cdf_prints_the_event_records_and_counts_the_rest_in_words():
    result = cli("normalize", "--source", "statsbomb", "--match-id", "3788741", "--format", "cdf")
    lines = result.stdout.splitlines()
    records = [orjson.loads(line) for line in lines]
    assert all(set(r) == {"match", "meta", "event"} for r in records)
    stderr = result.stderr.decode()
    assert stderr.startswith(
        f"statsbomb:3788741: 3803 MatchEvents: CDF event records written {len(lines)}, withheld "
    )
    withheld = int(stderr.split("withheld ")[1].split(" ")[0])
    assert len(lines) + withheld == 3803
    assert "folded_into_pass_receiver" in stderr


def test_metrica_needs_the_requests_kick_off_and_then_matches_the_mapper():
    base = ("normalize", "--source", "metrica", "--match-id", "Sample_Game_1", "--format", "cdf")
    without = cli(*base)
    assert without.stdout == b"" and "written 0" in without.stderr.decode()
    assert "no_kick_off_time" in without.stderr.decode()
    kick_off = "2019-02-21T15:00:00Z"
    given = cli(*base, "--kick-off-utc", kick_off)
    match = MetricaRepository(LocalStore(metrica_dir())).get_match("Sample_Game_1")
    info = orjson.loads(encode_match_info(match.info))
    info["kick_off"] = {
        "utc": kick_off, "local": None, "time_zone": None,
        "derivation": "supplied by the ingest request",
    }  # fmt: skip
    events = [orjson.loads(encode_match_event(match, e, i)) for i, e in enumerate(match.events)]
    expected = to_cdf(info, events)
    assert [orjson.loads(line) for line in given.stdout.splitlines()] == list(expected.events)


@pytest.mark.parametrize(
    ("args", "sheet", "meta"),
    [
        (("--source", "statsbomb", "--match-id", "3788741"), "written", "written"),
        (
            ("--source", "metrica", "--match-id", "Sample_Game_3"),
            "withheld (is_neutral_unknown)",
            "withheld (no_season_id)",
        ),
    ],
)
def test_match_info_cdf_prints_the_sheet_and_meta_as_one_object(args, sheet, meta):
    result = cli("match-info", *args, "--format", "cdf")
    document = orjson.loads(result.stdout)
    assert set(document) == {"match_sheet", "meta"}
    assert (document["match_sheet"] is None) == (sheet != "written")
    assert (document["meta"] is None) == (meta != "written")
    stderr = result.stderr.decode().splitlines()
    assert stderr[0].endswith(f"CDF match sheet {sheet}")
    assert stderr[1].endswith(f"CDF meta {meta}")


def test_a_requests_neutral_venue_reaches_the_match_sheet_and_says_so_in_meta():
    result = cli(
        "match-info", "--source", "statsbomb", "--match-id", "3788741", "--format", "cdf",
        "--no-neutral-venue",
    )  # fmt: skip
    document = orjson.loads(result.stdout)
    assert document["match_sheet"]["match"]["status"]["is_neutral"] is False
    said = document["meta"]["pitchstream"]["is_neutral"]
    assert said["supplied_by"] == "request" and said["value"] is False
    assert said["derivation"].startswith("supplied by the ingest request")
    assert match_records  # the lane's own function builds what the CLI prints
