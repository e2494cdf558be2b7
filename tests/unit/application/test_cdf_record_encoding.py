"""``encode_event_record`` writes exactly ``orjson.dumps``'s bytes, or fails as it fails."""

from __future__ import annotations

import copy
import random
from typing import Any

import orjson
import pytest

from processors.application.cdf import encode_event_record

RECORD: dict[str, Any] = {
    "match": {"id": "3788741"},
    "meta": {"is_synced": False},
    "event": {
        "id": "f6bfc3ee-b48a-50ce-bc1a-c1c2f2310c0c",
        "time": "2021-06-11T19:00:00.878Z",
        "period": "first_half",
        "type": "shot",
        "sub_type": None,
        "is_successful": True,
        "outcome_type": "successful",
        "player_id": "11086",
        "team_id": "909",
        "receiver_id": None,
        "receiver_time": None,
        "receiver_team_id": None,
        "x": -0.0438,
        "y": 0.0425,
        "x_end": 28.3938,
        "y_end": -43.5625,
        "body_part": "right_foot",
        "related_event_ids": ["407e1965-cbb4-5909-8075-63d2a5678ffe"],
        "metrics": {"xg": 0.7835},
    },
}
FLOATS = [0.0, -0.0, 1e-4, 1e-7, 5e-324, 9999999999999998.0, 1e16, -1e16, 1.5e17, 1e300]
FLOATS += [float("nan"), float("inf"), -float("inf")]
ODD_PLAYER_IDS = [7, 2**63, 2**64, -(2**63) - 1, 1e16, 12.5, True, ["1e+16"], {"id": 1e20}]
TEXTS = ["Burak Y\u0131lmaz", "Çağlar Söyüncü", "tab\there", 'quote" and \\', "\x00\x1f\x7f", "🙂"]
TEXTS += ["\u2028\u2029", "</script>", "1e16"]


def with_event(**changes: Any) -> dict[str, Any]:
    record = copy.deepcopy(RECORD)
    record["event"].update(changes)
    return record


def outcome(encode: Any, record: dict[str, Any]) -> bytes | type[BaseException]:
    try:
        return encode(record)
    except Exception as error:  # the same failure: orjson's
        return type(error)


CASES = [with_event()]
CASES += [with_event(**{key: value}) for key in ("x", "y", "x_end", "y_end") for value in FLOATS]
CASES += [with_event(metrics={"xg": value}) for value in FLOATS]
CASES += [with_event(player_id=value) for value in ODD_PLAYER_IDS]
CASES += [with_event(player_id=text, id=text) for text in TEXTS]
CASES += [with_event(type="referee", official_id="r1", metrics=None)]


@pytest.mark.parametrize("record", CASES, ids=range(len(CASES)))
def test_the_bytes_or_the_failure_are_orjsons(record: dict[str, Any]) -> None:
    record["event"] = {k: v for k, v in record["event"].items() if v is not None or k != "metrics"}
    assert outcome(encode_event_record, record) == outcome(orjson.dumps, record)


def test_random_coordinates_of_every_magnitude_give_orjsons_bytes() -> None:
    rng = random.Random(16)
    for _ in range(3000):
        values = [rng.uniform(1, 10) * 10 ** rng.randint(-30, 30) * rng.choice([1, -1])]
        values.append(round(rng.uniform(-100, 100), 4))
        for value in values:
            record = with_event(x_end=value, y_end=-value, metrics={"xg": value})
            assert encode_event_record(record) == orjson.dumps(record), value
