"""A match's events, its MatchInfo and its manifest, on the real broker: one transaction.

read_committed consumers see all three after a publication and none of them after an aborted
one; the manifest's segment leads to exactly the job's records on match-events.
"""

from __future__ import annotations

import uuid
from typing import Any

import orjson
import pytest
from confluent_kafka import KafkaError
from confluent_kafka import KafkaException
from confluent_kafka import Producer

from contracts.v1.headers import header_value
from contracts.v1.match_published import decode_match_published
from processors.adapters.kafka.errors import BrokerError
from processors.adapters.kafka.publisher import TransactionalEventPublisher
from processors.adapters.kafka.publisher import partition_for
from processors.adapters.kafka.publisher import read_committed_until_high
from tests.integration.harness import fresh_settings
from tests.integration.harness import wait_for
from tests.unit.samples import synthetic_match

pytestmark = pytest.mark.integration
TRACE = "0af7651916cd43dd8448eb211c80319c"


def committed(settings, topic: str) -> list[Any]:
    """Every committed record of ``topic``, all partitions, up to their current ends."""
    config = {
        **settings.kafka_client_config(),
        "group.id": f"check-{uuid.uuid4().hex}",
        "isolation.level": "read_committed",
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
    }
    records: list[Any] = []
    for partition in range(settings.partitions):
        read_committed_until_high(settings, config, topic, partition, 0, records.append)
    return records


def leaders_ready(settings) -> None:
    """Fresh topics: wait until every partition of the three topics has a leader."""
    publisher = TransactionalEventPublisher(settings)
    keys = {partition_for(f"k{n}", settings.partitions): f"k{n}" for n in range(64)}

    def answers(key: str) -> bool:
        try:
            publisher.checkpoint(key)
            publisher.latest_manifest(key)
            committed_one(settings, settings.topics.match_info, key)
        except BrokerError:
            return False
        return True

    for key in keys.values():
        wait_for(lambda key=key: answers(key), timeout=30, what="partition leaders")


def committed_one(settings, topic: str, key: str) -> None:
    config = {
        **settings.kafka_client_config(),
        "group.id": f"check-{uuid.uuid4().hex}",
        "isolation.level": "read_committed",
    }
    try:
        read_committed_until_high(
            settings, config, topic, partition_for(key, settings.partitions), 0, lambda m: None
        )
    except KafkaException as error:
        raise BrokerError(str(error), transient=True) from error


class FailingCommit:
    """A real producer whose commit fails after everything was produced: the publisher aborts."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.real = Producer(config)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def commit_transaction(self, timeout: float) -> None:
        raise KafkaException(KafkaError(KafkaError._TIMED_OUT, "commit refused by the test"))


def test_events_info_and_manifest_are_committed_together(kafka_bootstrap, tmp_path):
    settings = fresh_settings(kafka_bootstrap, tmp_path)
    leaders_ready(settings)
    topics = settings.topics
    publisher = TransactionalEventPublisher(settings)
    match = synthetic_match(f"pub-{uuid.uuid4().hex[:6]}", events=5, info=True)
    mark = publisher.checkpoint(match.key)
    job = "job-pub-1"
    assert publisher.publish(match, job_id=job, trace_id=TRACE, checkpoint=mark) == 5

    events = committed(settings, topics.match_events)
    (info,) = committed(settings, topics.match_info)
    (published,) = committed(settings, topics.match_published)
    assert len(events) == 5
    for record in (info, published, *events):
        assert record.key() == match.key.encode()
        assert header_value(record.headers(), "job_id") == job
        assert header_value(record.headers(), "trace_id") == TRACE
        assert header_value(record.headers(), "traceparent").split("-")[1] == TRACE
    assert header_value(info.headers(), "ce_type") == "io.pitchstream.match-info.v1"
    assert header_value(published.headers(), "ce_type") == "io.pitchstream.match-published.v1"
    assert header_value(published.headers(), "pitchstream_revision") == "1"
    assert orjson.loads(info.value())["match_id"] == match.match_id

    manifest = decode_match_published(published.value())
    (segment,) = manifest.segments
    partition, offset = (int(part) for part in mark.split("@"))
    assert (segment.partition, segment.from_offset, segment.records) == (partition, offset, 5)
    assert partition == partition_for(match.key, settings.partitions)
    assert [row[0] for row in manifest.events] == [e.event_id for e in match.events]
    assert manifest.info is not None and orjson.loads(info.value()) == published_info(published)
    assert {e.offset() for e in events} >= {offset}
    assert publisher.latest_manifest(match.key).revision == 1
    assert publisher.published_since(mark, job_id=job) == 5  # info and manifest not counted


def published_info(record: Any) -> dict[str, Any]:
    return orjson.loads(record.value())["info"]  # type: ignore[no-any-return]


def test_an_aborted_publication_shows_neither_events_nor_info_nor_manifest(
    kafka_bootstrap, tmp_path
):
    settings = fresh_settings(kafka_bootstrap, tmp_path)
    leaders_ready(settings)
    topics = settings.topics
    failing = TransactionalEventPublisher(settings, producer_factory=FailingCommit)
    aborted = synthetic_match(f"abort-{uuid.uuid4().hex[:6]}", events=4, info=True)
    with pytest.raises(Exception, match="commit refused"):
        failing.publish(aborted, job_id="job-aborted", trace_id=TRACE)

    publisher = TransactionalEventPublisher(settings)
    kept = synthetic_match(f"kept-{uuid.uuid4().hex[:6]}", events=2, info=True)
    publisher.publish(kept, job_id="job-kept", trace_id=TRACE)

    for topic, count in ((topics.match_events, 2), (topics.match_info, 1)):
        records = committed(settings, topic)
        assert [r.key() for r in records] == [kept.key.encode()] * count, topic
    (manifest,) = committed(settings, topics.match_published)
    assert manifest.key() == kept.key.encode()
    assert publisher.latest_manifest(aborted.key) is None


def test_a_publisher_that_read_a_partition_sees_what_others_publish_after(
    kafka_bootstrap, tmp_path
):
    """The manifest index reads only what was appended since its last read: a manifest
    another publisher (another worker) commits later, and another match's manifests in the
    same partition, are seen exactly as a fresh publisher reading from the start sees them."""
    settings = fresh_settings(kafka_bootstrap, tmp_path)
    leaders_ready(settings)
    reading = TransactionalEventPublisher(settings)
    other = TransactionalEventPublisher(settings)
    match = synthetic_match(f"idx-{uuid.uuid4().hex[:6]}", events=4, info=True)
    partition = partition_for(match.key, settings.partitions)
    neighbour = next(
        m
        for n in range(200)
        if partition_for(
            (m := synthetic_match(f"idx-n{n}", events=3, info=True)).key, settings.partitions
        )
        == partition
    )
    assert reading.latest_manifest(match.key) is None  # read up to the end: nothing yet
    other.publish(match, job_id="idx-first", trace_id=TRACE)
    other.publish(neighbour, job_id="idx-neighbour", trace_id=TRACE)
    assert reading.latest_manifest(match.key).job_id == "idx-first"
    assert reading.latest_manifest(neighbour.key).job_id == "idx-neighbour"
    other.publish(match, job_id="idx-again", trace_id=TRACE)  # a full republication
    seen = reading.latest_manifest(match.key)
    assert (seen.job_id, seen.revision) == ("idx-again", 2)
    assert seen == TransactionalEventPublisher(settings).latest_manifest(match.key)
    assert reading.latest_manifest(neighbour.key).job_id == "idx-neighbour"
