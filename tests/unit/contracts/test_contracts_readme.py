"""contracts/README.md's vocabulary tables say exactly what the adapters' tables do.

The docs are the human copy of the mapping; these tests read the tables back and compare them
with each adapter's typed tables and with v1/vocabulary.json, so neither can drift alone.
"""

from __future__ import annotations

import re
from enum import StrEnum

import orjson
import pytest

from contracts.schemas import V1_DIR
from domain import BodyPart, Card, EventType, Outcome, SetPiece
from processors.adapters.metrica import mapping as metrica
from processors.adapters.statsbomb import mapping as statsbomb
from tests.paths import REPO_ROOT

README = (REPO_ROOT / "contracts" / "README.md").read_text(encoding="utf-8")
VOCABULARY = orjson.loads((V1_DIR / "vocabulary.json").read_bytes())
TICKED = re.compile(r"`([^`]+)`")


def table(heading: str) -> dict[str, list[str]]:
    """The rows of the table under ``### heading``, by their first cell's ticked value."""
    section = README.split(f"### {heading}\n", 1)[1].split("\n#", 1)[0]
    rows: dict[str, list[str]] = {}
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        rows[TICKED.match(cells[0]).group(1)] = cells[1:]
    return rows


def ticked(cell: str) -> set[str]:
    return set(TICKED.findall(cell))


# (heading, enum, column of StatsBomb's names, StatsBomb table, Metrica column, Metrica table)
TABLES = [
    ("Event types", EventType, 1, statsbomb._TYPE_MAP, 2, metrica._TYPE_MAP),
    ("Body parts", BodyPart, 0, statsbomb._BODY_PART_MAP, 1, metrica._BODY_PART_SUBTYPES),
    ("Set pieces", SetPiece, 0, statsbomb._SET_PIECE_MAP, 1, metrica._SET_PIECE_SUBTYPES),
    ("Cards", Card, 0, statsbomb._CARD_MAP, 1, metrica._CARD_SUBTYPES),
    ("Outcomes", Outcome, 0, statsbomb._OUTCOME_MAP, None, None),
]


@pytest.mark.parametrize("heading, enum", [(t[0], t[1]) for t in TABLES])
def test_every_canonical_value_has_one_row_in_the_readme_and_in_vocabulary_json(heading, enum):
    values = [member.value for member in enum]
    assert list(table(heading)) == values
    field = {
        EventType: "type",
        Outcome: "outcome",
        BodyPart: "body_part",
        SetPiece: "set_piece",
        Card: "card",
    }[enum]
    assert VOCABULARY[field] == values


def _pairs(mapping) -> set[tuple[str, str]]:
    return {(name, canonical.value) for name, canonical in mapping.items()}


def _documented(heading: str, column: int, known: set[str]) -> set[tuple[str, str]]:
    """(provider name, canonical) pairs the README states, among the names the adapter knows.

    Names ticked in a cell that the adapter does not know are reported by the caller."""
    return {
        (name, canonical)
        for canonical, cells in table(heading).items()
        for name in ticked(cells[column])
        if name in known
    }


@pytest.mark.parametrize("heading, enum, sb_col, sb_map, mt_col, mt_map", TABLES)
def test_the_readme_states_every_statsbomb_mapping_and_no_other(
    heading, enum, sb_col, sb_map, mt_col, mt_map
):
    assert _documented(heading, sb_col, set(sb_map)) == _pairs(sb_map)
    for canonical, cells in table(heading).items():
        stray = ticked(cells[sb_col]) - set(sb_map)
        assert not stray - {"head: true"}, (canonical, stray)


@pytest.mark.parametrize(
    "heading, enum, sb_col, sb_map, mt_col, mt_map", [t for t in TABLES if t[5] is not None]
)
def test_the_readme_states_every_metrica_mapping_and_no_other(
    heading, enum, sb_col, sb_map, mt_col, mt_map
):
    documented = _documented(heading, mt_col, set(mt_map))
    # BALL OUT is also named in the own-goal row, where a rule, not the table, applies.
    assert documented - {("BALL OUT", "own_goal_against")} == _pairs(mt_map)
    for canonical, cells in table(heading).items():
        stray = ticked(cells[mt_col]) - set(mt_map) - {"GOAL"}
        assert not stray, (canonical, stray)


def test_the_readme_states_every_metrica_outcome_rule():
    rows = table("Outcomes")
    stated = {
        (type_name.strip(), subtype, canonical)
        for canonical, cells in rows.items()
        for type_name, subtype in re.findall(r"([A-Z][A-Z ]*?) `([^`]+)`", cells[1])
    }
    expected = {
        (type_name, subtype, outcome.value)
        for type_name, table_ in metrica._OUTCOME_SUBTYPES.items()
        for subtype, outcome in table_.items()
    }
    assert stated == expected
    for type_name, outcome in metrica._DEFAULT_OUTCOME.items():
        assert f"every {type_name}" in rows[outcome.value][1]


@pytest.mark.parametrize(
    "mapping",
    [
        statsbomb._TYPE_MAP,
        statsbomb._OUTCOME_MAP,
        statsbomb._BODY_PART_MAP,
        statsbomb._SET_PIECE_MAP,
        statsbomb._CARD_MAP,
        metrica._TYPE_MAP,
        metrica._DEFAULT_OUTCOME,
        metrica._BODY_PART_SUBTYPES,
        metrica._SET_PIECE_SUBTYPES,
        metrica._CARD_SUBTYPES,
        *metrica._OUTCOME_SUBTYPES.values(),
    ],
)
def test_every_canonical_value_an_adapter_emits_is_in_vocabulary_json(mapping):
    published = {
        value for values in VOCABULARY.values() if isinstance(values, list) for value in values
    }
    for canonical in mapping.values():
        assert isinstance(canonical, StrEnum) and canonical.value in published


def test_every_metrica_drop_reason_is_documented():
    reasons = {
        value
        for name, value in vars(metrica).items()
        if name.isupper()
        and isinstance(value, str)
        and re.fullmatch(r"[a-z_]+", value)
        and name not in ("SOURCE",)
    }
    documented = {row for row in table_rows_after("## Every raw event accounted for")}
    assert reasons <= documented


def table_rows_after(heading: str) -> list[str]:
    section = README.split(f"{heading}\n", 1)[1]
    return [
        TICKED.match(line[2:]).group(1) for line in section.splitlines() if line.startswith("| `")
    ]
