"""What every provider's mapper shares: a raw event it cannot use is dropped and counted by
reason, never lost silently; a file of raw events becomes a ``Match`` in one loop."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence, Set
from typing import Any, Final

from domain import Event, EventType, Match, MatchInfo, Team

OnDropped = Callable[[str, str], None]
"""Called with (reason, detail) for every raw event a mapper drops."""


class DroppedEvent(Exception):
    """A raw event (or row) that cannot become a domain event; ``reason`` is its tally key."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


UNREADABLE_EVENT: Final = "unreadable_event"
UNKNOWN_TEAM: Final = "unknown_team"
DUPLICATE_EVENT_ID: Final = "duplicate_event_id"


def map_each(
    raw_events: Sequence[Any],
    map_one: Callable[..., Event],
    *,
    known_teams: Set[str],
    on_dropped: OnDropped | None,
) -> tuple[list[Event], Counter[str]]:
    """Every raw event (its position, from 1, as ``index``) mapped by ``map_one`` or dropped
    under a counted reason: ``map_one``'s own, a row that is not an object, a team not in the
    match, a provider id seen before (Wyscout, Stats Perform)."""
    events: list[Event] = []
    dropped: Counter[str] = Counter()
    seen: set[str] = set()
    for position, raw in enumerate(raw_events, start=1):
        try:
            if not isinstance(raw, Mapping):
                raise DroppedEvent(UNREADABLE_EVENT, f"row {position} is not an object")
            event = map_one(raw, index=position)
            if event.team_id not in known_teams:
                raise DroppedEvent(UNKNOWN_TEAM, f"{event.source_event_id}: {event.team_id}")
            if event.source_event_id in seen:
                raise DroppedEvent(DUPLICATE_EVENT_ID, event.source_event_id)
        except DroppedEvent as drop:
            dropped[drop.reason] += 1
            if on_dropped is not None:
                on_dropped(drop.reason, str(drop))
            continue
        seen.add(event.source_event_id)
        events.append(event)
    return events, dropped


def mapped_match(
    source: str,
    match_id: str,
    raw_events: Sequence[Any],
    map_one: Callable[..., Event],
    *,
    home: Team,
    away: Team,
    sides_known: bool,
    on_dropped: OnDropped | None,
    info: Callable[[list[Event]], MatchInfo],
) -> Match:
    """The match of ``raw_events`` (``map_each``), its ``generic`` events counted as unmapped
    by source type; ``info`` builds its MatchInfo from the kept events."""
    events, dropped = map_each(
        raw_events, map_one, known_teams={home.team_id, away.team_id}, on_dropped=on_dropped
    )
    return Match.assemble(
        source=source,
        match_id=match_id,
        home=home,
        away=away,
        events=events,
        raw_event_count=len(raw_events),
        dropped=dropped,
        unmapped=Counter(("type", e.source_type) for e in events if e.type is EventType.GENERIC),
        info=info(events),
        sides_known=sides_known,
    )
