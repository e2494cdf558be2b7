"""Wyscout match files decoded straight into typed structs (msgspec), when they fit.

A file whose events have exactly the types the v2 files carry (int ids, finite numbers,
positions as numbers or strings such as "29", tags as ``{"id": int}``) and no
field beyond the ones below is decoded into ``WyEvent`` structs: no dict per event, position
or tag. Its ``teams`` and ``players`` maps are kept as raw JSON and read with orjson, as the
dict path reads them. Any other file, odd value or unknown field anywhere, is read as plain
JSON by the dict path, which judges each value as it comes: the same match either way.

The types leave out every value that the dict path drops for its shape or would read
differently (booleans, ints wider than 64 bits, numbers beyond 1e300), so the two paths
agree on each event, drops and their messages included.
"""

from __future__ import annotations

from typing import Annotated
from typing import Any
from typing import Final

import msgspec

_Int = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]
"""An int64: orjson reads wider integers as floats."""
_Float = Annotated[float, msgspec.Meta(ge=-1e300, le=1e300)]
"""A finite number (JSON ints too, as floats): msgspec reads 1e400 as infinity, orjson not
at all."""
_Code = _Int | str | None


class WyPosition(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    x: _Int | _Float | str  # strings in some files ("29"): read as the dict path reads them
    y: _Int | _Float | str


class WyTag(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    id: _Int


class WyEvent(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """One raw event as typed JSON; fields keep the file's names.

    ``event["id"]`` reads a field by its JSON name, as for a dict."""

    id: _Int
    matchPeriod: str  # the file's names
    eventSec: _Float
    teamId: _Int
    playerId: _Int = 0  # missing or 0: no player
    eventId: _Code = None
    subEventId: _Code = None
    eventName: _Code = None
    subEventName: _Code = None
    positions: list[WyPosition] = msgspec.field(default_factory=list)
    tags: list[WyTag] = msgspec.field(default_factory=list)
    matchId: _Code = None  # not read

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None


class WyDocument(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    events: list[WyEvent]
    teams: msgspec.Raw = msgspec.field(default_factory=msgspec.Raw)
    players: msgspec.Raw = msgspec.field(default_factory=msgspec.Raw)


_decode: Final = msgspec.json.Decoder(WyDocument).decode


def decode_typed(data: bytes) -> WyDocument | None:
    """The file as a ``WyDocument``; None when it does not fit the types (or is no JSON)."""
    try:
        return _decode(data)
    except ValueError:  # msgspec.DecodeError, UnicodeDecodeError
        return None
