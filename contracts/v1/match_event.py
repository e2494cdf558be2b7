"""MatchEvent v1: one normalized event, in the canonical frame (see contracts/README.md).

Topic ``match-events``, key ``<source>:<match_id>``; one match stays ordered in one partition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

import orjson

from contracts.codec import ContractError, field_meta, from_dict
from domain import BodyPart, Card, Event, EventType, Match, Outcome, SetPiece

SCHEMA_ID: Final = "https://pitchstream.io/schemas/v1/match-event.json"


@dataclass(frozen=True, slots=True)
class Location:
    x: float = field(metadata=field_meta("Metres from the acting team's own goal line (0..105)"))
    y: float = field(metadata=field_meta("Metres from the acting team's right touchline (0..68)"))
    z: float | None = field(default=None, metadata=field_meta("Height in metres (shots only)"))


@dataclass(frozen=True, slots=True)
class MatchEvent:
    event_id: str = field(metadata=field_meta("Deterministic id: the same raw event, the same id"))
    source: str = field(metadata=field_meta("The data provider"))
    match_id: str = field(metadata=field_meta("The provider's match id"))
    source_event_id: str = field(metadata=field_meta("The provider's own event id"))
    source_type: str = field(metadata=field_meta("The provider's type name, as given"))
    type: EventType = field(metadata=field_meta("Canonical event type"))
    index: int = field(metadata=field_meta("Position in the match's canonical order", minimum=0))
    period: int = field(
        metadata=field_meta("1, 2 halves; 3, 4 extra time; 5 penalties", minimum=1, maximum=5)
    )
    seconds: float = field(metadata=field_meta("Seconds since the start of the period", minimum=0))
    team_id: str = field(metadata=field_meta("The acting team's id"))
    team_name: str = field(metadata=field_meta("The acting team's name"))
    player_id: str = field(metadata=field_meta("The acting player's id; empty when none"))
    player_name: str = field(metadata=field_meta("The acting player's name; empty when none"))
    start: Location | None = field(metadata=field_meta("Where the event started"))
    end: Location | None = field(metadata=field_meta("Where it ended, when the provider says"))
    outcome: Outcome | None = field(metadata=field_meta("Result of the action"))
    body_part: BodyPart | None = field(metadata=field_meta("Body part used"))
    set_piece: SetPiece | None = field(
        metadata=field_meta("Set piece this action restarts play with")
    )
    card: Card | None = field(metadata=field_meta("Card shown with this event"))
    related_event_ids: tuple[str, ...] = field(metadata=field_meta("Ids of related events"))


def _location(point: Any) -> dict[str, float] | None:
    if point is None:
        return None
    if point.z is None:
        return {"x": round(point.x, 4), "y": round(point.y, 4)}
    return {"x": round(point.x, 4), "y": round(point.y, 4), "z": round(point.z, 4)}


def match_event_payload(match: Match, event: Event, position: int) -> dict[str, Any]:
    """The v1 payload of one event as a plain dict (the hot path: no intermediate objects)."""
    team_name = ""
    if event.team_id == match.home.team_id:
        team_name = match.home.name
    elif event.team_id == match.away.team_id:
        team_name = match.away.name
    return {
        "event_id": event.event_id,
        "source": event.source,
        "match_id": event.match_id,
        "source_event_id": event.source_event_id,
        "source_type": event.source_type,
        "type": event.type.value,
        "index": position,
        "period": event.period,
        "seconds": round(event.seconds, 3),
        "team_id": event.team_id,
        "team_name": team_name,
        "player_id": event.player_id,
        "player_name": event.player_name,
        "start": _location(event.start),
        "end": _location(event.end),
        "outcome": None if event.outcome is None else event.outcome.value,
        "body_part": None if event.body_part is None else event.body_part.value,
        "set_piece": None if event.set_piece is None else event.set_piece.value,
        "card": None if event.card is None else event.card.value,
        "related_event_ids": list(event.related_event_ids),
    }


def encode_match_event(match: Match, event: Event, position: int) -> bytes:
    """``orjson.dumps(match_event_payload(...))``, byte for byte, with less work per event.

    orjson writes a StrEnum member as its value and a tuple as an array, so the enum
    ``.value`` lookups and the list copy are skipped; absent locations skip a call.
    """
    team_id = event.team_id
    if team_id == match.home.team_id:
        team_name = match.home.name
    elif team_id == match.away.team_id:
        team_name = match.away.name
    else:
        team_name = ""
    start, end = event.start, event.end
    return _dumps(
        {
            "event_id": event.event_id,
            "source": event.source,
            "match_id": event.match_id,
            "source_event_id": event.source_event_id,
            "source_type": event.source_type,
            "type": event.type,
            "index": position,
            "period": event.period,
            "seconds": round(event.seconds, 3),
            "team_id": team_id,
            "team_name": team_name,
            "player_id": event.player_id,
            "player_name": event.player_name,
            "start": None if start is None else _location(start),
            "end": None if end is None else _location(end),
            "outcome": event.outcome,
            "body_part": event.body_part,
            "set_piece": event.set_piece,
            "card": event.card,
            "related_event_ids": event.related_event_ids,
        }
    )


_dumps: Final = orjson.dumps


def decode_match_event(payload: bytes) -> MatchEvent:
    try:
        data = orjson.loads(payload)
    except orjson.JSONDecodeError as error:
        raise ContractError(f"match event is not JSON: {error}") from None
    return from_dict(MatchEvent, data)
