"""The latest manifest of each match on the compacted ``match-published``, read incrementally.

A job compares its match with the latest manifest of the match's key, read ``read_committed``
up to the partition's high watermark taken now (so no transaction begun before is still
open). Reading the partition from its start every job cost a read of every manifest of every
match of that partition (about 300 KB each), more with every match published. This index
keeps, per partition, the offset up to which it has read and the offset of the latest record
of each key; a lookup reads only what was appended since (often nothing but the job's own
last manifests), then fetches the one record it needs, decoding it once (a small cache keeps
the last few decoded). A fresh worker's index is empty: its first lookup of a partition reads
it from the start, as every lookup did before. What it answers is what a full read would.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Final

from confluent_kafka import Consumer
from confluent_kafka import KafkaError
from confluent_kafka import KafkaException
from confluent_kafka import TopicPartition

from contracts.v1.match_published import decode_match_published
from domain import MatchManifest

DECODED_KEPT: Final = 4
"""Decoded manifests kept (each a few MB of Python objects for a 4,000-event match)."""

Decoder = Callable[[bytes], MatchManifest]


@dataclass
class _Partition:
    read_to: int = 0
    """Everything before this offset has been read."""
    latest: dict[bytes, int] = field(default_factory=dict)
    """Per key, the offset of its latest record."""


class ManifestIndex:
    """``latest(key, partition)``: the key's latest manifest, or None before its first;
    raises ContractError when the latest record is not a manifest.

    ``reader``: a read_committed consumer used only here; ``watermarks``: a
    read_uncommitted one, whose high watermark covers open transactions; both used under
    ``lock`` (librdkafka handles are shared with the publisher's checkpoints).
    """

    def __init__(
        self,
        topic: str,
        reader: Consumer,
        watermarks: Consumer,
        *,
        lock: threading.Lock,
        decode: Decoder,
        read_until_high: Callable[..., int],
    ) -> None:
        self.topic = topic
        self._reader = reader
        self._watermarks = watermarks
        self._decode = decode
        self._read_until_high = read_until_high
        self._lock = lock
        self._partitions: dict[int, _Partition] = {}
        self._decoded: OrderedDict[tuple[bytes, int], MatchManifest] = OrderedDict()

    def latest(self, key: bytes, partition: int) -> MatchManifest | None:
        with self._lock:
            state = self._partitions.setdefault(partition, _Partition())
            high = int(
                self._watermarks.get_watermark_offsets(TopicPartition(self.topic, partition), 30)[1]
            )
            if high < state.read_to:  # the topic was truncated or made again: start over
                state = self._partitions[partition] = _Partition()
            fetched: dict[int, bytes | None] = {}

            def seen(message: Any) -> None:
                state.latest[message.key()] = message.offset()
                if message.key() == key:
                    fetched[message.offset()] = message.value()

            # Until the position passes ``high``: read_committed, so earlier transactions ended.
            state.read_to = self._read_until_high(
                self._reader, self.topic, partition, state.read_to, high, seen
            )
            offset = state.latest.get(key)
            if offset is None:
                return None
            cached = self._decoded.get((key, offset))
            if cached is not None:
                self._decoded.move_to_end((key, offset))
                return cached
            value = fetched[offset] if offset in fetched else self._fetch(partition, offset)
            if value is None:  # a tombstone: the match's manifest was deleted
                return None
            manifest = self._decode(value)  # ContractError: the caller reads it all
            self._decoded[(key, offset)] = manifest
            while len(self._decoded) > DECODED_KEPT:
                self._decoded.popitem(last=False)
            return manifest

    def _fetch(self, partition: int, offset: int) -> bytes | None:
        """The value of the committed record at ``offset`` (below the read position)."""
        tp = TopicPartition(self.topic, partition, offset)
        self._reader.assign([tp])
        try:
            while True:
                message = self._reader.poll(5.0)
                if message is None:
                    raise KafkaException(
                        KafkaError(KafkaError._TIMED_OUT, f"{self.topic}[{partition}]@{offset}")
                    )
                error = message.error()
                if error is not None:
                    if error.code() == KafkaError._PARTITION_EOF:
                        continue
                    raise KafkaException(error)
                at = message.offset()
                assert at is not None  # a record, not an error: it has an offset
                if at >= offset:
                    if at != offset:  # compacted away meanwhile: read again
                        raise KafkaException(
                            KafkaError(
                                KafkaError._STATE,
                                f"{self.topic}[{partition}]@{offset} is gone",
                                retriable=True,
                            )
                        )
                    value: bytes | None = message.value()
                    return value
        finally:
            self._reader.unassign()


def decode_manifest(value: bytes) -> MatchManifest:
    from processors.adapters.kafka.publisher import manifest_from_wire

    return manifest_from_wire(decode_match_published(value))
