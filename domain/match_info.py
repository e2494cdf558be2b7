"""What a provider says about a match beyond its events: competition, kick-off, venue,
referee, the two teams with their line-ups, substitutions, periods and the data's version.

Every field holds only what the provider says (or what follows from it exactly); a value it
does not give is None, never guessed. Where a value was derived, a ``derivation`` text says how.
Times are ISO 8601 text: UTC with a ``Z``, or a provider's local time without a zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace
from datetime import UTC
from datetime import datetime
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

from domain.vocabulary import Side


@dataclass(frozen=True, slots=True)
class NamedRef:
    """A competition or a season: the provider's id and, when given, its name."""

    id: str
    name: str | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """A venue or an official: the provider's id when it has one, a name, a country."""

    id: str | None
    name: str
    country: str | None = None


@dataclass(frozen=True, slots=True)
class KickOff:
    utc: str | None
    """``YYYY-MM-DDTHH:MM:SSZ`` when known."""
    local: str | None
    """The local time as the provider gives it, without a zone."""
    time_zone: str | None
    """The IANA zone the local time was read in."""
    derivation: str
    """How ``utc`` was obtained (or why it was not)."""

    @classmethod
    def from_local(cls, local: datetime, zone: str | None, why: str) -> KickOff:
        """A provider's local time read in ``zone`` (an IANA name); no zone, no UTC."""
        text = local.replace(tzinfo=None).isoformat(timespec="seconds")
        if zone is None:
            return cls(None, text, None, why)
        try:
            aware = local.replace(tzinfo=ZoneInfo(zone))
        except (ZoneInfoNotFoundError, ValueError):
            return cls(None, text, None, f"{why}; unknown time zone {zone!r}")
        return cls(utc_text(aware), text, zone, why)


def utc_text(moment: datetime) -> str:
    """An aware datetime as ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``."""
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    spec = "seconds" if utc.microsecond == 0 else "microseconds"
    return utc.isoformat(timespec=spec) + "Z"


@dataclass(frozen=True, slots=True)
class LineupPlayer:
    player_id: str
    name: str
    first_name: str | None = None
    last_name: str | None = None
    nickname: str | None = None
    jersey_number: int | None = None
    position: str | None = None
    """The position the provider names for the player's start (or first appearance)."""
    starter: bool | None = None
    """None when the provider does not say who started."""


@dataclass(frozen=True, slots=True)
class TeamSheet:
    team_id: str
    name: str
    side: Side | None
    """``home``/``away``; None when the provider does not say who was at home."""
    goals: int
    players: tuple[LineupPlayer, ...] = ()
    country: str | None = None
    """The country the provider names for the team (a club's or a national team's)."""

    def __post_init__(self) -> None:
        if not self.team_id:
            raise ValueError("a team sheet needs a team id")
        if self.goals < 0:
            raise ValueError(f"team {self.team_id}: negative goals")
        ids = [p.player_id for p in self.players]
        if len(set(ids)) != len(ids):
            raise ValueError(f"team {self.team_id}: a player appears twice in the line-up")


@dataclass(frozen=True, slots=True)
class PlayerRef:
    player_id: str
    name: str


@dataclass(frozen=True, slots=True)
class Substitution:
    team_id: str
    period: int
    seconds: float
    """Seconds since the start of ``period``."""
    minute: int | None
    """The match clock's minute as the provider gives it."""
    player_off: PlayerRef
    player_on: PlayerRef | None
    event_id: str | None
    """Our ``event_id`` of the substitution event, when there is one."""


@dataclass(frozen=True, slots=True)
class PeriodInfo:
    period: int
    start_utc: str | None = None
    end_utc: str | None = None
    duration_seconds: float | None = None
    duration_derivation: str | None = None
    """How ``duration_seconds`` was obtained, when it was derived (e.g. from frames)."""


@dataclass(frozen=True, slots=True)
class DataVersion:
    value: str
    kind: str
    """``statsbomb_last_updated``, ``statsperform_last_updated`` or ``content_sha256``."""


REQUEST_DERIVATION = "supplied by the ingest request"
"""How a value the ingest request gave (not the provider) is marked in its ``derivation``."""


@dataclass(frozen=True, slots=True)
class NeutralVenue:
    """Whether the match was played at a neutral venue, as somebody said it."""

    value: bool
    derivation: str
    """Who said it: the provider's field, or ``REQUEST_DERIVATION``."""


@dataclass(frozen=True, slots=True)
class MatchInfo:
    """What one provider says about one match beyond its events."""

    source: str
    match_id: str
    teams: tuple[TeamSheet, TeamSheet]
    """Exactly two; home first when the provider says which side was at home."""
    score_derivation: str
    competition: NamedRef | None = None
    season: NamedRef | None = None
    match_date: str | None = None
    """``YYYY-MM-DD`` as the provider gives it (the local date at the venue)."""
    kick_off: KickOff | None = None
    venue: Place | None = None
    referee: Place | None = None
    substitutions: tuple[Substitution, ...] = ()
    periods: tuple[PeriodInfo, ...] = ()
    data_version: DataVersion | None = None
    lineup_derivation: str | None = None
    """Where the line-ups come from (a line-ups file, a metadata file, the events)."""
    neutral_venue: NeutralVenue | None = None
    """When the provider (or the request) says whether the venue was neutral."""

    def __post_init__(self) -> None:
        if not self.source or not self.match_id:
            raise ValueError("match info needs a source and a match id")
        if len(self.teams) != 2 or self.teams[0].team_id == self.teams[1].team_id:
            raise ValueError(f"match {self.match_id}: match info needs two different teams")
        sides = [team.side for team in self.teams]
        if sides not in ([None, None], [Side.HOME, Side.AWAY]):
            raise ValueError(f"match {self.match_id}: sides must be home, away or both unknown")

    @property
    def sides_known(self) -> bool:
        return self.teams[0].side is Side.HOME

    @property
    def key(self) -> str:
        return f"{self.source}:{self.match_id}"


def with_request_facts(
    info: MatchInfo, *, kick_off_utc: str | None = None, neutral_venue: bool | None = None
) -> MatchInfo:
    """``info`` with what an ingest request supplied. The request wins over the provider (it
    is how an operator corrects a provider); the derivation says the value came from the
    request and what the provider had said, so nothing is lost and nothing is invented."""
    changes: dict[str, object] = {}
    if kick_off_utc is not None:
        before = info.kick_off
        said = ""
        if before is not None and (before.utc or before.local):
            said = f"; the provider said {before.utc or before.local} ({before.derivation})"
        elif before is not None:
            said = f"; the provider gave no UTC kick-off ({before.derivation})"
        changes["kick_off"] = KickOff(kick_off_utc, None, None, REQUEST_DERIVATION + said)
    if neutral_venue is not None:
        before_venue = info.neutral_venue
        said = ""
        if before_venue is not None:
            said = (
                f"; the provider said {str(before_venue.value).lower()} ({before_venue.derivation})"
            )
        changes["neutral_venue"] = NeutralVenue(neutral_venue, REQUEST_DERIVATION + said)
    return replace(info, **changes) if changes else info  # type: ignore[arg-type]
