"""MatchInfo v1: what a provider says about a match beyond its events (contracts/README.md).

Topic ``match-info``, compacted, key ``<source>:<match_id>``: the latest record of a match is
its current info. Plain JSON. Every field holds only what the provider says; a value it does
not give is null, and a derived value says how it was derived.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Final

import orjson

from contracts.codec import ContractError
from contracts.codec import field_meta
from contracts.codec import from_dict
from contracts.codec import loads
from contracts.codec import optional
from contracts.codec import to_dict
from contracts.v1.shared import PROVIDER
from contracts.v1.shared import PROVIDER_MATCH_ID
from domain import MatchInfo as DomainMatchInfo
from domain import Side

SCHEMA_ID: Final = "https://pitchstream.io/schemas/v1/match-info.json"
CE_TYPE: Final = "io.pitchstream.match-info.v1"
_PLAYER_ID: Final = field_meta("The provider's player id")
_PLAYER_NAME: Final = field_meta("The provider's player name")
_WHEN_GIVEN: Final = "When the provider gives it"


@dataclass(frozen=True, slots=True)
class NamedRef:
    id: str = field(metadata=field_meta("The provider's id"))
    name: str | None = optional("The provider's name")


@dataclass(frozen=True, slots=True)
class Place:
    id: str | None = field(metadata=field_meta("The provider's id, when it has one"))
    name: str = field(metadata=field_meta("The name, surrounding whitespace removed"))
    country: str | None = optional("The country's name")


@dataclass(frozen=True, slots=True)
class KickOff:
    utc: str | None = field(metadata=field_meta("Kick-off in UTC, YYYY-MM-DDTHH:MM:SSZ"))
    local: str | None = field(
        metadata=field_meta("Local time as the provider gives it, without a zone")
    )
    time_zone: str | None = field(metadata=field_meta("IANA zone the local time was read in"))
    derivation: str = field(metadata=field_meta("How utc was obtained, or why it was not"))


@dataclass(frozen=True, slots=True)
class LineupPlayer:
    player_id: str = field(metadata=_PLAYER_ID)
    name: str = field(metadata=_PLAYER_NAME)
    first_name: str | None = optional(_WHEN_GIVEN)
    last_name: str | None = optional(_WHEN_GIVEN)
    nickname: str | None = optional(_WHEN_GIVEN)
    jersey_number: int | None = optional("Shirt number")
    position: str | None = optional("The provider's position name at the player's start")
    starter: bool | None = optional("Started the match; null when the provider does not say")


@dataclass(frozen=True, slots=True)
class TeamSheet:
    team_id: str = field(metadata=field_meta("The provider's team id"))
    name: str = field(metadata=field_meta("The provider's team name"))
    side: Side | None = field(
        metadata=field_meta("home or away; null when the provider does not say")
    )
    goals: int = field(metadata=field_meta("Goals credited to the team, own goals included"))
    players: tuple[LineupPlayer, ...] = field(
        default=(), metadata=field_meta("The line-up (see lineup_derivation)")
    )
    country: str | None = optional(
        "The team's country as the provider names it (additive, optional)"
    )


@dataclass(frozen=True, slots=True)
class PlayerRef:
    player_id: str = field(metadata=_PLAYER_ID)
    name: str = field(metadata=_PLAYER_NAME)


@dataclass(frozen=True, slots=True)
class Substitution:
    team_id: str = field(metadata=field_meta("The team making the substitution"))
    period: int = field(metadata=field_meta("Period", minimum=1, maximum=5))
    seconds: float = field(metadata=field_meta("Seconds since the period start", minimum=0))
    minute: int | None = field(metadata=field_meta("The match clock's minute, as given"))
    player_off: PlayerRef = field(metadata=field_meta("The player leaving"))
    player_on: PlayerRef | None = field(metadata=field_meta("The player coming on"))
    event_id: str | None = field(metadata=field_meta("Our event_id of the substitution event"))


@dataclass(frozen=True, slots=True)
class PeriodInfo:
    period: int = field(metadata=field_meta("Period", minimum=1, maximum=5))
    start_utc: str | None = optional("Start in UTC, when known")
    end_utc: str | None = optional("End in UTC, when known")
    duration_seconds: float | None = optional("Length of the period, when known", minimum=0)
    duration_derivation: str | None = optional(
        "How duration_seconds was derived, when it was (additive)"
    )


@dataclass(frozen=True, slots=True)
class DataVersion:
    value: str = field(metadata=field_meta("The version value"))
    kind: str = field(
        metadata=field_meta("statsbomb_last_updated, statsperform_last_updated or content_sha256")
    )


@dataclass(frozen=True, slots=True)
class NeutralVenue:
    value: bool = field(metadata=field_meta("True when the match was played at a neutral venue"))
    derivation: str = field(
        metadata=field_meta(
            "Who said it: the provider's field, or 'supplied by the ingest request'"
        )
    )


@dataclass(frozen=True, slots=True)
class MatchInfo:
    source: str = field(metadata=PROVIDER)
    match_id: str = field(metadata=PROVIDER_MATCH_ID)
    teams: tuple[TeamSheet, ...] = field(
        metadata=field_meta("Exactly two; home first when known", minItems=2, maxItems=2)
    )
    score_derivation: str = field(metadata=field_meta("How the teams' goals were counted"))
    competition: NamedRef | None = optional("Competition")
    season: NamedRef | None = optional("Season")
    match_date: str | None = optional("YYYY-MM-DD as the provider gives it")
    kick_off: KickOff | None = optional("Scheduled kick-off")
    venue: Place | None = optional("Venue")
    referee: Place | None = optional("Referee")
    substitutions: tuple[Substitution, ...] = field(
        default=(), metadata=field_meta("Substitutions in match order")
    )
    periods: tuple[PeriodInfo, ...] = field(
        default=(), metadata=field_meta("Periods, where the provider says something of them")
    )
    data_version: DataVersion | None = optional("The provider's version of this match's data")
    lineup_derivation: str | None = optional("Where the line-ups come from")
    neutral_venue: NeutralVenue | None = optional(
        "Whether the venue was neutral, when the provider or the request says (additive)"
    )


def match_info_payload(info: DomainMatchInfo) -> dict[str, Any]:
    """The v1 payload of a match's info as plain JSON values."""
    payload: dict[str, Any] = to_dict(info)
    return payload


def encode_match_info(info: DomainMatchInfo) -> bytes:
    return orjson.dumps(match_info_payload(info))


def decode_match_info(payload: bytes) -> MatchInfo:
    info = from_dict(MatchInfo, loads(payload, "match info"))
    if len(info.teams) != 2:
        raise ContractError(f"teams: expected exactly two, got {len(info.teams)}")
    return info
