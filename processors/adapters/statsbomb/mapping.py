"""StatsBomb raw events to domain events: pure functions and tables, no I/O.

The type table names every StatsBomb event type in the open data specification (v4); a type
it does not name becomes ``EventType.GENERIC`` with the provider's name kept in
``source_type``. A raw event that cannot be read (no usable period, time or location) is
dropped and counted under a reason, never silently.

Raw events come as plain dicts (any loader) or, from the offline mirror, as ``SbEvent``
structs that msgspec decodes straight from the file with only the fields read here, typed
strictly. The two paths give the same domain events: the loader decodes typed only when
every event of the file fits these types exactly, and otherwise falls back to dicts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

import msgspec

from domain import (
    BodyPart,
    Card,
    Coordinates,
    Event,
    EventType,
    Match,
    Outcome,
    SetPiece,
    Team,
    event_id_for,
)

SOURCE: Final = "statsbomb"
RawEvent = Mapping[str, Any]


class SbNamed(msgspec.Struct, gc=False):
    name: str | None = None


class SbRef(msgspec.Struct, gc=False):
    """A team or player reference: both keys required (a dict event has them or falls back)."""

    id: int | str
    name: str


class SbDetail(msgspec.Struct, gc=False):
    """The parts of a type's detail object (``raw["pass"]``...) that the mapper reads."""

    end_location: list[float] | None = None
    outcome: SbNamed | None = None
    body_part: SbNamed | None = None
    type: SbNamed | None = None
    card: SbNamed | None = None
    head: bool | None = None


class SbTypeRef(msgspec.Struct, gc=False):
    name: str


class SbEvent(msgspec.Struct, gc=False):
    """One raw StatsBomb event as the mapper reads it; every other key is skipped unread."""

    id: str
    period: int
    timestamp: str
    type: SbTypeRef
    index: int = 0
    location: list[float] | None = None
    team: SbRef | None = None
    player: SbRef | None = None
    related_events: list[str] = msgspec.field(default_factory=list)
    pass_: SbDetail | None = msgspec.field(default=None, name="pass")
    shot: SbDetail | None = None
    carry: SbDetail | None = None
    ball_receipt: SbDetail | None = None
    dribble: SbDetail | None = None
    duel: SbDetail | None = None
    fifty_fifty: SbDetail | None = msgspec.field(default=None, name="50_50")
    interception: SbDetail | None = None
    clearance: SbDetail | None = None
    goalkeeper: SbDetail | None = None
    foul_committed: SbDetail | None = None
    bad_behaviour: SbDetail | None = None
    substitution: SbDetail | None = None
    # the dict path reads raw.get("") for types without a detail object; so does this one
    no_detail_key: SbDetail | None = msgspec.field(default=None, name="")


RawEvents = list[RawEvent] | list[SbEvent]

_TYPE_MAP: Final[Mapping[str, EventType]] = {
    "Pass": EventType.PASS,
    "Shot": EventType.SHOT,
    "Carry": EventType.CARRY,
    "Ball Receipt*": EventType.BALL_RECEIPT,
    "Dribble": EventType.DRIBBLE,
    "Dribbled Past": EventType.DRIBBLED_PAST,
    "Duel": EventType.DUEL,
    "50/50": EventType.DUEL,
    "Interception": EventType.INTERCEPTION,
    "Clearance": EventType.CLEARANCE,
    "Block": EventType.BLOCK,
    "Ball Recovery": EventType.BALL_RECOVERY,
    "Dispossessed": EventType.BALL_LOST,
    "Miscontrol": EventType.MISCONTROL,
    "Pressure": EventType.PRESSURE,
    "Shield": EventType.SHIELD,
    "Goal Keeper": EventType.GOALKEEPER,
    "Foul Committed": EventType.FOUL_COMMITTED,
    "Foul Won": EventType.FOUL_WON,
    "Bad Behaviour": EventType.CARD,
    "Offside": EventType.OFFSIDE,
    "Own Goal Against": EventType.OWN_GOAL_AGAINST,
    "Own Goal For": EventType.OWN_GOAL_FOR,
    "Error": EventType.ERROR,
    "Substitution": EventType.SUBSTITUTION,
    "Player On": EventType.PLAYER_ON,
    "Player Off": EventType.PLAYER_OFF,
    "Starting XI": EventType.STARTING_LINEUP,
    "Tactical Shift": EventType.TACTICAL_SHIFT,
    "Half Start": EventType.PERIOD_START,
    "Half End": EventType.PERIOD_END,
    "Injury Stoppage": EventType.INJURY_STOPPAGE,
    "Referee Ball-Drop": EventType.REFEREE_BALL_DROP,
    "Camera On": EventType.CAMERA_ON,
    "Camera off": EventType.CAMERA_OFF,
}

_OUTCOME_MAP: Final[Mapping[str, Outcome]] = {
    # Pass
    "Incomplete": Outcome.FAILURE,
    "Out": Outcome.OUT,
    "Pass Offside": Outcome.OFFSIDE,
    "Unknown": Outcome.FAILURE,
    "Injury Clearance": Outcome.OUT,
    # Shot
    "Goal": Outcome.GOAL,
    "Saved": Outcome.SAVED,
    "Saved Off Target": Outcome.SAVED,
    "Saved to Post": Outcome.SAVED,
    "Blocked": Outcome.BLOCKED,
    "Off T": Outcome.OFF_TARGET,
    "Wayward": Outcome.OFF_TARGET,
    "Post": Outcome.POST,
    # Duel, interception, dribble, 50/50, goalkeeper
    "Complete": Outcome.SUCCESS,
    "Won": Outcome.SUCCESS,
    "Success": Outcome.SUCCESS,
    "Success In Play": Outcome.SUCCESS,
    "Success Out": Outcome.SUCCESS,
    "Success To Team": Outcome.SUCCESS,
    "Lost": Outcome.FAILURE,
    "Lost In Play": Outcome.FAILURE,
    "Lost Out": Outcome.FAILURE,
    "Success To Opposition": Outcome.FAILURE,
    "Claim": Outcome.SUCCESS,
    "Clear": Outcome.SUCCESS,
    "In Play Safe": Outcome.SUCCESS,
    "Saved Twice": Outcome.SUCCESS,
    "Punched out": Outcome.SUCCESS,
    "Touched Out": Outcome.SUCCESS,
    "In Play Danger": Outcome.FAILURE,
    "No Touch": Outcome.FAILURE,
    "Touched In": Outcome.FAILURE,
    "Fail": Outcome.FAILURE,
}

# Outcomes of these types are reported only when something went wrong; absence is success.
_SUCCESS_UNLESS_SAID: Final = frozenset({EventType.PASS, EventType.BALL_RECEIPT})

_BODY_PART_MAP: Final[Mapping[str, BodyPart]] = {
    "Right Foot": BodyPart.RIGHT_FOOT,
    "Left Foot": BodyPart.LEFT_FOOT,
    "Head": BodyPart.HEAD,
    "Both Hands": BodyPart.OTHER,
    "Left Hand": BodyPart.OTHER,
    "Right Hand": BodyPart.OTHER,
    "Chest": BodyPart.OTHER,
    "Keeper Arm": BodyPart.OTHER,
    "Drop Kick": BodyPart.FOOT,
    "No Touch": BodyPart.OTHER,
    "Other": BodyPart.OTHER,
}

_SET_PIECE_MAP: Final[Mapping[str, SetPiece]] = {
    "Kick Off": SetPiece.KICK_OFF,
    "Free Kick": SetPiece.FREE_KICK,
    "Corner": SetPiece.CORNER,
    "Throw-in": SetPiece.THROW_IN,
    "Goal Kick": SetPiece.GOAL_KICK,
    "Penalty": SetPiece.PENALTY,
}

_CARD_MAP: Final[Mapping[str, Card]] = {
    "Yellow Card": Card.YELLOW,
    "Second Yellow": Card.SECOND_YELLOW,
    "Red Card": Card.RED,
}

# The key of each type's detail object in a raw event ("Pass" -> raw["pass"]).
_DETAIL_KEY: Final[Mapping[str, str]] = {
    "Pass": "pass",
    "Shot": "shot",
    "Carry": "carry",
    "Ball Receipt*": "ball_receipt",
    "Dribble": "dribble",
    "Duel": "duel",
    "50/50": "50_50",
    "Interception": "interception",
    "Clearance": "clearance",
    "Goal Keeper": "goalkeeper",
    "Foul Committed": "foul_committed",
    "Bad Behaviour": "bad_behaviour",
    "Substitution": "substitution",
}


# The same, as SbEvent attributes; a type without a detail object reads the "" key.
_DETAIL_ATTR: Final[Mapping[str, str]] = {
    name: {"pass": "pass_", "50_50": "fifty_fifty"}.get(key, key)
    for name, key in _DETAIL_KEY.items()
}


class DroppedEvent(Exception):
    """A raw event that cannot become a domain event; ``reason`` is its tally key."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Fidelity:
    """StatsBomb's location precision for this match: 1 (1-yard cells) or 2 (0.1-yard)."""

    xy: int
    shot: int


def detect_fidelity(raw_events: Iterable[RawEvent]) -> Fidelity:
    """Fidelity is not stated in event files; a fractional location reveals it.

    Passes, carries and dribbles reveal the xy fidelity; shots have a fidelity of their own.
    The matches file's ``xy_fidelity_version`` can disagree with older event files, so we
    trust the events.
    """
    xy = shot = 1
    for raw in raw_events:
        location = raw.get("location")
        try:
            if not location or (
                float(location[0]).is_integer() and float(location[1]).is_integer()
            ):
                continue
            name = raw["type"]["name"]
        except (TypeError, ValueError, KeyError, IndexError):
            continue  # map_event drops and counts this event

        if name == "Shot":
            shot = 2
        elif name in ("Pass", "Carry", "Dribble"):
            xy = 2
        if xy == shot == 2:
            break
    return Fidelity(xy=xy, shot=shot)


def _detect_fidelity_typed(raw_events: list[SbEvent]) -> Fidelity:
    """``detect_fidelity`` for typed events (the same decisions)."""
    xy = shot = 1
    for raw in raw_events:
        location = raw.location
        if not location:
            continue
        try:
            if float(location[0]).is_integer() and float(location[1]).is_integer():
                continue
        except IndexError:
            continue
        name = raw.type.name
        if name == "Shot":
            shot = 2
        elif name in ("Pass", "Carry", "Dribble"):
            xy = 2
        if xy == shot == 2:
            break
    return Fidelity(xy=xy, shot=shot)


def parse_timestamp(value: str) -> float:
    """'HH:MM:SS.fff' since the start of the period, in seconds."""
    hours, minutes, seconds = value.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def _point(value: Any, fidelity: int) -> Coordinates | None:
    if value is None:
        return None
    if len(value) == 3:
        return Coordinates.from_statsbomb(value[0], value[1], xy_fidelity=fidelity, z=value[2])
    return Coordinates.from_statsbomb(value[0], value[1], xy_fidelity=fidelity)


def _named(detail: Mapping[str, Any], key: str) -> str | None:
    value = detail.get(key)
    if value is None:
        return None
    if type(value) is dict:  # the common case, without the abstract-class check
        return value.get("name")
    return value.get("name") if isinstance(value, Mapping) else None


def map_event(raw: RawEvent, *, match_id: str, fidelity: Fidelity) -> Event:
    """One raw StatsBomb event as a domain event; raises DroppedEvent when it cannot be."""
    return _map_event(raw, match_id, fidelity, {})


def _event_id(ids: dict[str, str], match_id: str, source_event_id: str) -> str:
    """``event_id_for`` remembered per match: related events name ids seen before."""
    event_id = ids.get(source_event_id)
    if event_id is None:
        event_id = ids[source_event_id] = event_id_for(SOURCE, match_id, source_event_id)
    return event_id


def _map_event(raw: RawEvent, match_id: str, fidelity: Fidelity, ids: dict[str, str]) -> Event:
    try:
        source_event_id = str(raw["id"])
        type_name = raw["type"]["name"]
        period = int(raw["period"])
        seconds = parse_timestamp(raw["timestamp"])
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise DroppedEvent("unreadable_event", f"{raw.get('id')}: {error!r}") from None
    event_type = _TYPE_MAP.get(type_name, EventType.GENERIC)
    detail: Mapping[str, Any] = raw.get(_DETAIL_KEY.get(type_name, ""), None) or _NO_DETAIL
    cell = fidelity.shot if event_type is EventType.SHOT else fidelity.xy
    try:
        location = raw.get("location")
        start = None if location is None else _point(location, cell)
        end_location = detail.get("end_location")
        end = None if end_location is None else _point(end_location, cell)
    except (TypeError, ValueError, IndexError) as error:
        raise DroppedEvent("invalid_location", f"{source_event_id}: {error}") from None

    if detail:
        outcome_name = _named(detail, "outcome")
        outcome = _OUTCOME_MAP.get(outcome_name) if outcome_name else None
        body_part_name = _named(detail, "body_part")
        if body_part_name is None and detail.get("head"):
            body_part_name = "Head"
        set_piece_name = _named(detail, "type")
        card_name = _named(detail, "card")
        body_part = _BODY_PART_MAP.get(body_part_name) if body_part_name else None
        set_piece = _SET_PIECE_MAP.get(set_piece_name) if set_piece_name else None
        card = _CARD_MAP.get(card_name) if card_name else None
    else:  # most events have no detail object: nothing to look up
        outcome_name = outcome = body_part = set_piece = card = None
    if outcome is None and outcome_name is None and event_type in _SUCCESS_UNLESS_SAID:
        outcome = Outcome.SUCCESS
    team = raw.get("team") or _NO_DETAIL
    player = raw.get("player") or _NO_DETAIL
    related = raw.get("related_events", ())
    try:
        return Event(
            _event_id(ids, match_id, source_event_id),
            SOURCE,
            match_id,
            source_event_id,
            type_name,
            event_type,
            int(raw.get("index", 0)),
            period,
            seconds,
            str(team.get("id", "")),
            str(player.get("id", "")),
            str(player.get("name", "")),
            start,
            end,
            outcome,
            body_part,
            set_piece,
            card,
            tuple([_event_id(ids, match_id, str(other)) for other in related]),
        )
    except ValueError as error:
        raise DroppedEvent("invalid_value", f"{source_event_id}: {error}") from None


_NO_DETAIL: Final[Mapping[str, Any]] = MappingProxyType({})
_EMPTY_DETAIL: Final = SbDetail()


# Coordinates.from_statsbomb with the cell size bound, by fidelity (1 or 2).
_TO_CANONICAL: Final = {cell: Coordinates.statsbomb_converter(cell) for cell in (1, 2)}


def _typed_point(value: list[float], cell: int) -> Coordinates:
    """``_point`` for a typed location (never None here): the same points, the same errors."""
    convert = _TO_CANONICAL[cell]
    if len(value) == 3:
        return convert(value[0], value[1], value[2])
    return convert(value[0], value[1])


def _map_typed_event(raw: SbEvent, match_id: str, fidelity: Fidelity, ids: dict[str, str]) -> Event:
    """``_map_event`` for a typed event: the same decisions, attribute reads instead of
    lookups (the types already hold what the dict path converts or checks)."""
    source_event_id = raw.id
    type_name = raw.type.name
    try:
        seconds = parse_timestamp(raw.timestamp)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise DroppedEvent("unreadable_event", f"{source_event_id}: {error!r}") from None
    event_type = _TYPE_MAP.get(type_name, EventType.GENERIC)
    detail = getattr(raw, _DETAIL_ATTR.get(type_name, "no_detail_key")) or _EMPTY_DETAIL
    cell = fidelity.shot if event_type is EventType.SHOT else fidelity.xy
    try:
        location = raw.location
        start = None if location is None else _typed_point(location, cell)
        end_location = detail.end_location
        end = None if end_location is None else _typed_point(end_location, cell)
    except (TypeError, ValueError, IndexError) as error:
        raise DroppedEvent("invalid_location", f"{source_event_id}: {error}") from None

    if detail is _EMPTY_DETAIL:  # most events have no detail object: nothing to look up
        outcome_name = outcome = body_part = set_piece = card = None
    else:
        named = detail.outcome
        outcome_name = None if named is None else named.name
        outcome = _OUTCOME_MAP.get(outcome_name) if outcome_name else None
        named = detail.body_part
        body_part_name = None if named is None else named.name
        if body_part_name is None and detail.head:
            body_part_name = "Head"
        named = detail.type
        set_piece_name = None if named is None else named.name
        named = detail.card
        card_name = None if named is None else named.name
        body_part = _BODY_PART_MAP.get(body_part_name) if body_part_name else None
        set_piece = _SET_PIECE_MAP.get(set_piece_name) if set_piece_name else None
        card = _CARD_MAP.get(card_name) if card_name else None
    if outcome is None and outcome_name is None and event_type in _SUCCESS_UNLESS_SAID:
        outcome = Outcome.SUCCESS
    team, player = raw.team, raw.player
    try:
        return Event(
            _event_id(ids, match_id, source_event_id),
            SOURCE,
            match_id,
            source_event_id,
            type_name,
            event_type,
            raw.index,
            raw.period,
            seconds,
            "" if team is None else str(team.id),
            "" if player is None else str(player.id),
            "" if player is None else player.name,
            start,
            end,
            outcome,
            body_part,
            set_piece,
            card,
            tuple([_event_id(ids, match_id, other) for other in raw.related_events]),
        )
    except ValueError as error:
        raise DroppedEvent("invalid_value", f"{source_event_id}: {error}") from None


def teams_from_starting_lineups(raw_events: Iterable[RawEvent]) -> tuple[Team, Team] | None:
    """Home and away when no matches file says: StatsBomb lists the home Starting XI first."""
    teams: list[Team] = []
    for raw in raw_events:
        if type(raw) is SbEvent:
            if raw.type.name == "Starting XI" and raw.team is not None:
                team_id = str(raw.team.id)
                if all(t.team_id != team_id for t in teams):
                    teams.append(Team(team_id, raw.team.name))
                if len(teams) == 2:
                    return teams[0], teams[1]
            continue
        if raw.get("type", {}).get("name") == "Starting XI":
            team = raw.get("team") or {}
            if "id" in team and all(t.team_id != str(team["id"]) for t in teams):
                teams.append(Team(str(team["id"]), str(team.get("name", ""))))
            if len(teams) == 2:
                return teams[0], teams[1]
    return None


OnDropped = Callable[[str, str], None]


def map_match(
    raw_events: RawEvents,
    *,
    match_id: str,
    teams: tuple[Team, Team] | None = None,
    on_dropped: OnDropped | None = None,
) -> Match:
    """A whole StatsBomb match: every raw event mapped, or dropped under a counted reason."""
    home_away = teams or teams_from_starting_lineups(raw_events)
    if home_away is None:
        raise ValueError(f"match {match_id}: no matches file entry and no Starting XI events")
    home, away = home_away
    typed = bool(raw_events) and type(raw_events[0]) is SbEvent
    if typed:
        fidelity = _detect_fidelity_typed(raw_events)  # type: ignore[arg-type]
        map_one: Callable[[Any, str, Fidelity, dict[str, str]], Event] = _map_typed_event
    else:
        fidelity = detect_fidelity(raw_events)  # type: ignore[arg-type]
        map_one = _map_event
    events: list[Event] = []
    dropped: Counter[str] = Counter()
    known_teams = {home.team_id, away.team_id}
    ids: dict[str, str] = {}
    for raw in raw_events:
        try:
            event = map_one(raw, match_id, fidelity, ids)
            if event.team_id not in known_teams:
                raise DroppedEvent("unknown_team", f"{event.source_event_id}: {event.team_id}")
        except DroppedEvent as drop:
            dropped[drop.reason] += 1
            if on_dropped is not None:
                on_dropped(drop.reason, str(drop))
            continue
        events.append(event)
    return Match.assemble(
        source=SOURCE,
        match_id=match_id,
        home=home,
        away=away,
        events=events,
        raw_event_count=len(raw_events),
        dropped=dropped,
    )
