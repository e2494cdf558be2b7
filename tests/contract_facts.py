"""Facts about the v1 contracts that several tests pin, written once."""

from __future__ import annotations

from typing import Final

ISSUE_11_EVENT_FIELDS: Final = (
    "team_side",
    "receiver",
    "received_seconds",
    "under_pressure",
    "pass",
    "shot",
    "goalkeeper_action",
    "duel_kind",
    "metrics",
)
"""The additive MatchEvent v1 fields of issue 11, in the order the contract documents them."""
