"""What the entrypoints ask the use cases to do: one value per request consumed."""

from __future__ import annotations

from dataclasses import dataclass

from contracts.v1 import IngestRequest


@dataclass(frozen=True, slots=True)
class IngestCommand:
    """An ``IngestRequest`` to act on, with where it arrived.

    ``partition``: the ingest-requests partition the request arrived in, which its producer
    chose (murmur2, CRC32 for kcat and confluent-kafka's default, or an explicit partition).
    The job's state lives in that partition of the job table, its transactional producer is
    that partition's, and a backfill parent's children report there.

    ``parent_partition``: for a backfill child, the partition its parent's request arrived in
    (the ``pitchstream_parent_partition`` header); None when the request does not say, and
    then the producer's partitioner places the child's notices.
    """

    request: IngestRequest
    trace_id: str
    partition: int
    parent_partition: int | None = None
