"""Prometheus metrics, grouped in one object built on an injected registry.

Labels are bounded: source, status, reason — never a match id or job id.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry
from prometheus_client import Counter
from prometheus_client import Gauge
from prometheus_client import Histogram


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry = registry or CollectorRegistry()

        def counter(name: str, doc: str, *labels: str) -> Counter:
            return Counter(name, doc, list(labels), registry=registry)

        self.jobs = counter(
            "ingestion_jobs",
            "Ingestion jobs that ended, by source and final status",
            "source",
            "status",
        )
        self.events_emitted = counter(
            "ingestion_events_emitted", "Normalized events published on match-events", "source"
        )
        self.events_dropped = counter(
            "ingestion_events_dropped",
            "Raw provider events not emitted, by reason",
            "source",
            "reason",
        )
        self.events_unmapped = counter(
            "ingestion_events_unmapped",
            "Events whose provider type has no canonical type (emitted as generic)",
            "source",
        )
        self.job_duration = Histogram(
            "ingestion_job_duration_seconds",
            "Wall time of a job from start to its final state",
            ["source"],
            buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300),
            registry=registry,
        )
        self.jobs_in_flight = Gauge(
            "ingestion_jobs_in_flight", "Jobs running on this worker now", registry=registry
        )
        self.dead_letters = counter(
            "ingestion_dead_letters",
            "Ingest requests sent to the dead-letter topic, by reason",
            "reason",
        )
        self.duplicate_requests = counter(
            "ingestion_duplicate_requests", "Requests for a job that had already ended, ignored"
        )
        self.cdf_records = counter(
            "pitchstream_cdf_records",
            "Records the CDF lane committed, by topic and kind (event, match_sheet, meta, "
            "dead_letter)",
            "topic",
            "kind",
        )
        self.cdf_withheld = counter(
            "pitchstream_cdf_withheld",
            "MatchEvents the CDF lane did not write (no valid CDF record), by reason",
            "reason",
        )
        self.cdf_failures = counter(
            "pitchstream_cdf_lane_failures",
            "CDF lane attempts that failed and were retried (Kafka errors, lane restarts)",
            "stage",
        )
        self.cdf_lag = Gauge(
            "pitchstream_cdf_lane_lag_seconds",
            "Seconds between a manifest's commit and the CDF lane's commit of its batch",
            registry=registry,
        )
        self.cdf_batches = counter(
            "pitchstream_cdf_batches", "Manifests the CDF lane turned into a committed batch"
        )
        self.retries = counter(
            "ingestion_retries", "Attempts repeated after a transient error, by error code", "code"
        )
