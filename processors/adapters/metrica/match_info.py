"""Metrica's match facts as a domain ``MatchInfo``: sides from the data (CSV ``Home``/``Away``,
EPTS ``idLocalTeam``), line-ups from the EPTS metadata (else the players seen in the events),
goals counted from the events, a content hash as the data version. The CSV games give no date,
kick-off, competition or officials; those stay empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Final

from domain import DataVersion
from domain import Event
from domain import KickOff
from domain import LineupPlayer
from domain import MatchInfo
from domain import NamedRef
from domain import PeriodInfo
from domain import Side
from domain import Team
from domain import TeamSheet

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
    """No UTC kick-off: the EPTS Session Start is kept in words only. How it relates to the
    first frame is not documented (the sample's is 03:30 UTC in an anonymised match), so
    taking it as the kick-off would be a guess; a request may supply the kick-off instead."""
    if not session_start:
        return None
    return KickOff(
        utc=None,
        local=None,
        time_zone=None,
        derivation=(
            f"not given: the EPTS metadata's Session Start is {session_start.strip()}, but how "
            "it relates to the first frame is not documented, so it is not taken as the "
            "kick-off"
        ),
    )


FRAMES_DERIVATION: Final = (
    "EPTS metadata period frames: (last frame - first frame + 1) / frame rate"
)
CSV_DERIVATION: Final = (
    "CSV frames run straight through half-time: (Start Frame of the next period's first event "
    "- Start Frame of this period's first event) / frame rate (25 fps); event seconds count "
    "from each period's first event"
)


def csv_periods(period_starts: Mapping[int, float]) -> tuple[PeriodInfo, ...]:
    """Each period followed by another gets its length from the two periods' first frames
    (``period_starts``: seconds since the match's first frame); the last period's is unknown."""
    return tuple(
        PeriodInfo(
            period,
            duration_seconds=round(period_starts[period + 1] - start, 3),
            duration_derivation=CSV_DERIVATION,
        )
        for period, start in sorted(period_starts.items())
        if period + 1 in period_starts and period_starts[period + 1] >= start
    )


def build_match_info(
    game: MetricaGame,
    events: list[Event],
    goals: tuple[int, int],
    period_starts: Mapping[int, float] | None = None,
) -> MatchInfo:
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
    periods: tuple[PeriodInfo, ...] = csv_periods(period_starts or {})
    kick_off = None
    if metadata is not None:
        if metadata.competition_id:
            competition = NamedRef(metadata.competition_id, metadata.competition_name)
        kick_off = _kick_off(metadata.session_start)
        periods = tuple(
            PeriodInfo(
                period,
                duration_seconds=round((end - start + 1) / game.frame_rate, 3),
                duration_derivation=FRAMES_DERIVATION,
            )
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
