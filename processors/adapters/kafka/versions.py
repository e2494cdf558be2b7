"""The ``match-versions`` topic as the backfill's ``VersionStore`` (compacted, key
``<source>:<match_id>``, value: the version, the job and when)."""

from __future__ import annotations

import threading
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

    Each lookup asks the broker for the end offset of the key's partition and reads from
    where this log last stopped up to it, so a child sees every version recorded before it
    started, whichever worker recorded it (a Faust GlobalTable would answer from a copy that
    may lag). The reader is assigned only for that read (end-of-partition events, a 10 ms
    fetch wait): a consumer left assigned to every partition waited for its background
    fetches, about 0.4 s per backfill child (bench/README.md). Blocking: call off the loop.
    """

    def __init__(self, settings: Any, *, timeout: float = 30.0) -> None:
        self.settings = settings
        self.topic = settings.topics.match_versions
        self.timeout = timeout
        self._lock = threading.Lock()
        self._consumer: Any = None
        self._producer: Any = None
        self._records: dict[str, VersionRecord] = {}
        self._read_to: dict[int, int] = {}
        self.log = get_logger("pitchstream.backfill")

    def _ensure_consumer(self) -> Any:
        if self._consumer is None:
            import uuid

            from confluent_kafka import Consumer

            from processors.adapters.kafka.publisher import RANGE_READER

            self._consumer = Consumer(
                {
                    **self.settings.kafka_client_config(),
                    "group.id": f"{self.settings.app_id}-versions-{uuid.uuid4().hex[:8]}",
                    "enable.auto.commit": False,
                    "auto.offset.reset": "earliest",
                    **RANGE_READER,
                }
            )
        return self._consumer

    def get(self, key: str) -> VersionRecord | None:
        from confluent_kafka import TopicPartition

        from processors.adapters.kafka.publisher import partition_for
        from processors.adapters.kafka.publisher import read_committed_range

        def seen(message: Any) -> None:
            if message.key() is None:
                return
            record = decode_version(message.value())
            name = message.key().decode("utf-8", "replace")
            if record is None:
                self._records.pop(name, None)
            else:
                self._records[name] = record

        with self._lock:
            consumer = self._ensure_consumer()
            partition = partition_for(key, self.settings.partitions)
            tp = TopicPartition(self.topic, partition)
            _, end = consumer.get_watermark_offsets(tp, timeout=self.timeout)
            start = self._read_to.get(partition, 0)
            if end < start:  # the topic was made again: read it from its start
                start = 0
            self._read_to[partition] = read_committed_range(
                consumer, self.topic, partition, start, end, seen
            )
            return self._records.get(key)

    def put(self, key: str, record: VersionRecord) -> None:
        from processors.adapters.kafka.producer import RequestProducer

        with self._lock:
            if self._producer is None:
                self._producer = RequestProducer(self.settings)
        self._producer.send_raw(self.topic, key.encode(), encode_version(key, record))
        self._producer.flush()
