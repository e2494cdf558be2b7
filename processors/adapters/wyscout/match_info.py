"""Wyscout's match facts as a domain ``MatchInfo``: what a v2 match file says, nothing more.

The file gives the two teams (``teams``) and their players (``players``: names as given, the
role as position), and its events. It says nothing of the competition, season, date,
kick-off, venue, referee, shirt numbers, starters, substitutions or periods' times: those stay
empty. Which team was at home is known only when the ingest request names ``home_team_id``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Final

from domain import DataVersion
from domain import MatchInfo
from domain import Side
from domain import Team
from domain import TeamSheet

if TYPE_CHECKING:
    from processors.adapters.wyscout.mapping import WyscoutMatchFile

SOURCE: Final = "wyscout"
SCORE_DERIVATION: Final = (
    "goals (shots and free-kick shots tagged 101) and own goals (any event tagged 102, "
    "counted for the other side) counted from the events"
)
LINEUP_DERIVATION: Final = (
    "the file's players map: names and roles as given; no shirt numbers, no starters"
)


def build_match_info(
    match_file: WyscoutMatchFile,
    home: Team,
    away: Team,
    *,
    sides_known: bool,
    goals: tuple[int, int],
) -> MatchInfo:
    """``home``/``away`` are the provider's first and second team when not ``sides_known``."""
    sheets = tuple(
        TeamSheet(
            team.team_id,
            team.name,
            side if sides_known else None,
            team_goals,
            match_file.roster.lineup(team.team_id),
        )
        for team, side, team_goals in ((home, Side.HOME, goals[0]), (away, Side.AWAY, goals[1]))
    )
    version = match_file.content_sha256
    return MatchInfo(
        source=SOURCE,
        match_id=match_file.match_id,
        teams=(sheets[0], sheets[1]),
        score_derivation=SCORE_DERIVATION,
        data_version=None if version is None else DataVersion(version, "content_sha256"),
        lineup_derivation=LINEUP_DERIVATION if match_file.roster else None,
    )
