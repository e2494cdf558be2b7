"""IngestRequest v1: ask the worker to ingest one match, or a whole season (a backfill).

Topic ``ingest-requests``, key: the job id. Unknown fields are ignored (additive change).
A request names exactly one scope: ``match_id`` (one match); ``competition_id`` and
``season_id`` (a StatsBomb season); or ``all_matches`` (every Metrica game under the configured
root). A season or all-games request becomes a parent job that emits one child request per
match, with ``parent_job_id`` set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from typing import Final
from typing import Literal

import orjson

from contracts.codec import ContractError
from contracts.codec import field_meta
from contracts.codec import from_dict
from contracts.codec import loads
from contracts.codec import optional
from contracts.codec import to_dict

SOURCES: Final = ("statsbomb", "metrica", "wyscout", "statsperform")
# Providers whose matches are files under one root: ``all_matches`` backfills every one.
FOLDER_SOURCES: Final = ("metrica", "wyscout", "statsperform")
QUEUES: Final = ("default",)
JOB_ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$"
# A match id names a file or folder at the provider: no separators, no "..", printable ASCII.
MATCH_ID_PATTERN: Final = r"^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"
KICK_OFF_UTC_PATTERN: Final = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$"
MAX_REQUEST_BYTES: Final = 64 * 1024
JOB_ID_IN_WORDS: Final = (
    "use 1 to 128 letters, digits, '_', '.', ':' or '-', starting with a letter or digit"
)
MATCH_ID_IN_WORDS: Final = (
    "use 1 to 128 letters, digits, '_', '.' or '-', starting with a letter or digit, "
    "without '..' (no '/', spaces or control characters)"
)


@dataclass(frozen=True, slots=True)
class IngestRequest:
    job_id: str = field(
        metadata=field_meta(
            "Unique id of the job; the message key",
            pattern=JOB_ID_PATTERN,
            in_words=JOB_ID_IN_WORDS,
        )
    )
    source: Literal["statsbomb", "metrica", "wyscout", "statsperform"] = field(
        metadata=field_meta("The data provider")
    )
    match_id: str | None = optional(
        "The provider's match id; absent for a season or all-games backfill",
        pattern=MATCH_ID_PATTERN,
        in_words=MATCH_ID_IN_WORDS,
        maxLength=128,
    )
    queue: Literal["default"] = field(
        default="default", metadata=field_meta("The worker lane; 'default' is the CPU lane")
    )
    options: Mapping[str, str] = field(
        default_factory=dict,
        metadata=field_meta(
            "Provider options as strings; a worker ignores options it does not know",
            maxProperties=32,
        ),
    )
    competition_id: int | None = optional(
        "A StatsBomb competition to backfill (with season_id)", minimum=0
    )
    season_id: int | None = optional(
        "The StatsBomb season of competition_id to backfill", minimum=0
    )
    all_matches: bool = field(
        default=False,
        metadata=field_meta(
            "Backfill every match under the configured root (metrica, wyscout, statsperform)"
        ),
    )
    force: bool = field(
        default=False,
        metadata=field_meta("Backfill: ingest matches again even when unchanged since the last"),
    )
    parent_job_id: str | None = optional(
        "Set on a backfill's child: the parent job's id",
        pattern=JOB_ID_PATTERN,
        in_words=JOB_ID_IN_WORDS,
    )
    source_version: str | None = optional(
        "Set on a backfill's child: the match's version at listing (StatsBomb last_updated, "
        "a SHA-256 of a Metrica game's files); unchanged since the last success: skipped",
        maxLength=200,
    )

    home_team_id: str | None = optional(
        "One match only: the provider's id of the team that played at home, for providers "
        "whose data does not say (wyscout); it must name one of the match's teams (and "
        "agree with the provider when the provider says), else the job fails with "
        "invalid_request",
        minLength=1,
        maxLength=128,
    )

    full: bool = field(
        default=False,
        metadata=field_meta(
            "Republish the whole match (every event, its info, a full manifest) instead of only "
            "what changed since its last publication; a backfill passes it to every match"
        ),
    )

    kick_off_utc: str | None = optional(
        "One match only: the kick-off in UTC (RFC 3339, e.g. 2019-02-21T19:30:00Z); it "
        "replaces the provider's in the published MatchInfo, whose derivation then says "
        "'supplied by the ingest request' (and what the provider said)",
        pattern=KICK_OFF_UTC_PATTERN,
        in_words="use YYYY-MM-DDTHH:MM:SSZ (UTC, optional fraction of a second)",
    )
    neutral_venue: bool | None = optional(
        "One match only: whether the match was played at a neutral venue; it replaces the "
        "provider's in the published MatchInfo (neutral_venue, derivation 'supplied by the "
        "ingest request')"
    )

    def __post_init__(self) -> None:
        problem = scope_problem(self)
        if problem:
            raise ContractError(problem)

    @property
    def is_backfill(self) -> bool:
        """A season or all-games request: a parent job that fans out one child per match."""
        return self.match_id is None


def scope_problem(request: IngestRequest) -> str | None:
    """Why the request does not name exactly one scope, or None when it does."""
    season = request.competition_id is not None or request.season_id is not None
    if request.home_team_id is not None and request.match_id is None:
        return "home_team_id: only with match_id (one match), not on a backfill"
    if request.kick_off_utc is not None:
        if request.match_id is None:
            return "kick_off_utc: only with match_id (one match), not on a backfill"
        try:
            datetime.fromisoformat(request.kick_off_utc.replace("Z", "+00:00"))
        except ValueError:
            return f"kick_off_utc: {request.kick_off_utc!r} is not a valid time"
    if request.neutral_venue is not None and request.match_id is None:
        return "neutral_venue: only with match_id (one match), not on a backfill"
    if request.match_id is not None:
        if season or request.all_matches:
            return (
                "match_id: give match_id, or competition_id and season_id, or all_matches; "
                "not more than one"
            )
        return None
    if request.parent_job_id is not None:
        return "match_id: required on a child request (parent_job_id is set)"
    if season:
        if request.all_matches:
            return "all_matches: not with competition_id and season_id"
        if request.competition_id is None or request.season_id is None:
            return "competition_id and season_id: give both to backfill a season"
        if request.source != "statsbomb":
            return f"competition_id: {request.source} has no competitions; use all_matches"
        return None
    if request.all_matches:
        if request.source not in FOLDER_SOURCES:
            return (
                f"all_matches: {', '.join(FOLDER_SOURCES)} only; a statsbomb backfill names "
                "competition_id and season_id"
            )
        return None
    return (
        "match_id: required field is missing (a backfill names competition_id and season_id "
        "for statsbomb, or all_matches for a folder provider, instead)"
    )


# A backfill names no home team, kick-off or venue (null is the same as absent).
_HOME_TEAM_GIVEN: Final = {
    "anyOf": [
        {"required": ["home_team_id"], "properties": {"home_team_id": {"type": "string"}}},
        {"required": ["kick_off_utc"], "properties": {"kick_off_utc": {"type": "string"}}},
        {"required": ["neutral_venue"], "properties": {"neutral_venue": {"type": "boolean"}}},
    ]
}
SCOPE_SCHEMA: Final = {
    "oneOf": [
        {
            "title": "one match",
            "required": ["match_id"],
            "properties": {"match_id": {"type": "string"}},
        },
        {
            "title": "a StatsBomb season",
            "required": ["competition_id", "season_id"],
            "properties": {
                "source": {"const": "statsbomb"},
                "competition_id": {"type": "integer"},
                "season_id": {"type": "integer"},
            },
            "not": _HOME_TEAM_GIVEN,
        },
        {
            "title": "every game under the configured root (Metrica, Wyscout, Stats Perform)",
            "required": ["all_matches"],
            "properties": {
                "source": {"enum": list(FOLDER_SOURCES)},
                "all_matches": {"const": True},
            },
            "not": _HOME_TEAM_GIVEN,
        },
    ]
}
"""Exactly one scope (JSON Schema); the decoder also refuses a child without a match_id."""


def encode_ingest_request(request: IngestRequest) -> bytes:
    return orjson.dumps(to_dict(request))


def decode_ingest_request(payload: bytes) -> IngestRequest:
    """Decode untrusted bytes; raises ContractError saying what is wrong."""
    if len(payload) > MAX_REQUEST_BYTES:
        raise ContractError(f"request is {len(payload)} bytes, more than {MAX_REQUEST_BYTES}")
    return from_dict(IngestRequest, loads(payload, "request"))
