"""StatsBomb's match facts as a domain ``MatchInfo``: the matches-file entry, the line-ups
file and what the events say (starting elevens, substitutions, period ends, goals).

StatsBomb's ``kick_off`` is the local time at the venue, without a zone. We read it in the
IANA zone of the stadium's country (a country with one zone only; a few stadiums where the
country's main zone is wrong are named); a country with several zones gives no UTC time.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING
from typing import Any
from typing import Final

from domain import DataVersion
from domain import Event
from domain import EventType
from domain import KickOff
from domain import LineupPlayer
from domain import MatchInfo
from domain import NamedRef
from domain import PeriodInfo
from domain import Place
from domain import PlayerRef
from domain import Side
from domain import Substitution
from domain import Team
from domain import TeamSheet

if TYPE_CHECKING:
    from processors.adapters.statsbomb.mapping import SbEvent
    from processors.adapters.statsbomb.mapping import SbLineupEntry

SOURCE: Final = "statsbomb"

# Countries with a single IANA zone for their football grounds (mainland Spain: see below).
COUNTRY_TIME_ZONES: Final[Mapping[str, str]] = {
    "Austria": "Europe/Vienna",
    "Azerbaijan": "Asia/Baku",
    "Belgium": "Europe/Brussels",
    "Croatia": "Europe/Zagreb",
    "Czech Republic": "Europe/Prague",
    "Denmark": "Europe/Copenhagen",
    "England": "Europe/London",
    "France": "Europe/Paris",
    "Germany": "Europe/Berlin",
    "Greece": "Europe/Athens",
    "Hungary": "Europe/Budapest",
    "Ireland": "Europe/Dublin",
    "Italy": "Europe/Rome",
    "Netherlands": "Europe/Amsterdam",
    "Northern Ireland": "Europe/London",
    "Norway": "Europe/Oslo",
    "Poland": "Europe/Warsaw",
    "Qatar": "Asia/Qatar",
    "Romania": "Europe/Bucharest",
    "Scotland": "Europe/London",
    "Spain": "Europe/Madrid",
    "Sweden": "Europe/Stockholm",
    "Switzerland": "Europe/Zurich",
    "Turkey": "Europe/Istanbul",
    "Wales": "Europe/London",
}

# Stadiums whose zone is not their country's main one (Spain's Canary Islands).
STADIUM_TIME_ZONES: Final[Mapping[str, str]] = {
    "Estadio de Gran Canaria": "Atlantic/Canary",
    "Estadio Gran Canaria": "Atlantic/Canary",
    "Estadio Heliodoro Rodríguez López": "Atlantic/Canary",
}

SCORE_DERIVATION: Final = "goals (shots scored) and own goals counted from the events"
INFO_TYPES: Final = frozenset(
    {EventType.STARTING_LINEUP, EventType.SUBSTITUTION, EventType.PERIOD_END}
)


class InfoFacts:
    """What the events say for the match info: starting elevens, substitutions, period ends."""

    def __init__(self) -> None:
        self.starters: dict[str, list[SbLineupEntry]] = {}
        self.substitutions: list[Substitution] = []
        self.period_ends: dict[int, float] = {}

    def add(self, event: Event, raw: SbEvent) -> None:
        if event.type is EventType.STARTING_LINEUP and raw.tactics is not None:
            self.starters.setdefault(event.team_id, []).extend(raw.tactics.lineup)
        elif event.type is EventType.SUBSTITUTION:
            replacement = None if raw.substitution is None else raw.substitution.replacement
            player_on = (
                None if replacement is None else PlayerRef(str(replacement.id), replacement.name)
            )
            self.substitutions.append(
                Substitution(
                    team_id=event.team_id,
                    period=event.period,
                    seconds=event.seconds,
                    minute=raw.minute,
                    player_off=PlayerRef(event.player_id, event.player_name),
                    player_on=player_on,
                    event_id=event.event_id,
                )
            )
        elif event.type is EventType.PERIOD_END:
            ends = self.period_ends
            ends[event.period] = max(event.seconds, ends.get(event.period, 0.0))


def _get(mapping: Any, *keys: str) -> Any:
    """``mapping[k1][k2]...`` or None when any step is missing or not an object."""
    for key in keys:
        if not isinstance(mapping, Mapping):
            return None
        mapping = mapping.get(key)
    return mapping


def _text(value: Any) -> str | None:
    """A provider string stripped of surrounding whitespace (StatsBomb has a few stray
    spaces and tabs in stadium names); None when absent or empty."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _id(value: Any) -> str | None:
    return None if value is None or isinstance(value, bool) else str(value)


def teams_from_entry(entry: Mapping[str, Any]) -> tuple[Team, Team] | None:
    """Home and away as the matches file names them."""
    try:
        home, away = entry["home_team"], entry["away_team"]
        return (
            Team(str(home["home_team_id"]), home["home_team_name"]),
            Team(str(away["away_team_id"]), away["away_team_name"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def kick_off(entry: Mapping[str, Any]) -> KickOff | None:
    """``match_date`` + ``kick_off`` (local at the venue) and their UTC time, when a zone
    for the venue is known."""
    date, time = entry.get("match_date"), entry.get("kick_off")
    if not isinstance(date, str) or not isinstance(time, str):
        return None
    try:
        local = datetime.fromisoformat(f"{date}T{time}")
    except ValueError:
        return None
    stadium = _text(_get(entry, "stadium", "name"))
    country = _text(_get(entry, "stadium", "country", "name"))
    why = "statsbomb kick_off is local time at the venue"
    if stadium is not None and stadium in STADIUM_TIME_ZONES:
        return KickOff.from_local(local, STADIUM_TIME_ZONES[stadium], f"{why}; zone of {stadium}")
    if country is None:
        return KickOff.from_local(local, None, f"{why}; the stadium's country is not given")
    zone = COUNTRY_TIME_ZONES.get(country)
    if zone is None:
        return KickOff.from_local(local, None, f"{why}; no single time zone known for {country}")
    return KickOff.from_local(local, zone, f"{why}; zone from stadium country {country}")


def _place(value: Any) -> Place | None:
    name = _text(_get(value, "name"))
    if name is None:
        return None
    return Place(_id(_get(value, "id")), name, _text(_get(value, "country", "name")))


def _named_ref(value: Any, id_key: str, name_key: str) -> NamedRef | None:
    ref = _id(_get(value, id_key))
    return None if ref is None else NamedRef(ref, _text(_get(value, name_key)))


def _players(
    team_id: str, lineups: list[Any] | None, starters: list[SbLineupEntry] | None
) -> tuple[LineupPlayer, ...]:
    """The team's line-up: every player of the line-ups file, starters marked from the
    Starting XI event (with the position it names); starters the file lacks are added."""
    started = {str(s.player.id): s for s in starters or ()}
    players: list[LineupPlayer] = []
    seen: set[str] = set()
    team_entry = next(
        (t for t in lineups or () if isinstance(t, Mapping) and str(t.get("team_id")) == team_id),
        None,
    )
    for item in _get(team_entry, "lineup") or ():
        player_id = _id(_get(item, "player_id"))
        if player_id is None or player_id in seen:
            continue
        seen.add(player_id)
        start = started.get(player_id)
        positions = _get(item, "positions")
        first = positions[0] if isinstance(positions, list) and positions else None
        position = (
            _text(start.position.name) if start is not None and start.position is not None else None
        ) or _text(_get(first, "position"))
        jersey = _get(item, "jersey_number")
        players.append(
            LineupPlayer(
                player_id=player_id,
                name=_text(_get(item, "player_name")) or player_id,
                nickname=_text(_get(item, "player_nickname")),
                jersey_number=jersey if isinstance(jersey, int) else None,
                position=position,
                starter=(player_id in started) if starters else None,
            )
        )
    for player_id, start in started.items():
        if player_id not in seen:
            players.append(
                LineupPlayer(
                    player_id=player_id,
                    name=start.player.name or player_id,
                    jersey_number=start.jersey_number,
                    position=None if start.position is None else _text(start.position.name),
                    starter=True,
                )
            )
    return tuple(players)


def _team_country(entry: Mapping[str, Any], side: Side, team_id: str) -> str | None:
    """``home_team.country.name`` (or ``away_team``'s), when that entry names this team."""
    team = entry.get(f"{side.value}_team")
    if _id(_get(team, f"{side.value}_team_id")) != team_id:
        return None
    return _text(_get(team, "country", "name"))


def build_match_info(
    match_id: str,
    home: Team,
    away: Team,
    *,
    sides_known: bool,
    goals: tuple[int, int],
    facts: InfoFacts,
    entry: Mapping[str, Any] | None,
    lineups: list[Any] | None,
) -> MatchInfo:
    entry = entry or {}
    teams = tuple(
        TeamSheet(
            team.team_id,
            team.name,
            side if sides_known else None,
            team_goals,
            _players(team.team_id, lineups, facts.starters.get(team.team_id)),
            country=_team_country(entry, side, team.team_id) if sides_known else None,
        )
        for team, side, team_goals in ((home, Side.HOME, goals[0]), (away, Side.AWAY, goals[1]))
    )
    if lineups:
        lineup_derivation = "statsbomb line-ups file; starters from the Starting XI events"
    elif facts.starters:
        lineup_derivation = "starters from the Starting XI events (no line-ups file)"
    else:
        lineup_derivation = None
    updated = _text(entry.get("last_updated"))
    return MatchInfo(
        source=SOURCE,
        match_id=match_id,
        teams=(teams[0], teams[1]),
        score_derivation=SCORE_DERIVATION,
        competition=_named_ref(entry.get("competition"), "competition_id", "competition_name"),
        season=_named_ref(entry.get("season"), "season_id", "season_name"),
        match_date=_text(entry.get("match_date")),
        kick_off=kick_off(entry),
        venue=_place(entry.get("stadium")),
        referee=_place(entry.get("referee")),
        substitutions=tuple(facts.substitutions),
        periods=tuple(
            PeriodInfo(period, duration_seconds=round(seconds, 3))
            for period, seconds in sorted(facts.period_ends.items())
        ),
        data_version=None if updated is None else DataVersion(updated, "statsbomb_last_updated"),
        lineup_derivation=lineup_derivation,
    )
