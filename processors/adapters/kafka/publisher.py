"""Publishes a match's events in one Kafka transaction per job.

Producers are kept per input partition, the classic exactly-once layout: a job's request
comes from one ingest-requests partition, the one its producer chose (murmur2, CRC32 for kcat
and confluent-kafka's default, or an explicit partition; a redelivery is the same message in
the same partition). The job runner passes that partition (``input_partition``), and the
producer for it has ``transactional.id`` ``<app_id>-ingest-p<partition>``.
It is made and ``init_transactions``-ed once (about 60 ms, bench/README.md) and reused by
that partition's next jobs, each job still one transaction: consumers reading
``read_committed`` see a match's events all together or not at all.

Fencing. Only the newest holder of a transactional id can commit; ``init_transactions``
aborts whatever an earlier holder left open. Whoever takes a partition over (another worker
after a rebalance, or this one after a crash) either resumes the interrupted job, and
``published_since`` always opens a fresh producer for that id before counting what an
earlier attempt committed (so the count is final), or starts a new job on that partition
with a producer it makes then (fencing the earlier holder) or with one it made earlier (if
someone took the id since, that producer is fenced: it is dropped and the error raised as
retriable, so the service retries, resumes, and fences with a fresh one). A producer made
for the job that fails stays fatal: another instance took the id during this very job.
Any failed transaction drops its producer. Jobs of one partition run one at a time (ingest
agent concurrency 1); a producer is taken out of the cache while a job uses it, under a
lock, so jobs of different partitions in executor threads never share one.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC
from datetime import datetime
from typing import Any
from typing import Final

from aiokafka.partitioner import murmur2
from confluent_kafka import Consumer
from confluent_kafka import KafkaError
from confluent_kafka import KafkaException
from confluent_kafka import Producer
from confluent_kafka import TopicPartition

from contracts import ContractError
from contracts.codec import to_dict
from contracts.v1 import match_info as match_info_contract
from contracts.v1 import match_published as manifest_contract
from contracts.v1.headers import EVENT_ID_HEADER
from contracts.v1.headers import cloud_event_headers
from contracts.v1.headers import input_partition_header
from contracts.v1.headers import match_event_headers
from contracts.v1.match_published import decode_match_published
from contracts.v1.match_published import encode_match_published
from domain import ChangeCounts
from domain import DataVersion
from domain import EventPublisher
from domain import ManifestEvent
from domain import Match
from domain import MatchManifest
from domain import Publication
from domain import Segment
from domain import next_manifest
from processors.adapters.kafka.errors import raises_broker_errors
from processors.adapters.kafka.manifests import ManifestIndex
from processors.adapters.kafka.manifests import decode_manifest
from processors.adapters.kafka.producer import producer_config
from processors.application.revisions import changes_against
from processors.application.revisions import encoded_info
from processors.settings import Settings

PROGRESS_EVERY = 500

# Batching of the per-job producer (bench/README.md has the measurements behind them).
# An attempt killed mid-transaction blocks read_committed readers of its partition until a
# new attempt fences it or the broker aborts it after this long; a match takes seconds.
TRANSACTION_TIMEOUT_MS: Final = 30_000

PRODUCER_TUNING: Final[dict[str, Any]] = {
    "linger.ms": 5,
    "batch.size": 1_000_000,
    "compression.type": "lz4",
}
_ZERO_SPAN: Final = "00000000-0000-0000"
_CANONICAL_UUID: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Headers as Producer.produce's stub types them. A list is invariant: contracts' Headers,
# (str, bytes) pairs, is not one of these, though produce takes it.
_ProducerHeaders = list[tuple[str, str | bytes | None]]


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
        self._lock = threading.Lock()
        # transactional id -> (idle producer, the job it was opened for or None once used)
        self._producers: dict[str, tuple[Producer, str | None]] = {}
        self._readers_lock = threading.Lock()
        self._watermarks: Consumer | None = None  # read_uncommitted: high watermarks
        self._manifests: ManifestIndex | None = None

    def _readers(self) -> tuple[Consumer, ManifestIndex]:
        """Long-lived consumers for the per-job lookups (a new one costs a connection and
        its threads each time): made on first use, kept for the publisher's life."""
        with self._readers_lock:
            if self._watermarks is None or self._manifests is None:
                config = {**self._reader_config(), **RANGE_READER}
                self._watermarks = Consumer({**config, "isolation.level": "read_uncommitted"})
                self._manifests = ManifestIndex(
                    self.settings.topics.match_published,
                    Consumer(config),
                    self._watermarks,
                    lock=self._readers_lock,
                    decode=decode_manifest,
                    read_until_high=read_committed_range,
                )
            return self._watermarks, self._manifests

    def transactional_id(self, job_id: str, input_partition: int | None = None) -> str:
        """The id of the partition the job's request arrived in. Deriving it from the job id
        (murmur2, only when not given) would give a request that kcat or an explicit
        partition put elsewhere the id of a partition another worker may own: two holders of
        one id fence each other mid-job."""
        partition = input_partition
        if partition is None:
            partition = partition_for(job_id, self.settings.partitions)
        return f"{self.settings.app_id}-ingest-p{partition}"

    def open_producer(self, job_id: str, input_partition: int | None = None) -> Producer:
        """A fresh producer holding the job's transactional id; earlier holders are fenced."""
        producer = self._producer_factory(
            producer_config(
                self.settings,
                **{
                    "transactional.id": self.transactional_id(job_id, input_partition),
                    **PRODUCER_TUNING,
                    "transaction.timeout.ms": TRANSACTION_TIMEOUT_MS,
                },
            )
        )
        # Connect first: init_transactions on a producer that has no broker connection yet
        # finds no coordinator and waits for librdkafka's retry timer (60-500 ms per job,
        # measured in bench/); a metadata request for our topic connects in a few ms.
        producer.list_topics(self.topic, timeout=30)
        producer.init_transactions(60)
        return producer

    def _take(self, job_id: str, input_partition: int | None) -> tuple[Producer, bool]:
        """The partition's producer, out of the cache while in use; True when it was opened
        for an earlier job (its errors may be stale: someone may have taken the id since)."""
        with self._lock:
            cached = self._producers.pop(self.transactional_id(job_id, input_partition), None)
        if cached is not None:
            producer, opened_for = cached
            return producer, opened_for != job_id
        return self.open_producer(job_id, input_partition), False

    def _put_back(self, job_id: str, input_partition: int | None, producer: Producer) -> None:
        with self._lock:
            # A producer opened meanwhile for this id (a resume) is the newer holder: keep it.
            tid = self.transactional_id(job_id, input_partition)
            self._producers.setdefault(tid, (producer, None))

    @raises_broker_errors
    def publish_job(self, job: Publication) -> int:
        match, job_id, trace_id = job.match, job.job_id, job.trace_id
        input_partition, changes, on_progress = job.input_partition, job.changes, job.on_progress
        mark = job.checkpoint if job.checkpoint is not None else self.checkpoint(match.key)
        partition_text, _, offset_text = mark.partition("@")
        producer, reused = self._take(job_id, input_partition)
        key = match.key.encode()
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        headers_for = _HeaderTemplate(match, time=now, trace_id=trace_id, job_id=job_id)
        info = match.info
        info_value, info_sha = encoded_info(match)
        try:
            if changes is None:
                # After _take: a producer opened now has fenced earlier holders of the id.
                changes = changes_against(self.latest_manifest(match.key), match, full=True)
            if not changes.publishes_anything:
                self._put_back(job_id, input_partition, producer)
                return 0
            producer.begin_transaction()
            try:
                produce, topic = producer.produce, self.topic
                for count, record in enumerate(changes.records, start=1):
                    value = record.payload
                    headers = headers_for(record.event_id, record.revision, record.retracted)
                    try:
                        produce(topic, key=key, value=value, headers=headers)
                    except BufferError:
                        self._produce(producer, self.topic, key, value, headers)
                    if on_progress is not None and count % PROGRESS_EVERY == 0:
                        on_progress(count)
                manifest = next_manifest(
                    changes,
                    source=match.source,
                    match_id=match.match_id,
                    job_id=job_id,
                    partition=int(partition_text),
                    from_offset=int(offset_text),
                    data_version=None if info is None else info.data_version,
                    info_digest=info_sha,
                )
                extra = [("pitchstream_revision", str(manifest.revision).encode())]
                record_id = f"{match.key}@r{manifest.revision}"
                manifest_extra = extra
                if input_partition is not None:  # the lane's notice goes where the job lives
                    manifest_extra = [*extra, input_partition_header(input_partition)]

                def about_the_match(contract: Any, more: list[tuple[str, bytes]]) -> Any:
                    return cloud_event_headers(
                        ce_id=record_id, ce_type=contract.CE_TYPE, source=match.source,
                        match_key=match.key, time=now, dataschema=contract.SCHEMA_ID,
                        trace_id=trace_id, job_id=job_id, extra=more,
                    )  # fmt: skip

                if info_value is not None and (changes.full or changes.info_changed):
                    info_headers = about_the_match(match_info_contract, extra)
                    topic = self.settings.topics.match_info
                    self._produce(producer, topic, key, info_value, info_headers)
                manifest_value = encode_match_published(manifest, info)
                manifest_headers = about_the_match(manifest_contract, manifest_extra)
                topic = self.settings.topics.match_published
                self._produce(producer, topic, key, manifest_value, manifest_headers)
                producer.commit_transaction(60)
            except BaseException:
                _abort_quietly(producer)
                raise
        except KafkaException as error:  # the producer is dropped, never put back
            if reused and _is_fatal(error):
                raise _retriable(error) from error
            raise
        self._put_back(job_id, input_partition, producer)
        if on_progress is not None:
            on_progress(changes.size)
        return changes.size

    def _produce(
        self, producer: Producer, topic: str, key: bytes, value: bytes, headers: Any
    ) -> None:
        while True:
            try:
                producer.produce(topic, key=key, value=value, headers=headers)
                return
            except BufferError:
                producer.poll(0.05)  # the local queue is full: let librdkafka send

    @raises_broker_errors
    def checkpoint(self, match_key: str) -> str:
        """``<partition>@<high watermark>`` of the match's partition now: every record
        published after this call lands at or past it. (A read_committed consumer's answer,
        the last stable offset, may lag a transaction committed a moment ago whose markers
        are still being written: a mark taken then would count that transaction again.)"""
        partition = partition_for(match_key, self.settings.partitions)
        watermarks, _ = self._readers()
        with self._readers_lock:
            _, high = watermarks.get_watermark_offsets(TopicPartition(self.topic, partition), 30)
        return f"{partition}@{high}"

    @raises_broker_errors
    def published_since(
        self, checkpoint: str, *, job_id: str, input_partition: int | None = None
    ) -> int:
        partition_text, _, offset_text = checkpoint.partition("@")
        partition, start_offset = int(partition_text), int(offset_text)
        # Fence first: once a fresh producer holds the job's transactional id, no earlier
        # holder (an earlier attempt, a zombie worker) can commit, so the count below is
        # final. It replaces the cached producer (now fenced); publish() takes it.
        producer = self.open_producer(job_id, input_partition)
        with self._lock:
            self._producers[self.transactional_id(job_id, input_partition)] = (producer, job_id)
        return self._committed_event_count(
            job_id=job_id, partition=partition, start_offset=start_offset
        )

    def _committed_event_count(self, *, job_id: str, partition: int, start_offset: int) -> int:
        """Events of ``job_id`` committed after ``start_offset``, once nothing before is open."""
        count = 0
        wanted = job_id.encode()

        def seen(message: Any) -> None:
            nonlocal count
            for name, value in message.headers() or ():
                if name == "job_id" and value == wanted:
                    count += 1
                    break

        read_committed_until_high(
            self.settings, self._reader_config(), self.topic, partition, start_offset, seen
        )
        return count

    @raises_broker_errors
    def latest_manifest(self, match_key: str) -> MatchManifest | None:
        """The key's last committed record on the compacted ``match-published`` up to the
        partition's high watermark now (so no earlier transaction is still open), from the
        incremental index (``ManifestIndex``); an undecodable latest record: the full read."""
        partition = partition_for(match_key, self.settings.partitions)
        _, index = self._readers()
        try:
            return index.latest(match_key.encode(), partition)
        except ContractError:  # not a manifest: the latest one that is, as a full read finds
            return self._latest_manifest_read_whole(match_key, partition)

    def _latest_manifest_read_whole(self, match_key: str, partition: int) -> MatchManifest | None:
        """The partition read from its start: the latest record of the key that decodes."""
        topic = self.settings.topics.match_published
        wanted = match_key.encode()
        values: list[bytes] = []

        def seen(message: Any) -> None:
            if message.key() == wanted and message.value() is not None:
                values.append(message.value())

        read_committed_until_high(self.settings, self._reader_config(), topic, partition, 0, seen)
        for value in reversed(values):  # a record that is not a manifest is skipped, not fatal
            try:
                return manifest_from_wire(decode_match_published(value))
            except ContractError:
                continue
        return None

    def _reader_config(self) -> dict[str, Any]:
        return {
            **self.settings.kafka_client_config(),
            "group.id": f"{self.settings.app_id}-publisher-check",
            "isolation.level": "read_committed",
            "enable.auto.commit": False,
            "enable.partition.eof": False,
            "auto.offset.reset": "earliest",
        }


def manifest_from_wire(wire: manifest_contract.MatchPublished) -> MatchManifest:
    """The domain manifest of a decoded MatchPublished record."""
    version = wire.data_version
    return MatchManifest(
        source=wire.source,
        match_id=wire.match_id,
        job_id=wire.job_id,
        revision=wire.revision,
        full=wire.full,
        segments=tuple(
            Segment(s.job_id, s.partition, s.from_offset, s.records) for s in wire.segments
        ),
        events=tuple(ManifestEvent(*row) for row in wire.events),
        data_version=None if version is None else DataVersion(version.value, version.kind),
        info_digest=wire.info_digest,
        retracted_events=wire.retracted_events,
        changes=None if wire.changes is None else ChangeCounts(**to_dict(wire.changes)),
    )


def read_committed_until_high(
    settings: Settings,
    config: dict[str, Any],
    topic: str,
    partition: int,
    start_offset: int,
    on_message: Callable[[Any], None],
) -> None:
    """Call ``on_message`` for every committed record of ``topic[partition]`` from
    ``start_offset`` until the position passes the high watermark taken now.

    A transaction still open on the partition (an attempt killed mid-way) holds back what
    ``read_committed`` can see. Reading until the position passes the high watermark means
    every transaction begun before now is resolved, committed or aborted (within
    ``transaction.timeout.ms``), so what was read is complete.
    """
    high = _high_watermark(settings, config, topic, partition)
    if high <= start_offset:
        return
    consumer = Consumer({**config, **RANGE_READER})
    try:
        read_committed_range(consumer, topic, partition, start_offset, high, on_message)
    finally:
        consumer.close()


# End-of-partition events: a transactional partition ends with a commit marker that no poll
# returns, so without them the last poll would wait its full second every time; and a short
# fetch wait, or the broker holds the empty fetch before that event 500 ms. A small prefetch
# queue: a reader assigned to a busy partition does not buffer up to 64 MB ahead.
RANGE_READER: Final = {
    "enable.partition.eof": True,
    "fetch.wait.max.ms": 10,
    "queued.max.messages.kbytes": 4096,
    "fetch.queue.backoff.ms": 5,  # the default 1 s pause once that queue is full
}


def read_committed_range(
    consumer: Consumer,
    topic: str,
    partition: int,
    start_offset: int,
    high: int,
    on_message: Callable[[Any], None],
) -> int:
    """``read_committed_until_high`` with a given consumer (configured as ``RANGE_READER``,
    left unassigned after) and high watermark; returns the position reached (>= ``high``)."""
    if high <= start_offset:
        return start_offset
    tp = TopicPartition(topic, partition, start_offset)
    deadline = time.monotonic() + TRANSACTION_TIMEOUT_MS / 1000 + 30
    try:
        consumer.assign([tp])
        position = start_offset
        while position < high:
            if time.monotonic() > deadline:
                raise KafkaException(
                    KafkaError(
                        KafkaError._TIMED_OUT,
                        f"{topic}[{partition}] stayed behind an open transaction "
                        f"(read up to {position} of {high})",
                    )
                )
            message = consumer.poll(0.2)
            if message is None:
                # read_committed skips aborted records and markers; the position tells.
                position = max(position, consumer.position([tp])[0].offset)
                continue
            error = message.error()
            if error is not None:
                if error.code() == KafkaError._PARTITION_EOF:
                    position = max(position, consumer.position([tp])[0].offset)
                    continue
                raise KafkaException(error)
            at = message.offset()
            assert at is not None  # a record, not an error: it has an offset
            position = at + 1
            on_message(message)
    finally:
        consumer.unassign()
    return position


def _high_watermark(settings: Settings, config: dict[str, Any], topic: str, partition: int) -> int:
    consumer = Consumer({**config, "isolation.level": "read_uncommitted"})
    try:
        _, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), 30)
    finally:
        consumer.close()
    return int(high)


class _HeaderTemplate:
    """``match_event_headers(...)`` for every event of one job, without rebuilding the parts
    that are the same for all of them: only ``ce_id``, ``traceparent`` and
    ``pitchstream_event_id`` change per first publication (revisions and retractions, a
    few per job, take the plain path).
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
        self._event_id = names.index(EVENT_ID_HEADER)
        self._fixed: _ProducerHeaders = [*sample]
        self._prefix = f"00-{trace_id}-".encode()

    def __call__(
        self, event_id: str, revision: int = 1, retracted: bool = False
    ) -> _ProducerHeaders:
        if (
            revision != 1
            or retracted
            or not _CANONICAL_UUID.fullmatch(event_id)
            or event_id.startswith(_ZERO_SPAN)
        ):
            return [*match_event_headers(
                event_id=event_id, source=self.source, match_key=self.match_key,
                time=self.time, trace_id=self.trace_id, job_id=self.job_id,
                revision=revision, retracted=retracted,
            )]  # fmt: skip
        headers = self._fixed.copy()
        encoded = event_id.encode()
        headers[self._ce_id] = ("ce_id", encoded)
        headers[self._event_id] = (EVENT_ID_HEADER, encoded)
        # traceparent's span id: the event id's first 16 hex digits (contracts.v1.headers)
        span = event_id[:8] + event_id[9:13] + event_id[14:18]
        headers[self._traceparent] = ("traceparent", self._prefix + span.encode() + b"-01")
        return headers


def _is_fatal(error: KafkaException) -> bool:
    kafka_error = error.args[0] if error.args else None
    if not isinstance(kafka_error, KafkaError):
        return False
    return kafka_error.fatal() or kafka_error.code() in _FENCED_CODES


_FENCED_CODES: Final = frozenset(
    {KafkaError._FENCED, KafkaError.INVALID_PRODUCER_EPOCH, KafkaError.PRODUCER_FENCED}
)


def _retriable(error: KafkaException) -> KafkaException:
    """A reused producer's fatal error as a retriable one: the retry fences afresh."""
    kafka_error = error.args[0]
    return KafkaException(
        KafkaError(
            kafka_error.code(),
            f"cached transactional producer unusable, retry with a new one: {kafka_error.str()}",
            fatal=False,
            retriable=True,
        )
    )


def _abort_quietly(producer: Producer) -> None:
    # fenced or broker gone: the next attempt's init_transactions aborts it
    with contextlib.suppress(KafkaException):
        producer.abort_transaction(30)
