"""Topics are created explicitly, with the partition counts we mean.

Faust checks that a table's changelog and the streams that write it have the same number of
partitions; broker auto-creation would give them different counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient
from confluent_kafka.admin import NewTopic

from processors.settings import Settings


@dataclass(frozen=True, slots=True)
class TopicSpec:
    name: str
    partitions: int
    config: tuple[tuple[str, str], ...] = ()


def topic_specs(settings: Settings) -> list[TopicSpec]:
    topics = settings.topics
    n = settings.partitions
    compacted = (("cleanup.policy", "compact"),)
    return [
        TopicSpec(topics.ingest_requests, n),
        TopicSpec(topics.job_updates, n),
        TopicSpec(topics.jobs_changelog, n, compacted),
        TopicSpec(topics.match_events, n),
        TopicSpec(topics.match_info, n, compacted),
        TopicSpec(topics.match_published, n, compacted),
        TopicSpec(topics.cdf_events, n),
        TopicSpec(topics.cdf_matches, n),
        TopicSpec(topics.cdf_dead_letters, 1),
        TopicSpec(topics.ingest_dead_letters, 1),
        TopicSpec(topics.match_versions, n, compacted),
    ]


def ensure_topics(settings: Settings, *, timeout: float = 30.0) -> list[str]:
    """Create the missing topics; return the names created. Existing ones are checked."""
    admin = AdminClient(settings.kafka_client_config())
    existing = admin.list_topics(timeout=timeout).topics
    specs = topic_specs(settings)
    for spec in specs:
        if spec.name in existing and len(existing[spec.name].partitions) != spec.partitions:
            raise RuntimeError(
                f"topic {spec.name} has {len(existing[spec.name].partitions)} partitions, "
                f"expected {spec.partitions}; set PITCHSTREAM_PARTITIONS to match"
            )
    missing = [spec for spec in specs if spec.name not in existing]
    if not missing:
        return []
    futures = admin.create_topics(
        [
            NewTopic(
                spec.name,
                num_partitions=spec.partitions,
                replication_factor=settings.replication_factor,
                config=dict(spec.config),
            )
            for spec in missing
        ],
        operation_timeout=timeout,
    )
    created = []
    for name, future in futures.items():
        try:
            future.result(timeout)
            created.append(name)
        except KafkaException as error:
            if error.args[0].name() != "TOPIC_ALREADY_EXISTS":
                raise
    return created
