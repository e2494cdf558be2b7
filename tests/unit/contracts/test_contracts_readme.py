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
from contracts.schemas import VOCABULARY as VOCABULARY_FIELDS
from domain import BodyPart
from domain import Card
from domain import DuelKind
from domain import EventType
from domain import GoalkeeperAction
from domain import Outcome
from domain import PassHeight
from domain import SetPiece
from domain import ShotTechnique
from processors.adapters.metrica import mapping as metrica
from processors.adapters.statsbomb import mapping as statsbomb
from processors.adapters.statsperform import mapping as statsperform
from processors.adapters.wyscout import mapping as wyscout
from tests.contract_facts import ISSUE_11_EVENT_FIELDS
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
    (field,) = [name for name, vocabulary in VOCABULARY_FIELDS.items() if vocabulary is enum]
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
        wyscout._SUB_EVENT_TYPES,
        wyscout._EVENT_TYPES,
        wyscout._SET_PIECES,
        wyscout._SUB_EVENT_BODY_PARTS,
        wyscout._BODY_PART_TAGS,
        wyscout._CARD_TAGS,
        wyscout._DUEL_OUTCOME_TAGS,
        wyscout._ACCURACY_TAGS,
        statsperform._TYPE_MAP,
        statsperform._SHOT_OUTCOMES,
        statsperform._BODY_PART_QUALIFIERS,
        statsperform._PASS_SET_PIECES,
        statsperform._SHOT_SET_PIECES,
        statsperform._CARD_QUALIFIERS,
    ],
)
def test_every_canonical_value_an_adapter_emits_is_in_vocabulary_json(mapping):
    published = {
        value for values in VOCABULARY.values() if isinstance(values, list) for value in values
    }
    for canonical in mapping.values():
        assert isinstance(canonical, StrEnum) and canonical.value in published


@pytest.mark.parametrize("module", [metrica, wyscout, statsperform], ids=lambda m: m.SOURCE)
def test_every_drop_reason_is_documented(module):
    reasons = {
        value
        for name, value in vars(module).items()
        if name.isupper()
        and isinstance(value, str)
        and re.fullmatch(r"[a-z_]+", value)
        and name not in ("SOURCE",)
    }
    assert reasons
    documented = {row for row in table_rows_after("## Every raw event accounted for")}
    assert reasons <= documented


def table_rows_after(heading: str) -> list[str]:
    section = README.split(f"{heading}\n", 1)[1]
    return [
        TICKED.match(line[2:]).group(1) for line in section.splitlines() if line.startswith("| `")
    ]


# -- Wyscout and Stats Perform: numbered vocabularies --------------------------------------
# A cell names provider ids as ticked numbers; a word before one says which kind it is
# ("tag `102`", "event `6`", "qualifier `28`", "pass qualifier `279`", "shot tag `101`").
# Columns (after the canonical one): Event types 3 and 4, the other tables 2 and 3.

NUMBERED = re.compile(r"((?:[a-z-]+ )*)`(\d+)`")


def numbered(cell: str, kind: str = "") -> set[int]:
    """The ticked numbers in ``cell`` preceded by exactly the words ``kind`` ("" = none)."""
    found = set()
    for words, number in NUMBERED.findall(cell):
        before = words.split()
        named = ""
        if before and before[-1] in ("tag", "event", "qualifier", "sub-event"):
            named = before[-1]
            if len(before) > 1 and before[-2] in ("pass", "shot"):
                named = f"{before[-2]} {named}"
        if named == kind:
            found.add(int(number))
    return found


def stated(heading: str, column: int, kind: str = "", skip: tuple[str, ...] = ()) -> set:
    return {
        (number, canonical)
        for canonical, cells in table(heading).items()
        if canonical not in skip
        for number in numbered(cells[column], kind)
    }


def int_pairs(mapping) -> set[tuple[int, str]]:
    return {(key, value.value) for key, value in mapping.items()}


RULE_ROWS = ("generic", "own_goal_against")


def test_the_readme_states_every_wyscout_type_mapping_and_no_other():
    assert stated("Event types", 3, skip=RULE_ROWS) == int_pairs(wyscout._SUB_EVENT_TYPES)
    assert stated("Event types", 3, "event") == int_pairs(wyscout._EVENT_TYPES)
    rows = table("Event types")
    assert numbered(rows["own_goal_against"][3], "tag") == {wyscout.OWN_GOAL_TAG}
    for example in numbered(rows["generic"][3]):
        assert wyscout.canonical_type(7, example, frozenset()) is EventType.GENERIC


def test_the_readme_states_every_statsperform_type_mapping_and_its_rules():
    rows = table("Event types")
    rules = {(10, "block"), (4, "foul_won"), (16, "own_goal_against")}
    assert stated("Event types", 4, skip=("generic",)) == int_pairs(statsperform._TYPE_MAP) | rules
    assert statsperform.details(10, 1, {94: None}).type is EventType.BLOCK
    assert statsperform.details(4, 1, {}).type is EventType.FOUL_WON
    assert statsperform.details(16, 1, {28: None}).type is EventType.OWN_GOAL_AGAINST
    assert numbered(rows["own_goal_against"][4], "qualifier") == {statsperform.OWN_GOAL}
    assert numbered(rows["block"][4], "qualifier") == {statsperform.OUTFIELD_BLOCK}
    for example in numbered(rows["generic"][4]):
        assert statsperform.details(example, None, {}).type is EventType.GENERIC


def test_the_readme_states_the_wyscout_and_statsperform_details():
    assert stated("Body parts", 2) == int_pairs(wyscout._BODY_PART_TAGS)
    assert stated("Body parts", 2, "sub-event") == int_pairs(wyscout._SUB_EVENT_BODY_PARTS)
    assert stated("Body parts", 3) == int_pairs(statsperform._BODY_PART_QUALIFIERS)
    assert stated("Set pieces", 2) == int_pairs(wyscout._SET_PIECES)
    assert stated("Set pieces", 3, "pass qualifier") == int_pairs(statsperform._PASS_SET_PIECES)
    assert stated("Set pieces", 3, "shot qualifier") == int_pairs(statsperform._SHOT_SET_PIECES)
    assert stated("Cards", 2) == int_pairs(wyscout._CARD_TAGS)
    assert stated("Cards", 3) == int_pairs(statsperform._CARD_QUALIFIERS)


def test_the_readme_states_the_wyscout_and_statsperform_outcome_rules():
    tags = {**wyscout._ACCURACY_TAGS, **wyscout._DUEL_OUTCOME_TAGS}
    assert stated("Outcomes", 2) - {(702, "failure")} == int_pairs(tags)
    assert stated("Outcomes", 2, "shot tag") == {
        (wyscout.GOAL_TAG, "goal"),
        (wyscout.BLOCKED_TAG, "blocked"),
    }
    opta = stated("Outcomes", 3)
    assert int_pairs(statsperform._SHOT_OUTCOMES) <= opta
    assert (2, "offside") in opta
    assert (statsperform.BLOCKED, "blocked") in stated("Outcomes", 3, "qualifier")


NEW_EVENT_FIELDS = list(ISSUE_11_EVENT_FIELDS)


def test_every_additive_event_field_is_documented_with_every_provider():
    rows = table("Additive event fields")
    assert list(rows) == NEW_EVENT_FIELDS
    schema = orjson.loads((V1_DIR / "match-event.schema.json").read_bytes())
    assert set(NEW_EVENT_FIELDS) <= set(schema["properties"])
    # meaning, StatsBomb, Metrica, Wyscout, Stats Perform: every cell says something
    assert all(len(cells) == 5 and all(cells) for cells in rows.values())


def test_every_match_info_field_is_documented_with_every_provider():
    rows = table("MatchInfo fields")
    schema = orjson.loads((V1_DIR / "match-info.schema.json").read_bytes())
    assert set(rows) == set(schema["properties"])
    assert all(len(cells) == 4 and all(cells) for cells in rows.values())


# (heading, enum, StatsBomb table, vocabulary.json key, Metrica table or None)
DETAIL_TABLES = [
    ("Pass heights", PassHeight, statsbomb._PASS_HEIGHT, "pass_height", None),
    ("Shot techniques", ShotTechnique, statsbomb._SHOT_TECHNIQUE, "shot_technique", None),
    (
        "Goalkeeper actions",
        GoalkeeperAction,
        statsbomb._GOALKEEPER_ACTION,
        "goalkeeper_action",
        None,
    ),
    ("Duel kinds", DuelKind, statsbomb._DUEL_KIND, "duel_kind", metrica._DUEL_SUBTYPES),
]


@pytest.mark.parametrize("heading, enum, sb_map, key, mt_map", DETAIL_TABLES)
def test_detail_vocabularies_are_documented_exactly(heading, enum, sb_map, key, mt_map):
    rows = table(heading)
    assert list(rows) == [member.value for member in enum] == VOCABULARY[key]
    stated = {(name, canonical) for canonical, cells in rows.items() for name in ticked(cells[0])}
    assert stated == _pairs(sb_map)
    if mt_map is not None:
        stated = {
            (name, canonical) for canonical, cells in rows.items() for name in ticked(cells[1])
        }
        assert stated == _pairs(mt_map)


def test_the_readme_states_the_wyscout_and_statsperform_event_details():
    # Pass heights: Wyscout tags (column 1) and the High pass sub-event; Opta none (column 2).
    assert stated("Pass heights", 1, "tag") == int_pairs(wyscout._PASS_HEIGHT_TAGS)
    assert stated("Pass heights", 1, "sub-event") == {(wyscout._HIGH_PASS, "high")}
    assert all(not cells[2] for cells in table("Pass heights").values())
    # Duel kinds: Wyscout sub-events (column 2), Opta types (column 3).
    assert stated("Duel kinds", 2) == int_pairs(wyscout._DUEL_KINDS)
    assert stated("Duel kinds", 3) == int_pairs(statsperform._DUEL_KINDS)
    # Goalkeeper actions: Wyscout rules (column 1), Opta types (column 2).
    assert stated("Goalkeeper actions", 2) == int_pairs(statsperform._GOALKEEPER_ACTIONS) | {
        (statsperform.PENALTY_FACED, "penalty_saved"),
        (statsperform.PENALTY_FACED, "penalty_conceded"),
    }
    assert statsperform.goalkeeper_action(58, 1) is GoalkeeperAction.PENALTY_SAVED
    assert statsperform.goalkeeper_action(58, 0) is GoalkeeperAction.PENALTY_CONCEDED
    assert stated("Goalkeeper actions", 1) == {(40, "keeper_sweeper")}
    assert stated("Goalkeeper actions", 1, "tag") == {(1801, "save"), (101, "goal_conceded")}
    assert stated("Goalkeeper actions", 1, "event") == {(9, "save"), (9, "goal_conceded")}
    save_attempt = wyscout._SAVE_ATTEMPT
    assert wyscout.goalkeeper_action(save_attempt, 91, frozenset({1801})) is GoalkeeperAction.SAVE
    assert (
        wyscout.goalkeeper_action(save_attempt, 90, frozenset({101, 1802}))
        is GoalkeeperAction.GOAL_CONCEDED
    )
    assert wyscout.goalkeeper_action(4, 40, frozenset()) is GoalkeeperAction.KEEPER_SWEEPER


def test_the_readme_states_the_wyscout_and_statsperform_pass_and_shot_flags():
    rows = table("Additive event fields")
    wyscout_pass, opta_pass = rows["pass"][3], rows["pass"][4]
    assert numbered(wyscout_pass, "tag") == {
        *wyscout._PASS_HEIGHT_TAGS,
        wyscout.THROUGH_BALL_TAG,
        wyscout.ASSIST_TAG,
        wyscout.KEY_PASS_TAG,
    }
    assert numbered(wyscout_pass, "sub-event") == {wyscout._HIGH_PASS, *wyscout._CROSS_SUB_EVENTS}
    opta = {
        statsperform.CROSS,
        statsperform.THROUGH_BALL,
        statsperform.SWITCH_OF_PLAY,
        statsperform.PULL_BACK,
        statsperform.ASSIST,
        statsperform.ASSISTED,
        statsperform.RELATED_EVENT,
    }
    assert numbered(opta_pass) | numbered(opta_pass, "qualifier") == opta
    opta_shot = rows["shot"][4]
    assert numbered(opta_shot) | numbered(opta_shot, "qualifier") == {
        statsperform.FIRST_TIME,
        statsperform.PENALTY,
        statsperform.RELATED_EVENT,
        statsperform.ASSISTED,
    }
    assert numbered(rows["shot"][3], "sub-event") == {wyscout.PENALTY_SUB_EVENT}
