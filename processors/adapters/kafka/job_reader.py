"""Reads job states straight from the job table's changelog, as any consumer could.

The changelog is compacted JSON keyed by job id. Faust writes a job's states into the
partition its request arrived in, and that is whatever the request's producer chose: murmur2
(Java clients, Faust, our own producers), CRC32 (librdkafka's default ``consistent_random``:
kcat, confluent-kafka) or an explicit partition. So a lookup reads every partition of this
small compacted topic, never the one a partitioner would pick.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

from confluent_kafka import Consumer
from confluent_kafka import KafkaException
from confluent_kafka import TopicPartition

from contracts.v1 import JobState
from contracts.v1 import decode_job_state
from processors.application.job_states import most_advanced
from processors.settings import Settings


class JobStateReader:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.topic = settings.topics.jobs_changelog

    def _consumer(self) -> Consumer:
        return Consumer(
            {
                **self.settings.kafka_client_config(),
                "group.id": f"{self.settings.app_id}-job-reader",
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
                "enable.partition.eof": True,
            }
        )

    def _partitions(self, consumer: Consumer, timeout: float) -> list[int]:
        metadata = consumer.list_topics(self.topic, timeout=timeout)
        topic = metadata.topics.get(self.topic)
        if topic is None or topic.error is not None or not topic.partitions:
            return list(range(self.settings.partitions))  # not created yet: our own count
        return sorted(topic.partitions)

    def states(self, job_id: str, *, timeout: float, follow: bool) -> Iterator[JobState]:
        """Every recorded state of ``job_id``, from every partition of the changelog; without
        ``follow`` it stops once each partition was read to its end, with ``follow`` it waits
        for more until timeout."""
        consumer = self._consumer()
        wanted = job_id.encode()
        deadline = time.monotonic() + timeout
        try:
            partitions = self._partitions(consumer, timeout)
            consumer.assign([TopicPartition(self.topic, p, 0) for p in partitions])
            pending = set(partitions)
            while time.monotonic() < deadline:
                message = _record_or_end(
                    consumer.poll(min(0.5, max(deadline - time.monotonic(), 0.01))), pending
                )
                if message is None:
                    if not follow and not pending:
                        return
                    continue
                if message.key() == wanted and message.value() is not None:
                    yield decode_job_state(message.value())
        finally:
            consumer.close()

    def latest(self, job_id: str, *, timeout: float = 30.0) -> JobState | None:
        return most_advanced(self.states(job_id, timeout=timeout, follow=False))

    def wait_until(
        self,
        job_id: str,
        done: Callable[[JobState], bool],
        *,
        timeout: float,
        on_state: Callable[[JobState], Any] | None = None,
    ) -> JobState:
        last = None
        for state in self.states(job_id, timeout=timeout, follow=True):
            last = state
            if on_state is not None:
                on_state(state)
            if done(state):
                return state
        raise TimeoutError(
            f"job {job_id} did not finish within {timeout:.0f}s "
            f"(last status: {last.status.value if last else 'not seen'})"
        )

    def all_latest(self, *, timeout: float = 30.0) -> list[JobState]:
        """The latest state of every job on the changelog (all partitions, read to their end);
        a job id in more than one partition shows its ``most_advanced`` state."""
        consumer = self._consumer()
        latest: dict[tuple[bytes, int], JobState] = {}
        deadline = time.monotonic() + timeout
        try:
            metadata = consumer.list_topics(self.topic, timeout=timeout)
            partitions = set(metadata.topics[self.topic].partitions)
            consumer.assign([TopicPartition(self.topic, p, 0) for p in partitions])
            pending = set(partitions)
            while pending:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"could not read {self.topic} to its end in {timeout:.0f}s")
                message = _record_or_end(consumer.poll(0.5), pending)
                if message is None:
                    continue
                key = message.key()
                if key is None:
                    continue
                where = (key, message.partition())
                if message.value() is None:
                    latest.pop(where, None)  # a tombstone: the job was removed
                else:
                    latest[where] = decode_job_state(message.value())
        finally:
            consumer.close()
        by_job: dict[bytes, list[JobState]] = {}
        for (key, _), state in latest.items():
            by_job.setdefault(key, []).append(state)
        return [best for states in by_job.values() if (best := most_advanced(states))]


def _record_or_end(message: Any, pending: set[int]) -> Any:
    """A record, or None: nothing yet, or a partition's end (discarded from ``pending``)."""
    if message is None:
        return None
    error = message.error()
    if error is None:
        return message
    if error.code() == error._PARTITION_EOF:
        pending.discard(message.partition())
        return None
    raise KafkaException(error)
