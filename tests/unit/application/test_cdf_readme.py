"""contracts/README.md's Common Data Format tables say what the CDF mapper does."""

from __future__ import annotations

import re

import orjson

from contracts.schemas import V1_DIR
from processors.application.cdf import WITHHELD_REASONS
from processors.application.cdf import mapping as cdf_mapping
from tests.paths import REPO_ROOT

README = (REPO_ROOT / "contracts" / "README.md").read_text(encoding="utf-8")
VOCABULARY = orjson.loads((V1_DIR / "vocabulary.json").read_bytes())
TICKED = re.compile(r"`([^`]+)`")


def rows(heading: str) -> list[list[str]]:
    section = README.split(f"### {heading}\n", 1)[1].split("\n#", 1)[0]
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("| `")
    ]


def test_the_withheld_reasons_table_lists_the_mappers_reasons_in_check_order() -> None:
    documented = [TICKED.match(cells[0]).group(1) for cells in rows("CDF withheld reasons")]
    assert documented == list(WITHHELD_REASONS)


def test_every_canonical_type_has_one_row_and_its_cdf_type_is_the_mappers() -> None:
    table = {TICKED.match(cells[0]).group(1): cells for cells in rows("CDF event types")}
    assert sorted(table) == sorted(VOCABULARY["type"])
    outcomes = {"shot": "goal"}
    for our_type, cells in table.items():
        event = {"type": our_type, "outcome": outcomes.get(our_type, "success"), "card": "yellow"}
        kind = cdf_mapping._classify(event, mirrors_foul=False)
        if cells[1] == "withheld":
            assert kind == TICKED.match(cells[2]).group(1), our_type
        else:
            assert not isinstance(kind, str), our_type
            assert kind.type == cells[1].split(";")[0].strip(), our_type
