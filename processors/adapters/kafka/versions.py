"""The ``match-versions`` topic as the backfill's ``VersionStore`` (compacted, key
``<source>:<match_id>``, value: the version, the job and when)."""

from __future__ import annotations

import threading
import time
from typing import Any

import orjson

from processors.application.ports import VersionRecord
from processors.application.ports import VersionStore
from processors.logs import get_logger


def encode_version(key: str, record: VersionRecord) -> bytes:
    return orjson.dumps(
        {"match": key, "version": record.version, "job_id": record.job_id, "at": record.at}
    )


def decode_version(value: bytes | None) -> VersionRecord | None:
    try:
        data = orjson.loads(value or b"")
        return VersionRecord(str(data["version"]), str(data["job_id"]), str(data["at"]))
    except (orjson.JSONDecodeError, KeyError, TypeError):
        return None


class VersionLog(VersionStore):
    """The compacted ``match-versions`` topic, cached per worker and read to its end first.

    Each lookup asks the broker for the end offset of the key's partition and reads up to it,
    so a child sees every version recorded before it started, whichever worker recorded it
    (a Faust GlobalTable would answer from a copy that may lag). Blocking: call off the loop.
    """

    def __init__(self, settings: Any, *, timeout: float = 30.0) -> None:
        self.settings = settings
        self.topic = settings.topics.match_versions
        self.timeout = timeout
        self._lock = threading.Lock()
        self._consumer: Any = None
        self._producer: Any = None
        self._records: dict[str, VersionRecord] = {}
        self.log = get_logger("pitchstream.backfill")

    def _ensure_consumer(self) -> Any:
        if self._consumer is None:
            import uuid

            from confluent_kafka import OFFSET_BEGINNING
            from confluent_kafka import Consumer
            from confluent_kafka import TopicPartition

            consumer = Consumer(
                {
                    **self.settings.kafka_client_config(),
                    "group.id": f"{self.settings.app_id}-versions-{uuid.uuid4().hex[:8]}",
                    "enable.auto.commit": False,
                    "auto.offset.reset": "earliest",
                }
            )
            consumer.assign(
                [
                    TopicPartition(self.topic, p, OFFSET_BEGINNING)
                    for p in range(self.settings.partitions)
                ]
            )
            self._consumer = consumer
        return self._consumer

    def get(self, key: str) -> VersionRecord | None:
        from confluent_kafka import TopicPartition

        from processors.adapters.kafka.publisher import partition_for

        with self._lock:
            consumer = self._ensure_consumer()
            partition = TopicPartition(self.topic, partition_for(key, self.settings.partitions))
            low, end = consumer.get_watermark_offsets(partition, timeout=self.timeout)
            deadline = time.monotonic() + self.timeout
            # Before its first fetch the position is negative (OFFSET_INVALID): keep reading.
            while end > low and consumer.position([partition])[0].offset < end:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"could not read {self.topic} to its end")
                message = consumer.poll(0.2)
                if message is None or message.error() or message.key() is None:
                    continue
                record = decode_version(message.value())
                name = message.key().decode("utf-8", "replace")
                if record is None:
                    self._records.pop(name, None)
                else:
                    self._records[name] = record
            return self._records.get(key)

    def put(self, key: str, record: VersionRecord) -> None:
        from processors.adapters.kafka.producer import RequestProducer

        with self._lock:
            if self._producer is None:
                self._producer = RequestProducer(self.settings)
        self._producer.send_raw(self.topic, key.encode(), encode_version(key, record))
        self._producer.flush()
