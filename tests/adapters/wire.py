"""A match as its consumers see it on the wire: the decoded MatchInfo and MatchEvent payloads."""

from __future__ import annotations

from typing import Any

import orjson

from contracts.v1 import encode_match_event
from contracts.v1 import encode_match_info
from domain import Match


def on_the_wire(match: Match) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(MatchInfo payload, MatchEvent payloads in order), as published and decoded."""
    assert match.info is not None
    info = orjson.loads(encode_match_info(match.info))
    events = [orjson.loads(encode_match_event(match, e, i)) for i, e in enumerate(match.events)]
    return info, events
