"""MatchEvent v1: one normalized event, in the canonical frame (see contracts/README.md).

Topic ``match-events``, key ``<source>:<match_id>``; one match stays ordered in one partition.

Revisions (issue 16). Every payload ends with ``"revision"``: 1 when the event is first
published, one higher each time a later job publishes a changed version of it (old payloads,
written before the field, decode as revision 1). An event that disappeared from the
provider's data is withdrawn by a ``MatchEventRetraction``: the same ``event_id``, the match,
the next revision and ``"retracted": true``, nothing else. A record's *content* is its payload
without ``revision``; ``content_digest`` of those bytes is what a job compares to decide
whether an event changed (the manifest's per-event digest).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from enum import Enum
from typing import Any
from typing import Final
from typing import Literal

import msgspec
import orjson

from contracts.codec import MSGSPEC_FLOATS_AS_ORJSON_BELOW
from contracts.codec import field_meta
from contracts.codec import from_dict
from contracts.codec import loads
from contracts.codec import optional
from contracts.v1.shared import PROVIDER
from contracts.v1.shared import PROVIDER_MATCH_ID
from domain import BodyPart
from domain import Card
from domain import DuelKind
from domain import Event
from domain import EventType
from domain import GoalkeeperAction
from domain import Match
from domain import Outcome
from domain import PassDetails
from domain import PassHeight
from domain import SetPiece
from domain import ShotDetails
from domain import ShotTechnique
from domain import Side
from domain import Team

SCHEMA_ID: Final = "https://pitchstream.io/schemas/v1/match-event.json"
RETRACTION_SCHEMA_ID: Final = "https://pitchstream.io/schemas/v1/match-event-retraction.json"
DIGEST_LENGTH: Final = 32


@dataclass(frozen=True, slots=True)
class Location:
    x: float = field(metadata=field_meta("Metres from the acting team's own goal line (0..105)"))
    y: float = field(metadata=field_meta("Metres from the acting team's right touchline (0..68)"))
    z: float | None = optional("Height in metres (shots only)")


@dataclass(frozen=True, slots=True)
class Receiver:
    player_id: str = field(metadata=field_meta("The receiving player's id"))
    player_name: str = field(metadata=field_meta("The receiving player's name"))


@dataclass(frozen=True, slots=True)
class PassInfo:
    height: PassHeight | None = field(metadata=field_meta("How high the pass travelled"))
    cross: bool = field(metadata=field_meta("A cross"))
    through_ball: bool = field(metadata=field_meta("A through ball"))
    switch: bool = field(metadata=field_meta("A switch of play"))
    cut_back: bool = field(metadata=field_meta("A cut-back"))
    goal_assist: bool = field(metadata=field_meta("The provider credits it with a goal's assist"))
    shot_assist: bool = field(
        metadata=field_meta("The provider links it to a shot that was not a goal")
    )


@dataclass(frozen=True, slots=True)
class ShotInfo:
    technique: ShotTechnique | None = field(metadata=field_meta("How the shot was struck"))
    first_time: bool = field(metadata=field_meta("Struck first time"))
    penalty: bool = field(metadata=field_meta("A penalty kick"))
    key_pass_id: str | None = field(
        metadata=field_meta("Our event_id of the pass the provider links to this shot")
    )


@dataclass(frozen=True, slots=True)
class MatchEvent:
    event_id: str = field(metadata=field_meta("Deterministic id: the same raw event, the same id"))
    source: str = field(metadata=PROVIDER)
    match_id: str = field(metadata=PROVIDER_MATCH_ID)
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
    # Added in v1 (additive): always written, null when unknown; absent in older payloads.
    team_side: Side | None = optional(
        "home or away; null when the provider does not say who is at home"
    )
    receiver: Receiver | None = optional("Who received the ball (passes)")
    received_seconds: float | None = optional(
        "Seconds since the period start when the receiver got the ball"
    )
    under_pressure: bool | None = optional("Under pressure; null when the provider never says")
    pass_: PassInfo | None = optional("Pass details (passes only)", json_name="pass")
    shot: ShotInfo | None = optional("Shot details (shots only)")
    goalkeeper_action: GoalkeeperAction | None = optional("What a goalkeeper event was")
    duel_kind: DuelKind | None = optional("The kind of duel")
    metrics: Mapping[str, float] | None = optional(
        "Provider metrics, named after their provider (statsbomb_xg)"
    )
    # Added for issue 16 (additive): the last key of every new payload.
    revision: int = field(
        default=1,
        metadata=field_meta(
            "1 when first published; one higher for each later published change of this event",
            minimum=1,
        ),
    )


@dataclass(frozen=True, slots=True)
class MatchEventRetraction:
    """The event ``event_id`` is no longer in the provider's data: drop it."""

    event_id: str = field(metadata=field_meta("The retracted event's id"))
    source: str = field(metadata=PROVIDER)
    match_id: str = field(metadata=PROVIDER_MATCH_ID)
    revision: int = field(
        metadata=field_meta("One higher than the event's last published revision", minimum=2)
    )
    retracted: Literal[True] = field(metadata=field_meta("Always true: the event is withdrawn"))


def _location(point: Any) -> dict[str, float] | None:
    if point is None:
        return None
    if point.z is None:
        return {"x": round(point.x, 4), "y": round(point.y, 4)}
    return {"x": round(point.x, 4), "y": round(point.y, 4), "z": round(point.z, 4)}


def _team_side(match: Match, team_id: str) -> str | None:
    """Null exactly when ``match.sides_known`` is false (then the MatchInfo sides are null too)."""
    if not match.sides_known or not team_id:
        return None
    if team_id == match.home.team_id:
        return "home"
    return "away" if team_id == match.away.team_id else None


def _plain_details(details: PassDetails | ShotDetails | None) -> dict[str, Any] | None:
    """A pass's or a shot's details as plain JSON values, keys in their fields' order."""
    if details is None:
        return None
    return {
        name: value.value if isinstance(value, Enum) else value
        for name in details.__dataclass_fields__
        for value in (getattr(details, name),)
    }


def match_event_payload(
    match: Match, event: Event, position: int, revision: int = 1
) -> dict[str, Any]:
    """The v1 payload of one event as a plain dict: the reference the encoders must equal."""
    team_name = ""
    if event.team_id == match.home.team_id:
        team_name = match.home.name
    elif event.team_id == match.away.team_id:
        team_name = match.away.name
    receiver = None
    if event.receiver_id is not None:
        receiver = {"player_id": event.receiver_id, "player_name": event.receiver_name or ""}
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
        "team_side": _team_side(match, event.team_id),
        "receiver": receiver,
        "received_seconds": None
        if event.received_seconds is None
        else round(event.received_seconds, 3),
        "under_pressure": event.under_pressure,
        "pass": _plain_details(event.pass_details),
        "shot": _plain_details(event.shot_details),
        "goalkeeper_action": None
        if event.goalkeeper_action is None
        else event.goalkeeper_action.value,
        "duel_kind": None if event.duel_kind is None else event.duel_kind.value,
        "metrics": dict(event.metrics) if event.metrics else None,
        "revision": revision,
    }


def encode_match_event(match: Match, event: Event, position: int, revision: int = 1) -> bytes:
    """``orjson.dumps(match_event_payload(...))``, byte for byte: the content with
    ``"revision"`` as its last key (as ``with_revision`` writes it)."""
    if revision < 1:
        raise ValueError(f"revision {revision} is not >= 1")
    return _encode(_Payload(*_content_fields(match, event, position), revision=int(revision)))


def with_revision(content: bytes, revision: int) -> bytes:
    """The payload: the content (a JSON object) with ``"revision"`` appended as its last key."""
    if revision < 1:
        raise ValueError(f"revision {revision} is not >= 1")
    return b'%s,"revision":%d}' % (content[:-1], revision)


def strip_revision(payload: bytes) -> bytes:
    """The content of a payload: its bytes without the trailing ``revision`` key (payloads
    written before the field are their own content)."""
    cut = payload.rfind(b',"revision":')
    if cut == -1 or not payload[cut + 12 : -1].isdigit():
        return payload
    return payload[:cut] + b"}"


def content_digest(content: bytes) -> str:
    """sha256 hex (first 32 digits) of a payload's content: equal digests, equal content."""
    return hashlib.sha256(content).hexdigest()[:DIGEST_LENGTH]


def encode_retraction(*, source: str, match_id: str, event_id: str, revision: int) -> bytes:
    if revision < 2:
        raise ValueError(f"a retraction's revision {revision} is not >= 2")
    return _dumps(
        {
            "event_id": event_id,
            "source": source,
            "match_id": match_id,
            "revision": revision,
            "retracted": True,
        }
    )


def encode_match_event_content(match: Match, event: Event, position: int) -> bytes:
    """``orjson.dumps(match_event_payload(...))`` without ``revision``, byte for byte."""
    return _encode(_Content(*_content_fields(match, event, position)))


_dumps: Final = orjson.dumps
_encode: Final = msgspec.json.Encoder().encode
_SAME_BELOW: Final = MSGSPEC_FLOATS_AS_ORJSON_BELOW
_Raw: Final = msgspec.Raw
_TeamTable = Mapping[str, tuple[str, str | None]]
_last_teams: tuple[Team, Team, bool, _TeamTable] | None = None
_NO_TEAM: Final = ("", None)
# A coordinate's JSON text (rounded to 4 decimals, written by orjson) by its value: provider
# grids have few distinct values (StatsBomb 0.1-yard cells, Wyscout and Opta 0-100 units), so
# most of a match's coordinates are in this table after its first events. Zero is never kept
# (0.0 and -0.0 are equal keys with different texts), nor anything but a float; the table
# stops growing at _COORDINATE_TEXTS_MAX values.
_coordinate_texts: dict[float, str] = {}
_COORDINATE_TEXTS_MAX: Final = 1 << 16


def _coordinate_text(value: float) -> str:
    text = _coordinate_texts.get(value) if type(value) is float else None
    if text is None:
        text = _dumps(round(value, 4)).decode()
        if type(value) is float and value and len(_coordinate_texts) < _COORDINATE_TEXTS_MAX:
            _coordinate_texts[value] = text
    return text


def _location_text(point: Any) -> str:
    """``orjson.dumps(_location(point))`` as text, from the coordinates' cached texts."""
    x, y, z = point.x, point.y, point.z
    texts = _coordinate_texts
    x_text = texts.get(x) if type(x) is float else None
    if x_text is None:
        x_text = _coordinate_text(x)
    y_text = texts.get(y) if type(y) is float else None
    if y_text is None:
        y_text = _coordinate_text(y)
    if z is None:
        return f'{{"x":{x_text},"y":{y_text}}}'
    return f'{{"x":{x_text},"y":{y_text},"z":{_coordinate_text(z)}}}'


def _teams(match: Match) -> _TeamTable:
    """Per team id: its name and ``team_side`` (None when the sides are not known), kept for
    the last match's teams (a match's events are encoded one after another)."""
    global _last_teams
    last = _last_teams
    home, away, sides = match.home, match.away, match.sides_known
    if last is not None and last[0] is home and last[1] is away and last[2] is sides:
        return last[3]
    table = {
        home.team_id: (home.name, "home" if sides else None),
        away.team_id: (away.name, "away" if sides else None),
    }
    _last_teams = (home, away, sides, table)
    return table


class _Content(msgspec.Struct):
    """A payload's content, its keys in the contract's order, as msgspec writes it: a StrEnum
    member as its value, a tuple as an array, a dataclass (pass, shot) as an object of its
    fields, a ``Raw`` (locations, metrics, huge numbers) as its text written by orjson.
    ``match_event_payload`` is the reference: the bytes equal ``orjson.dumps`` of it."""

    event_id: str
    source: str
    match_id: str
    source_event_id: str
    source_type: str
    type: EventType
    index: int
    period: int
    seconds: float | msgspec.Raw
    team_id: str
    team_name: str
    player_id: str
    player_name: str
    start: msgspec.Raw | None
    end: msgspec.Raw | None
    outcome: Outcome | None
    body_part: BodyPart | None
    set_piece: SetPiece | None
    card: Card | None
    related_event_ids: tuple[str, ...]
    team_side: str | None
    receiver: dict[str, str] | None
    received_seconds: float | msgspec.Raw | None
    under_pressure: bool
    pass_: PassDetails | None = msgspec.field(name="pass")
    shot: ShotDetails | None = None
    goalkeeper_action: GoalkeeperAction | None = None
    duel_kind: DuelKind | None = None
    metrics: msgspec.Raw | None = None


class _Payload(_Content, kw_only=True):
    revision: int  # the last key, as ``with_revision`` appends it


def _content_fields(match: Match, event: Event, position: int) -> tuple[Any, ...]:
    """The ``_Content`` fields of one event, in order, with little work per event."""
    team_id = event.team_id
    team_name, side = _teams(match).get(team_id, _NO_TEAM)
    receiver_id = event.receiver_id
    received = event.received_seconds
    metrics = event.metrics
    start, end = event.start, event.end
    return (
        event.event_id,
        event.source,
        event.match_id,
        event.source_event_id,
        event.source_type,
        event.type,
        position,
        event.period,
        _number(round(event.seconds, 3)),
        team_id,
        team_name,
        event.player_id,
        event.player_name,
        None if start is None else _Raw(_location_text(start)),
        None if end is None else _Raw(_location_text(end)),
        event.outcome,
        event.body_part,
        event.set_piece,
        event.card,
        event.related_event_ids,
        side,
        None
        if receiver_id is None
        else {"player_id": receiver_id, "player_name": event.receiver_name or ""},
        None if received is None else _number(round(received, 3)),
        event.under_pressure,
        event.pass_details,
        event.shot_details,
        event.goalkeeper_action,
        event.duel_kind,
        _Raw(_dumps(dict(metrics))) if metrics else None,
    )


def _number(value: Any) -> Any:
    """The value, or orjson's text of it where msgspec's would differ: from 1e16 on (``1e+16``
    against ``1e16``), and NaN and infinities (comparisons false; both write null)."""
    return value if -_SAME_BELOW < value < _SAME_BELOW else _Raw(_dumps(value))


def decode_match_event(payload: bytes) -> MatchEvent:
    return from_dict(MatchEvent, loads(payload, "match event"))


def decode_match_event_record(payload: bytes) -> MatchEvent | MatchEventRetraction:
    """Any record of ``match-events``: a retraction when it has a ``retracted`` key."""
    data = loads(payload, "match event")
    if isinstance(data, dict) and "retracted" in data:
        return from_dict(MatchEventRetraction, data)
    return from_dict(MatchEvent, data)
