"""The CDF lane on Kafka: a consume-transform-produce loop over ``match-published``.

Its own consumer group (``<app id>-cdf``), so a slow or failing CDF step never holds back the
ingest lane. For each manifest (``processors.application.cdf_lane``) it writes the match's CDF
records on ``cdf-events`` and ``cdf-matches``, the job's notice on ``job-updates`` and the
consumed offset (``send_offsets_to_transaction``) in ONE transaction, with a transactional
producer per input partition (``transactional.id`` ``<app id>-cdf-p<partition>``): after a
crash, the next holder of the id fences the dead one and the manifest is read again from the
committed offset, so each manifest revision gets exactly one committed batch.

It runs beside the worker in a child process of its own (``CdfLaneProcess``; its
interpreter runs ``python -m processors.adapters.kafka.cdf_lane``): the lane's CPU work (about
as much per match as the ingest's, bench/README.md) never waits for the worker's GIL, so the
two lanes use both cores. In that process ``CdfLaneThread`` restarts the loop after any
failure, with a growing pause; the worker starts the process again if it ever exits. The
lane's metric updates come back to the worker as JSON lines on the child's stdout
(``MetricsRelay``) and are served with the worker's own. The child ends with its parent
(``PR_SET_PDEATHSIG``, and it checks its parent pid), so a killed worker leaves no lane behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO
from typing import Any
from typing import Final

import orjson
from confluent_kafka import Consumer
from confluent_kafka import KafkaError
from confluent_kafka import KafkaException
from confluent_kafka import Message
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
from processors.liveness import Heartbeat
from processors.liveness import LivenessWatch
from processors.logs import get_logger
from processors.logs import scrub
from processors.memory import collection_paused
from processors.memory import trim_heap
from processors.metrics import Metrics
from processors.settings import Settings

READ_TIMEOUT_SECONDS: Final = TRANSACTION_TIMEOUT_MS / 1000 + 30
"""How long a segment may stay unreadable (behind another job's open transaction)."""
MAX_PAUSE_SECONDS: Final = 10.0
SMALL_PREFETCH: Final = {"queued.max.messages.kbytes": 8192, "fetch.queue.backoff.ms": 5}
"""librdkafka's per-consumer prefetch queue is 64 MB by default: a segment reader assigned to
a busy match-events partition would buffer that much ahead of what it reads. With a small
queue, the pause before the next fetch once it is full must be short too (1 s by default:
a 4,000-event segment then took over a second to read)."""
# librdkafka's RD_KAFKA_PARTITION_UA, produce()'s default: the configured partitioner picks.
_ANY_PARTITION: Final = -1
JOIN_TIMEOUT_SECONDS: Final = 60.0
"""At least this long without an assignment after subscribing or a revocation, and the
lane's loop starts again (see ``CdfLane._check_joined``)."""
CHILD_COMMAND: Final = (sys.executable, "-m", "processors.adapters.kafka.cdf_lane")


class KafkaSegmentReader(SegmentReader):
    """Reads a segment from ``match-events`` read_committed, one consumer reused."""

    def __init__(self, settings: Settings, heartbeat: Heartbeat | None = None) -> None:
        self.topic = settings.topics.match_events
        self.heartbeat = heartbeat or Heartbeat()
        self.consumer = Consumer(
            {
                **settings.kafka_client_config(),
                "group.id": f"{settings.app_id}-cdf-reader",
                "isolation.level": "read_committed",
                "enable.auto.commit": False,
                "enable.partition.eof": False,
                "auto.offset.reset": "earliest",
                **SMALL_PREFETCH,
                # A whole segment (a match, ~1.5 MB lz4) in one fetch, not 1 MB at a time, and
                # no 500 ms wait at the broker when a fetch finds nothing new.
                "max.partition.fetch.bytes": 8 * 1024 * 1024,
                "fetch.wait.max.ms": 10,
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
            self.heartbeat.beat()  # a manifest may name many segments, each read in time
            if time.monotonic() > deadline:
                raise KafkaException(
                    KafkaError(
                        KafkaError._TIMED_OUT,
                        f"{self.topic}[{segment.partition}]: {len(values)} of {segment.records} "
                        f"records of job {segment.job_id} read from {segment.from_offset}",
                    )
                )
            # At most what is still missing: consume() waits for its count or its timeout,
            # and past the segment's end there is often nothing more (a 1 s wait per match).
            wanted_now = min(1000, segment.records - len(values))
            for message in self.consumer.consume(wanted_now, 1.0):
                if message.error():
                    raise KafkaException(message.error())
                if any(
                    name == "job_id" and value == wanted for name, value in _header_pairs(message)
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
        heartbeat: Heartbeat | None = None,
    ) -> None:
        self.settings = settings
        self.metrics = metrics
        self.stop = stop
        self.heartbeat = heartbeat or Heartbeat()
        self.topics = settings.topics
        self.producer_factory = producer_factory
        self.log = get_logger("pitchstream.cdf")
        self.producers: dict[int, Producer] = {}
        self.reader = KafkaSegmentReader(settings, self.heartbeat)
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
                **SMALL_PREFETCH,
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
        self.consumer.subscribe(
            [self.topics.match_published], on_assign=self._assigned, on_revoke=self._revoked
        )
        self._waiting_since: float | None = time.monotonic()  # for the group to assign
        try:
            while not self.stop.is_set():
                self.heartbeat.beat()
                message = self.consumer.poll(0.5)
                if message is None:
                    self._check_joined()
                    continue
                error = message.error()
                if error is not None:
                    if error.code() == KafkaError._PARTITION_EOF:
                        continue
                    raise KafkaException(error)
                self.handle(message)
                trim_heap()  # a match's CDF records go back to the OS, not to glibc's heap
        finally:
            self.close()

    def handle(self, message: Any) -> None:
        partition, offset = message.partition(), message.offset()
        with collection_paused():
            batch = self.step.batch(message.key(), message.value(), message.headers() or [])
        self.heartbeat.beat()  # each Kafka call below waits 60 s at most
        producer = self.producer(partition)
        self.heartbeat.beat()
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
            self.heartbeat.beat()
            producer.send_offsets_to_transaction(
                [TopicPartition(message.topic(), partition, offset + 1)],
                self.consumer.consumer_group_metadata(),
                60,
            )
            self.heartbeat.beat()
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
        if partition is None:
            partition = _ANY_PARTITION
        while True:
            try:
                producer.produce(topic, key=key, value=value, headers=headers, partition=partition)
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

    def _check_joined(self) -> None:
        """A consumer whose group never assigns it (its join lost in a broker restart) polls
        nothing and raises nothing: after ``join_timeout`` the loop starts again with a new
        consumer, and says so (an assignment, even of no partitions, ends the wait)."""
        waiting_since = self._waiting_since
        if waiting_since is None or time.monotonic() - waiting_since < self.join_timeout:
            return
        raise KafkaException(
            KafkaError(
                KafkaError._TIMED_OUT,
                f"the CDF lane's consumer was not assigned any partition of "
                f"{self.topics.match_published} in {self.join_timeout:.0f} s",
            )
        )

    @property
    def join_timeout(self) -> float:
        """Long enough for a dead member's session to expire (the group waits for it)."""
        return max(JOIN_TIMEOUT_SECONDS, 2 * self.settings.session_timeout)

    def _assigned(self, consumer: Any, partitions: list[TopicPartition]) -> None:
        self._waiting_since = None
        self.log.info("CDF lane assigned", partitions=sorted(tp.partition for tp in partitions))

    def _revoked(self, consumer: Any, partitions: list[TopicPartition]) -> None:
        self._waiting_since = time.monotonic()
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
    again after a pause (0.5 s doubling to 10 s), so a broken CDF step never stops the lane.
    """

    def __init__(self, settings: Settings, metrics: Any) -> None:
        super().__init__(name="cdf-lane", daemon=True)
        self.settings = settings
        self.metrics = metrics
        self.stop_event = threading.Event()
        self.log = get_logger("pitchstream.cdf")
        self.runs = 0
        self.heartbeat = Heartbeat()
        """Beaten by the loop; in the lane's process a ``LivenessWatch`` ends a silent one."""

    def run(self) -> None:
        pause = 0.5
        while not self.stop_event.is_set():
            started = time.monotonic()
            self.runs += 1
            self.heartbeat.beat()
            try:
                lane = CdfLane(
                    self.settings, self.metrics, stop=self.stop_event, heartbeat=self.heartbeat
                )
                lane.run()
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
                self.heartbeat.beat()
                self.stop_event.wait(pause)
                pause = min(pause * 2, MAX_PAUSE_SECONDS)

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_event.set()
        self.join(timeout)


class MetricsRelay:
    """Stands in for ``Metrics`` in the lane's process: every update the lane makes
    (``metrics.cdf_records.labels(topic, kind).inc(n)``, ``.set(v)``) becomes one JSON line
    on ``out``, which the worker applies to its own metrics (``apply_metric_line``)."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> _RelayedMetric:
        if not name.startswith("cdf_"):
            raise AttributeError(name)
        return _RelayedMetric(self, name, ())

    def send(self, name: str, labels: tuple[str, ...], op: str, value: float) -> None:
        line = orjson.dumps({"metric": name, "labels": labels, "op": op, "value": value})
        with self._lock:
            self._out.write(line + b"\n")
            self._out.flush()


@dataclass(frozen=True, slots=True)
class _RelayedMetric:
    relay: MetricsRelay
    name: str
    label_values: tuple[str, ...]

    def labels(self, *values: str) -> _RelayedMetric:
        return _RelayedMetric(self.relay, self.name, values)

    def inc(self, amount: float = 1.0) -> None:
        self.relay.send(self.name, self.label_values, "inc", amount)

    def set(self, value: float) -> None:
        self.relay.send(self.name, self.label_values, "set", value)


def apply_metric_line(metrics: Metrics, line: bytes) -> bool:
    """Apply one ``MetricsRelay`` line to ``metrics``; False when it is not one."""
    try:
        update = orjson.loads(line)
        name, labels, op = update["metric"], update["labels"], update["op"]
        value = float(update["value"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return False
    if not str(name).startswith("cdf_") or op not in ("inc", "set"):
        return False
    metric = getattr(metrics, name, None)
    if metric is None:
        return False
    if labels:
        metric = metric.labels(*labels)
    getattr(metric, op)(value)
    return True


class CdfLaneProcess(threading.Thread):
    """In the worker: keeps the lane's child process running until ``stop``, applying the
    metric lines it writes; a child that exits (it should not) is counted and started again
    after a pause (0.5 s doubling to 10 s)."""

    def __init__(
        self, settings: Settings, metrics: Metrics, *, command: tuple[str, ...] = CHILD_COMMAND
    ) -> None:
        super().__init__(name="cdf-lane-process", daemon=True)
        self.settings = settings
        self.metrics = metrics
        self.command = command
        self.stop_event = threading.Event()
        self.log = get_logger("pitchstream.cdf")
        self.child: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def run(self) -> None:
        pause = 0.5
        # Two malloc arenas: the lane has one busy Python thread, and glibc's default (8 per
        # core) keeps freed memory of librdkafka's threads in arenas of their own.
        env = {"MALLOC_ARENA_MAX": "2", **os.environ, **self.settings.to_env()}
        while not self.stop_event.is_set():
            started = time.monotonic()
            self.starts += 1
            child = subprocess.Popen(
                self.command, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE
            )
            self.child = child
            assert child.stdout is not None
            for line in child.stdout:  # until the child closes it (exits)
                apply_metric_line(self.metrics, line)
            code = child.wait()
            if self.stop_event.is_set():
                return
            self.metrics.cdf_failures.labels("process").inc()
            self.log.warning(
                "CDF lane process exited; restarting", exit_code=code, restart_in=pause
            )
            if time.monotonic() - started > 60:
                pause = 0.5
            self.stop_event.wait(pause)
            pause = min(pause * 2, MAX_PAUSE_SECONDS)

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_event.set()
        child = self.child
        if child is not None and child.poll() is None:
            child.terminate()  # the lane leaves its group and closes its clients
            try:
                child.wait(timeout)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(timeout)
        self.join(timeout)


def run_lane_process() -> int:
    """The lane's child process: ``CdfLaneThread`` until SIGTERM or its parent is gone."""
    from processors.logs import configure_logging

    parent = os.getppid()
    with contextlib.suppress(Exception):  # Linux: die with the thread that started us
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    settings = Settings.from_env()
    configure_logging(
        log_format=settings.log_format, level=settings.log_level, secrets=settings.secrets()
    )
    lane = CdfLaneThread(settings, MetricsRelay(sys.stdout.buffer))
    signal.signal(signal.SIGTERM, lambda *_: lane.stop_event.set())
    signal.signal(signal.SIGINT, lambda *_: lane.stop_event.set())
    lane.start()
    # A lane silent for good (a Kafka call that never returns) ends this process; the worker
    # starts a fresh one (CdfLaneProcess), whose producers fence this one's transactions.
    LivenessWatch(lane.heartbeat, what="CDF lane").start()
    while lane.is_alive():
        lane.join(1.0)
        if os.getppid() != parent:  # the worker died before the death signal was set
            lane.stop_event.set()
    return 0


def _header_pairs(message: Message) -> list[tuple[str, str | bytes | None]]:
    """A consumed message's headers, (name, value) pairs; confluent-kafka's stub also allows
    the dict that ``produce`` takes."""
    headers = message.headers()
    if headers is None:
        return []
    return list(headers.items()) if isinstance(headers, dict) else headers


def _connect_headers(message: Any, reason: str) -> list[tuple[str, bytes]]:
    """Kafka Connect's error headers, as on ``ingest-requests.dlq``."""
    return [
        ("__connect.errors.topic", message.topic().encode()),
        ("__connect.errors.partition", str(message.partition()).encode()),
        ("__connect.errors.offset", str(message.offset()).encode()),
        ("__connect.errors.exception.class.name", b"LaneInputError"),
        ("__connect.errors.exception.message", reason[:2000].encode()),
    ]


if __name__ == "__main__":
    sys.exit(run_lane_process())
