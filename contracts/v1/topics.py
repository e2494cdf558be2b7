"""Topic names. A prefix (PITCHSTREAM_TOPIC_PREFIX) lets tests and tenants keep their own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class _Topic:
    """A topic of the application: its name after the ``Topics`` prefix."""

    def __init__(self, name: str, doc: str = "") -> None:
        self.name = name
        self.__doc__ = doc or f"``<prefix>{name}``"

    def __get__(self, topics: Any, owner: type | None = None) -> str:
        return f"{topics.prefix}{self.name}"


@dataclass(frozen=True, slots=True)
class Topics:
    prefix: str = ""
    app_id: str = "pitchstream"

    ingest_requests = _Topic("ingest-requests")
    ingest_dead_letters = _Topic("ingest-requests.dlq")
    match_events = _Topic("match-events")
    match_info = _Topic(
        "match-info",
        "Compacted, key ``<source>:<match_id>``: MatchInfo v1, written with the events.",
    )
    match_published = _Topic(
        "match-published",
        "Compacted, key ``<source>:<match_id>``: the match's manifest (MatchPublished v1), "
        "written in the same transaction as the job's events and MatchInfo.",
    )
    cdf_events = _Topic(
        "cdf-events", "Key ``<source>:<match_id>``: one CDF v0.3.2 event record per Kafka record."
    )
    cdf_matches = _Topic(
        "cdf-matches",
        "Key ``<source>:<match_id>``: the CDF match sheet and meta records of each match.",
    )
    cdf_dead_letters = _Topic(
        "match-published.dlq",
        "Manifests the CDF lane could not turn into CDF, with Kafka Connect error headers.",
    )
    job_updates = _Topic("job-updates")
    match_versions = _Topic(
        "match-versions",
        "Compacted, key ``<source>:<match_id>``: the version of its last successful backfill.",
    )

    @property
    def jobs_changelog(self) -> str:
        """Faust names a table's changelog ``<app id>-<table>-changelog``."""
        return f"{self.app_id}-jobs-changelog"
