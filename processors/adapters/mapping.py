"""What every provider's mapper shares: a raw event it cannot use is dropped and counted by
reason, never lost silently; the drop reasons they have in common; the match assembled with
its drops and unmapped values; and the small lookups of provider codes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any
from typing import Final

from domain import Event
from domain import EventType
from domain import Match
from domain import MatchInfo
from domain import Team

OnDropped = Callable[[str, str], None]
"""Called with (reason, detail) for every raw event a mapper drops."""

UNREADABLE_EVENT: Final = "unreadable_event"
INVALID_LOCATION: Final = "invalid_location"
UNKNOWN_TEAM: Final = "unknown_team"
DUPLICATE_EVENT_ID: Final = "duplicate_event_id"


class DroppedEvent(Exception):
    """A raw event (or row) that cannot become a domain event; ``reason`` is its tally key."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


class Drops:
    """The tally of a match's dropped raw events by reason; each drop is also reported to
    ``on_dropped`` with its detail."""

    __slots__ = ("counts", "on_dropped")

    def __init__(self, on_dropped: OnDropped | None) -> None:
        self.counts: Counter[str] = Counter()
        self.on_dropped = on_dropped

    def add(self, drop: DroppedEvent) -> None:
        self.counts[drop.reason] += 1
        if self.on_dropped is not None:
            self.on_dropped(drop.reason, str(drop))


def assembled(
    source: str,
    match_id: str,
    teams: tuple[Team, Team],
    events: list[Event],
    raw_event_count: int,
    drops: Drops,
    info: MatchInfo,
    *,
    sides_known: bool | None = None,
    unmapped: Mapping[tuple[str, str], int] | None = None,
) -> Match:
    """The match (``Match.assemble``: events sorted, every raw event accounted for) with its
    drops; ``unmapped`` defaults to the provider types kept as ``generic``."""
    return Match.assemble(
        source=source,
        match_id=match_id,
        home=teams[0],
        away=teams[1],
        events=events,
        raw_event_count=raw_event_count,
        dropped=drops.counts,
        unmapped=generic_types(events) if unmapped is None else unmapped,
        info=info,
        sides_known=sides_known,
    )


def generic_types(events: Iterable[Event]) -> Counter[tuple[str, str]]:
    """The provider types no table maps (kept as ``generic``), as ``Match.unmapped`` counts
    them: ("type", provider type) -> events."""
    return Counter(("type", e.source_type) for e in events if e.type is EventType.GENERIC)


def provider_int(value: Any, *, signed: bool = False) -> int | None:
    """A provider's integer code: an int (not a bool), or a string of digits (with a minus
    sign when ``signed``); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        digits = value.strip().lstrip("-") if signed else value.strip()
        return int(value) if digits.isdigit() else None
    return None


def first_present(present: Collection[Any], table: Mapping[Any, Any]) -> Any:
    """The value of the first table entry (in table order) whose key is ``present`` (a
    provider's tags, qualifiers or subtypes); None when none is."""
    for key, value in table.items():
        if key in present:
            return value
    return None
