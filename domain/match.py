"""The match aggregate: teams, normalized events in order, and the tally of raw events."""

from __future__ import annotations

import hashlib
import math
import uuid
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from operator import attrgetter
from typing import Final

from domain.coordinates import Coordinates
from domain.coordinates import init_through_slot_setters as _init_through_slot_setters
from domain.match_info import MatchInfo
from domain.vocabulary import BodyPart
from domain.vocabulary import Card
from domain.vocabulary import DuelKind
from domain.vocabulary import EventType
from domain.vocabulary import GoalkeeperAction
from domain.vocabulary import Outcome
from domain.vocabulary import PassHeight
from domain.vocabulary import SetPiece
from domain.vocabulary import ShotTechnique

EVENT_ID_NAMESPACE: Final = uuid.UUID("6f1d7a52-3c1e-5b8e-9a4f-2d6c0b7e9a11")
MAX_PERIOD: Final = 5  # two halves, two halves of extra time, penalties


_NAMESPACE_BYTES: Final = EVENT_ID_NAMESPACE.bytes
# uuid5's variant bits (RFC 4122: 10xx) set on the first hex digit of the fourth group.
_VARIANT_DIGIT: Final = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def event_id_for(source: str, match_id: str, source_event_id: str) -> str:
    """The deterministic id of an event: the same raw event always gets the same id.

    ``uuid5(EVENT_ID_NAMESPACE, f"{source}:{match_id}:{source_event_id}")`` as a string,
    computed from the SHA-1 hex digest directly (no UUID object: this runs for every event).
    """
    digest = hashlib.sha1(
        _NAMESPACE_BYTES + f"{source}:{match_id}:{source_event_id}".encode(),
        usedforsecurity=False,
    ).hexdigest()
    return (
        f"{digest[:8]}-{digest[8:12]}-5{digest[13:16]}-"
        f"{_VARIANT_DIGIT[digest[16]]}{digest[17:20]}-{digest[20:32]}"
    )


@dataclass(frozen=True, slots=True)
class Team:
    team_id: str
    name: str

    def __post_init__(self) -> None:
        if not self.team_id:
            raise ValueError("a team needs an id")


@dataclass(frozen=True, slots=True)
class PassDetails:
    """What the provider says about a pass beyond its type, outcome and locations."""

    height: PassHeight | None = None
    cross: bool = False
    through_ball: bool = False
    switch: bool = False
    cut_back: bool = False
    goal_assist: bool = False
    """The pass the provider credits with the assist of a goal."""
    shot_assist: bool = False
    """The pass the provider links to a shot that was not a goal (StatsBomb: a key pass)."""


@dataclass(frozen=True, slots=True)
class ShotDetails:
    technique: ShotTechnique | None = None
    first_time: bool = False
    penalty: bool = False
    key_pass_id: str | None = None
    """Our ``event_id`` of the pass the provider links to this shot."""


_init_through_slot_setters(PassDetails)  # one per pass: see domain.coordinates
_init_through_slot_setters(ShotDetails)


@dataclass(frozen=True, slots=True)
class Event:
    """One normalized match event; locations are in the canonical frame (see Coordinates)."""

    event_id: str
    source: str
    match_id: str
    source_event_id: str
    source_type: str
    type: EventType
    index: int
    """The provider's order of this event within the match."""
    period: int
    seconds: float
    """Seconds since the start of ``period``."""
    team_id: str
    player_id: str = ""
    player_name: str = ""
    start: Coordinates | None = None
    end: Coordinates | None = None
    outcome: Outcome | None = None
    body_part: BodyPart | None = None
    set_piece: SetPiece | None = None
    card: Card | None = None
    related_event_ids: tuple[str, ...] = ()
    under_pressure: bool | None = None
    """None when the provider never says."""
    receiver_id: str | None = None
    """The player who received the ball (passes), when the provider says or it is exact."""
    receiver_name: str | None = None
    received_seconds: float | None = None
    """Seconds since the start of ``period`` when the receiver got the ball."""
    pass_details: PassDetails | None = None
    shot_details: ShotDetails | None = None
    goalkeeper_action: GoalkeeperAction | None = None
    duel_kind: DuelKind | None = None
    metrics: tuple[tuple[str, float], ...] = ()
    """Provider metrics, named after their provider (``statsbomb_xg``)."""

    def __post_init__(self) -> None:
        if not 1 <= self.period <= MAX_PERIOD:
            raise ValueError(f"event {self.source_event_id}: period {self.period} is not 1..5")
        if not (math.isfinite(self.seconds) and self.seconds >= 0):
            raise ValueError(f"event {self.source_event_id}: seconds {self.seconds} is not >= 0")
        if not self.event_id or not self.source_event_id:
            raise ValueError("an event needs an id and its provider's id")

    @property
    def order_key(self) -> tuple[int, float, int]:
        return (self.period, self.seconds, self.index)


_init_through_slot_setters(Event)  # see domain.coordinates
_ORDER_KEY: Final = attrgetter("period", "seconds", "index")  # Event.order_key, in C


@dataclass(frozen=True, slots=True)
class Match:
    """Aggregate root: one match from one provider, its events ordered by period, time, index.

    Every raw provider event is accounted for: ``raw_event_count`` equals the events kept
    plus the events dropped, by reason. ``unmapped`` counts provider values that no mapping
    table knows, as (field, provider value, count): the event was kept, that field left empty.
    """

    source: str
    match_id: str
    home: Team
    away: Team
    events: tuple[Event, ...]
    raw_event_count: int
    dropped: tuple[tuple[str, int], ...] = field(default=())
    unmapped: tuple[tuple[str, str, int], ...] = field(default=())
    info: MatchInfo | None = field(default=None, repr=False)
    """What the provider says about the match beyond its events (teams' line-ups, kick-off...)."""
    sides_known: bool = field(default=True, repr=False)  # repr kept as it was (pinned digests)
    """False when the provider does not say which team played at home (Wyscout without a
    ``home_team_id``): ``home`` and ``away`` are then just the provider's first and second
    team, never a guess. It agrees with ``info`` (its teams' sides are both null exactly
    when this is false) and decides every MatchEvent's ``team_side``."""

    def __post_init__(self) -> None:
        if not self.source or not self.match_id:
            raise ValueError("a match needs a source and an id")
        if self.home.team_id == self.away.team_id:
            raise ValueError(f"match {self.match_id}: home and away are the same team")
        teams = {self.home.team_id, self.away.team_id, ""}
        seen: set[str] = set()
        add_seen = seen.add
        source, match_id = self.source, self.match_id
        previous: tuple[int, float, int] | None = None
        for event in self.events:
            if event.source != source or event.match_id != match_id:
                raise ValueError(f"event {event.event_id} belongs to another match")
            if event.team_id not in teams:
                raise ValueError(
                    f"event {event.source_event_id}: team {event.team_id} not in match"
                )
            if event.event_id in seen:
                raise ValueError(f"event id {event.event_id} appears twice")
            add_seen(event.event_id)
            key = (event.period, event.seconds, event.index)  # Event.order_key, inlined
            if previous is not None and key < previous:
                raise ValueError(f"event {event.source_event_id} is out of order")
            previous = key
        if any(count <= 0 for _, count in self.dropped):
            raise ValueError("dropped counts must be positive")
        if any(count <= 0 for _, _, count in self.unmapped):
            raise ValueError("unmapped counts must be positive")
        info = self.info
        if info is not None:
            self._check_info(info)
        if len(self.events) + self.dropped_count != self.raw_event_count:
            raise ValueError(
                f"match {self.match_id}: {self.raw_event_count} raw events but "
                f"{len(self.events)} kept and {self.dropped_count} dropped"
            )

    def _check_info(self, info: MatchInfo) -> None:
        """The info describes this match, its sides agree with ``sides_known`` (home first
        when known) and its goals with the events'."""
        home_id, away_id = self.home.team_id, self.away.team_id
        if (info.source, info.match_id) != (self.source, self.match_id) or {
            t.team_id for t in info.teams
        } != {home_id, away_id}:
            raise ValueError(f"match {self.match_id}: its info describes another match")
        if info.sides_known != self.sides_known or (
            self.sides_known and info.teams[0].team_id != home_id
        ):
            raise ValueError(f"match {self.match_id}: its info's sides disagree with the match")
        home_goals, away_goals = count_goals(self.events, home_id, away_id)
        goals = {home_id: home_goals, away_id: away_goals}
        if any(sheet.goals != goals[sheet.team_id] for sheet in info.teams):
            raise ValueError(f"match {self.match_id}: its info's goals disagree with the events")

    @classmethod
    def assemble(
        cls,
        *,
        source: str,
        match_id: str,
        home: Team,
        away: Team,
        events: Iterable[Event],
        raw_event_count: int,
        dropped: Mapping[str, int] | None = None,
        unmapped: Mapping[tuple[str, str], int] | None = None,
        info: MatchInfo | None = None,
        sides_known: bool | None = None,
    ) -> Match:
        """Build a match from events in any order, sorting them into the canonical order.

        ``sides_known`` defaults to what ``info`` says (its teams' sides), else true."""
        ordered = tuple(sorted(events, key=_ORDER_KEY))
        tally = tuple(sorted((dropped or {}).items()))
        unknown = tuple(sorted((f, v, n) for (f, v), n in (unmapped or {}).items()))
        if sides_known is None:
            sides_known = True if info is None else info.sides_known
        return cls(
            source,
            match_id,
            home,
            away,
            ordered,
            raw_event_count,
            tally,
            unknown,
            info,
            sides_known,
        )

    @property
    def key(self) -> str:
        """The partition key of the match's events: one match stays in one partition."""
        return f"{self.source}:{self.match_id}"

    @property
    def dropped_count(self) -> int:
        return sum(count for _, count in self.dropped)

    @property
    def dropped_by_reason(self) -> dict[str, int]:
        return dict(self.dropped)

    @property
    def unmapped_by_field(self) -> dict[str, int]:
        """How many provider values each field could not map (the events were kept)."""
        counts: dict[str, int] = {}
        for name, _, count in self.unmapped:
            counts[name] = counts.get(name, 0) + count
        return counts

    def team(self, team_id: str) -> Team:
        for team in (self.home, self.away):
            if team.team_id == team_id:
                return team
        raise KeyError(team_id)

    def opponent_of(self, team_id: str) -> Team:
        return self.away if team_id == self.home.team_id else self.home

    def goals_by_team(self) -> dict[str, int]:
        """Goals per team id: scored shots plus own goals conceded by the other side."""
        home, away = self.score()
        return {self.home.team_id: home, self.away.team_id: away}

    def score(self) -> tuple[int, int]:
        """Goals (home, away): scored shots plus own goals conceded by the other side.

        When ``sides_known`` is false the pair is (first team, second team) as the provider
        lists them; ``goals_by_team`` says it without an order."""
        return count_goals(self.events, self.home.team_id, self.away.team_id)


def count_goals(events: Iterable[Event], home_id: str, away_id: str) -> tuple[int, int]:
    """Goals (home, away): scored shots plus own goals conceded by the other side. A penalty
    shoot-out (period 5) decides the winner of a drawn tie but adds no goals to the score."""
    goals = {home_id: 0, away_id: 0}
    for event in events:
        if event.period == MAX_PERIOD:
            continue
        if event.type is EventType.SHOT and event.outcome is Outcome.GOAL:
            goals[event.team_id] += 1
        elif event.type is EventType.OWN_GOAL_AGAINST:
            goals[away_id if event.team_id == home_id else home_id] += 1
    return goals[home_id], goals[away_id]
