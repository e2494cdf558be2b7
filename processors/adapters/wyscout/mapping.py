"""Wyscout (API v2) raw events to domain events: pure tables and small parsers, no I/O.

A raw event names its event and sub-event by number (8 = pass, 85 = simple pass, Wyscout's
public v2 ids): in ``eventId``/``subEventId`` (the public data set's layout, names in
``eventName``/``subEventName``) or in ``eventName``/``subEventName`` (the API v2 files kloppy
ships); ``event_codes`` reads either. Numeric tags qualify them (101 goal, 1801
accurate...). The sub-event decides the canonical type (the event when there is no
sub-event); tags give the outcome, body part and card. A sub-event no table names becomes
``generic``; ``unmapped_vocabulary`` counts every sub-event and tag that no table reads.
Locations are 0-100, oriented per event for the acting team (``Coordinates.from_wyscout``).

Events come as dicts or, from a file that fits the types of ``typed.py``, as ``WyEvent``
structs; ``_dict_fields`` and ``_typed_fields`` read them with the same checks in the same
order and ``_event`` does the rest for both, so both give the same events and the same
drops. What an event's ids and tags decide is read once per distinct (event, sub-event,
tags) and shared.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Final
from typing import NamedTuple

import msgspec

from domain import BodyPart
from domain import Card
from domain import Coordinates
from domain import DuelKind
from domain import Event
from domain import EventType
from domain import GoalkeeperAction
from domain import LineupPlayer
from domain import Match
from domain import Outcome
from domain import PassDetails
from domain import PassHeight
from domain import SetPiece
from domain import ShotDetails
from domain import Team
from domain import count_goals
from domain import event_id_for
from processors.adapters.lineups import Roster
from processors.adapters.mapping import DUPLICATE_EVENT_ID
from processors.adapters.mapping import INVALID_LOCATION
from processors.adapters.mapping import UNKNOWN_TEAM
from processors.adapters.mapping import UNREADABLE_EVENT
from processors.adapters.mapping import DroppedEvent
from processors.adapters.mapping import Drops
from processors.adapters.mapping import OnDropped
from processors.adapters.mapping import assembled
from processors.adapters.mapping import first_present
from processors.adapters.mapping import generic_types
from processors.adapters.mapping import provider_int
from processors.adapters.wyscout.match_info import SOURCE
from processors.adapters.wyscout.match_info import build_match_info
from processors.adapters.wyscout.typed import WyEvent
from processors.adapters.wyscout.typed import WyPosition

RawEvent = Mapping[str, Any]
"""A raw event as JSON gives it; a file that fits ``typed.py`` gives ``WyEvent`` structs."""


_PERIODS: Final[Mapping[str, int]] = {"1H": 1, "2H": 2, "E1": 3, "E2": 4, "P": 5}

# Wyscout v2 event and sub-event names (public v2 documentation), for ``source_type``.
_EVENT_NAMES: Final[Mapping[int, str]] = {
    1: "Duel",
    2: "Foul",
    3: "Free Kick",
    4: "Goalkeeper leaving line",
    5: "Interruption",
    6: "Offside",
    7: "Others on the ball",
    8: "Pass",
    9: "Save attempt",
    10: "Shot",
}
_SUB_EVENT_NAMES: Final[Mapping[int, str]] = {
    10: "Air duel",
    11: "Ground attacking duel",
    12: "Ground defending duel",
    13: "Ground loose ball duel",
    20: "Foul",
    21: "Hand foul",
    22: "Late card foul",
    23: "Out of game foul",
    24: "Protest",
    25: "Simulation",
    26: "Time lost foul",
    27: "Violent Foul",
    30: "Corner",
    31: "Free Kick",
    32: "Free kick cross",
    33: "Free kick shot",
    34: "Goal kick",
    35: "Penalty",
    36: "Throw in",
    40: "Goalkeeper leaving line",
    50: "Ball out of the field",
    51: "Whistle",
    70: "Acceleration",
    71: "Clearance",
    72: "Touch",
    80: "Cross",
    81: "Hand pass",
    82: "Head pass",
    83: "High pass",
    84: "Launch",
    85: "Simple pass",
    86: "Smart pass",
    90: "Reflexes",
    91: "Save attempt",
    100: "Shot",
}

# The canonical type of each sub-event; an event without a sub-event (Offside) by its event.
_SUB_EVENT_TYPES: Final[Mapping[int, EventType]] = {
    10: EventType.DUEL,
    11: EventType.DUEL,
    12: EventType.DUEL,
    13: EventType.DUEL,
    20: EventType.FOUL_COMMITTED,
    21: EventType.FOUL_COMMITTED,
    22: EventType.FOUL_COMMITTED,
    23: EventType.FOUL_COMMITTED,
    24: EventType.CARD,
    25: EventType.FOUL_COMMITTED,
    26: EventType.FOUL_COMMITTED,
    27: EventType.FOUL_COMMITTED,
    30: EventType.PASS,
    31: EventType.PASS,
    32: EventType.PASS,
    33: EventType.SHOT,
    34: EventType.PASS,
    35: EventType.SHOT,
    36: EventType.PASS,
    40: EventType.GOALKEEPER,
    50: EventType.BALL_OUT,
    70: EventType.CARRY,
    71: EventType.CLEARANCE,
    80: EventType.PASS,
    81: EventType.PASS,
    82: EventType.PASS,
    83: EventType.PASS,
    84: EventType.PASS,
    85: EventType.PASS,
    86: EventType.PASS,
    90: EventType.GOALKEEPER,
    91: EventType.GOALKEEPER,
    100: EventType.SHOT,
}
_EVENT_TYPES: Final[Mapping[int, EventType]] = {6: EventType.OFFSIDE}

_SET_PIECES: Final[Mapping[int, SetPiece]] = {
    30: SetPiece.CORNER,
    31: SetPiece.FREE_KICK,
    32: SetPiece.FREE_KICK,
    33: SetPiece.FREE_KICK,
    34: SetPiece.GOAL_KICK,
    35: SetPiece.PENALTY,
    36: SetPiece.THROW_IN,
}
# A sub-event that says how the ball was played, when no body-part tag does.
_SUB_EVENT_BODY_PARTS: Final[Mapping[int, BodyPart]] = {81: BodyPart.OTHER, 82: BodyPart.HEAD}

GOAL_TAG: Final = 101
OWN_GOAL_TAG: Final = 102
BLOCKED_TAG: Final = 2101
_BODY_PART_TAGS: Final[Mapping[int, BodyPart]] = {
    401: BodyPart.LEFT_FOOT,
    402: BodyPart.RIGHT_FOOT,
    403: BodyPart.HEAD,  # Wyscout: "head/body"
}
_CARD_TAGS: Final[Mapping[int, Card]] = {
    1702: Card.YELLOW,
    1703: Card.SECOND_YELLOW,
    1701: Card.RED,
}
# Duels: won / lost (702 "neutral" says neither); every other event: accurate / not accurate.
_DUEL_OUTCOME_TAGS: Final[Mapping[int, Outcome]] = {703: Outcome.SUCCESS, 701: Outcome.FAILURE}
_ACCURACY_TAGS: Final[Mapping[int, Outcome]] = {1801: Outcome.SUCCESS, 1802: Outcome.FAILURE}
# Where a shot ended (goal-mouth zones): 1201-1209 on target, 1210-1216 wide or over,
# 1217-1223 the woodwork.
_ON_TARGET_TAGS: Final = frozenset(range(1201, 1210))
_OFF_TARGET_TAGS: Final = frozenset(range(1210, 1217))
_POST_TAGS: Final = frozenset(range(1217, 1224))
_NEUTRAL_DUEL_TAG: Final = 702

# Pass details. Wyscout v2 names no switch of play, cut-back, shot technique or first-time
# shot, links no shot to its pass and names no receiver: those stay false or null.
_PASS_HEIGHT_TAGS: Final[Mapping[int, PassHeight]] = {801: PassHeight.HIGH, 802: PassHeight.LOW}
_HIGH_PASS: Final = 83  # sub-event "High pass": Wyscout names it high
THROUGH_BALL_TAG: Final = 901
ASSIST_TAG: Final = 301
KEY_PASS_TAG: Final = 302
_CROSS_SUB_EVENTS: Final = frozenset({80, 32})  # Cross, Free kick cross
PENALTY_SUB_EVENT: Final = 35
ACCURATE_TAG: Final = 1801
_DUEL_KINDS: Final[Mapping[int, DuelKind]] = {
    10: DuelKind.AERIAL,  # Air duel
    11: DuelKind.GROUND,  # Ground attacking duel
    12: DuelKind.GROUND,  # Ground defending duel
    13: DuelKind.FIFTY_FIFTY,  # Ground loose ball duel: both go for a loose ball
}
_KEEPER_LEAVING_LINE: Final = 40

# Tags the mapper reads; every other tag in a file is counted by ``unmapped_vocabulary``.
USED_TAGS: Final = frozenset(
    {GOAL_TAG, OWN_GOAL_TAG, BLOCKED_TAG, _NEUTRAL_DUEL_TAG}
    | {THROUGH_BALL_TAG, ASSIST_TAG, KEY_PASS_TAG}
    | set(_PASS_HEIGHT_TAGS)
    | set(_BODY_PART_TAGS)
    | set(_CARD_TAGS)
    | set(_DUEL_OUTCOME_TAGS)
    | set(_ACCURACY_TAGS)
    | _ON_TARGET_TAGS
    | _OFF_TARGET_TAGS
    | _POST_TAGS
)

_SAVE_ATTEMPT: Final = 9
# Events whose second position is a placeholder (0, 0) or (100, 100), not where the ball went:
# interruptions (ball out), offsides and shots (Wyscout gives shots a goal-mouth zone tag).
_NO_END_EVENTS: Final = frozenset({5, 6, 10})
_NO_END_SUB_EVENTS: Final = frozenset({33, 35})


@dataclass(frozen=True, slots=True)
class WyscoutMatchFile:
    """One match file as read: teams in file order, players by id, raw events in order.

    The file does not say who played at home; ``home_team_id`` does only when the ingest
    request supplied it."""

    match_id: str
    teams: tuple[Team, Team]
    events: Sequence[RawEvent | WyEvent]
    roster: Roster = field(default_factory=Roster)
    raw_teams: Mapping[str, Any] = field(default_factory=dict, repr=False)
    """The file's ``teams`` map as read (official names, cities, areas)."""
    content_sha256: str | None = None
    """``sha256:<hex>`` of the file's bytes (its data version: v2 files carry none)."""


def code_of(value: Any) -> int | None:
    """A Wyscout id or code: an int or a string of digits; None for anything else."""
    try:
        return provider_int(value, signed=True)
    except ValueError:  # a string of unicode digits int() does not read ("²")
        return None


def event_codes(raw: RawEvent) -> tuple[int | None, int | None]:
    """The event and sub-event ids: ``eventId``/``subEventId`` when they hold a code, else
    ``eventName``/``subEventName`` (numbers there in API v2 files; names, no code, in the
    public data set, whose ``subEventId`` is "" when there is no sub-event)."""
    get = raw.get
    return _either(get("eventId"), get("eventName")), _either(
        get("subEventId"), get("subEventName")
    )


def _either(first: Any, second: Any) -> int | None:
    """``first`` as a code, else ``second`` as a code (ints, the common case, read as is)."""
    if type(first) is int:
        return first
    code = None if first is None else code_of(first)
    if code is None:
        code = second if type(second) is int else code_of(second)
    return code


def tags_of(raw: RawEvent) -> frozenset[int] | None:
    """The event's tag ids (entries without a readable ``id`` are skipped); None when its
    ``tags`` is neither missing, empty nor a list."""
    tags = raw.get("tags")
    if not tags:
        return frozenset()
    if type(tags) is not list and not isinstance(tags, tuple):
        return None
    ids = []
    for tag in tags:  # as read from JSON: objects with an int id
        if type(tag) is not dict or type(tag_id := tag.get("id")) is not int:
            break
        ids.append(tag_id)
    else:
        return frozenset(ids)
    codes = (code_of(tag.get("id")) for tag in tags if isinstance(tag, Mapping))
    return frozenset(tag for tag in codes if tag is not None)


_PLAIN: Final = frozenset({int, float, str})
# Coordinates.from_wyscout by the raw (x, y) of a position: Wyscout's positions are the 101 x
# 101 integers 0-100 (written as numbers or as strings, "29"), so a match's points are mostly
# ones seen before. Only int, float and str values are kept: equal keys give equal points
# (1 and 1.0 both read as 1.0, -0.0 as 0.0; a string equals only the same string).
_points: dict[tuple[Any, Any], Coordinates] = {}
_POINTS_MAX: Final = 1 << 16


def _point(value: Any) -> Coordinates:
    x, y = value["x"], value["y"]
    plain = type(x) in _PLAIN and type(y) in _PLAIN
    point = _points.get((x, y)) if plain else None
    if point is None:
        point = Coordinates.from_wyscout(*_position(value))
        if plain and len(_points) < _POINTS_MAX:
            _points[(x, y)] = point
    return point


def _position(value: Any) -> tuple[float, float]:
    raw_x, raw_y = value["x"], value["y"]
    x, y = float(raw_x), float(raw_y)  # strings in some files ("29")
    if not (x == x and y == y) or abs(x) == float("inf") or abs(y) == float("inf"):
        raise ValueError(f"not a finite position: x {raw_x!r}, y {raw_y!r}")
    return x, y


def source_type(event_id: int | None, sub_event_id: int | None) -> str:
    event_name = _EVENT_NAMES.get(event_id or -1, str(event_id))
    if sub_event_id is None:
        return event_name
    return f"{event_name}/{_SUB_EVENT_NAMES.get(sub_event_id, str(sub_event_id))}"


def canonical_type(
    event_id: int | None, sub_event_id: int | None, tags: frozenset[int]
) -> EventType:
    if OWN_GOAL_TAG in tags:
        return EventType.OWN_GOAL_AGAINST  # whatever the touch was, it went in the own goal
    if sub_event_id is not None and sub_event_id in _SUB_EVENT_TYPES:
        return _SUB_EVENT_TYPES[sub_event_id]
    return _EVENT_TYPES.get(event_id or -1, EventType.GENERIC)


def _shot_outcome(tags: frozenset[int]) -> Outcome | None:
    if GOAL_TAG in tags:
        return Outcome.GOAL
    if BLOCKED_TAG in tags:
        return Outcome.BLOCKED
    if tags & _POST_TAGS:
        return Outcome.POST
    if tags & _OFF_TARGET_TAGS:
        return Outcome.OFF_TARGET
    if tags & _ON_TARGET_TAGS:
        return Outcome.SAVED
    if 1802 in tags:
        return Outcome.OFF_TARGET
    return Outcome.SAVED if 1801 in tags else None


def _outcome(event_type: EventType, tags: frozenset[int]) -> Outcome | None:
    if event_type is EventType.SHOT:
        return _shot_outcome(tags)
    if event_type is EventType.DUEL:
        for tag, outcome in _DUEL_OUTCOME_TAGS.items():
            if tag in tags:
                return outcome
        if _NEUTRAL_DUEL_TAG in tags:
            return None
    for tag, outcome in _ACCURACY_TAGS.items():
        if tag in tags:
            return outcome
    return None


def pass_details(sub_event_id: int | None, tags: frozenset[int]) -> PassDetails:
    """Height from tags 801/802 (else the High pass sub-event), cross from the Cross and Free
    kick cross sub-events, through ball 901, assist 301 (a goal's), key pass 302 (a shot's)."""
    height = first_present(tags, _PASS_HEIGHT_TAGS)
    if height is None and sub_event_id == _HIGH_PASS:
        height = PassHeight.HIGH
    goal_assist = ASSIST_TAG in tags
    return PassDetails(
        height,
        cross=sub_event_id in _CROSS_SUB_EVENTS,
        through_ball=THROUGH_BALL_TAG in tags,
        goal_assist=goal_assist,
        shot_assist=KEY_PASS_TAG in tags and not goal_assist,
    )


def goalkeeper_action(
    event_id: int | None, sub_event_id: int | None, tags: frozenset[int]
) -> GoalkeeperAction | None:
    """A save attempt (event 9) tagged 101 let the goal in, tagged 1801 accurate saved it;
    leaving the line (sub-event 40) is a sweeper's action."""
    if sub_event_id == _KEEPER_LEAVING_LINE:
        return GoalkeeperAction.KEEPER_SWEEPER
    if event_id == _SAVE_ATTEMPT:
        if GOAL_TAG in tags:
            return GoalkeeperAction.GOAL_CONCEDED
        if ACCURATE_TAG in tags:
            return GoalkeeperAction.SAVE
    return None


_NO_LOCATION: Final = 0
_START_ONLY: Final = 1
_START_AND_END: Final = 2


class _Reading(NamedTuple):
    """Everything an event's event id, sub-event id and tags decide."""

    type: EventType
    label: str
    outcome: Outcome | None
    body_part: BodyPart | None
    set_piece: SetPiece | None
    card: Card | None
    pass_details: PassDetails | None
    shot_details: ShotDetails | None
    goalkeeper_action: GoalkeeperAction | None
    duel_kind: DuelKind | None
    locations: int
    """``_NO_LOCATION``, ``_START_ONLY`` (the second position is a placeholder) or
    ``_START_AND_END``."""


def _read(event_id: int | None, sub_event_id: int | None, tags: frozenset[int]) -> _Reading:
    event_type = canonical_type(event_id, sub_event_id, tags)
    if event_id == _SAVE_ATTEMPT:
        # A save attempt's first position is a corner placeholder and its second the shot's
        # origin as seen from the keeper's team: neither is where the keeper was.
        locations = _NO_LOCATION
    elif event_id in _NO_END_EVENTS or sub_event_id in _NO_END_SUB_EVENTS:
        locations = _START_ONLY
    else:
        locations = _START_AND_END
    return _Reading(
        event_type,
        source_type(event_id, sub_event_id),
        _outcome(event_type, tags),
        first_present(tags, _BODY_PART_TAGS) or _SUB_EVENT_BODY_PARTS.get(sub_event_id or -1),
        _SET_PIECES.get(sub_event_id or -1),
        first_present(tags, _CARD_TAGS),
        pass_details(sub_event_id, tags) if event_type is EventType.PASS else None,
        ShotDetails(penalty=sub_event_id == PENALTY_SUB_EVENT)
        if event_type is EventType.SHOT
        else None,
        goalkeeper_action(event_id, sub_event_id, tags)
        if event_type is EventType.GOALKEEPER
        else None,
        _DUEL_KINDS.get(sub_event_id or -1) if event_type is EventType.DUEL else None,
        locations,
    )


# _read by (event id, sub-event id, tags): a match has a few hundred distinct ones. The
# readings are immutable, so events share them.
_readings: dict[tuple[int | None, int | None, frozenset[int]], _Reading] = {}
_READINGS_MAX: Final = 1 << 14


def _reading(event_id: int | None, sub_event_id: int | None, tags: frozenset[int]) -> _Reading:
    key = (event_id, sub_event_id, tags)
    reading = _readings.get(key)
    if reading is None:
        reading = _read(event_id, sub_event_id, tags)
        if len(_readings) < _READINGS_MAX:
            _readings[key] = reading
    return reading


def map_event(
    raw: RawEvent | WyEvent,
    index: int,
    *,
    match_id: str,
    players: Mapping[str, LineupPlayer] | None = None,
) -> Event:
    """One raw Wyscout event as a domain event; raises DroppedEvent when it cannot be."""
    fields = _typed_fields(raw) if isinstance(raw, WyEvent) else _dict_fields(raw)
    return _event(match_id, players or {}, index, *fields)


_Fields = tuple[
    str,  # source event id
    int,  # period
    float,  # seconds
    tuple[int | None, int | None],  # event id (never None), sub-event id
    frozenset[int],  # tags
    Sequence[Any],  # positions
    Callable[[Any], Coordinates],  # reads a position
    int | None,  # player id
    str,  # team id
]


def _dict_fields(raw: RawEvent) -> _Fields:
    """What ``_event`` needs of a raw event as a dict; DroppedEvent when it is not there."""
    try:
        raw_id = raw["id"]
        source_event_id = str(raw_id) if type(raw_id) is int or type(raw_id) is str else ""
        period = _PERIODS[raw["matchPeriod"]]
        seconds = float(raw["eventSec"])
    except (KeyError, TypeError, ValueError) as error:
        raise DroppedEvent(UNREADABLE_EVENT, f"{raw.get('id')}: {error!r}") from None
    codes = event_codes(raw)
    if codes[0] is None or not source_event_id:
        raise DroppedEvent(UNREADABLE_EVENT, f"{source_event_id}: no event id")
    tags = tags_of(raw)
    if tags is None:
        raise DroppedEvent(UNREADABLE_EVENT, f"{source_event_id}: tags {raw['tags']!r}")
    player_id = raw.get("playerId")
    if type(player_id) is not int:
        player_id = code_of(player_id)
    positions = raw.get("positions") or ()
    team_id = str(raw.get("teamId", ""))
    return source_event_id, period, seconds, codes, tags, positions, _point, player_id, team_id


def _typed_fields(raw: WyEvent) -> _Fields:
    """``_dict_fields`` of a ``WyEvent``: the same checks in the same order, read from
    attributes (its types admit no value that ``_dict_fields`` would read otherwise)."""
    source_event_id = str(raw.id)
    try:
        period = _PERIODS[raw.matchPeriod]
    except KeyError as error:
        raise DroppedEvent(UNREADABLE_EVENT, f"{raw.id}: {error!r}") from None
    codes = _either(raw.eventId, raw.eventName), _either(raw.subEventId, raw.subEventName)
    if codes[0] is None:
        raise DroppedEvent(UNREADABLE_EVENT, f"{source_event_id}: no event id")
    tags = frozenset([tag.id for tag in raw.tags])
    team_id = str(raw.teamId)
    point = _typed_point
    return (
        source_event_id,
        period,
        raw.eventSec,
        codes,
        tags,
        raw.positions,
        point,
        raw.playerId,
        team_id,
    )


def _typed_point(position: WyPosition) -> Coordinates:
    point = _points.get((position.x, position.y))
    return _point({"x": position.x, "y": position.y}) if point is None else point


def _event(
    match_id: str,
    players: Mapping[str, LineupPlayer],
    index: int,
    source_event_id: str,
    period: int,
    seconds: float,
    codes: tuple[int | None, int | None],
    tags: frozenset[int],
    positions: Sequence[Any],
    point: Callable[[Any], Coordinates],
    player_id: int | None,
    team_id: str,
) -> Event:
    """The event, from its raw fields as either path reads them (``_Fields``); DroppedEvent
    for a position ``point`` cannot read or a value the domain does not take."""
    reading = _readings.get((*codes, tags)) or _reading(*codes, tags)
    start = end = None
    if reading.locations:
        try:
            if positions:
                start = point(positions[0])
            if len(positions) > 1 and reading.locations == _START_AND_END:
                end = point(positions[1])
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise DroppedEvent(INVALID_LOCATION, f"{source_event_id}: {error!r}") from None
    player_key = str(player_id) if player_id else ""
    player = players.get(player_key)
    our_id = event_id_for(SOURCE, match_id, source_event_id)
    try:
        return Event(
            our_id,
            SOURCE,
            match_id,
            source_event_id,
            reading.label,
            reading.type,
            index,
            period,
            seconds,
            team_id,
            player_key,
            player.name if player is not None else "",
            start,
            end,
            reading.outcome,
            reading.body_part,
            reading.set_piece,
            reading.card,
            pass_details=reading.pass_details,
            shot_details=reading.shot_details,
            goalkeeper_action=reading.goalkeeper_action,
            duel_kind=reading.duel_kind,
        )
    except ValueError as error:
        raise DroppedEvent(UNREADABLE_EVENT, f"{source_event_id}: {error}") from None


def _object_fields(raw: Any, position: int) -> _Fields:
    """``_dict_fields`` of a raw event that must be an object (a dict as JSON gives)."""
    if type(raw) is not dict and not isinstance(raw, Mapping):  # dicts: no ABC check
        raise DroppedEvent(UNREADABLE_EVENT, f"row {position} is not an object")
    return _dict_fields(raw)


def _struct_fields(raw: WyEvent, position: int) -> _Fields:
    return _typed_fields(raw)


def _map_events(
    match_id: str,
    roster: Roster,
    raw_events: Iterable[Any],
    fields_of: Callable[[Any, int], _Fields],
    known_teams: set[str],
    drops: Drops,
) -> tuple[list[Event], Counter[tuple[str, str]]]:
    """Each raw event mapped from what ``fields_of`` reads of it, or dropped: unreadable, a
    team not in the match, an id kept before; with the tags no table reads, counted for
    the events kept (``Match.unmapped``: ("tag", id))."""
    players = roster.players
    mapped: list[Event] = []
    unread_tags: Counter[int] = Counter()
    seen: set[str] = set()
    for position, raw in enumerate(raw_events, start=1):
        try:
            fields = fields_of(raw, position)
            event = _event(match_id, players, position, *fields)
        except DroppedEvent as drop:
            drops.add(drop)
            continue
        source_event_id = event.source_event_id
        if event.team_id not in known_teams:
            drops.add(DroppedEvent(UNKNOWN_TEAM, f"{source_event_id}: {event.team_id}"))
        elif source_event_id in seen:
            drops.add(DroppedEvent(DUPLICATE_EVENT_ID, source_event_id))
        else:
            seen.add(source_event_id)
            mapped.append(event)
            tags = fields[4]
            if tags and not tags <= USED_TAGS:
                unread_tags.update(tags - USED_TAGS)
    unmapped = generic_types(mapped)
    unmapped.update({("tag", str(tag)): count for tag, count in unread_tags.items()})
    return mapped, unmapped


def _as_dict(raw: Any) -> Any:
    """A ``WyEvent`` as the dict its JSON was (the dict path reads it the same way)."""
    return msgspec.to_builtins(raw) if type(raw) is WyEvent else raw


def map_match(
    match_file: WyscoutMatchFile,
    *,
    home_team_id: str | None = None,
    on_dropped: OnDropped | None = None,
) -> Match:
    """A whole Wyscout match: every raw event mapped or dropped under a counted reason.

    Home and away: the file does not say. With ``home_team_id`` (from the ingest request)
    the sides are known; without it the teams keep the file's order and ``sides_known`` is
    false."""
    first, second = match_file.teams
    sides_known = home_team_id is not None
    if home_team_id is None or home_team_id == first.team_id:
        home, away = first, second
    elif home_team_id == second.team_id:
        home, away = second, first
    else:
        raise ValueError(f"home team {home_team_id} does not play in match {match_file.match_id}")
    drops = Drops(on_dropped)
    rest = ({home.team_id, away.team_id}, drops)
    raws = match_file.events
    if all(type(raw) is WyEvent for raw in raws):
        mapped = _map_events(match_file.match_id, match_file.roster, raws, _struct_fields, *rest)
    else:  # dicts (a file that does not fit the types), or a mix
        raws = [_as_dict(raw) for raw in raws]
        mapped = _map_events(match_file.match_id, match_file.roster, raws, _object_fields, *rest)
    events, unmapped = mapped
    info = build_match_info(
        match_file,
        home,
        away,
        sides_known=sides_known,
        goals=count_goals(events, home.team_id, away.team_id),
    )
    raw_count = len(match_file.events)
    teams = (home, away)
    return assembled(
        SOURCE,
        match_file.match_id,
        teams,
        events,
        raw_count,
        drops,
        info,
        sides_known=sides_known,
        unmapped=unmapped,
    )


def unmapped_vocabulary(raw_events: Iterable[RawEvent | WyEvent]) -> Counter[str]:
    """How often each event/sub-event that maps to ``generic`` (``"sub_event:72"``) and each
    tag no table reads (``"tag:1401"``) occurs: the provider vocabulary we do not carry."""
    counts: Counter[str] = Counter()
    for raw in map(_as_dict, raw_events):
        if not isinstance(raw, Mapping):
            continue
        event_id, sub_event_id = event_codes(raw)
        tags = tags_of(raw) or frozenset()
        if canonical_type(event_id, sub_event_id, frozenset()) is EventType.GENERIC:
            counts[f"sub_event:{sub_event_id if sub_event_id is not None else event_id}"] += 1
        for tag in tags - USED_TAGS:
            counts[f"tag:{tag}"] += 1
    return counts
