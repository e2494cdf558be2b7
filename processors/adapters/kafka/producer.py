"""A plain producer for requests and job updates (CLI, HTTP API, tests).

Keys are partitioned with Java's murmur2, as Faust (aiokafka) does, so a job's request and
its updates land in the same partition number and reach the worker that owns the job.
"""

from __future__ import annotations

from typing import Any

from confluent_kafka import KafkaException
from confluent_kafka import Producer

from contracts.v1 import IngestRequest
from contracts.v1 import JobState
from contracts.v1 import encode_ingest_request
from contracts.v1 import encode_job_state
from contracts.v1 import message_headers
from processors.settings import Settings


def producer_config(settings: Settings, **extra: Any) -> dict[str, Any]:
    return {
        **settings.kafka_client_config(),
        "partitioner": "murmur2_random",
        "enable.idempotence": True,
        **extra,
    }


class RequestProducer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._producer = Producer(producer_config(settings, **{"linger.ms": 0}))

    def submit(
        self, request: IngestRequest, *, trace_id: str, queued: JobState | None = None
    ) -> None:
        """Send the request and, when given, its ``queued`` state; wait until both are stored."""
        headers = message_headers(trace_id=trace_id, job_id=request.job_id)
        topics = self.settings.topics
        if queued is not None:
            self._send(topics.job_updates, request.job_id, encode_job_state(queued), headers)
        self._send(topics.ingest_requests, request.job_id, encode_ingest_request(request), headers)
        self.flush()

    def send_raw(self, topic: str, key: bytes | None, value: bytes, headers: Any = None) -> None:
        self._producer.produce(
            topic, key=key, value=value, headers=headers, on_delivery=_raise_on_error
        )
        self._producer.poll(0)

    def _send(self, topic: str, key: str, value: bytes, headers: Any) -> None:
        self.send_raw(topic, key.encode(), value, headers)

    def flush(self, timeout: float = 30.0) -> None:
        remaining = self._producer.flush(timeout)
        if remaining:
            raise KafkaException(f"{remaining} messages not delivered within {timeout}s")


def _raise_on_error(error: Any, message: Any) -> None:
    if error is not None:
        raise KafkaException(error)
