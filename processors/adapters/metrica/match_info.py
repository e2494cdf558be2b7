"""Metrica's match facts as a domain ``MatchInfo``: sides from the data (CSV ``Home``/``Away``,
EPTS ``idLocalTeam``), line-ups from the EPTS metadata (else the players seen in the events),
goals counted from the events, a content hash as the data version. The CSV games give no date,
kick-off, competition or officials; those stay empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Final

from domain import (
    DataVersion,
    Event,
    KickOff,
    LineupPlayer,
    MatchInfo,
    NamedRef,
    PeriodInfo,
    Side,
    Team,
    TeamSheet,
)
from domain.match_info import utc_text

if TYPE_CHECKING:
    from processors.adapters.metrica.mapping import MetricaGame

SOURCE: Final = "metrica"
SCORE_DERIVATION: Final = (
    "goals (shots scored) and own goals (BALL OUT through the acting team's own goal) "
    "counted from the events"
)


def _seen_players(team: Team, events: Iterable[Event]) -> tuple[LineupPlayer, ...]:
    """The team's players as the events name them (acting players and pass receivers)."""
    seen: dict[str, str] = {}
    for event in events:
        if event.team_id != team.team_id:
            continue
        if event.player_id and event.player_id not in seen:
            seen[event.player_id] = event.player_name or event.player_id
        if event.receiver_id and event.receiver_id not in seen:
            seen[event.receiver_id] = event.receiver_name or event.receiver_id
    return tuple(LineupPlayer(player_id, name) for player_id, name in seen.items())


def _kick_off(session_start: str | None) -> KickOff | None:
    if not session_start:
        return None
    try:
        moment = datetime.fromisoformat(session_start.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return KickOff(
        utc=utc_text(moment),
        local=None,
        time_zone=None,
        derivation=(
            "provider gives UTC: the EPTS metadata's Session Start, as written; how it "
            "relates to the first frame is not documented"
        ),
    )


def build_match_info(game: MetricaGame, events: list[Event], goals: tuple[int, int]) -> MatchInfo:
    metadata = game.metadata
    sheets = []
    for team, side, team_goals in (
        (game.home, Side.HOME, goals[0]),
        (game.away, Side.AWAY, goals[1]),
    ):
        if metadata is not None and metadata.roster:
            players = metadata.roster.lineup(team.team_id)
        else:
            players = _seen_players(team, events)
        sheets.append(TeamSheet(team.team_id, team.name, side, team_goals, players))
    if metadata is not None and metadata.roster:
        lineup_derivation = "EPTS metadata players (it does not say who started)"
    else:
        lineup_derivation = "players seen in the events (the CSV has no line-ups)"
    competition = None
    periods: tuple[PeriodInfo, ...] = ()
    kick_off = None
    if metadata is not None:
        if metadata.competition_id:
            competition = NamedRef(metadata.competition_id, metadata.competition_name)
        kick_off = _kick_off(metadata.session_start)
        periods = tuple(
            PeriodInfo(period, duration_seconds=round((end - start + 1) / game.frame_rate, 3))
            for period, (start, end) in sorted(metadata.period_frames.items())
        )
    return MatchInfo(
        source=SOURCE,
        match_id=game.match_id,
        teams=(sheets[0], sheets[1]),
        score_derivation=SCORE_DERIVATION,
        competition=competition,
        kick_off=kick_off,
        periods=periods,
        data_version=None if game.version is None else DataVersion(game.version, "content_sha256"),
        lineup_derivation=lineup_derivation,
    )
