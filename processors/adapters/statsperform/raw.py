"""One MA3 event as the mapper reads it: a typed struct with the fields the adapter uses.

An MA3 file whose events all have the usual JSON types (``SpEvent``'s annotations) is decoded
straight into these structs (msgspec); any other file is read as plain JSON and each event
object turned into the same struct by ``from_object``, which reads every field as the mapper's
rules say (``typeId`` "16" is 16, ``x`` "61.4" is 61.4, ...). Either way one mapper reads them:
the same match, drops included; odd files are only slower.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any
from typing import Final

import msgspec

from processors.adapters.mapping import UNREADABLE_EVENT
from processors.adapters.mapping import DroppedEvent
from processors.adapters.mapping import provider_int

RawEvent = Mapping[str, Any]


class SpQualifier(msgspec.Struct, gc=False):
    qualifierId: int
    value: str | None = None


NOT_A_LIST: Final[list[SpQualifier]] = []
"""``SpEvent.qualifier`` of an event whose ``qualifier`` is not a list (told by identity):
the mapper drops it as unreadable."""

INVALID_NUMBER: Final = math.nan
"""``SpEvent.x``/``y`` when the feed's value is not a number: an invalid location."""


class SpEvent(msgspec.Struct, gc=False):
    """An MA3 event: ids as given (``id`` and ``eventId`` are read as text), codes and the
    clock as ints, ``x``/``y`` as floats (None when absent), names as text (None when absent
    or empty); every other key is skipped unread."""

    id: int | str | None = None
    eventId: int | str | None = None
    typeId: int | None = None
    periodId: int | None = None
    timeMin: int | None = None
    timeSec: int | None = None
    contestantId: str | None = None
    playerId: str | None = None
    playerName: str | None = None
    outcome: int | None = None
    x: float | None = None
    y: float | None = None
    timeStamp: str | None = None
    qualifier: list[SpQualifier] | None = None

    def __getitem__(self, name: str) -> Any:
        """``raw["id"]`` as for the JSON object (KeyError when the field is None)."""
        value = getattr(self, name, None)
        if value is None:
            raise KeyError(name)
        return value


class SpLiveData(msgspec.Struct, gc=False):
    event: list[SpEvent]
    matchDetails: Any = None
    substitute: Any = None


class SpDocument(msgspec.Struct, gc=False):
    """An MA3 file at the top level (``{"matchInfo", "liveData"}``)."""

    liveData: SpLiveData
    matchInfo: Any = None


decode_typed: Final = msgspec.json.Decoder(SpDocument).decode
"""MA3 bytes into an ``SpDocument``; ``ValueError`` (msgspec's errors) when they do not fit."""


def _text(value: Any) -> str | None:
    return str(value) if value else None


def _coordinate(value: Any) -> float | None:
    kind = type(value)
    if value is None:
        return None
    if kind is float or kind is int:
        return float(value)
    if kind is str:
        try:
            return float(value)
        except ValueError:
            return INVALID_NUMBER
    return INVALID_NUMBER


def _qualifiers(entries: Any) -> list[SpQualifier] | None:
    """Entries that are objects with a readable ``qualifierId``; the others carry nothing."""
    if entries is None:
        return None
    if not isinstance(entries, (list, tuple)):
        return NOT_A_LIST
    found = []
    for entry in entries:
        if isinstance(entry, Mapping):
            qualifier_id = provider_int(entry.get("qualifierId"))
            if qualifier_id is not None:
                value = entry.get("value")
                found.append(SpQualifier(qualifier_id, None if value is None else str(value)))
    return found


def from_object(raw: RawEvent) -> SpEvent:
    """A JSON event object as the struct (the mapper's reading of each field)."""
    get = raw.get
    raw_id, event_id, stamp = get("id"), get("eventId"), get("timeStamp")
    return SpEvent(
        id=None if raw_id is None else str(raw_id),
        eventId=None if event_id is None else str(event_id),
        typeId=provider_int(get("typeId")),
        periodId=provider_int(get("periodId")),
        timeMin=provider_int(get("timeMin")),
        timeSec=provider_int(get("timeSec")),
        contestantId=_text(get("contestantId")),
        playerId=_text(get("playerId")),
        playerName=_text(get("playerName")),
        outcome=provider_int(get("outcome")),
        x=_coordinate(get("x")),
        y=_coordinate(get("y")),
        timeStamp=stamp if isinstance(stamp, str) else None,
        qualifier=_qualifiers(get("qualifier")),
    )


def sp_events(raw_events: Iterable[Any]) -> list[SpEvent | DroppedEvent]:
    """Each raw event as a struct (structs as they are), or the drop of one that is not an
    object (``row <position> is not an object``)."""
    found: list[SpEvent | DroppedEvent] = []
    for position, raw in enumerate(raw_events, start=1):
        if type(raw) is SpEvent:
            found.append(raw)
        elif isinstance(raw, Mapping):
            found.append(from_object(raw))
        else:
            found.append(DroppedEvent(UNREADABLE_EVENT, f"row {position} is not an object"))
    return found
