"""Writes the published JSON Schemas and vocabulary of each contract version.

Run ``python -m contracts.schemas`` after changing a contract; a test fails while the
committed files and the code disagree.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any
from typing import Final

from contracts.codec import json_schema
from contracts.v1.ingest_request import SCOPE_SCHEMA
from contracts.v1.ingest_request import IngestRequest
from contracts.v1.job_state import JobState
from contracts.v1.match_event import RETRACTION_SCHEMA_ID
from contracts.v1.match_event import SCHEMA_ID as MATCH_EVENT_SCHEMA_ID
from contracts.v1.match_event import MatchEvent
from contracts.v1.match_event import MatchEventRetraction
from contracts.v1.match_info import SCHEMA_ID as MATCH_INFO_SCHEMA_ID
from contracts.v1.match_info import MatchInfo
from contracts.v1.match_published import match_published_schema
from domain import BodyPart
from domain import Card
from domain import DuelKind
from domain import EventType
from domain import GoalkeeperAction
from domain import Outcome
from domain import PassHeight
from domain import SetPiece
from domain import ShotTechnique

V1_DIR = Path(__file__).parent / "v1"
_BASE = "https://pitchstream.io/schemas/v1"
VOCABULARY: Final[Mapping[str, type[StrEnum]]] = {
    "type": EventType,
    "outcome": Outcome,
    "body_part": BodyPart,
    "set_piece": SetPiece,
    "card": Card,
    "pass_height": PassHeight,
    "shot_technique": ShotTechnique,
    "goalkeeper_action": GoalkeeperAction,
    "duel_kind": DuelKind,
}
"""vocabulary.json's keys: each enumerated MatchEvent field (or detail) and its canonical enum."""


def v1_documents() -> dict[str, Any]:
    """Every published v1 document, by file name."""
    return {
        "ingest-request.schema.json": {
            **json_schema(
                IngestRequest,
                schema_id=f"{_BASE}/ingest-request.json",
                title="IngestRequest v1",
                description=(
                    "Ask Pitchstream to ingest one match, or backfill a StatsBomb season or every "
                    "Metrica game (one child request per match). Topic ingest-requests, key job_id."
                ),
            ),
            **SCOPE_SCHEMA,
        },
        "match-event.schema.json": json_schema(
            MatchEvent,
            schema_id=MATCH_EVENT_SCHEMA_ID,
            title="MatchEvent v1",
            description=(
                "One normalized match event in the canonical frame (metres, 105 x 68, the "
                "acting team attacking towards x = 105). Topic match-events, key "
                "<source>:<match_id>."
            ),
        ),
        "match-event-retraction.schema.json": json_schema(
            MatchEventRetraction,
            schema_id=RETRACTION_SCHEMA_ID,
            title="MatchEventRetraction v1",
            description=(
                "An event that is no longer in the provider's data: drop the event with this "
                "event_id. Topic match-events, key <source>:<match_id>, CloudEvents ce_type "
                "io.pitchstream.match-event-retraction.v1."
            ),
        ),
        "match-info.schema.json": json_schema(
            MatchInfo,
            schema_id=MATCH_INFO_SCHEMA_ID,
            title="MatchInfo v1",
            description=(
                "What a provider says about a match beyond its events: competition, kick-off, "
                "venue, referee, teams with line-ups, substitutions, periods, data version. "
                "Topic match-info (compacted), key <source>:<match_id>."
            ),
        ),
        "match-published.schema.json": match_published_schema(),
        "job-state.schema.json": json_schema(
            JobState,
            schema_id=f"{_BASE}/job-state.json",
            title="JobState v1",
            description="The state of one ingestion job. The job table's changelog, key job_id.",
        ),
        "vocabulary.json": {
            "description": "Canonical values of MatchEvent v1's enumerated fields.",
            **{name: [member.value for member in enum] for name, enum in VOCABULARY.items()},
        },
    }


def render(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    for name, document in v1_documents().items():
        (V1_DIR / name).write_text(render(document), encoding="utf-8")
        print(f"wrote contracts/v1/{name}")


if __name__ == "__main__":
    main()
