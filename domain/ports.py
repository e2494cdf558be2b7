"""Ports: what the application needs from the outside world, in domain terms only."""

from __future__ import annotations

from abc import ABC
from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

from domain.errors import InvalidRequest
from domain.manifest import ChangeSet
from domain.manifest import MatchManifest
from domain.match import Match

ProgressCallback = Callable[[int], None]
"""Called with the number of events published so far."""


@dataclass(frozen=True, slots=True)
class MatchQuery:
    """One match to read, with what the request says about it that a provider may not.

    ``home_team_id``: the team that played at home (Wyscout's files do not say).
    """

    match_id: str
    home_team_id: str | None = None

    def check(self, match: Match) -> None:
        """Raise InvalidRequest when the query's facts do not fit ``match``: a home team that
        plays in neither side, or that contradicts the provider's own home team."""
        home_id = self.home_team_id
        if home_id is None:
            return
        teams = (match.home.team_id, match.away.team_id)
        if home_id not in teams:
            raise InvalidRequest(
                f"home_team_id {home_id!r} is not a team of {match.source} match "
                f"{match.match_id} (its teams: {', '.join(teams)})"
            )
        if match.sides_known and home_id != match.home.team_id:
            raise InvalidRequest(
                f"home_team_id {home_id!r}: {match.source} says {match.home.team_id!r} "
                f"played at home in match {match.match_id}"
            )


@dataclass(frozen=True, slots=True)
class MatchScope:
    """What a backfill covers: one competition's season (both ids), or, with neither, every
    match the provider holds."""

    competition_id: int | None = None
    season_id: int | None = None

    @property
    def is_season(self) -> bool:
        return self.competition_id is not None and self.season_id is not None

    def describe(self) -> str:
        return "a season's matches" if self.is_season else "all its matches"


@dataclass(frozen=True, slots=True)
class ListedMatch:
    match_id: str
    version: str | None
    """The provider's version of the match at listing; None: never skipped."""


class MatchRepository(ABC):
    """Reads one match from a provider, and lists the matches a backfill covers."""

    source: str = "this source"
    """The provider's name, as in requests (``statsbomb``)."""

    @abstractmethod
    def get_match(self, match_id: str) -> Match:
        """Return the match with every raw event accounted for.

        Raises MatchNotFound, InvalidSourceData, SourceUnavailable or SourceUnauthorized.
        """

    def get_match_for(self, query: MatchQuery) -> Match:
        """The match a request names, with the request's facts (``MatchQuery``) applied.

        This default reads ``get_match`` and checks that the facts fit what the provider says
        (InvalidRequest otherwise). A provider whose files leave a fact out (Wyscout: which
        team was at home) overrides it to use the fact.
        """
        match = self.get_match(query.match_id)
        query.check(match)
        return match

    def list_matches(self, scope: MatchScope) -> list[ListedMatch]:
        """The matches in ``scope``, in the provider's order, each with its version.

        Raises InvalidRequest when the provider cannot list such a scope (this default),
        MatchNotFound when the scope does not exist, SourceUnavailable and the like.
        """
        raise InvalidRequest(f"{self.source} cannot list {scope.describe()}")


class EventPublisher(ABC):
    """Publishes a match: its events, its info and its manifest, all of them or none, at most
    once per job.

    A job may be attempted again after a crash. The publisher marks where a job's output
    starts (``checkpoint``) before the first attempt; a later attempt asks how many of the
    job's events were durably published since that mark (``published_since``) and publishes
    only when the answer is none. Only events count: the info and the manifest go in the same
    transaction, so they are there exactly when the events are.

    ``input_partition``: the partition of the request topic the job's request arrived in.
    Jobs of one input partition run one after another, and a publisher may fence by it
    (Kafka: the transactional id is that partition's), so it must be where the request really
    arrived, not where a partitioner would put the job id. None: the publisher derives one
    from the job id.
    """

    @abstractmethod
    def checkpoint(self, match_key: str) -> str:
        """An opaque mark of where events published for ``match_key`` now would start."""

    @abstractmethod
    def published_since(
        self, checkpoint: str, *, job_id: str, input_partition: int | None = None
    ) -> int:
        """Events of ``job_id`` durably published after ``checkpoint``.

        Earlier attempts of the job can no longer publish once this returns.
        """

    @abstractmethod
    def latest_manifest(self, match_key: str) -> MatchManifest | None:
        """The match's manifest as last durably published; None before its first publication."""

    def publish(
        self,
        match: Match,
        *,
        job_id: str,
        trace_id: str,
        input_partition: int | None = None,
        checkpoint: str | None = None,
        changes: ChangeSet | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> int:
        """Publish in one transaction: ``changes`` (the records of a change set computed
        against the match's latest manifest), the info when it changed (or the job is full)
        and the next manifest (its segment from ``checkpoint``, taken now when not given).
        Without ``changes``, the whole match against the latest manifest read after fencing
        (a full publication). A change set that publishes nothing writes nothing at all.
        Returns how many ``match-events`` records were written."""
        return self.publish_job(
            Publication(match, job_id, trace_id, input_partition, checkpoint, changes, on_progress)
        )

    @abstractmethod
    def publish_job(self, job: Publication) -> int:
        """``publish``, given as one value: what each publisher implements."""


@dataclass(frozen=True, slots=True)
class Publication:
    """What one job publishes (``EventPublisher.publish`` explains each part)."""

    match: Match
    job_id: str
    trace_id: str
    input_partition: int | None
    """The request topic's partition the job's request arrived in (None: derived)."""
    checkpoint: str | None
    """Where the job's output starts; None: taken at publication."""
    changes: ChangeSet | None
    """The change set to publish; None: the whole match against the latest manifest."""
    on_progress: ProgressCallback | None
