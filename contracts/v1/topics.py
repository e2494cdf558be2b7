"""Topic names. A prefix (PITCHSTREAM_TOPIC_PREFIX) lets tests and tenants keep their own."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Topics:
    prefix: str = ""
    app_id: str = "pitchstream"

    @property
    def ingest_requests(self) -> str:
        return f"{self.prefix}ingest-requests"

    @property
    def ingest_dead_letters(self) -> str:
        return f"{self.prefix}ingest-requests.dlq"

    @property
    def match_events(self) -> str:
        return f"{self.prefix}match-events"

    @property
    def match_info(self) -> str:
        """Compacted, key ``<source>:<match_id>``: MatchInfo v1, written with the events."""
        return f"{self.prefix}match-info"

    @property
    def match_published(self) -> str:
        """Compacted, key ``<source>:<match_id>``: the match's manifest (MatchPublished v1),
        written in the same transaction as the job's events and MatchInfo."""
        return f"{self.prefix}match-published"

    @property
    def cdf_events(self) -> str:
        """Key ``<source>:<match_id>``: one CDF v0.3.2 event record per Kafka record."""
        return f"{self.prefix}cdf-events"

    @property
    def cdf_matches(self) -> str:
        """Key ``<source>:<match_id>``: the CDF match sheet and meta records of each match."""
        return f"{self.prefix}cdf-matches"

    @property
    def cdf_dead_letters(self) -> str:
        """Manifests the CDF lane could not turn into CDF, with Kafka Connect error headers."""
        return f"{self.prefix}match-published.dlq"

    @property
    def job_updates(self) -> str:
        return f"{self.prefix}job-updates"

    @property
    def match_versions(self) -> str:
        """Compacted, key ``<source>:<match_id>``: the version of its last successful backfill."""
        return f"{self.prefix}match-versions"

    @property
    def jobs_changelog(self) -> str:
        """Faust names a table's changelog ``<app id>-<table>-changelog``."""
        return f"{self.app_id}-jobs-changelog"
