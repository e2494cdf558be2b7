"""Stats Perform (Opta) MA3 raw events to domain events: pure tables and small parsers.

An MA3 event names its type by Opta's ``typeId`` (1 pass, 16 goal...) and qualifies it with
``qualifier`` entries (``qualifierId`` and an optional ``value``: 28 own goal, 15 head, 140/141
pass end...). The type decides the canonical type (a few with a qualifier or the outcome:
a save with qualifier 94 is an outfield block, a foul is committed (outcome 0) or won (1));
qualifiers give body part, set piece, card and end location. A type no table names becomes
``generic``; ``unmapped_vocabulary`` counts such types and every qualifier no table reads.
Locations are 0-100, oriented per event for the acting team (``Coordinates.from_opta``).
The mapper reads ``raw.SpEvent`` structs: decoded so by the loader, or built from JSON event
objects by the same rules (``raw.from_object``), so there is one mapping path.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Any
from typing import Final
from typing import NamedTuple

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
from processors.adapters.statsperform.match_info import SOURCE
from processors.adapters.statsperform.match_info import build_match_info
from processors.adapters.statsperform.raw import NOT_A_LIST
from processors.adapters.statsperform.raw import RawEvent
from processors.adapters.statsperform.raw import SpEvent
from processors.adapters.statsperform.raw import from_object
from processors.adapters.statsperform.raw import sp_events

Qualifiers = Mapping[int, str | None]

DELETED_BY_PROVIDER: Final = "deleted_by_provider"
OUTSIDE_PLAY: Final = "outside_play"

DELETED_EVENT_TYPE: Final = 43
PERIOD_START_TYPE: Final = 32
PRE_MATCH_PERIOD: Final = 16
# Opta's periods 10-14 are breaks and full time: markers outside play (e.g. the end of the
# match as a second End event). Period 16 is pre-match (the team set-ups): period 1, 0 s.
_BREAK_PERIODS: Final = frozenset({10, 11, 12, 13, 14, 15})
# Minutes on the match clock when each period starts (the clock runs on through the match).
_PERIOD_CLOCK_START_MIN: Final[Mapping[int, int]] = {1: 0, 2: 45, 3: 90, 4: 105, 5: 120}

# Opta event type names (Opta's F24/MA3 event definitions), for ``source_type``.
_TYPE_NAMES: Final[Mapping[int, str]] = {
    1: "Pass",
    2: "Offside Pass",
    3: "Take On",
    4: "Foul",
    5: "Out",
    6: "Corner Awarded",
    7: "Tackle",
    8: "Interception",
    9: "Turnover",
    10: "Save",
    11: "Claim",
    12: "Clearance",
    13: "Miss",
    14: "Post",
    15: "Attempt Saved",
    16: "Goal",
    17: "Card",
    18: "Player off",
    19: "Player on",
    20: "Player retired",
    21: "Player returns",
    22: "Player becomes goalkeeper",
    23: "Goalkeeper becomes player",
    24: "Condition change",
    25: "Official change",
    27: "Start delay",
    28: "End delay",
    30: "End",
    32: "Start",
    34: "Team set up",
    35: "Player changed position",
    36: "Player changed Jersey number",
    37: "Collection End",
    40: "Formation change",
    41: "Punch",
    42: "Good skill",
    43: "Deleted event",
    44: "Aerial",
    45: "Challenge",
    47: "Rescinded card",
    49: "Ball recovery",
    50: "Dispossessed",
    51: "Error",
    52: "Keeper pick-up",
    53: "Cross not claimed",
    54: "Smother",
    55: "Offside provoked",
    56: "Shield ball opp",
    57: "Foul throw-in",
    58: "Penalty faced",
    59: "Keeper Sweeper",
    60: "Chance missed",
    61: "Ball touch",
    63: "Temp_Save",
    64: "Resume",
    65: "Contentious referee decision",
    67: "50/50",
    68: "Referee Drop Ball",
    70: "Injury Time Announcement",
    71: "Coach Setup",
    74: "Blocked Pass",
    75: "Delayed Start",
    76: "Early end",
    79: "Coverage interruption",
    80: "Drop of Ball",
    81: "Obstacle",
    83: "Attempted tackle",
    84: "Deleted After Review",
}

_TYPE_MAP: Final[Mapping[int, EventType]] = {
    1: EventType.PASS,
    2: EventType.PASS,
    3: EventType.DRIBBLE,
    4: EventType.FOUL_COMMITTED,  # outcome 1: the foul won (see _foul)
    5: EventType.BALL_OUT,
    6: EventType.BALL_OUT,
    7: EventType.DUEL,
    8: EventType.INTERCEPTION,
    9: EventType.BALL_LOST,
    10: EventType.GOALKEEPER,  # qualifier 94: an outfield player's block (see _save)
    11: EventType.GOALKEEPER,
    12: EventType.CLEARANCE,
    13: EventType.SHOT,
    14: EventType.SHOT,
    15: EventType.SHOT,
    16: EventType.SHOT,  # qualifier 28: own goal (see _shot)
    17: EventType.CARD,
    18: EventType.PLAYER_OFF,
    19: EventType.PLAYER_ON,
    20: EventType.PLAYER_OFF,
    21: EventType.PLAYER_ON,
    30: EventType.PERIOD_END,
    32: EventType.PERIOD_START,
    34: EventType.STARTING_LINEUP,
    40: EventType.TACTICAL_SHIFT,
    41: EventType.GOALKEEPER,
    44: EventType.DUEL,
    45: EventType.DRIBBLED_PAST,
    49: EventType.BALL_RECOVERY,
    50: EventType.BALL_LOST,
    51: EventType.ERROR,
    52: EventType.GOALKEEPER,
    53: EventType.GOALKEEPER,
    54: EventType.GOALKEEPER,
    56: EventType.SHIELD,
    57: EventType.FOUL_COMMITTED,
    58: EventType.GOALKEEPER,
    59: EventType.GOALKEEPER,
    61: EventType.MISCONTROL,
    67: EventType.DUEL,
    68: EventType.REFEREE_BALL_DROP,
    74: EventType.BLOCK,
    83: EventType.DUEL,
}

# Types whose ``outcome`` (1/0) says success or failure.
_SUCCESS_OR_FAILURE: Final = frozenset(
    {1, 3, 7, 8, 10, 11, 12, 41, 44, 45, 49, 50, 52, 53, 54, 56, 58, 59, 61, 67, 74, 83}
)
_SHOT_OUTCOMES: Final[Mapping[int, Outcome]] = {
    13: Outcome.OFF_TARGET,
    14: Outcome.POST,
    15: Outcome.SAVED,
    16: Outcome.GOAL,
}

OWN_GOAL: Final = 28
BLOCKED: Final = 82
OUTFIELD_BLOCK: Final = 94
PASS_END_X, PASS_END_Y = 140, 141
BLOCKED_X, BLOCKED_Y = 146, 147
GOAL_MOUTH_Y, GOAL_MOUTH_Z = 102, 103

_BODY_PART_QUALIFIERS: Final[Mapping[int, BodyPart]] = {
    72: BodyPart.LEFT_FOOT,
    20: BodyPart.RIGHT_FOOT,
    15: BodyPart.HEAD,
    21: BodyPart.OTHER,
}
_BODY_PART_KEYS: Final = frozenset(_BODY_PART_QUALIFIERS)
# On a pass: the restart it takes. On a shot only 9 and 26 (24 and 25 say the move started
# from a set piece, not that the shot took it).
_PASS_SET_PIECES: Final[Mapping[int, SetPiece]] = {
    279: SetPiece.KICK_OFF,
    5: SetPiece.FREE_KICK,
    6: SetPiece.CORNER,
    107: SetPiece.THROW_IN,
    124: SetPiece.GOAL_KICK,
}
_PASS_SET_PIECE_KEYS: Final = frozenset(_PASS_SET_PIECES)
_SHOT_SET_PIECES: Final[Mapping[int, SetPiece]] = {9: SetPiece.PENALTY, 26: SetPiece.FREE_KICK}
_CARD_QUALIFIERS: Final[Mapping[int, Card]] = {
    31: Card.YELLOW,
    32: Card.SECOND_YELLOW,
    33: Card.RED,
}

# Pass and shot details. Opta gives no pass height, shot technique (not read), pressure or
# receiver; a pass's 210 "Assist" is a goal's or a shot's assist as the shot that names it
# (qualifier 55, Opta's per-team eventId, with 29 "Assisted") is a goal or not.
CROSS, THROUGH_BALL, PULL_BACK, SWITCH_OF_PLAY = 2, 4, 195, 196
ASSIST, ASSISTED, RELATED_EVENT = 210, 29, 55
PENALTY, FIRST_TIME = 9, 328
_PASS_TYPES: Final = frozenset({1, 2})
_GOAL_TYPE: Final = 16
_DUEL_KINDS: Final[Mapping[int, DuelKind]] = {
    44: DuelKind.AERIAL,
    7: DuelKind.TACKLE,
    83: DuelKind.TACKLE,  # Attempted tackle
    67: DuelKind.FIFTY_FIFTY,
}
_GOALKEEPER_ACTIONS: Final[Mapping[int, GoalkeeperAction]] = {
    10: GoalkeeperAction.SAVE,
    11: GoalkeeperAction.CLAIM,
    53: GoalkeeperAction.CLAIM,  # Cross not claimed: a failed claim (outcome 0)
    41: GoalkeeperAction.PUNCH,
    52: GoalkeeperAction.COLLECTED,  # Keeper pick-up
    54: GoalkeeperAction.SMOTHER,
    59: GoalkeeperAction.KEEPER_SWEEPER,
}
PENALTY_FACED: Final = 58  # outcome 1: saved, 0: conceded

USED_QUALIFIERS: Final = frozenset(
    {OWN_GOAL, BLOCKED, OUTFIELD_BLOCK, PASS_END_X, PASS_END_Y, BLOCKED_X, BLOCKED_Y}
    | {CROSS, THROUGH_BALL, PULL_BACK, SWITCH_OF_PLAY, ASSIST, ASSISTED, RELATED_EVENT}
    | {FIRST_TIME}
    | {GOAL_MOUTH_Y, GOAL_MOUTH_Z}
    | set(_BODY_PART_QUALIFIERS)
    | set(_PASS_SET_PIECES)
    | set(_SHOT_SET_PIECES)
    | set(_CARD_QUALIFIERS)
)


@dataclass(frozen=True, slots=True)
class StatsPerformMatchFile:
    """MA3 events with the match information of MA1 (or of MA3's own ``matchInfo``).

    ``teams`` is (home, away) when ``sides_known``, else the file's order."""

    match_id: str
    teams: tuple[Team, Team]
    events: Sequence[SpEvent | RawEvent]
    """MA3's events: ``SpEvent``s as the loader decodes them, or JSON objects (read alike)."""
    sides_known: bool = True
    roster: Roster = field(default_factory=Roster)
    period_starts_utc: Mapping[int, datetime] = field(default_factory=dict)
    """From MA1's ``matchDetails.period``; MA3's Start events take precedence."""
    match_info: Mapping[str, Any] = field(default_factory=dict, repr=False)
    """MA1's ``matchInfo`` (else MA3's), as read: competition, season, date and time, venue."""
    ma1_live_data: Mapping[str, Any] = field(default_factory=dict, repr=False)
    """MA1's ``liveData`` as read: periods, scores, goals, cards, substitutions, line-ups,
    officials (``matchDetailsExtra.matchOfficial``); the mapper reads only what it needs."""
    ma3_live_data: Mapping[str, Any] = field(default_factory=dict, repr=False)
    """MA3's ``liveData`` without its events (``matchDetails``; ``substitute`` in some feeds;
    a file decoded into structs keeps only these two)."""
    content_sha256: str | None = None
    """``sha256:<hex>`` over the MA3 and MA1 files: the data version when ``matchInfo`` has no
    ``lastUpdated`` (the loader leaves it None otherwise)."""


class _Details(NamedTuple):
    """What an MA3 type and its outcome and qualifiers say."""

    type: EventType
    outcome: Outcome | None = None
    set_piece: SetPiece | None = None
    card: Card | None = None


def qualifiers_of(raw: SpEvent) -> dict[int, str | None]:
    """An event's qualifiers by id (value as text, None without one); none when the list is
    absent or null (entries that are not objects or name no id carry nothing: see
    ``raw.from_object``); a ``qualifier`` that is not a list makes the event unreadable."""
    entries = raw.qualifier
    if entries is None:
        return {}
    if entries is NOT_A_LIST:
        raise DroppedEvent(UNREADABLE_EVENT, f"{raw.id}: qualifier is not a list")
    return {entry.qualifierId: entry.value for entry in entries}


_SUCCESS: Final[Mapping[int | None, Outcome]] = {1: Outcome.SUCCESS, 0: Outcome.FAILURE}
# Enum members read once per event are module constants (a global lookup, not an attribute).
_PASS, _SHOT, _DUEL = EventType.PASS, EventType.SHOT, EventType.DUEL
_GOALKEEPER, _OWN_GOAL_AGAINST = EventType.GOALKEEPER, EventType.OWN_GOAL_AGAINST


def _success(outcome: int | None) -> Outcome | None:
    return _SUCCESS.get(outcome)


def _pass(type_id: int, outcome: int | None, q: Qualifiers) -> _Details:
    result = Outcome.OFFSIDE if type_id == 2 else _SUCCESS.get(outcome)
    set_piece = None if _PASS_SET_PIECE_KEYS.isdisjoint(q) else first_present(q, _PASS_SET_PIECES)
    return _Details(_PASS, result, set_piece)


def _shot(type_id: int, outcome: int | None, q: Qualifiers) -> _Details:
    if type_id == 16 and OWN_GOAL in q:
        return _Details(EventType.OWN_GOAL_AGAINST)
    result = Outcome.BLOCKED if BLOCKED in q else _SHOT_OUTCOMES[type_id]
    return _Details(EventType.SHOT, result, first_present(q, _SHOT_SET_PIECES))


def _foul(type_id: int, outcome: int | None, q: Qualifiers) -> _Details:
    # Opta records a foul twice: outcome 0 for the player who fouled, 1 for the one fouled.
    kind = EventType.FOUL_WON if outcome == 1 else EventType.FOUL_COMMITTED
    return _Details(kind)


def _out(type_id: int, outcome: int | None, q: Qualifiers) -> _Details:
    # Twice too: outcome 0 for the team that put the ball out, 1 for the team awarded the restart.
    return _Details(EventType.BALL_OUT, Outcome.OUT if outcome == 0 else Outcome.SUCCESS)


def _save(type_id: int, outcome: int | None, q: Qualifiers) -> _Details:
    kind = EventType.BLOCK if OUTFIELD_BLOCK in q else EventType.GOALKEEPER
    return _Details(kind, _success(outcome))


def _card(type_id: int, outcome: int | None, q: Qualifiers) -> _Details:
    return _Details(EventType.CARD, card=first_present(q, _CARD_QUALIFIERS))


_DETAIL_PARSERS: Final[Mapping[int, Callable[[int, int | None, Qualifiers], _Details]]] = {
    1: _pass,
    2: _pass,
    4: _foul,
    5: _out,
    6: _out,
    10: _save,
    13: _shot,
    14: _shot,
    15: _shot,
    16: _shot,
    17: _card,
}


def _plain_details(type_id: int, outcome: int | None) -> _Details:
    """A type no parser reads: its table type, and success or failure when it says so."""
    kind = _TYPE_MAP.get(type_id, EventType.GENERIC)
    return _Details(kind, _success(outcome) if type_id in _SUCCESS_OR_FAILURE else None)


# The same values for the tabled types and the outcomes MA3 uses, built once.
_PLAIN_DETAILS: Final[Mapping[tuple[int, int | None], _Details]] = {
    (type_id, outcome): _plain_details(type_id, outcome)
    for type_id in _TYPE_MAP.keys() - _DETAIL_PARSERS.keys()
    for outcome in (None, 0, 1)
}


def details(type_id: int, outcome: int | None, q: Qualifiers) -> _Details:
    parser = _DETAIL_PARSERS.get(type_id)
    if parser is not None:
        return parser(type_id, outcome, q)
    return _PLAIN_DETAILS.get((type_id, outcome)) or _plain_details(type_id, outcome)


def _float(value: str | None) -> float:
    if value is None:
        raise ValueError("a location qualifier without a value")
    return float(value)


def _locations(
    raw: SpEvent, q: Qualifiers, event_type: EventType
) -> tuple[Coordinates | None, Coordinates | None]:
    """ValueError when a location is not a number (``x``/``y`` are NaN then: see ``raw``)."""
    x, y = raw.x, raw.y
    # Opta writes (0, 0) for events without a location (Start, End, cards, substitutions);
    # an event without x or y has none either.
    start: tuple[float, float] | None = None
    if x is not None and y is not None:
        if x != x or y != y:
            raise ValueError("x or y is not a number")
        start = None if x == 0.0 and y == 0.0 else (x, y)
    end: tuple[float, float] | None = None
    z: float | None = None
    if PASS_END_X in q and PASS_END_Y in q:
        end = (_float(q[PASS_END_X]), _float(q[PASS_END_Y]))
    elif BLOCKED_X in q and BLOCKED_Y in q:
        end = (_float(q[BLOCKED_X]), _float(q[BLOCKED_Y]))
    elif GOAL_MOUTH_Y in q:
        end = (100.0, _float(q[GOAL_MOUTH_Y]))
        z = _float(q[GOAL_MOUTH_Z]) if GOAL_MOUTH_Z in q else None
    if event_type is _OWN_GOAL_AGAINST:
        # An own goal's locations are given as if the scorer's team attacked the goal it
        # scored in (kloppy reads them so too); turned to face the other way, its own goal.
        start = None if start is None else (100.0 - start[0], 100.0 - start[1])
        end = None if end is None else (100.0 - end[0], 100.0 - end[1])
    return (
        None if start is None else Coordinates.from_opta(*start),
        None if end is None else Coordinates.from_opta(*end, z=z),
    )


def parse_utc(value: str) -> datetime:
    """An MA3 ``timeStamp`` ("2021-09-11T18:30:08.862Z") or MA1 period time."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def period_starts(
    raw_events: Iterable[Any], fallback: Mapping[int, datetime] | None = None
) -> dict[int, datetime]:
    """When each period started: its first Start event (type 32) with a readable time stamp,
    else MA1's period start. ``raw_events``: JSON objects or ``SpEvent``s."""
    return _period_starts(sp_events(raw_events), fallback)


def _period_starts(
    raws: Iterable[SpEvent | DroppedEvent], fallback: Mapping[int, datetime] | None
) -> dict[int, datetime]:
    starts: dict[int, datetime] = dict(fallback or {})
    seen: set[int] = set()
    for raw in raws:
        if type(raw) is not SpEvent or raw.typeId != PERIOD_START_TYPE:
            continue
        period, stamp = raw.periodId, raw.timeStamp
        if period is None or period in seen or stamp is None:
            continue
        try:
            starts[period] = parse_utc(stamp)
        except ValueError:
            continue
        seen.add(period)
    return starts


def _seconds(raw: SpEvent, period: int, starts: Mapping[int, datetime]) -> float:
    """Seconds since the period's start: the event's UTC time stamp minus the period's Start
    (millisecond precision), else the match clock minus the period's first minute. An event
    stamped before its period's Start counts from 0. ``timeMin`` and ``timeSec`` are whole
    numbers or strings of digits (as ``typeId``); ValueError when there is no time to read."""
    start = starts.get(period)
    stamp = raw.timeStamp
    if start is not None and stamp is not None:
        return max(0.0, (parse_utc(stamp) - start).total_seconds())
    minute, second = raw.timeMin, raw.timeSec
    clock_start = _PERIOD_CLOCK_START_MIN.get(period)
    if minute is None or second is None or clock_start is None:
        raise ValueError("no time stamp after a Start and no whole timeMin and timeSec")
    return max(0.0, float(minute * 60 + second - clock_start * 60))


@dataclass(frozen=True, slots=True)
class Links:
    """What links one MA3 event to another: the pass each assisted shot names (raw id by the
    shot's raw id) and whether a pass's shot was a goal (by the pass's raw id)."""

    key_pass_of: Mapping[str, str] = field(default_factory=dict)
    assisted_goal: Mapping[str, bool] = field(default_factory=dict)


_NO_LINKS: Final = Links()


def links_of(raw_events: Iterable[Any]) -> Links:
    """Each shot with qualifier 29 "Assisted" names its pass by qualifier 55, Opta's
    ``eventId`` within the shooting team (the first event with that id); the pass must be a
    pass (type 1 or 2). ``raw_events``: JSON objects or ``SpEvent``s."""
    return _links_of(sp_events(raw_events))


def _links_of(converted: Iterable[SpEvent | DroppedEvent]) -> Links:
    raws = [raw for raw in converted if type(raw) is SpEvent]
    shots: list[tuple[SpEvent, Qualifiers]] = []
    for raw in raws:
        if raw.typeId in _SHOT_OUTCOMES and raw.qualifier and raw.qualifier is not NOT_A_LIST:
            q = qualifiers_of(raw)
            if ASSISTED in q and q.get(RELATED_EVENT):
                shots.append((raw, q))
    if not shots:
        return _NO_LINKS
    by_team_event: dict[tuple[str, str], SpEvent] = {}
    for raw in raws:
        by_team_event.setdefault((raw.contestantId or "", str(raw.eventId)), raw)
    key_pass_of: dict[str, str] = {}
    assisted_goal: dict[str, bool] = {}
    for shot, shot_q in shots:
        related = by_team_event.get((shot.contestantId or "", str(shot_q[RELATED_EVENT])))
        if related is None or related.typeId not in _PASS_TYPES:
            continue
        pass_id = str(related.id)
        key_pass_of[str(shot.id)] = pass_id
        goal = shot.typeId == _GOAL_TYPE and OWN_GOAL not in shot_q
        assisted_goal[pass_id] = assisted_goal.get(pass_id, False) or goal
    return Links(key_pass_of, assisted_goal)


def _pass_details(source_event_id: str, q: Qualifiers, links: Links) -> PassDetails:
    goal = links.assisted_goal.get(source_event_id)
    assist = ASSIST in q
    return PassDetails(
        None,
        cross=CROSS in q,
        through_ball=THROUGH_BALL in q,
        switch=SWITCH_OF_PLAY in q,
        cut_back=PULL_BACK in q,
        goal_assist=assist and goal is True,
        shot_assist=assist and goal is False,
    )


def _shot_details(source_event_id: str, match_id: str, q: Qualifiers, links: Links) -> ShotDetails:
    key_pass = links.key_pass_of.get(source_event_id)
    return ShotDetails(
        None,
        first_time=FIRST_TIME in q,
        penalty=PENALTY in q,
        key_pass_id=None if key_pass is None else event_id_for(SOURCE, match_id, key_pass),
    )


def goalkeeper_action(type_id: int, outcome: int | None) -> GoalkeeperAction | None:
    if type_id == PENALTY_FACED:
        return {1: GoalkeeperAction.PENALTY_SAVED, 0: GoalkeeperAction.PENALTY_CONCEDED}.get(
            outcome if outcome is not None else -1
        )
    return _GOALKEEPER_ACTIONS.get(type_id)


def source_type(type_id: int) -> str:
    return _TYPE_NAMES.get(type_id, str(type_id))


def map_event(
    raw: SpEvent | RawEvent,
    index: int,
    *,
    match_id: str,
    starts: Mapping[int, datetime],
    players: Mapping[str, LineupPlayer] | None = None,
    links: Links | None = None,
) -> Event:
    """One raw MA3 event (a JSON object or an ``SpEvent``) as a domain event; raises
    DroppedEvent when it cannot be.

    ``links`` (``links_of`` the match's events) give a pass its assist and a shot its pass."""
    event = raw if type(raw) is SpEvent else from_object(raw)  # type: ignore[arg-type]
    return _map_event(event, index, match_id, starts, players or {}, links or _NO_LINKS)


def _map_event(
    raw: SpEvent,
    index: int,
    match_id: str,
    starts: Mapping[int, datetime],
    players: Mapping[str, LineupPlayer],
    links: Links,
) -> Event:
    type_id, period_id, raw_id = raw.typeId, raw.periodId, raw.id
    source_event_id = "" if raw_id is None else str(raw_id)
    if type_id is None or period_id is None or not source_event_id:
        raise DroppedEvent(UNREADABLE_EVENT, f"{raw_id}: no id, type or period")
    if type_id == DELETED_EVENT_TYPE:
        raise DroppedEvent(DELETED_BY_PROVIDER, source_event_id)
    if period_id in _BREAK_PERIODS:
        raise DroppedEvent(OUTSIDE_PLAY, f"{source_event_id}: period {period_id}")
    try:
        if period_id == PRE_MATCH_PERIOD:
            period, seconds = 1, 0.0
        else:
            period = period_id
            seconds = _seconds(raw, period, starts)
    except (TypeError, ValueError) as error:
        raise DroppedEvent(UNREADABLE_EVENT, f"{source_event_id}: {error!r}") from None
    outcome = raw.outcome
    q = qualifiers_of(raw)
    found = details(type_id, outcome, q)
    kind = found.type
    try:
        start, end = _locations(raw, q, kind)
    except (TypeError, ValueError) as error:
        raise DroppedEvent(INVALID_LOCATION, f"{source_event_id}: {error!r}") from None
    player_id = raw.playerId or ""
    player_name = raw.playerName or ""
    if player_id and not player_name and player_id in players:
        player_name = players[player_id].name
    try:
        return Event(
            event_id_for(SOURCE, match_id, source_event_id),
            SOURCE,
            match_id,
            source_event_id,
            _TYPE_NAMES.get(type_id) or str(type_id),
            kind,
            index,
            period,
            seconds,
            raw.contestantId or "",
            player_id,
            player_name,
            start,
            end,
            found.outcome,
            None if _BODY_PART_KEYS.isdisjoint(q) else first_present(q, _BODY_PART_QUALIFIERS),
            found.set_piece,
            found.card,
            pass_details=_pass_details(source_event_id, q, links) if kind is _PASS else None,
            shot_details=_shot_details(source_event_id, match_id, q, links)
            if kind is _SHOT
            else None,
            goalkeeper_action=goalkeeper_action(type_id, outcome) if kind is _GOALKEEPER else None,
            duel_kind=_DUEL_KINDS.get(type_id) if kind is _DUEL else None,
        )
    except ValueError as error:
        raise DroppedEvent(UNREADABLE_EVENT, f"{source_event_id}: {error}") from None


def _kept(event: Event, known_teams: Collection[str], seen: set[str]) -> Event:
    """``event`` unless its team is not in the match or its id was kept before (then noted)."""
    if event.team_id not in known_teams:
        raise DroppedEvent(UNKNOWN_TEAM, f"{event.source_event_id}: {event.team_id}")
    if event.source_event_id in seen:
        raise DroppedEvent(DUPLICATE_EVENT_ID, event.source_event_id)
    seen.add(event.source_event_id)
    return event


def map_match(match_file: StatsPerformMatchFile, *, on_dropped: OnDropped | None = None) -> Match:
    """A whole MA3 match: every raw event mapped or dropped under a counted reason (not an
    object, unreadable, a team not in the match, an id seen before...)."""
    home, away = match_file.teams
    raws = sp_events(match_file.events)
    starts = _period_starts(raws, match_file.period_starts_utc)
    links = _links_of(raws)
    known_teams = {home.team_id, away.team_id}
    match_id, players = match_file.match_id, match_file.roster.players
    drops = Drops(on_dropped)
    events: list[Event] = []
    seen: set[str] = set()
    qualifiers: Counter[int] = Counter()  # of the kept events: no table reads them
    for position, raw in enumerate(raws, start=1):
        try:
            if isinstance(raw, DroppedEvent):
                raise raw  # not an object
            event = _map_event(raw, position, match_id, starts, players, links)
            events.append(_kept(event, known_teams, seen))
        except DroppedEvent as drop:
            drops.add(drop)
            continue
        entries = raw.qualifier
        if entries and entries is not NOT_A_LIST:
            qualifiers.update({entry.qualifierId for entry in entries} - USED_QUALIFIERS)
    info = build_match_info(
        match_file, raws, events, count_goals(events, home.team_id, away.team_id), starts
    )
    return assembled(
        SOURCE,
        match_id,
        (home, away),
        events,
        len(raws),
        drops,
        info,
        sides_known=match_file.sides_known,
        unmapped=_unmapped(events, qualifiers),
    )


def _unmapped(events: list[Event], qualifiers: Counter[int]) -> Counter[tuple[str, str]]:
    """``Match.unmapped``: the types kept as generic and the qualifiers no table reads."""
    unmapped = generic_types(events)
    unmapped.update({("qualifier", str(q)): n for q, n in qualifiers.items()})
    return unmapped


def unmapped_vocabulary(raw_events: Iterable[Any]) -> Counter[str]:
    """How often each type that maps to ``generic`` (``"type:55"``) and each qualifier no
    table reads (``"qualifier:56"``) occurs. Deleted events (type 43) are dropped, not
    unmapped, and their qualifiers are not counted; nor are those of an event whose
    ``qualifier`` is not a list (dropped as unreadable)."""
    counts: Counter[str] = Counter()
    for raw in sp_events(raw_events):
        if type(raw) is not SpEvent:
            continue
        type_id = raw.typeId
        if type_id is None or type_id == DELETED_EVENT_TYPE:
            continue
        if type_id not in _TYPE_MAP:
            counts[f"type:{type_id}"] += 1
        if raw.qualifier is NOT_A_LIST:
            continue
        for qualifier_id in qualifiers_of(raw).keys() - USED_QUALIFIERS:
            counts[f"qualifier:{qualifier_id}"] += 1
    return counts
