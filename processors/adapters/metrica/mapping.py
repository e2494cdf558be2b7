"""Metrica event rows to domain events: pure functions and tables, no I/O.

Both Metrica event formats (the CSV ``RawEventsData`` and the JSON ``events`` file) are read
into the same ``RawRow``; from here on they are one format. Every raw row becomes one event
or is dropped under a counted reason:

- ``unreadable_event``: no usable period (1..5) or start frame/time;
- ``unknown_team``: a team that is neither home nor away;
- ``duplicate_event_id``: a provider id seen before in the same match;
- ``attack_direction_unknown``: a located row in a period whose ends cannot be told;
- ``merged_into_set_piece_action``: a SET PIECE row folded into the action that takes it.

A type the tables do not name becomes ``EventType.GENERIC``, keeping Metrica's name in
``source_type``.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Final

from domain import PITCH_LENGTH_M
from domain import BodyPart
from domain import Card
from domain import Coordinates
from domain import DuelKind
from domain import Event
from domain import EventType
from domain import Match
from domain import Outcome
from domain import SetPiece
from domain import Team
from domain import count_goals
from domain import event_id_for
from domain.coordinates import init_through_slot_setters
from domain.match import MAX_PERIOD
from processors.adapters.lineups import Roster
from processors.adapters.mapping import DUPLICATE_EVENT_ID
from processors.adapters.mapping import UNKNOWN_TEAM
from processors.adapters.mapping import UNREADABLE_EVENT
from processors.adapters.mapping import DroppedEvent as DroppedRow
from processors.adapters.mapping import Drops
from processors.adapters.mapping import OnDropped
from processors.adapters.mapping import assembled
from processors.adapters.mapping import first_present
from processors.adapters.metrica.match_info import build_match_info

SOURCE: Final = "metrica"
DEFAULT_FRAME_RATE: Final = 25.0
SET_PIECE_TAKEN_WITHIN_S: Final = 10.0
"""The longest gap between a SET PIECE row and the action of its taker that we merge."""

ATTACK_DIRECTION_UNKNOWN: Final = "attack_direction_unknown"
MERGED_INTO_SET_PIECE_ACTION: Final = "merged_into_set_piece_action"

_TYPE_MAP: Final[Mapping[str, EventType]] = {
    "PASS": EventType.PASS,
    "SHOT": EventType.SHOT,
    "CARRY": EventType.CARRY,
    "RECOVERY": EventType.BALL_RECOVERY,
    "BALL LOST": EventType.BALL_LOST,
    "BALL OUT": EventType.BALL_OUT,
    "CHALLENGE": EventType.DUEL,
    "FAULT RECEIVED": EventType.FOUL_WON,
    "CARD": EventType.CARD,
    "SET PIECE": EventType.SET_PIECE,
}

# Metrica records a failed pass as BALL LOST or BALL OUT, so a PASS row is a completed pass.
_DEFAULT_OUTCOME: Final[Mapping[str, Outcome]] = {
    "PASS": Outcome.SUCCESS,
    "BALL OUT": Outcome.OUT,
}

# Per Metrica type, the subtypes that name an outcome; the first one present wins.
_OUTCOME_SUBTYPES: Final[Mapping[str, Mapping[str, Outcome]]] = {
    "SHOT": {
        "GOAL": Outcome.GOAL,
        "SAVED": Outcome.SAVED,
        "BLOCKED": Outcome.BLOCKED,
        "WOODWORK": Outcome.POST,
        "OFF TARGET": Outcome.OFF_TARGET,
    },
    "CHALLENGE": {"WON": Outcome.SUCCESS, "LOST": Outcome.FAILURE},
    "PASS": {"OFFSIDE": Outcome.OFFSIDE},
    "BALL LOST": {"OFFSIDE": Outcome.OFFSIDE},
    "BALL OUT": {"GOAL": Outcome.GOAL},
}

_BODY_PART_SUBTYPES: Final[Mapping[str, BodyPart]] = {
    "HEAD": BodyPart.HEAD,
}

_SET_PIECE_SUBTYPES: Final[Mapping[str, SetPiece]] = {
    "KICK OFF": SetPiece.KICK_OFF,
    "FREE KICK": SetPiece.FREE_KICK,
    "CORNER KICK": SetPiece.CORNER,
    "THROW IN": SetPiece.THROW_IN,
    "GOAL KICK": SetPiece.GOAL_KICK,
    "PENALTY": SetPiece.PENALTY,
}

_CARD_SUBTYPES: Final[Mapping[str, Card]] = {
    "YELLOW": Card.YELLOW,
    "SECOND YELLOW": Card.SECOND_YELLOW,
    "RED": Card.RED,
}

# CHALLENGE subtypes naming the kind of duel (the first present wins).
_DUEL_SUBTYPES: Final[Mapping[str, DuelKind]] = {
    "AERIAL": DuelKind.AERIAL,
    "TACKLE": DuelKind.TACKLE,
    "GROUND": DuelKind.GROUND,
}

# The Metrica types with which a taker restarts play after a SET PIECE row.
_SET_PIECE_TAKERS: Final = frozenset({"PASS", "SHOT", "BALL LOST", "BALL OUT"})

# Teams swap ends between these periods (halves, halves of extra time).
_PAIRED_PERIOD: Final[Mapping[int, int]] = {1: 2, 2: 1, 3: 4, 4: 3}


@dataclass(frozen=True, slots=True)
class RawRow:
    """One Metrica event row as read, before any check.

    Numbers are as the file gives them: frames at the match's frame rate since the start of
    the match, locations as fractions of the pitch from the top-left corner. A number the
    file does not give, or gives unreadably, is NaN; a missing name is "".
    """

    index: int
    """The row's place in the provider's order (1-based)."""
    source_event_id: str
    team: str
    type: str
    subtypes: tuple[str, ...]
    period: float
    start_frame: float
    start_time: float = math.nan
    player_id: str = ""
    player_name: str = ""
    receiver_id: str = ""
    """``To``: the player the pass reached (Metrica records failed passes as other types)."""
    receiver_name: str = ""
    end_frame: float = math.nan
    end_time: float = math.nan
    start_x: float = math.nan
    start_y: float = math.nan
    end_x: float = math.nan
    end_y: float = math.nan


init_through_slot_setters(RawRow)  # one per raw row: see domain.coordinates


@dataclass(frozen=True, slots=True)
class MetricaGame:
    """One Metrica game as loaded: its teams, its rows in file order, and what names them."""

    match_id: str
    home: Team
    away: Team
    rows: tuple[RawRow, ...]
    frame_rate: float = DEFAULT_FRAME_RATE
    player_names: Mapping[str, str] = field(default_factory=dict)
    version: str | None = None
    """A SHA-256 over the game's files (``sha256:<hex>``): Metrica has no version of its own."""
    metadata: EptsInfo | None = None


@dataclass(frozen=True, slots=True)
class EptsInfo:
    """What a game's EPTS metadata says beyond teams and names, as given."""

    competition_id: str | None = None
    competition_name: str | None = None
    session_start: str | None = None
    """``Sessions/Session/Start``, UTC as written."""
    roster: Roster = field(default_factory=Roster)
    period_frames: Mapping[int, tuple[int, int]] = field(default_factory=dict)
    """First and last frame of each period (``first_half_start``...)."""


def split_subtypes(value: Any) -> tuple[str, ...]:
    """The CSV ``Subtype`` column joins subtypes with '-' ('HEAD-ON TARGET-GOAL')."""
    if not isinstance(value, str):
        return ()
    return tuple(part.strip() for part in value.split("-") if part.strip())


@dataclass(frozen=True, slots=True)
class _Readable:
    row: RawRow
    period: int
    match_seconds: float
    """Seconds since the start of the match."""


init_through_slot_setters(_Readable)  # one per raw row


def _readable(row: RawRow, frame_rate: float) -> _Readable:
    period = float(row.period)
    if not (math.isfinite(period) and period.is_integer() and 1 <= period <= MAX_PERIOD):
        raise DroppedRow(UNREADABLE_EVENT, f"row {row.index}: period {period!r}")
    if math.isfinite(row.start_frame):
        match_seconds = row.start_frame / frame_rate
    elif math.isfinite(row.start_time):
        match_seconds = row.start_time
    else:
        raise DroppedRow(UNREADABLE_EVENT, f"row {row.index}: no start frame or time")
    if match_seconds < 0:
        raise DroppedRow(UNREADABLE_EVENT, f"row {row.index}: negative start {match_seconds}")
    return _Readable(row, int(period), match_seconds)


_isfinite: Final = math.isfinite
_NO_SUBTYPES: Final[Mapping[str, Outcome]] = {}
_GENERIC: Final = EventType.GENERIC


def attack_directions(
    rows: Iterable[_Readable], *, home_id: str, away_id: str
) -> dict[tuple[int, str], bool]:
    """Whether each team attacks towards Metrica's x = 1, per (period, team id), from the data.

    Metrica's frame is fixed to the pitch and nothing in the CSV says who attacks where, so
    each period is read from the rows themselves, in this order of evidence:

    1. votes: each shot taken in the right half (start x > 0.5) votes that its team attacks
       right, in the left half that it attacks left; each goal kick (subtype GOAL KICK)
       votes the opposite way of the half it is taken in;
    2. when the votes tie, the mean forward progress of passes (end x - start x): teams pass
       towards the goal they attack more than away from it;
    3. when a period says nothing, the paired period with ends swapped (1 <-> 2, 3 <-> 4).

    In periods 1-4 the two teams attack opposite ends, so a team's evidence is its own votes
    minus the opponent's (one side's shots count for both). A penalty shoot-out (period 5) is
    read per team. A (period, team) absent from the result could not be told.
    """
    votes: Counter[tuple[int, str]] = Counter()
    progress: defaultdict[tuple[int, str], list[float]] = defaultdict(list)
    periods: set[int] = set()
    for readable in rows:
        row, key = readable.row, (readable.period, readable.row.team)
        periods.add(readable.period)
        if not math.isfinite(row.start_x) or row.start_x == 0.5:
            continue
        right_half = row.start_x > 0.5
        if row.type == "SHOT":
            votes[key] += 1 if right_half else -1
        if "GOAL KICK" in row.subtypes:
            votes[key] += -1 if right_half else 1
        if row.type == "PASS" and math.isfinite(row.end_x):
            progress[key].append(row.end_x - row.start_x)

    def mean_progress(key: tuple[int, str]) -> float:
        values = progress.get(key)
        return sum(values) / len(values) if values else 0.0

    directions: dict[tuple[int, str], bool] = {}
    for period in sorted(periods):
        for team, other in ((home_id, away_id), (away_id, home_id)):
            key, against = (period, team), (period, other)
            vote, forward = votes[key], mean_progress(key)
            if period in _PAIRED_PERIOD:
                vote -= votes[against]
                forward -= mean_progress(against)
            if vote:
                directions[key] = vote > 0
            elif forward:
                directions[key] = forward > 0
    for period in sorted(periods):
        for team in (home_id, away_id):
            paired = (_PAIRED_PERIOD.get(period, 0), team)
            if (period, team) not in directions and paired in directions:
                directions[(period, team)] = not directions[paired]
    return directions


def _is_own_goal(row: RawRow, start: Coordinates | None, end: Coordinates | None) -> bool:
    """BALL OUT with subtype GOAL: the ball left through a goal. Metrica names no own goals;
    when that goal is the acting team's own (end, else start, in its own half) it is one."""
    if row.type != "BALL OUT" or "GOAL" not in row.subtypes:
        return False
    where = end or start
    return where is not None and where.x < PITCH_LENGTH_M / 2


def map_row(
    readable: _Readable,
    *,
    match_id: str,
    period_start: float,
    attacking_right: bool | None,
    player_names: Mapping[str, str],
    frame_rate: float = DEFAULT_FRAME_RATE,
) -> Event:
    """One readable row as a domain event; raises DroppedRow when it cannot be placed.

    Runs once per raw row: locals bound once, the subtype tables consulted only for a row
    that has subtypes (most have none), the Event built positionally (its field order)."""
    row = readable.row
    isfinite = _isfinite
    x, y, end_x, end_y = row.start_x, row.start_y, row.end_x, row.end_y
    start_located = isfinite(x) and isfinite(y)
    end_located = isfinite(end_x) and isfinite(end_y)
    if (start_located or end_located) and attacking_right is None:
        raise DroppedRow(
            ATTACK_DIRECTION_UNKNOWN,
            f"row {row.index}: which end team {row.team} attacks in period "
            f"{readable.period} cannot be told from the data",
        )
    right = bool(attacking_right)
    from_metrica = Coordinates.from_metrica
    start_point = from_metrica(x, y, attacking_right=right) if start_located else None
    end_point = from_metrica(end_x, end_y, attacking_right=right) if end_located else None
    kind, subtypes = row.type, row.subtypes
    event_type = _TYPE_MAP.get(kind, _GENERIC)
    if subtypes:
        outcome = first_present(subtypes, _OUTCOME_SUBTYPES.get(kind, _NO_SUBTYPES))
        body_part = first_present(subtypes, _BODY_PART_SUBTYPES)
        set_piece = first_present(subtypes, _SET_PIECE_SUBTYPES)
        card = first_present(subtypes, _CARD_SUBTYPES) if kind == "CARD" else None
        duel_kind = first_present(subtypes, _DUEL_SUBTYPES) if kind == "CHALLENGE" else None
    else:  # first_present finds nothing in no subtypes
        outcome = body_part = set_piece = card = duel_kind = None
    if outcome is None:
        outcome = _DEFAULT_OUTCOME.get(kind)
    if _is_own_goal(row, start_point, end_point):
        event_type, outcome = EventType.OWN_GOAL_AGAINST, None
    receiver_id = receiver_name = received = None
    if kind == "PASS" and row.receiver_id:
        receiver_id = row.receiver_id
        receiver_name = player_names.get(receiver_id) or row.receiver_name or receiver_id
        received = _received_seconds(row, readable, frame_rate, period_start)
    source_event_id, player_id = row.source_event_id, row.player_id
    return Event(
        event_id_for(SOURCE, match_id, source_event_id),  # event_id
        SOURCE,  # source
        match_id,
        source_event_id,
        kind,  # source_type
        event_type,  # type
        row.index,
        readable.period,
        round(readable.match_seconds - period_start, 6),  # seconds
        row.team,  # team_id
        player_id,
        player_names.get(player_id) or row.player_name or player_id,  # player_name
        start_point,  # start
        end_point,  # end
        outcome,
        body_part,
        set_piece,
        card,
        (),  # related_event_ids
        None,  # under_pressure
        receiver_id,
        receiver_name,
        received,  # received_seconds
        None,  # pass_details
        None,  # shot_details
        None,  # goalkeeper_action
        duel_kind,
    )


def _received_seconds(
    row: RawRow, readable: _Readable, frame_rate: float, period_start: float
) -> float | None:
    """The pass's end (frame, else time) since the period start; None when the file gives
    no end, or one before the start (Metrica writes 0 for some unknown ends)."""
    if math.isfinite(row.end_frame):
        end = row.end_frame / frame_rate
    elif math.isfinite(row.end_time):
        end = row.end_time
    else:
        return None
    if end < readable.match_seconds:
        return None
    return round(end - period_start, 6)


def _takes(set_piece: Event, action: Event) -> bool:
    """Whether ``action`` is the taker's restart announced by the SET PIECE row before it."""
    return (
        set_piece.set_piece is not None
        and action.source_type in _SET_PIECE_TAKERS
        and action.set_piece is None
        and action.team_id == set_piece.team_id
        and action.player_id == set_piece.player_id
        and action.period == set_piece.period
        and 0 <= action.seconds - set_piece.seconds <= SET_PIECE_TAKEN_WITHIN_S
    )


def map_game(game: MetricaGame, *, on_dropped: OnDropped | None = None) -> Match:
    """A whole Metrica game: every raw row mapped, merged or dropped under a counted reason.

    A SET PIECE row and the action that takes it are one event: when the very next row is a
    PASS, SHOT, BALL LOST or BALL OUT of the same team and player, in the same period and
    within ``SET_PIECE_TAKEN_WITHIN_S``, that action gets ``set_piece`` and the SET PIECE
    row is dropped as ``merged_into_set_piece_action``. Otherwise the SET PIECE row stays an
    event of its own (``EventType.SET_PIECE``).
    """
    drops = Drops(on_dropped)
    team_ids = {game.home.team_id, game.away.team_id}
    readable: list[_Readable | None] = []
    seen_ids: set[str] = set()
    for row in game.rows:
        try:
            candidate = _readable(row, game.frame_rate)
            if row.team not in team_ids:
                raise DroppedRow(UNKNOWN_TEAM, f"row {row.index}: team {row.team!r}")
            if row.source_event_id in seen_ids:
                raise DroppedRow(DUPLICATE_EVENT_ID, f"row {row.index}: {row.source_event_id}")
        except DroppedRow as error:
            drops.add(error)
            readable.append(None)
            continue
        seen_ids.add(row.source_event_id)
        readable.append(candidate)

    present = [r for r in readable if r is not None]
    period_starts: dict[int, float] = {}
    for item in present:
        period_starts[item.period] = min(
            period_starts.get(item.period, math.inf), item.match_seconds
        )
    directions = attack_directions(present, home_id=game.home.team_id, away_id=game.away.team_id)

    events: list[Event | None] = []
    for r in readable:
        if r is None:
            events.append(None)
            continue
        try:
            events.append(
                map_row(
                    r,
                    match_id=game.match_id,
                    period_start=period_starts[r.period],
                    attacking_right=directions.get((r.period, r.row.team)),
                    player_names=game.player_names,
                    frame_rate=game.frame_rate,
                )
            )
        except DroppedRow as error:
            drops.add(error)
            events.append(None)

    for position in range(len(events) - 1):
        current, following = events[position], events[position + 1]
        if (
            current is not None
            and following is not None
            and current.type is EventType.SET_PIECE
            and _takes(current, following)
        ):
            events[position + 1] = dataclasses.replace(following, set_piece=current.set_piece)
            events[position] = None
            drops.add(
                DroppedRow(
                    MERGED_INTO_SET_PIECE_ACTION,
                    f"row {current.index} merged into row {following.index}",
                )
            )

    kept = [e for e in events if e is not None]
    goals = count_goals(kept, game.home.team_id, game.away.team_id)
    frames = game.metadata is not None and bool(game.metadata.period_frames)
    info = build_match_info(game, kept, goals, None if frames else period_starts)
    teams = (game.home, game.away)
    return assembled(SOURCE, game.match_id, teams, kept, len(game.rows), drops, info)
