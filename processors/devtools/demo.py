"""``make demo``: a broker, a worker, one StatsBomb match ingested, the result printed.

Uses the cluster in ``KAFKA_BOOTSTRAP_SERVERS`` when set, else starts a local broker
(processors.devtools.devbroker). Reads the offline open-data mirror named by
``PITCHSTREAM_STATSBOMB_DIR``, else ``../shared/data/statsbomb-open-data`` when it exists,
else StatsBomb's public open data online. Stops everything it started.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
from confluent_kafka import Consumer
from confluent_kafka import TopicPartition

from contracts.v1 import IngestRequest
from contracts.v1 import JobStatus
from contracts.v1 import new_trace_id
from contracts.v1.job_state import job_state_to_dict
from processors.adapters.kafka.admin import ensure_topics
from processors.adapters.kafka.job_reader import JobStateReader
from processors.adapters.kafka.producer import RequestProducer
from processors.adapters.kafka.publisher import partition_for
from processors.application import job_states
from processors.devtools.worker import start_worker
from processors.devtools.worker import stop_worker
from processors.settings import Settings

MATCH_ID = os.environ.get("PITCHSTREAM_DEMO_MATCH_ID", "3788741")


def say(text: str) -> None:
    print(f"demo: {text}", flush=True)


@contextlib.contextmanager
def kafka() -> Iterator[str]:
    configured = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if configured:
        say(f"using the Kafka cluster at {configured}")
        yield configured
        return
    from processors.devtools.devbroker import DevBroker

    say("starting a local Kafka broker (Apache Kafka from Maven jars, KRaft, 127.0.0.1)")
    with DevBroker() as broker:
        say(f"broker ready at {broker.bootstrap_servers}")
        yield broker.bootstrap_servers
        say("stopping the broker")


@contextlib.contextmanager
def worker(settings: Settings, log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log_path.open("wb") as log:
        process = start_worker(settings, log)
        try:
            deadline = time.monotonic() + 120
            while "worker ready" not in log_path.read_text(errors="replace"):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"worker did not start; its log:\n{log_path.read_text()}")
                time.sleep(0.2)
            say(f"worker ready (pid {process.pid}, log {log_path})")
            yield process
        finally:
            stop_worker(process)
            say("worker stopped")


def events_on_topic(settings: Settings, key: str, expected: int) -> list[dict[str, object]]:
    topic = settings.topics.match_events
    consumer = Consumer(
        {
            **settings.kafka_client_config(),
            "group.id": f"demo-{uuid.uuid4().hex}",
            "isolation.level": "read_committed",
            "enable.partition.eof": True,
            "auto.offset.reset": "earliest",
        }
    )
    partition = partition_for(key, settings.partitions)
    consumer.assign([TopicPartition(topic, partition, 0)])
    events = []
    try:
        while True:
            message = consumer.poll(10)
            if message is None:
                break
            error = message.error()
            if error is not None:
                if error.code() == error._PARTITION_EOF:
                    break
                continue
            value = message.value()
            if message.key() == key.encode() and value is not None:
                events.append(orjson.loads(value))
    finally:
        consumer.close()
    return events


def main() -> int:
    base = Settings.from_env()
    if base.statsbomb_dir:
        say(f"StatsBomb data: offline open-data mirror at {base.statsbomb_dir}")
    else:
        say("StatsBomb data: the public open data online (statsbombpy)")
    with tempfile.TemporaryDirectory(prefix="pitchstream-demo-") as tmp, kafka() as bootstrap:
        settings = dataclasses.replace(
            base,
            bootstrap_servers=bootstrap,
            app_id=f"pitchstream-demo-{uuid.uuid4().hex[:6]}",
            data_dir=str(Path(tmp) / "worker"),
        )
        created = ensure_topics(settings)
        say(f"topics ready ({', '.join(created) or 'already there'})")
        with worker(settings, Path(tmp) / "worker.log"):
            job_id = uuid.uuid4().hex
            trace_id = new_trace_id()
            request = IngestRequest(job_id=job_id, source="statsbomb", match_id=MATCH_ID)
            queued = job_states.queued(request, trace_id=trace_id)
            RequestProducer(settings).submit(request, trace_id=trace_id, queued=queued)
            say(f"submitted job {job_id} for statsbomb match {MATCH_ID} (trace {trace_id})")
            state = JobStateReader(settings).wait_until(
                job_id,
                lambda s: s.status.is_final,
                timeout=300,
                on_state=lambda s: say(f"job {s.status.value}, {s.events_emitted} events emitted"),
            )
            print(orjson.dumps(job_state_to_dict(state), option=orjson.OPT_INDENT_2).decode())
            key = f"statsbomb:{MATCH_ID}"
            events = events_on_topic(settings, key, state.events_emitted)
            say(
                f"{len(events)} events on {settings.topics.match_events} under key {key}; "
                f"the job emitted {state.events_emitted}"
            )
            goals = [e for e in events if e["outcome"] == "goal" or e["type"] == "own_goal_against"]
            say(f"the goals ({len(goals)}), as they are on the topic:")
            for event in goals:
                print(orjson.dumps(event).decode())
            ok = state.status is JobStatus.SUCCEEDED and len(events) == state.events_emitted
            say("OK" if ok else "FAILED")
            return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
