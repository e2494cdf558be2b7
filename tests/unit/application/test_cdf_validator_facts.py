"""What the official CDF validator (common-data-format-validator 0.1.1) does that we rely on.

Pinned so that a new validator release that changes these behaviours fails here first, not
silently in the lane's tests (e.g. a JSONL check that again looks at line 1 only).
"""

from __future__ import annotations

import copy
import warnings
from importlib import resources
from pathlib import Path
from typing import Any

import cdf
import orjson
import pytest
from jsonschema import ValidationError

_SAMPLE = resources.files("cdf") / "files" / "v0.3.2" / "sample"


def _good_event() -> dict[str, Any]:
    first_line = (_SAMPLE / "event.jsonl").read_text().splitlines()[0]
    record: dict[str, Any] = orjson.loads(first_line)
    return record


def _jsonl(path: Path, records: list[dict[str, Any]]) -> str:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return str(path)


def test_default_limit_checks_only_the_first_jsonl_line(tmp_path: Path) -> None:
    bad = _good_event()
    bad["event"]["x"] = None
    path = _jsonl(tmp_path / "e.jsonl", [_good_event(), bad])
    validator = cdf.EventSchemaValidator()
    validator.validate_schema(path, mode="strict")  # limit=1: line 2 is never read
    assert validator.errors == []
    with pytest.raises(ValidationError):
        validator.validate_schema(path, mode="strict", limit=None)


def test_strict_raises_only_the_first_of_several_errors() -> None:
    bad = _good_event()
    bad["event"]["type"] = "Pass"
    bad["event"]["y"] = 99.0
    validator = cdf.EventSchemaValidator()
    with pytest.raises(ValidationError) as raised:
        validator.validate_schema(bad, mode="strict")
    assert len(validator.errors) == 2
    assert raised.value.message == validator.errors[0]


def test_unknown_keys_warn_in_strict_and_fail_in_extreme() -> None:
    extra = copy.deepcopy(_good_event())
    extra["event"]["pitchstream"] = 1
    validator = cdf.EventSchemaValidator()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        validator.validate_schema(extra, mode="strict")
    assert validator.advisories == ["event: unknown field 'pitchstream'"]
    with pytest.raises(ValidationError):
        validator.validate_schema(extra, mode="extreme")


def test_left_team_id_is_not_exempt_from_the_snake_case_rule() -> None:
    meta = orjson.loads((_SAMPLE / "meta.json").read_bytes())
    meta["match"]["periods"][0]["left_team_id"] = "Home"
    validator = cdf.MetaSchemaValidator()
    with pytest.raises(ValidationError, match="left_team_id"):
        validator.validate_schema(meta, mode="strict")
    meta["teams"]["home"]["id"] = "Home"  # `id` is exempt
    meta["match"]["periods"][0]["left_team_id"] = "team_789"
    validator.validate_schema(meta, mode="strict")


def test_end_coordinates_are_not_bounds_checked() -> None:
    far = _good_event()
    far["event"]["x_end"] = 500.0
    validator = cdf.EventSchemaValidator()
    validator.validate_schema(far, mode="extreme")
    assert validator.errors == []
