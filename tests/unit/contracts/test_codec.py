"""The contract codec on a small contract that uses every supported field type."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Literal

import jsonschema
import pytest

import contracts.schemas as schemas
from contracts.codec import ContractError
from contracts.codec import field_meta
from contracts.codec import from_dict
from contracts.codec import json_schema
from contracts.codec import to_dict


class Colour(enum.StrEnum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True)
class Inner:
    n: int


@dataclass(frozen=True)
class Sample:
    name: str = field(metadata=field_meta("a name", minLength=2, pattern="^[a-z]+$"))
    count: int = field(metadata=field_meta("a count", minimum=0, maximum=10))
    ratio: float
    flag: bool
    colour: Colour
    mode: Literal["a", "b"]
    tags: tuple[str, ...]
    scores: Mapping[str, int] = field(
        default_factory=dict, metadata=field_meta("scores", maxProperties=2)
    )
    inner: Inner | None = None
    note: str | None = field(default=None, metadata=field_meta("a note", maxLength=5))
    shade: Colour | None = None
    loose: str = field(default="x", metadata=field_meta("unanchored", pattern="x"))

    def __post_init__(self) -> None:
        if self.name == "boom":
            raise ValueError("boom is not allowed")


GOOD = {
    "name": "abc",
    "count": 3,
    "ratio": 1,
    "flag": True,
    "colour": "red",
    "mode": "a",
    "tags": ["t"],
    "scores": {"k": 1},
    "inner": {"n": 2},
    "note": None,
    "shade": None,
}


def test_a_good_value_round_trips():
    value = from_dict(Sample, GOOD)
    assert value.ratio == 1.0 and isinstance(value.ratio, float)
    assert value.inner == Inner(2) and value.tags == ("t",)
    assert to_dict(value) == {**GOOD, "ratio": 1.0, "loose": "x"}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"name": None}, "name: must not be null"),
        ({"name": 5}, "name: expected a string"),
        ({"name": "a"}, "shorter than 2"),
        ({"name": "ABC"}, "does not match"),
        ({"name": "boom"}, "boom is not allowed"),
        ({"count": True}, "count: expected an integer"),
        ({"count": 1.5}, "count: expected an integer"),
        ({"count": -1}, "below 0"),
        ({"count": 11}, "above 10"),
        ({"ratio": "1"}, "ratio: expected a number"),
        ({"ratio": False}, "ratio: expected a number"),
        ({"flag": 1}, "flag: expected a boolean"),
        ({"colour": "green"}, "colour: 'green' is not one of red, blue"),
        ({"mode": "c"}, "mode: 'c' is not one of"),
        ({"tags": "t"}, "tags: expected an array"),
        ({"tags": [1]}, r"tags\[0\]: expected a string"),
        ({"scores": []}, "scores: expected an object"),
        ({"scores": {"a": 1, "b": 2, "c": 3}}, "more than 2 entries"),
        ({"inner": {"n": "x"}}, "inner.n: expected an integer"),
        ({"inner": 3}, "inner: expected an object, got int"),
        ({"note": "toolong"}, "longer than 5"),
        ({"loose": "y"}, "does not match x"),
    ],
)
def test_each_violation_is_named(change, message):
    with pytest.raises(ContractError, match=message):
        from_dict(Sample, {**GOOD, **change})


def test_long_values_are_shortened_in_messages():
    with pytest.raises(ContractError, match="…"):
        from_dict(Sample, {**GOOD, "name": "Z" * 100})


def test_the_schema_agrees_with_the_decoder():
    schema = json_schema(Sample, schema_id="urn:sample", title="Sample", description="test")
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid(GOOD)
    assert not validator.is_valid({**GOOD, "colour": "green"})
    assert not validator.is_valid({**GOOD, "count": 11})
    assert validator.is_valid({**GOOD, "inner": None, "shade": "blue"})
    assert schema["properties"]["shade"]["enum"] == ["red", "blue", None]
    assert schema["required"][:2] == ["name", "count"]


def test_unsupported_field_types_are_refused():
    @dataclass
    class Odd:
        when: complex

    with pytest.raises(TypeError, match="unsupported"):
        json_schema(Odd, schema_id="x", title="x", description="x")
    with pytest.raises(TypeError, match="unsupported"):
        from_dict(Odd, {"when": 1})


def test_schemas_main_writes_every_document(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(schemas, "V1_DIR", tmp_path)
    schemas.main()
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == sorted(schemas.v1_documents())
    assert "wrote contracts/v1/" in capsys.readouterr().out


def test_dataclass_helpers_still_see_fields():
    assert [f.name for f in dataclasses.fields(Sample)][:2] == ["name", "count"]


def test_a_missing_required_field_is_named():
    data = dict(GOOD)
    del data["ratio"]
    with pytest.raises(ContractError, match="ratio: required field is missing"):
        from_dict(Sample, data)


def test_a_union_of_two_real_types_is_not_optional():
    @dataclass
    class Either:
        value: int | str

    with pytest.raises(TypeError, match="unsupported"):
        from_dict(Either, {"value": 1})
