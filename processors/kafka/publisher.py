"""Publishes a match's events in one Kafka transaction per job.

Each job has its own ``transactional.id``. A second attempt at the same job (after a crash
or a rebalance) fences the first: ``init_transactions`` aborts whatever the earlier attempt
left open, and no earlier attempt can commit afterwards. Consumers reading
``read_committed`` therefore see a match's events all together or not at all. Whether an
earlier attempt did commit is read back from the topic (``committed_event_count``), so a job
is never published twice.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Final

from aiokafka.partitioner import murmur2
from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition

from contracts.v1.headers import match_event_headers
from contracts.v1.match_event import encode_match_event
from domain import EventPublisher, Match, ProgressCallback
from processors.kafka.producer import producer_config
from processors.settings import Settings

PROGRESS_EVERY = 500

# Batching of the per-job producer (bench/README.md has the measurements behind them).
PRODUCER_TUNING: Final[dict[str, Any]] = {
    "linger.ms": 5,
    "batch.size": 1_000_000,
    "compression.type": "lz4",
}
_ZERO_SPAN: Final = "00000000-0000-0000"
_CANONICAL_UUID: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def partition_for(key: str, partitions: int) -> int:
    """The partition Java clients, Faust and librdkafka's murmur2 pick for ``key``."""
    return (murmur2(key.encode()) & 0x7FFFFFFF) % partitions


class TransactionalEventPublisher(EventPublisher):
    def __init__(
        self,
        settings: Settings,
        *,
        producer_factory: Callable[[dict[str, Any]], Producer] = Producer,
    ) -> None:
        self.settings = settings
        self.topic = settings.topics.match_events
        self._producer_factory = producer_factory
        self._fenced: dict[str, Producer] = {}

    def transactional_id(self, job_id: str) -> str:
        return f"{self.settings.app_id}-job-{job_id}"

    def open_producer(self, job_id: str) -> Producer:
        """A producer that owns the job's transactional id; earlier attempts are now fenced."""
        producer = self._producer_factory(
            producer_config(
                self.settings,
                **{
                    "transactional.id": self.transactional_id(job_id),
                    **PRODUCER_TUNING,
                    "transaction.timeout.ms": 120_000,
                },
            )
        )
        # Connect first: init_transactions on a producer that has no broker connection yet
        # finds no coordinator and waits for librdkafka's retry timer (60-500 ms per job,
        # measured in bench/); a metadata request for our topic connects in a few ms.
        producer.list_topics(self.topic, timeout=30)
        producer.init_transactions(60)
        return producer

    def publish(
        self,
        match: Match,
        *,
        job_id: str,
        trace_id: str,
        on_progress: ProgressCallback | None = None,
    ) -> int:
        producer = self._fenced.pop(job_id, None) or self.open_producer(job_id)
        key = match.key.encode()
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        headers_for = _HeaderTemplate(match, time=now, trace_id=trace_id, job_id=job_id)
        producer.begin_transaction()
        try:
            produce, topic = producer.produce, self.topic
            for position, event in enumerate(match.events):
                value = encode_match_event(match, event, position)
                headers = headers_for(event.event_id)
                try:
                    produce(topic, key=key, value=value, headers=headers)
                except BufferError:
                    self._produce(producer, key, value, headers)
                if on_progress is not None and (position + 1) % PROGRESS_EVERY == 0:
                    on_progress(position + 1)
            producer.commit_transaction(60)
        except BaseException:
            _abort_quietly(producer)
            raise
        if on_progress is not None:
            on_progress(len(match.events))
        return len(match.events)

    def _produce(self, producer: Producer, key: bytes, value: bytes, headers: Any) -> None:
        while True:
            try:
                producer.produce(self.topic, key=key, value=value, headers=headers)
                return
            except BufferError:
                producer.poll(0.05)  # the local queue is full: let librdkafka send

    def checkpoint(self, match_key: str) -> str:
        """``<partition>@<end offset>`` of the match's partition now."""
        partition = partition_for(match_key, self.settings.partitions)
        consumer = Consumer(self._reader_config())
        try:
            _, high = consumer.get_watermark_offsets(TopicPartition(self.topic, partition), 30)
        finally:
            consumer.close()
        return f"{partition}@{high}"

    def published_since(self, checkpoint: str, *, job_id: str) -> int:
        partition_text, _, offset_text = checkpoint.partition("@")
        partition, start_offset = int(partition_text), int(offset_text)
        # Fence first: once this producer holds the job's transactional id, no earlier
        # attempt can commit, so the count below is final. publish() reuses the producer.
        self._fenced[job_id] = self.open_producer(job_id)
        return self._committed_event_count(
            job_id=job_id, partition=partition, start_offset=start_offset
        )

    def _committed_event_count(self, *, job_id: str, partition: int, start_offset: int) -> int:
        consumer = Consumer(self._reader_config())
        tp = TopicPartition(self.topic, partition, start_offset)
        count = 0
        wanted = job_id.encode()
        try:
            _, stable_end = consumer.get_watermark_offsets(tp, 30)
            if stable_end <= start_offset:
                return 0
            consumer.assign([tp])
            position = start_offset
            while position < stable_end:
                message = consumer.poll(10)
                if message is None:
                    # read_committed skips aborted records and markers; the position tells.
                    position = consumer.position([tp])[0].offset
                    if position < 0:
                        raise KafkaException(f"no position on {self.topic}[{partition}]")
                    continue
                if message.error():
                    raise KafkaException(message.error())
                position = message.offset() + 1
                for name, value in message.headers() or ():
                    if name == "job_id" and value == wanted:
                        count += 1
                        break
        finally:
            consumer.close()
        return count

    def _reader_config(self) -> dict[str, Any]:
        return {
            **self.settings.kafka_client_config(),
            "group.id": f"{self.settings.app_id}-publisher-check",
            "isolation.level": "read_committed",
            "enable.auto.commit": False,
            "enable.partition.eof": False,
            "auto.offset.reset": "earliest",
        }


class _HeaderTemplate:
    """``match_event_headers(...)`` for every event of one job, without rebuilding the parts
    that are the same for all of them: only ``ce_id`` and ``traceparent`` change per event.
    """

    def __init__(self, match: Match, *, time: str, trace_id: str, job_id: str) -> None:
        self.trace_id = trace_id
        self.match_key = match.key
        self.source = match.source
        self.time = time
        self.job_id = job_id
        sample = match_event_headers(
            event_id="0", source=match.source, match_key=match.key, time=time,
            trace_id=trace_id, job_id=job_id,
        )  # fmt: skip
        names = [name for name, _ in sample]
        self._ce_id = names.index("ce_id")
        self._traceparent = names.index("traceparent")
        self._fixed = sample
        self._prefix = f"00-{trace_id}-".encode()

    def __call__(self, event_id: str) -> list[tuple[str, bytes]]:
        if not _CANONICAL_UUID.fullmatch(event_id) or event_id.startswith(_ZERO_SPAN):
            return match_event_headers(
                event_id=event_id, source=self.source, match_key=self.match_key,
                time=self.time, trace_id=self.trace_id, job_id=self.job_id,
            )  # fmt: skip
        headers = self._fixed.copy()
        headers[self._ce_id] = ("ce_id", event_id.encode())
        # traceparent's span id: the event id's first 16 hex digits (contracts.v1.headers)
        span = event_id[:8] + event_id[9:13] + event_id[14:18]
        headers[self._traceparent] = ("traceparent", self._prefix + span.encode() + b"-01")
        return headers


def _abort_quietly(producer: Producer) -> None:
    # fenced or broker gone: the next attempt's init_transactions aborts it
    with contextlib.suppress(KafkaException):
        producer.abort_transaction(30)
