"""Stats Perform's match facts as a domain ``MatchInfo``, from MA1 (else MA3's own
``matchInfo``) and the MA3 events; each field only when the feed says it.

- competition, season (``tournamentCalendar``), ``localDate``, venue, referee (the ``Main``
  match official of ``matchDetailsExtra``) as given;
- kick-off: ``date`` + ``time`` are UTC (both end in ``Z``), ``localDate`` + ``localTime`` the
  local time as given; no time zone is named, none is guessed;
- home and away from ``contestant[].position``; goals counted from the events;
- line-ups from MA1 ``liveData.lineUp``: starters have a ``formationPlace``, substitutes the
  position ``Substitute`` (their ``subPosition`` is their position);
- substitutions from ``liveData.substitute`` (MA1, else MA3), each tied to its MA3 Player off
  event; without that list, from the MA3 Player off (18) events and the Player on (19) events
  their qualifier 55 names;
- periods from the MA3 Start (32) and End (30) events' time stamps (the times events' seconds
  count from), else ``matchDetails.period``;
- data version: ``matchInfo.lastUpdated`` when given, else a SHA-256 of the files.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING
from typing import Any
from typing import Final

from domain import DataVersion
from domain import Event
from domain import EventType
from domain import KickOff
from domain import MatchInfo
from domain import NamedRef
from domain import NeutralVenue
from domain import PeriodInfo
from domain import Place
from domain import PlayerRef
from domain import Side
from domain import Substitution
from domain import TeamSheet
from domain.match_info import utc_text
from processors.adapters.mapping import DroppedEvent
from processors.adapters.statsperform.raw import SpEvent

if TYPE_CHECKING:
    from processors.adapters.statsperform.mapping import StatsPerformMatchFile

SOURCE: Final = "statsperform"
SCORE_DERIVATION: Final = (
    "goals (type 16) and own goals (type 16 with qualifier 28, counted for the other side) "
    "counted from the MA3 events"
)
PLAYER_OFF_TYPE: Final = 18
PLAYER_ON_TYPE: Final = 19
PERIOD_END_TYPE: Final = 30
PERIOD_START_TYPE: Final = 32
RELATED_EVENT: Final = 55


def _object(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value.strip() or None if isinstance(value, str) else None


def _utc(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _named(value: Any) -> NamedRef | None:
    entry = _object(value)
    ref_id = _text(entry.get("id"))
    return None if ref_id is None else NamedRef(ref_id, _text(entry.get("name")))


def _kick_off(info: Mapping[str, Any]) -> KickOff | None:
    date, time = _text(info.get("date")), _text(info.get("time"))
    utc = None
    if date and time and date.endswith("Z") and time.endswith("Z"):
        moment = _utc(f"{date[:-1]}T{time}")
        utc = None if moment is None else utc_text(moment)
    local_date, local_time = _text(info.get("localDate")), _text(info.get("localTime"))
    local = None
    if local_date and local_time:
        try:
            local = datetime.fromisoformat(f"{local_date}T{local_time}").isoformat()
        except ValueError:
            local = None
    if utc is None and local is None:
        return None
    return KickOff(
        utc=utc,
        local=local,
        time_zone=None,
        derivation=(
            "provider gives UTC (matchInfo date and time); local is localDate and localTime "
            "as given; the feed names no time zone"
        ),
    )


def _match_date(info: Mapping[str, Any]) -> str | None:
    local_date = _text(info.get("localDate"))
    if local_date:
        return local_date
    date = _text(info.get("date"))
    return date.removesuffix("Z") if date else None


def _venue(info: Mapping[str, Any]) -> Place | None:
    venue = _object(info.get("venue"))
    name = _text(venue.get("longName")) or _text(venue.get("shortName"))
    return None if name is None else Place(_text(venue.get("id")), name)


def _neutral_venue(info: Mapping[str, Any]) -> NeutralVenue | None:
    """Opta's ``venue.neutral``: "yes" or "no"; anything else says nothing."""
    said = _text(_object(info.get("venue")).get("neutral"))
    if said not in ("yes", "no"):
        return None
    return NeutralVenue(said == "yes", f'Stats Perform matchInfo venue.neutral "{said}"')


def _referee(live_data: Mapping[str, Any]) -> Place | None:
    officials = _object(live_data.get("matchDetailsExtra")).get("matchOfficial") or ()
    for official in officials:
        official = _object(official)
        if official.get("type") != "Main":
            continue
        name = " ".join(
            part
            for part in (_text(official.get("firstName")), _text(official.get("lastName")))
            if part
        )
        if name:
            return Place(_text(official.get("id")), name)
    return None


def _clock_minute(entry: Mapping[str, Any]) -> int | None:
    """The minute of ``timeMinSec`` ("60:46" is minute 60, as the MA3 events count it;
    MA1's ``timeMin`` 61 is the minute being played)."""
    text = _text(entry.get("timeMinSec"))
    if text and ":" in text and text.split(":", 1)[0].isdigit():
        return int(text.split(":", 1)[0])
    return None


def _substitutions(
    match_file: StatsPerformMatchFile,
    raws: Sequence[SpEvent | DroppedEvent],
    events: Sequence[Event],
    starts: Mapping[int, datetime],
) -> tuple[Substitution, ...]:
    offs = {
        (e.team_id, e.player_id, e.period): e
        for e in events
        if e.type is EventType.PLAYER_OFF and e.source_type == "Player off"
    }
    listed = [
        _object(entry)
        for entry in (
            match_file.ma1_live_data.get("substitute")
            or match_file.ma3_live_data.get("substitute")
            or ()
        )
    ]
    if not listed:
        return _substitutions_from_events(raws, events)
    found = []
    for entry in listed:
        team_id = _text(entry.get("contestantId")) or ""
        off_id = _text(entry.get("playerOffId"))
        period = entry.get("periodId")
        if not off_id or not isinstance(period, int) or isinstance(period, bool):
            continue
        event = offs.get((team_id, off_id, period))
        if event is not None:
            seconds: float | None = event.seconds
        else:
            stamp, start = _utc(entry.get("timestamp")), starts.get(period)
            seconds = None if stamp is None or start is None else (stamp - start).total_seconds()
        if seconds is None or not 1 <= period <= 5:
            continue
        on_id = _text(entry.get("playerOnId"))
        found.append(
            Substitution(
                team_id=team_id,
                period=period,
                seconds=max(0.0, seconds),
                minute=_clock_minute(entry),
                player_off=PlayerRef(off_id, _text(entry.get("playerOffName")) or off_id),
                player_on=None
                if on_id is None
                else PlayerRef(on_id, _text(entry.get("playerOnName")) or on_id),
                event_id=None if event is None else event.event_id,
            )
        )
    return tuple(found)


def _substitutions_from_events(
    raws: Sequence[SpEvent | DroppedEvent], events: Sequence[Event]
) -> tuple[Substitution, ...]:
    """MA3 alone: each Player off (18) and the Player on (19) its qualifier 55 names (Opta's
    per-team ``eventId``); the clock minute from the Player off's ``timeMin``."""
    by_team_event_id: dict[tuple[str, str], SpEvent] = {}
    for raw in raws:
        if type(raw) is SpEvent and raw.typeId == PLAYER_ON_TYPE:
            by_team_event_id.setdefault((raw.contestantId or "", str(raw.eventId)), raw)
    found = []
    for event in events:
        if event.type is not EventType.PLAYER_OFF or event.source_type != "Player off":
            continue
        off = raws[event.index - 1]  # the raw event it was mapped from
        if type(off) is not SpEvent:
            continue  # not reached: kept events come from structs
        related = next(
            (str(q.value) for q in off.qualifier or () if q.qualifierId == RELATED_EVENT), None
        )
        on = by_team_event_id.get((event.team_id, related)) if related else None
        found.append(
            Substitution(
                team_id=event.team_id,
                period=event.period,
                seconds=event.seconds,
                minute=off.timeMin,
                player_off=PlayerRef(event.player_id, event.player_name or event.player_id),
                player_on=None
                if on is None or not on.playerId
                else PlayerRef(on.playerId, on.playerName or on.playerId),
                event_id=event.event_id,
            )
        )
    return tuple(found)


def _first_stamps(
    raws: Iterable[SpEvent | DroppedEvent],
) -> tuple[dict[int, datetime], dict[int, datetime]]:
    """The first time stamp of each period's Start (32) and End (30) events, periods 1-5."""
    starts: dict[int, datetime] = {}
    ends: dict[int, datetime] = {}
    for raw in raws:
        if type(raw) is not SpEvent:
            continue
        type_id = raw.typeId
        if type_id != PERIOD_START_TYPE and type_id != PERIOD_END_TYPE:
            continue
        period, stamp = raw.periodId, _utc(raw.timeStamp)
        if period is not None and 1 <= period <= 5 and stamp is not None:
            (starts if type_id == PERIOD_START_TYPE else ends).setdefault(period, stamp)
    return starts, ends


def _periods(
    match_file: StatsPerformMatchFile, raws: Sequence[SpEvent | DroppedEvent]
) -> tuple[PeriodInfo, ...]:
    starts, ends = _first_stamps(raws)
    details = _object(match_file.ma1_live_data.get("matchDetails")) or _object(
        match_file.ma3_live_data.get("matchDetails")
    )
    for entry in details.get("period") or ():
        entry = _object(entry)
        period = entry.get("id")
        if not isinstance(period, int) or not 1 <= period <= 5:
            continue
        start, end = _utc(entry.get("start")), _utc(entry.get("end"))
        if start is not None:
            starts.setdefault(period, start)
        if end is not None:
            ends.setdefault(period, end)
    periods = []
    for period in sorted(starts.keys() | ends.keys()):
        start, end = starts.get(period), ends.get(period)
        duration = None
        if start is not None and end is not None and end >= start:
            duration = round((end - start).total_seconds(), 3)
        periods.append(
            PeriodInfo(
                period,
                None if start is None else utc_text(start),
                None if end is None else utc_text(end),
                duration,
            )
        )
    return tuple(periods)


def last_updated(info: Mapping[str, Any]) -> str | None:
    """``matchInfo.lastUpdated``: the data version when given."""
    return _text(info.get("lastUpdated"))


def build_match_info(
    match_file: StatsPerformMatchFile,
    raws: Sequence[SpEvent | DroppedEvent],
    events: Sequence[Event],
    goals: tuple[int, int],
    starts: Mapping[int, datetime],
) -> MatchInfo:
    """``raws`` are the match's raw events as read (``raw.sp_events``), ``events`` its kept
    events; ``starts`` the periods' starts they count from."""
    info = match_file.match_info
    home, away = match_file.teams
    sheets = tuple(
        TeamSheet(
            team.team_id,
            team.name,
            side if match_file.sides_known else None,
            team_goals,
            match_file.roster.lineup(team.team_id),
        )
        for team, side, team_goals in ((home, Side.HOME, goals[0]), (away, Side.AWAY, goals[1]))
    )
    updated = last_updated(info)
    if updated is not None:
        version: DataVersion | None = DataVersion(updated, "statsperform_last_updated")
    elif match_file.content_sha256 is not None:
        version = DataVersion(match_file.content_sha256, "content_sha256")
    else:
        version = None
    return MatchInfo(
        source=SOURCE,
        match_id=match_file.match_id,
        teams=(sheets[0], sheets[1]),
        score_derivation=SCORE_DERIVATION,
        competition=_named(info.get("competition")),
        season=_named(info.get("tournamentCalendar")),
        match_date=_match_date(info),
        kick_off=_kick_off(info),
        venue=_venue(info),
        referee=_referee(match_file.ma1_live_data),
        substitutions=_substitutions(match_file, raws, events, starts),
        periods=_periods(match_file, raws),
        data_version=version,
        lineup_derivation=(
            "MA1 liveData.lineUp (starters: a formationPlace; substitutes: position "
            "Substitute, their subPosition as position)"
            if match_file.roster
            else None
        ),
        neutral_venue=_neutral_venue(info),
    )
