"""The CDF lane on Kafka: a consume-transform-produce loop over ``match-published``.

Its own consumer group (``<app id>-cdf``), so a slow or failing CDF step never holds back the
ingest lane. For each manifest (``processors.application.cdf_lane``) it writes the match's CDF
records on ``cdf-events`` and ``cdf-matches``, the job's notice on ``job-updates`` and the
consumed offset (``send_offsets_to_transaction``) in ONE transaction, with a transactional
producer per input partition (``transactional.id`` ``<app id>-cdf-p<partition>``): after a
crash, the next holder of the id fences the dead one and the manifest is read again from the
committed offset, so each manifest revision gets exactly one committed batch.

It runs in the worker process in a background thread (``CdfLaneThread``) that restarts the
loop after any failure, with a growing pause; it never stops the worker.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any
from typing import Final

from confluent_kafka import Consumer
from confluent_kafka import KafkaError
from confluent_kafka import KafkaException
from confluent_kafka import Producer
from confluent_kafka import TopicPartition

from contracts.v1 import encode_job_state
from contracts.v1.headers import input_partition_from
from contracts.v1.match_published import Segment
from processors.adapters.kafka.producer import producer_config
from processors.adapters.kafka.publisher import TRANSACTION_TIMEOUT_MS
from processors.application.cdf_lane import CdfBatch
from processors.application.cdf_lane import CdfLaneStep
from processors.application.cdf_lane import SegmentReader
from processors.logs import get_logger
from processors.logs import scrub
from processors.metrics import Metrics
from processors.settings import Settings

READ_TIMEOUT_SECONDS: Final = TRANSACTION_TIMEOUT_MS / 1000 + 30
"""How long a segment may stay unreadable (behind another job's open transaction)."""
MAX_PAUSE_SECONDS: Final = 10.0


class KafkaSegmentReader(SegmentReader):
    """Reads a segment from ``match-events`` read_committed, one consumer reused."""

    def __init__(self, settings: Settings) -> None:
        self.topic = settings.topics.match_events
        self.consumer = Consumer(
            {
                **settings.kafka_client_config(),
                "group.id": f"{settings.app_id}-cdf-reader",
                "isolation.level": "read_committed",
                "enable.auto.commit": False,
                "enable.partition.eof": False,
                "auto.offset.reset": "earliest",
            }
        )

    def read(self, segment: Segment) -> list[bytes]:
        if segment.records == 0:
            return []
        tp = TopicPartition(self.topic, segment.partition, segment.from_offset)
        self.consumer.assign([tp])
        wanted = segment.job_id.encode()
        values: list[bytes] = []
        deadline = time.monotonic() + READ_TIMEOUT_SECONDS
        while len(values) < segment.records:
            if time.monotonic() > deadline:
                raise KafkaException(
                    KafkaError(
                        KafkaError._TIMED_OUT,
                        f"{self.topic}[{segment.partition}]: {len(values)} of {segment.records} "
                        f"records of job {segment.job_id} read from {segment.from_offset}",
                    )
                )
            for message in self.consumer.consume(1000, 1.0):
                if message.error():
                    raise KafkaException(message.error())
                if any(
                    name == "job_id" and value == wanted for name, value in message.headers() or ()
                ):
                    values.append(message.value() or b"")
                if len(values) == segment.records:
                    break
        return values

    def close(self) -> None:
        self.consumer.close()


class CdfLane:
    """One run of the loop: a consumer in the group, a producer per input partition."""

    def __init__(
        self,
        settings: Settings,
        metrics: Metrics,
        *,
        stop: threading.Event,
        producer_factory: Callable[[dict[str, Any]], Producer] = Producer,
    ) -> None:
        self.settings = settings
        self.metrics = metrics
        self.stop = stop
        self.topics = settings.topics
        self.producer_factory = producer_factory
        self.log = get_logger("pitchstream.cdf")
        self.producers: dict[int, Producer] = {}
        self.reader = KafkaSegmentReader(settings)
        self.step = CdfLaneStep(
            self.reader,
            events_topic=self.topics.cdf_events,
            matches_topic=self.topics.cdf_matches,
            dead_letter_topic=self.topics.cdf_dead_letters,
        )
        self.consumer = Consumer(
            {
                **settings.kafka_client_config(),
                "group.id": f"{settings.app_id}-cdf",
                "isolation.level": "read_committed",
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
                "session.timeout.ms": int(settings.session_timeout * 1000),
                "heartbeat.interval.ms": int(min(3.0, settings.session_timeout / 3) * 1000),
                "max.poll.interval.ms": 600_000,
            }
        )

    def producer(self, partition: int) -> Producer:
        producer = self.producers.get(partition)
        if producer is None:
            producer = self.producer_factory(
                producer_config(
                    self.settings,
                    **{
                        "transactional.id": f"{self.settings.app_id}-cdf-p{partition}",
                        "transaction.timeout.ms": TRANSACTION_TIMEOUT_MS,
                        "linger.ms": 5,
                        # No lz4: the batch includes job-updates, which Faust (aiokafka,
                        # without the lz4 package) must decode; uncompressed is safe.
                    },
                )
            )
            producer.init_transactions(60)  # fences an earlier holder (a dead worker's lane)
            self.producers[partition] = producer
        return producer

    def run(self) -> None:
        self.consumer.subscribe([self.topics.match_published], on_revoke=self._revoked)
        try:
            while not self.stop.is_set():
                message = self.consumer.poll(0.5)
                if message is None:
                    continue
                error = message.error()
                if error is not None:
                    if error.code() == KafkaError._PARTITION_EOF:
                        continue
                    raise KafkaException(error)
                self.handle(message)
        finally:
            self.close()

    def handle(self, message: Any) -> None:
        partition, offset = message.partition(), message.offset()
        batch = self.step.batch(message.key(), message.value(), message.headers() or [])
        producer = self.producer(partition)
        try:
            producer.begin_transaction()
            for output in batch.outputs:
                headers = output.headers
                if batch.dead_letter is not None and output.topic == self.topics.cdf_dead_letters:
                    headers = headers + _connect_headers(message, batch.dead_letter)
                self._produce(producer, output.topic, output.key, output.value, headers)
            if batch.notice is not None:
                # To the partition the job's request arrived in (its state is there); a
                # manifest without the header: the partitioner, as the request's producer.
                notice_partition = input_partition_from(message.headers())
                if notice_partition is not None and notice_partition >= self.settings.partitions:
                    notice_partition = None
                self._produce(
                    producer,
                    self.topics.job_updates,
                    batch.notice.job_id.encode(),
                    encode_job_state(batch.notice),
                    [
                        ("content-type", b"application/json"),
                        ("trace_id", batch.notice.trace_id.encode()),
                        ("job_id", batch.notice.job_id.encode()),
                    ],
                    partition=notice_partition,
                )
            producer.send_offsets_to_transaction(
                [TopicPartition(message.topic(), partition, offset + 1)],
                self.consumer.consumer_group_metadata(),
                60,
            )
            producer.commit_transaction(60)
        except BaseException:
            self.producers.pop(partition, None)
            # fenced or gone: the next holder's init_transactions aborts it
            with contextlib.suppress(KafkaException):
                producer.abort_transaction(30)
            raise
        self._count(batch, message)

    def _produce(
        self,
        producer: Producer,
        topic: str,
        key: bytes,
        value: bytes,
        headers: Any,
        partition: int | None = None,
    ) -> None:
        where = {} if partition is None else {"partition": partition}
        while True:
            try:
                producer.produce(topic, key=key, value=value, headers=headers, **where)
                return
            except BufferError:
                producer.poll(0.05)

    def _count(self, batch: CdfBatch, message: Any) -> None:
        metrics, topics = self.metrics, self.topics
        metrics.cdf_batches.inc()
        _, produced_ms = message.timestamp()
        if produced_ms and produced_ms > 0:
            metrics.cdf_lag.set(max(0.0, time.time() - produced_ms / 1000))
        if batch.dead_letter is not None:
            metrics.cdf_records.labels(topics.cdf_dead_letters, "dead_letter").inc()
            self.log.error(
                "manifest dead-lettered by the CDF lane",
                error_type="LaneInputError",
                error=batch.dead_letter,
                partition=message.partition(),
                offset=message.offset(),
                job_id=batch.notice.job_id if batch.notice else "",
            )
            return
        if batch.events_written:
            metrics.cdf_records.labels(topics.cdf_events, "event").inc(batch.events_written)
        for kind, count in batch.matches_written.items():
            if count:
                metrics.cdf_records.labels(topics.cdf_matches, kind).inc(count)
        for reason, count in batch.withheld.items():
            metrics.cdf_withheld.labels(reason).inc(count)

    def _revoked(self, consumer: Any, partitions: list[TopicPartition]) -> None:
        for tp in partitions:  # another member may take them: it fences with its own producer
            producer = self.producers.pop(tp.partition, None)
            if producer is not None:
                producer.flush(5)

    def close(self) -> None:
        for closing in (self.consumer.close, self.reader.close):
            with contextlib.suppress(Exception):  # closing what may already be broken
                closing()
        self.producers.clear()


class CdfLaneThread(threading.Thread):
    """Runs ``CdfLane`` until ``stop``; any failure is logged, counted, and the loop starts
    again after a pause (0.5 s doubling to 10 s), so a broken CDF step never stops the worker.
    """

    def __init__(self, settings: Settings, metrics: Metrics) -> None:
        super().__init__(name="cdf-lane", daemon=True)
        self.settings = settings
        self.metrics = metrics
        self.stop_event = threading.Event()
        self.log = get_logger("pitchstream.cdf")
        self.runs = 0

    def run(self) -> None:
        pause = 0.5
        while not self.stop_event.is_set():
            started = time.monotonic()
            self.runs += 1
            try:
                CdfLane(self.settings, self.metrics, stop=self.stop_event).run()
            except Exception as error:
                self.metrics.cdf_failures.labels("lane").inc()
                self.log.warning(
                    "CDF lane failed; restarting",
                    error_type=type(error).__name__,
                    error=scrub(str(error), self.settings.secrets()),
                    restart_in=pause,
                )
                if time.monotonic() - started > 60:
                    pause = 0.5  # it had been working: start again soon
                self.stop_event.wait(pause)
                pause = min(pause * 2, MAX_PAUSE_SECONDS)

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_event.set()
        self.join(timeout)


def _connect_headers(message: Any, reason: str) -> list[tuple[str, bytes]]:
    """Kafka Connect's error headers, as on ``ingest-requests.dlq``."""
    return [
        ("__connect.errors.topic", message.topic().encode()),
        ("__connect.errors.partition", str(message.partition()).encode()),
        ("__connect.errors.offset", str(message.offset()).encode()),
        ("__connect.errors.exception.class.name", b"LaneInputError"),
        ("__connect.errors.exception.message", reason[:2000].encode()),
    ]
