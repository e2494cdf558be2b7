"""Line-ups as a provider's files list them (Wyscout, Stats Perform, Metrica's EPTS metadata):
players by id, each with the team they play for."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field

from domain import LineupPlayer


@dataclass(frozen=True, slots=True)
class Roster:
    """The file's players by id, in its order; ``team_of``: player id -> team id."""

    players: Mapping[str, LineupPlayer] = field(default_factory=dict)
    team_of: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.players)

    def lineup(self, team_id: str) -> tuple[LineupPlayer, ...]:
        """The team's players, in the file's order."""
        return tuple(p for i, p in self.players.items() if self.team_of.get(i) == team_id)
