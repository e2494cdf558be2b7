"""StatsBomb raw events to domain events: pure functions and tables, no I/O.

One path: every raw event is read through the ``SbEvent`` struct (only the fields mapped
here, typed strictly). The offline mirror decodes its files straight into these structs with
msgspec; statsbombpy's dicts are converted into the same structs one event at a time
(``msgspec.convert``), so both sources meet the same rules. An event that does not fit the
types is dropped and counted (``invalid_location`` when its location is what does not fit,
else ``unreadable_event``), never half-read.

The type table names every StatsBomb event type in the open data specification (v4); a type
it does not name becomes ``EventType.GENERIC`` with the provider's name kept in
``source_type``. Each type's detail object is read by its own small parser (``_DETAIL_PARSERS``,
type name to function). A provider value that no table knows (a new outcome, body part, pass
type...) leaves its field empty and is counted on the match (``Match.unmapped``: field,
provider value, count), never silently dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import Final

import msgspec

from domain import BodyPart
from domain import Card
from domain import Coordinates
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
from domain import Team
from domain import count_goals
from domain import event_id_for
from processors.adapters.mapping import UNKNOWN_TEAM
from processors.adapters.mapping import DroppedEvent
from processors.adapters.mapping import Drops
from processors.adapters.mapping import OnDropped
from processors.adapters.mapping import assembled
from processors.adapters.statsbomb.match_info import INFO_TYPES as _INFO_TYPES
from processors.adapters.statsbomb.match_info import InfoFacts
from processors.adapters.statsbomb.match_info import build_match_info
from processors.adapters.statsbomb.match_info import teams_from_entry

SOURCE: Final = "statsbomb"
RawEvent = Mapping[str, Any]


class SbNamed(msgspec.Struct, gc=False):
    name: str | None = None


class SbRef(msgspec.Struct, gc=False):
    """A team or player reference; a reference without a name reads as an empty name."""

    id: int | str
    name: str = ""


class SbDetail(msgspec.Struct, gc=False):
    """The parts of a type's detail object (``raw["pass"]``...) that the mapper reads."""

    end_location: list[float] | None = None
    outcome: SbNamed | None = None
    body_part: SbNamed | None = None
    type: SbNamed | None = None
    card: SbNamed | None = None
    head: bool | None = None
    # Pass (flags are absent when false)
    recipient: SbRef | None = None
    height: SbNamed | None = None
    cross: bool = False
    through_ball: bool = False
    switch: bool = False
    technique: SbNamed | None = None  # also Shot
    cut_back: bool = False
    goal_assist: bool = False
    shot_assist: bool = False
    # Shot
    statsbomb_xg: float | None = None
    first_time: bool = False
    key_pass_id: str | None = None
    # Substitution
    replacement: SbRef | None = None


class SbLineupEntry(msgspec.Struct, gc=False):
    player: SbRef
    position: SbNamed | None = None
    jersey_number: int | None = None


class SbTactics(msgspec.Struct, gc=False):
    lineup: list[SbLineupEntry] = msgspec.field(default_factory=list)


class SbTypeRef(msgspec.Struct, gc=False):
    name: str


class SbEvent(msgspec.Struct, gc=False):
    """One raw StatsBomb event as the mapper reads it; every other key is skipped unread."""

    id: str | int
    period: int
    timestamp: str
    type: SbTypeRef
    index: int = 0
    minute: int | None = None
    location: list[float] | None = None
    team: SbRef | None = None
    player: SbRef | None = None
    related_events: list[str] = msgspec.field(default_factory=list)
    under_pressure: bool = False
    tactics: SbTactics | None = None
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

# Known values of a detail's ``type`` that are not set pieces (a pass starting a possession
# after a recovery or an interception, a shot from open play).
_PASS_TYPE: Final[Mapping[str, SetPiece | None]] = {
    **_SET_PIECE_MAP,
    "Recovery": None,
    "Interception": None,
}
_SHOT_TYPE: Final[Mapping[str, SetPiece | None]] = {**_SET_PIECE_MAP, "Open Play": None}


_PASS_HEIGHT: Final[Mapping[str, PassHeight]] = {
    "Ground Pass": PassHeight.GROUND,
    "Low Pass": PassHeight.LOW,
    "High Pass": PassHeight.HIGH,
}

# Pass techniques: a through ball is also flagged; the swings say nothing we publish.
_PASS_TECHNIQUE: Final[Mapping[str, bool]] = {
    "Through Ball": True,
    "Inswinging": False,
    "Outswinging": False,
    "Straight": False,
}

_SHOT_TECHNIQUE: Final[Mapping[str, ShotTechnique]] = {
    "Normal": ShotTechnique.NORMAL,
    "Volley": ShotTechnique.VOLLEY,
    "Half Volley": ShotTechnique.HALF_VOLLEY,
    "Lob": ShotTechnique.LOB,
    "Overhead Kick": ShotTechnique.OVERHEAD_KICK,
    "Diving Header": ShotTechnique.DIVING_HEADER,
    "Backheel": ShotTechnique.BACKHEEL,
}

_GOALKEEPER_ACTION: Final[Mapping[str, GoalkeeperAction]] = {
    "Shot Saved": GoalkeeperAction.SAVE,
    "Save": GoalkeeperAction.SAVE,
    "Shot Saved Off Target": GoalkeeperAction.SAVE,
    "Shot Saved to Post": GoalkeeperAction.SAVE,
    "Punch": GoalkeeperAction.PUNCH,
    "Smother": GoalkeeperAction.SMOTHER,
    "Collected": GoalkeeperAction.COLLECTED,
    "Keeper Sweeper": GoalkeeperAction.KEEPER_SWEEPER,
    "Shot Faced": GoalkeeperAction.SHOT_FACED,
    "Goal Conceded": GoalkeeperAction.GOAL_CONCEDED,
    "Penalty Saved": GoalkeeperAction.PENALTY_SAVED,
    "Penalty Saved to Post": GoalkeeperAction.PENALTY_SAVED,
    "Penalty Conceded": GoalkeeperAction.PENALTY_CONCEDED,
}

_DUEL_KIND: Final[Mapping[str, DuelKind]] = {
    "Aerial Lost": DuelKind.AERIAL,
    "Tackle": DuelKind.TACKLE,
}


@dataclass(frozen=True, slots=True)
class Fidelity:
    """StatsBomb's location precision for this match: 1 (1-yard cells) or 2 (0.1-yard)."""

    xy: int
    shot: int


def as_sb_event(raw: RawEvent | SbEvent) -> SbEvent:
    """A raw event as the struct the mapper reads; DroppedEvent when it does not fit.

    statsbombpy hands out dicts; they go through the same types as the mirror's files."""
    if type(raw) is SbEvent:
        return raw
    try:
        return _convert(raw, SbEvent)
    except msgspec.ValidationError as error:
        message = str(error)
        reason = "invalid_location" if "location" in message else "unreadable_event"
        event_id = raw.get("id") if isinstance(raw, Mapping) else None
        raise DroppedEvent(reason, f"{event_id}: {message}") from None


_convert: Final = msgspec.convert


def _as_sb_events(raw_events: Iterable[RawEvent | SbEvent]) -> list[SbEvent | DroppedEvent]:
    converted: list[SbEvent | DroppedEvent] = []
    for raw in raw_events:
        try:
            converted.append(as_sb_event(raw))
        except DroppedEvent as drop:
            converted.append(drop)
    return converted


def detect_fidelity(raw_events: Iterable[RawEvent | SbEvent]) -> Fidelity:
    """Fidelity is not stated in event files; a fractional location reveals it.

    Passes, carries and dribbles reveal the xy fidelity; shots have a fidelity of their own.
    The matches file's ``xy_fidelity_version`` can disagree with older event files, so we
    trust the events. Events that do not fit the types are skipped (they are dropped later).
    """
    xy = shot = 1
    for raw in raw_events:
        if type(raw) is not SbEvent:
            try:
                raw = as_sb_event(raw)
            except DroppedEvent:
                continue
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


# Coordinates.from_statsbomb with the cell size bound, by fidelity (1 or 2).
_TO_CANONICAL: Final = {cell: Coordinates.statsbomb_converter(cell) for cell in (1, 2)}
_SHOT: Final = EventType.SHOT


class _Context:
    """What mapping one match needs beyond the event at hand: its fidelity, the ids already
    computed, and the tally of provider values no table knows."""

    __slots__ = ("fidelity", "ids", "match_id", "receipts", "to_shot", "to_xy", "unmapped")

    def __init__(self, match_id: str, fidelity: Fidelity) -> None:
        self.match_id = match_id
        self.fidelity = fidelity
        # Coordinates.from_statsbomb with the cell size bound: shots have their own fidelity.
        self.to_xy = _TO_CANONICAL[fidelity.xy]
        self.to_shot = _TO_CANONICAL[fidelity.shot]
        self.ids: dict[str, str] = {}
        self.unmapped: Counter[tuple[str, str]] = Counter()
        self.receipts: dict[str, tuple[int, float, str]] = {}

    def event_id(self, source_event_id: str) -> str:
        """``event_id_for`` remembered per match: related events name ids seen before."""
        event_id = self.ids.get(source_event_id)
        if event_id is None:
            event_id = self.ids[source_event_id] = event_id_for(
                SOURCE, self.match_id, source_event_id
            )
        return event_id


_UNKNOWN: Final = object()


def _lookup(table: Mapping[str, Any], named: SbNamed | None, field: str, ctx: _Context) -> Any:
    """The canonical value of a provider name; an unknown name is counted under ``field``."""
    if named is None or named.name is None:
        return None
    value = table.get(named.name, _UNKNOWN)
    if value is _UNKNOWN:
        ctx.unmapped[(field, named.name)] += 1
        return None
    return value


def _body_part(detail: SbDetail, ctx: _Context) -> BodyPart | None:
    if detail.body_part is None and detail.head:  # older files flag headers only
        return BodyPart.HEAD
    return _lookup(_BODY_PART_MAP, detail.body_part, "body_part", ctx)  # type: ignore[no-any-return]


# What a parser reads from one type's detail object: the four base fields, then the extras
# in Event's order (receiver_id, receiver_name, received_seconds, pass_details,
# shot_details, goalkeeper_action, duel_kind, metrics).
Extras = tuple[
    str | None,
    str | None,
    float | None,
    PassDetails | None,
    ShotDetails | None,
    GoalkeeperAction | None,
    DuelKind | None,
    tuple[tuple[str, float], ...],
]
Details = tuple[Outcome | None, BodyPart | None, SetPiece | None, Card | None, Extras]
DetailParser = Callable[[SbEvent, SbDetail, _Context], Details]
_NO_EXTRAS: Final[Extras] = (None, None, None, None, None, None, None, ())
_NO_DETAILS: Final[Details] = (None, None, None, None, _NO_EXTRAS)


def _outcome(detail: SbDetail, ctx: _Context) -> Outcome | None:
    return _lookup(_OUTCOME_MAP, detail.outcome, "outcome", ctx)  # type: ignore[no-any-return]


def _success_unless_said(detail: SbDetail, ctx: _Context) -> Outcome | None:
    """Passes and ball receipts carry an outcome only when something went wrong."""
    if detail.outcome is None or detail.outcome.name is None:
        return Outcome.SUCCESS
    return _outcome(detail, ctx)


def _received_seconds(raw: SbEvent, receiver_id: str, ctx: _Context) -> float | None:
    """When the receiver got the ball: the linked Ball Receipt by that player, in the same
    period and not before the pass (two sample passes link a receipt timed before them: the
    link is not trusted then)."""
    for other in raw.related_events:
        receipt = ctx.receipts.get(other)
        if receipt is not None and receipt[0] == raw.period and receipt[2] == receiver_id:
            return receipt[1] if receipt[1] >= parse_timestamp(raw.timestamp) else None
    return None


def _parse_pass(raw: SbEvent, detail: SbDetail, ctx: _Context) -> Details:
    outcome = _success_unless_said(detail, ctx)
    receiver_id = receiver_name = received = None
    recipient = detail.recipient
    if recipient is not None and detail.outcome is None:  # a failed pass had no receiver
        receiver_id, receiver_name = str(recipient.id), recipient.name
        received = _received_seconds(raw, receiver_id, ctx)
    through = _lookup(_PASS_TECHNIQUE, detail.technique, "pass_technique", ctx)
    details = PassDetails(
        _lookup(_PASS_HEIGHT, detail.height, "pass_height", ctx),
        detail.cross,
        detail.through_ball or bool(through),
        detail.switch,
        detail.cut_back,
        detail.goal_assist,
        detail.shot_assist,
    )
    return (
        outcome,
        _body_part(detail, ctx),
        _lookup(_PASS_TYPE, detail.type, "pass_type", ctx),
        None,
        (receiver_id, receiver_name, received, details, None, None, None, ()),
    )


def _parse_shot(raw: SbEvent, detail: SbDetail, ctx: _Context) -> Details:
    set_piece = _lookup(_SHOT_TYPE, detail.type, "shot_type", ctx)
    key_pass = detail.key_pass_id
    details = ShotDetails(
        _lookup(_SHOT_TECHNIQUE, detail.technique, "shot_technique", ctx),
        detail.first_time,
        set_piece is SetPiece.PENALTY,
        None if key_pass is None else ctx.event_id(key_pass),
    )
    xg = detail.statsbomb_xg
    metrics = () if xg is None else (("statsbomb_xg", xg),)
    return (
        _outcome(detail, ctx),
        _body_part(detail, ctx),
        set_piece,
        None,
        (None, None, None, None, details, None, None, metrics),
    )


def _parse_ball_receipt(raw: SbEvent, detail: SbDetail, ctx: _Context) -> Details:
    return (_success_unless_said(detail, ctx), None, None, None, _NO_EXTRAS)


def _parse_outcome_only(raw: SbEvent, detail: SbDetail, ctx: _Context) -> Details:
    """Dribble, Interception: only the outcome maps onto our fields."""
    return (_outcome(detail, ctx), None, None, None, _NO_EXTRAS)


def _parse_duel(raw: SbEvent, detail: SbDetail, ctx: _Context) -> Details:
    """A Duel; StatsBomb's ``Aerial Lost`` carries no outcome: its name says it was lost."""
    kind = _lookup(_DUEL_KIND, detail.type, "duel_type", ctx)
    outcome = _outcome(detail, ctx)
    if outcome is None and detail.outcome is None and _named(detail.type) == "Aerial Lost":
        outcome = Outcome.FAILURE
    return (outcome, None, None, None, (*_NO_EXTRAS[:6], kind, ()))


def _named(value: SbNamed | None) -> str | None:
    return None if value is None else value.name


def _parse_fifty_fifty(raw: SbEvent, detail: SbDetail, ctx: _Context) -> Details:
    return (
        _outcome(detail, ctx),
        None,
        None,
        None,
        (*_NO_EXTRAS[:6], DuelKind.FIFTY_FIFTY, ()),
    )


def _parse_clearance(raw: SbEvent, detail: SbDetail, ctx: _Context) -> Details:
    return (None, _body_part(detail, ctx), None, None, _NO_EXTRAS)


def _parse_goalkeeper(raw: SbEvent, detail: SbDetail, ctx: _Context) -> Details:
    action = _lookup(_GOALKEEPER_ACTION, detail.type, "goalkeeper_type", ctx)
    return (
        _outcome(detail, ctx),
        _body_part(detail, ctx),
        None,
        None,
        (*_NO_EXTRAS[:5], action, None, ()),
    )


def _parse_card(raw: SbEvent, detail: SbDetail, ctx: _Context) -> Details:
    """Foul Committed and Bad Behaviour: a card, when one was shown."""
    return (None, None, None, _lookup(_CARD_MAP, detail.card, "card", ctx), _NO_EXTRAS)


def _parse_nothing(raw: SbEvent, detail: SbDetail, ctx: _Context) -> Details:
    """Carry (its end location is read for every type) and Substitution (its ``outcome``
    is the reason, Tactical or Injury, not a result; the player coming on goes to the
    match info)."""
    return _NO_DETAILS


# Each type's detail object ("Pass" -> raw["pass"]) and the parser that reads it.
_DETAIL_PARSERS: Final[Mapping[str, tuple[str, DetailParser]]] = {
    "Pass": ("pass_", _parse_pass),
    "Shot": ("shot", _parse_shot),
    "Carry": ("carry", _parse_nothing),
    "Ball Receipt*": ("ball_receipt", _parse_ball_receipt),
    "Dribble": ("dribble", _parse_outcome_only),
    "Duel": ("duel", _parse_duel),
    "50/50": ("fifty_fifty", _parse_fifty_fifty),
    "Interception": ("interception", _parse_outcome_only),
    "Clearance": ("clearance", _parse_clearance),
    "Goal Keeper": ("goalkeeper", _parse_goalkeeper),
    "Foul Committed": ("foul_committed", _parse_card),
    "Bad Behaviour": ("bad_behaviour", _parse_card),
    "Substitution": ("substitution", _parse_nothing),
}


def _point(value: list[float], convert: Callable[..., Coordinates]) -> Coordinates:
    if len(value) == 3:
        return convert(value[0], value[1], value[2])
    return convert(value[0], value[1])


def map_event(raw: RawEvent | SbEvent, *, match_id: str, fidelity: Fidelity) -> Event:
    """One raw StatsBomb event as a domain event; raises DroppedEvent when it cannot be.

    Alone, an event has no linked Ball Receipt: ``received_seconds`` needs ``map_match``."""
    return _map_event(as_sb_event(raw), _Context(match_id, fidelity))


def _map_event(raw: SbEvent, ctx: _Context) -> Event:
    source_event_id = raw.id if type(raw.id) is str else str(raw.id)
    type_name = raw.type.name
    try:
        seconds = parse_timestamp(raw.timestamp)
    except ValueError as error:
        raise DroppedEvent("unreadable_event", f"{source_event_id}: {error!r}") from None
    event_type = _TYPE_MAP.get(type_name)
    if event_type is None:
        event_type = EventType.GENERIC
        ctx.unmapped[("type", type_name)] += 1
    parser = _DETAIL_PARSERS.get(type_name)
    detail = None if parser is None else getattr(raw, parser[0])
    convert = ctx.to_shot if event_type is _SHOT else ctx.to_xy
    try:
        location = raw.location
        start = None if location is None else _point(location, convert)
        end_location = None if detail is None else detail.end_location
        end = None if end_location is None else _point(end_location, convert)
    except (TypeError, ValueError, IndexError) as error:
        raise DroppedEvent("invalid_location", f"{source_event_id}: {error}") from None
    if parser is None:  # most events have no detail object: nothing to look up
        outcome, body_part, set_piece, card, extras = _NO_DETAILS
    else:
        outcome, body_part, set_piece, card, extras = parser[1](raw, detail or _EMPTY_DETAIL, ctx)
    team, player = raw.team, raw.player
    ids, event_id = ctx.ids, ctx.event_id
    try:
        return Event(
            ids[source_event_id] if source_event_id in ids else event_id(source_event_id),
            SOURCE,
            ctx.match_id,
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
            tuple([ids[o] if o in ids else event_id(o) for o in raw.related_events]),
            raw.under_pressure,  # StatsBomb writes it only when true
            *extras,
        )
    except ValueError as error:
        raise DroppedEvent("invalid_value", f"{source_event_id}: {error}") from None


_EMPTY_DETAIL: Final = SbDetail()


def teams_from_starting_lineups(
    raw_events: Iterable[RawEvent | SbEvent | DroppedEvent],
) -> tuple[Team, Team] | None:
    """Home and away when no matches file says: StatsBomb lists the home Starting XI first."""
    teams: list[Team] = []
    for raw in raw_events:
        if type(raw) is not SbEvent:
            try:
                raw = as_sb_event(raw)  # type: ignore[arg-type]
            except (DroppedEvent, AttributeError):
                continue
        if raw.type.name == "Starting XI" and raw.team is not None:
            team_id = str(raw.team.id)
            if all(t.team_id != team_id for t in teams):
                teams.append(Team(team_id, raw.team.name))
            if len(teams) == 2:
                return teams[0], teams[1]
    return None


def _receipts(structs: Iterable[SbEvent | DroppedEvent]) -> dict[str, tuple[int, float, str]]:
    """Every readable Ball Receipt by id: (period, seconds, player id)."""
    receipts: dict[str, tuple[int, float, str]] = {}
    for raw in structs:
        if type(raw) is SbEvent and raw.type.name == "Ball Receipt*" and raw.player is not None:
            try:
                seconds = parse_timestamp(raw.timestamp)
            except ValueError:
                continue
            receipts[str(raw.id)] = (raw.period, seconds, str(raw.player.id))
    return receipts


def map_match(
    raw_events: RawEvents,
    *,
    match_id: str,
    teams: tuple[Team, Team] | None = None,
    on_dropped: OnDropped | None = None,
    entry: Mapping[str, Any] | None = None,
    lineups: list[Any] | None = None,
) -> Match:
    """A whole StatsBomb match: every raw event mapped, or dropped under a counted reason.

    ``teams`` (home, away) come from the matches file (``entry``, when given, says the same
    and more); without either, from the order of the Starting XI events, and then which side
    was at home is not known. ``lineups`` is the match's line-ups file. The match carries its
    ``MatchInfo``.
    """
    if all(type(raw) is SbEvent for raw in raw_events):  # the mirror's typed decoding
        structs: list[SbEvent | DroppedEvent] = raw_events  # type: ignore[assignment]
    else:
        structs = _as_sb_events(raw_events)
    if teams is None and entry is not None:
        teams = teams_from_entry(entry)
    sides_known = teams is not None
    home_away = teams or teams_from_starting_lineups(structs)
    if home_away is None:
        raise ValueError(f"match {match_id}: no matches file entry and no Starting XI events")
    home, away = home_away
    ctx = _Context(match_id, detect_fidelity(s for s in structs if type(s) is SbEvent))
    ctx.receipts = _receipts(structs)
    events: list[Event] = []
    drops = Drops(on_dropped)
    known_teams = {home.team_id, away.team_id}
    facts = InfoFacts()
    for raw in structs:
        try:
            if type(raw) is not SbEvent:
                raise raw  # type: ignore[misc]
            event = _map_event(raw, ctx)
            if event.team_id not in known_teams:
                raise DroppedEvent(UNKNOWN_TEAM, f"{event.source_event_id}: {event.team_id}")
        except DroppedEvent as drop:
            drops.add(drop)
            continue
        if event.type in _INFO_TYPES:
            facts.add(event, raw)
        events.append(event)
    goals = count_goals(events, home.team_id, away.team_id)
    info = build_match_info(
        match_id,
        home,
        away,
        sides_known=sides_known,
        goals=goals,
        facts=facts,
        entry=entry,
        lineups=lineups,
    )
    unmapped = {(field, value): count for (field, value), count in ctx.unmapped.items()}
    return assembled(
        SOURCE, match_id, home_away, events, len(raw_events), drops, info, unmapped=unmapped
    )
