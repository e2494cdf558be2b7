"""The CDF lane's output on every real sample match, pinned byte for byte.

Taken before the CDF lane's CPU round (session 5): each match is published as the worker
publishes it (``InMemoryPublisher``: the manifest with its MatchInfo, the MatchEvent payloads
of its segment), and the lane's own step (``CdfLaneStep.batch``, a fixed clock) turns the
manifest into its batch. Pinned per match: the events written, the withheld counts, and one
sha256 over every output record (topic, key, value bytes, every header). The Metrica games
give no kick-off and the Wyscout match no home/away, so the lane writes no event for them;
they are pinned twice, as published and "filled": the facts their MatchInfo lacks (kick-off,
sides, competition, season, venue, referee, neutral venue, the first half's length) put into
the manifest's MatchInfo, so their event records, match sheets and meta records are pinned
too. A speed change that moves one byte of one record, one header or one count fails here.
"""

from __future__ import annotations

import hashlib
from datetime import UTC
from datetime import datetime
from typing import Any

import orjson
import pytest

from contracts.v1.match_published import Segment
from contracts.v1.match_published import encode_match_published
from processors.application.cdf_lane import CdfBatch
from processors.application.cdf_lane import CdfLaneStep
from processors.application.cdf_lane import SegmentReader
from tests.fakes import InMemoryPublisher

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
JOB = "job-pin"
NOW = datetime(2026, 11, 29, 22, 0, 0, 123000, tzinfo=UTC)
# What "filled" puts into a MatchInfo where it has nothing.
FILL = {
    "kick_off": {"utc": "2019-02-21T15:00:00Z", "local": None, "time_zone": None,
                 "derivation": "pin"},
    "competition": {"id": "c1", "name": "Pin Cup"},
    "season": {"id": "s1", "name": "2019"},
    "venue": {"id": "v1", "name": "Pin Park", "country": "England"},
    "referee": {"id": "r1", "name": "A. Referee"},
    "neutral_venue": {"value": False, "derivation": "pin"},
    "periods": [{"period": 1, "duration_seconds": 2820.0}],
}  # fmt: skip

# (source, match, filled) -> (events written, withheld counts, sha256 of the outputs)
PINNED: dict[tuple[str, str, bool], tuple[int, dict[str, int], str]] = {
    ("statsbomb", "3788741", False): (
        2703,
        {
            "carried_by_line_up": 2,
            "carried_by_match_sheet": 9,
            "carried_by_meta_whistles": 8,
            "folded_into_pass_receiver": 1021,
            "mirror_of_foul_committed": 23,
            "mirror_of_own_goal_against": 1,
            "no_body_part": 11,
            "no_cdf_counterpart": 21,
            "no_end_location": 1,
            "no_location": 3,
        },
        "1cdaae2c650f7a21893ec355fc64c25ca49e56bbd981149b8eb5f34f50e746c5",
    ),
    ("statsbomb", "15946", False): (
        2790,
        {
            "carried_by_line_up": 2,
            "carried_by_match_sheet": 6,
            "carried_by_meta_whistles": 8,
            "folded_into_pass_receiver": 1100,
            "mirror_of_foul_committed": 20,
            "no_body_part": 9,
            "no_cdf_counterpart": 65,
            "no_location": 2,
        },
        "ee37eb42f9632a4433ff37c216a0f4c938ca0947766c5cecd33465a189d095f9",
    ),
    ("statsbomb", "15986", False): (
        2832,
        {
            "carried_by_line_up": 2,
            "carried_by_match_sheet": 6,
            "carried_by_meta_whistles": 8,
            "folded_into_pass_receiver": 1119,
            "mirror_of_foul_committed": 28,
            "no_body_part": 3,
            "no_cdf_counterpart": 26,
            "no_location": 3,
        },
        "e154cfd26a81f630983a4306628d7574a5ad4437010863b3508a72e2e980ca0d",
    ),
    ("metrica", "Sample_Game_1", False): (
        0,
        {"no_kick_off_time": 1662, "no_outcome": 6},
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ),
    ("metrica", "Sample_Game_1", True): (
        889,
        {"no_body_part": 769, "no_location": 4, "no_outcome": 6},
        "5cd0343e7f44d0262e4670b448a27d8b972e5b3fbda5e68621d036e1e0b9a951",
    ),
    ("metrica", "Sample_Game_2", False): (
        0,
        {"no_kick_off_time": 1851, "no_outcome": 4},
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ),
    ("metrica", "Sample_Game_2", True): (
        923,
        {"no_body_part": 922, "no_location": 6, "no_outcome": 4},
        "4136cf69af6c405823cfebfceca70f7c67b5d40ef4984f9c230280622cbe4542",
    ),
    ("metrica", "Sample_Game_3", False): (
        0,
        {"no_kick_off_time": 3510, "no_outcome": 20},
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ),
    ("metrica", "Sample_Game_3", True): (
        2443,
        {"no_body_part": 1066, "no_location": 1, "no_outcome": 20},
        "b06563b97a782545ef5f744bd1bf590d81645180638f511ae3995fe1fd61827c",
    ),
    ("wyscout", "2499773", True): (
        709,
        {
            "no_body_part": 691,
            "no_cdf_counterpart": 95,
            "no_end_location": 34,
            "no_location": 13,
            "no_outcome": 112,
            "no_player": 116,
        },
        "151181df6ab7d572d545bff43f2f8f919e67a07827821b7b5ff0889d18424d7b",
    ),
    ("wyscout", "2499773", False): (
        0,
        {"home_away_unknown": 1563, "no_cdf_counterpart": 95, "no_outcome": 112},
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ),
    ("statsperform", "71pif9hi2vwzp6q0xzilyxst0", False): (
        783,
        {
            "carried_by_line_up": 2,
            "carried_by_meta_whistles": 8,
            "no_body_part": 823,
            "no_cdf_counterpart": 17,
            "no_location": 29,
        },
        "8f38baec046dea61885763aef1c1d55cff35f866185ff21e99b22112a3d59310",
    ),
}


class Segments(SegmentReader):
    def __init__(self, payloads: list[bytes]) -> None:
        self.payloads = payloads

    def read(self, segment: Segment) -> list[bytes]:
        assert segment.job_id == JOB
        return self.payloads[segment.from_offset : segment.from_offset + segment.records]


def filled(info: dict[str, Any]) -> dict[str, Any]:
    out = {**info, **{key: value for key, value in FILL.items() if not info.get(key)}}
    if not (info.get("kick_off") or {}).get("utc"):
        out["kick_off"] = FILL["kick_off"]
    if all(team["side"] is None for team in info["teams"]):
        out["teams"] = [
            {**team, "side": side}
            for team, side in zip(info["teams"], ("home", "away"), strict=True)
        ]
    return out


def lane_batch(repositories, source: str, match_id: str, fill: bool) -> CdfBatch:
    match = repositories[source].get_match(match_id)
    publisher = InMemoryPublisher()
    publisher.publish(match, job_id=JOB, trace_id=TRACE)
    manifest = publisher.latest_manifest(match.key)
    assert manifest is not None
    value = encode_match_published(manifest, match.info)
    if fill:
        wire = orjson.loads(value)
        wire["info"] = filled(wire["info"])
        value = orjson.dumps(wire)
    payloads = [record.payload for record in publisher.events_of(JOB)]
    step = CdfLaneStep(
        Segments(payloads), events_topic="cdf-events", matches_topic="cdf-matches",
        dead_letter_topic="cdf-dlq", clock=lambda: NOW,
    )  # fmt: skip
    headers = [("trace_id", TRACE.encode()), ("job_id", JOB.encode())]
    return step.batch(match.key.encode(), value, headers)


def outputs_digest(batch: CdfBatch) -> str:
    digest = hashlib.sha256()
    for output in batch.outputs:
        digest.update(f"{output.topic}\x00{len(output.value)}\x00".encode())
        digest.update(output.key + b"\x00" + output.value + b"\x00")
        for name, header in output.headers:
            digest.update(name.encode() + b"\x00" + header + b"\x00")
        digest.update(b"\n")
    return digest.hexdigest()


@pytest.mark.parametrize("source, match_id, fill", sorted(PINNED))
def test_the_lanes_records_and_counts_are_byte_identical_to_the_pins(
    repositories, source, match_id, fill
):
    written, withheld, sha = PINNED[(source, match_id, fill)]
    batch = lane_batch(repositories, source, match_id, fill)
    assert batch.dead_letter is None
    assert batch.notice is not None
    got = (batch.events_written, dict(sorted(batch.withheld.items())), outputs_digest(batch))
    assert got == (written, withheld, sha)
