"""Running real workers against the real broker, with fresh topics per test."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from typing import TypeVar

import orjson
from confluent_kafka import Consumer
from confluent_kafka import TopicPartition

from contracts.v1 import IngestRequest
from contracts.v1 import JobState
from contracts.v1 import new_trace_id
from processors.adapters.kafka.admin import ensure_topics
from processors.adapters.kafka.job_reader import JobStateReader
from processors.adapters.kafka.producer import RequestProducer
from processors.application import job_states
from processors.devtools.worker import log_text
from processors.devtools.worker import start_worker
from processors.devtools.worker import stop_worker
from processors.devtools.worker import worker_env
from processors.settings import Settings
from tests.paths import metrica_dir
from tests.paths import statsbomb_dir
from tests.paths import statsperform_dir
from tests.paths import wyscout_dir

T = TypeVar("T")


def wait_for(
    condition: Callable[[], T | None], *, timeout: float, what: str, interval: float = 0.1
) -> T:
    """Poll ``condition`` until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fresh_settings(bootstrap: str, tmp_path: Path, **overrides: Any) -> Settings:
    name = f"t{uuid.uuid4().hex[:10]}"
    values: dict[str, Any] = dict(
        bootstrap_servers=bootstrap,
        app_id=f"{name}-app",
        topic_prefix=f"{name}-",
        partitions=4,
        statsbomb_dir=str(statsbomb_dir()),
        metrica_dir=str(metrica_dir()),
        wyscout_dir=str(wyscout_dir()),
        statsperform_dir=str(statsperform_dir()),
        web_port=free_port(),
        data_dir=str(tmp_path / f"{name}-data"),
    )
    values.update(overrides)
    settings = Settings(**values)
    ensure_topics(settings)
    return settings


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment of a worker or CLI process under test: ``settings`` and nothing of
    ours (nor StatsBomb credentials) from the environment running the tests."""
    return worker_env(settings, provider_credentials=False)


def pitchstream(
    env: dict[str, str], *arguments: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``python -m processors.entrypoints.cli <arguments>`` as an operator runs it, with
    ``env`` (see ``settings_env``); text output, the return code left to the caller."""
    return subprocess.run(
        [sys.executable, "-m", "processors.entrypoints.cli", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclass
class WorkerProcess:
    """A ``pitchstream worker`` subprocess; its output goes to a file the test can read."""

    settings: Settings
    log_path: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    def start(self, *, ready_timeout: float = 90.0) -> WorkerProcess:
        self._log = self.log_path.open("ab")
        self._ready_marker_count = self.output().count("worker ready")
        self.process = start_worker(
            self.settings, self._log, provider_credentials=False, extra_env=self.extra_env
        )
        wait_for(
            lambda: self._ready() or self._died(),
            timeout=ready_timeout,
            what=f"worker ready (log {self.log_path})",
        )
        if self.process.poll() is not None:
            raise AssertionError(f"worker exited early:\n{self.output()[-3000:]}")
        return self

    def _ready(self) -> bool:
        return self.output().count("worker ready") > self._ready_marker_count

    def _died(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def output(self) -> str:
        return log_text(self.log_path)

    def kill(self) -> None:
        """kill -9: no chance to clean up, as in a crash."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(30)

    def stop(self) -> None:
        if self.process:
            stop_worker(self.process)
        if getattr(self, "_log", None):
            self._log.close()


def match_events_by_key(settings: Settings, *, expected: int) -> dict[bytes, list[dict]]:
    """The ``expected`` match-events records (no more), decoded, by record key in offset order."""
    messages = read_topic(settings, settings.topics.match_events, expected=expected, timeout=120)
    assert len(messages) == expected
    by_key: defaultdict[bytes, list[dict]] = defaultdict(list)
    for message in messages:
        by_key[message.key()].append(orjson.loads(message.value()))
    return by_key


def read_topic(
    settings: Settings,
    topic: str,
    *,
    expected: int,
    timeout: float = 60.0,
    isolation: str = "read_committed",
) -> list[Any]:
    """Every message of ``topic`` (all partitions) until ``expected`` were read."""
    consumer = Consumer(
        {
            **settings.kafka_client_config(),
            "group.id": f"reader-{uuid.uuid4().hex}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            "isolation.level": isolation,
        }
    )
    metadata = consumer.list_topics(topic, timeout=30)
    partitions = metadata.topics[topic].partitions
    consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
    messages: list[Any] = []
    deadline = time.monotonic() + timeout
    try:
        while len(messages) < expected and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is None or message.error():
                continue
            messages.append(message)
    finally:
        consumer.close()
    return messages


def end_offsets(settings: Settings, topic: str) -> dict[int, int]:
    consumer = Consumer(
        {
            **settings.kafka_client_config(),
            "group.id": f"offsets-{uuid.uuid4().hex}",
            "isolation.level": "read_committed",
        }
    )
    try:
        metadata = consumer.list_topics(topic, timeout=30)
        return {
            p: consumer.get_watermark_offsets(TopicPartition(topic, p), 30)[1]
            for p in metadata.topics[topic].partitions
        }
    finally:
        consumer.close()


def worker(settings: Settings, tmp_path: Path, name: str = "worker") -> Iterator[WorkerProcess]:
    process = WorkerProcess(settings, tmp_path / f"{name}.log").start()
    try:
        yield process
    finally:
        process.stop()


def submit_request(settings: Settings, request: IngestRequest) -> str:
    """Produce ``request`` and its ``queued`` state as a submitter does; the trace id."""
    trace_id = new_trace_id()
    queued = job_states.queued(request, trace_id=trace_id)
    RequestProducer(settings).submit(request, trace_id=trace_id, queued=queued)
    return trace_id


def submit(
    settings: Settings, source: str, match_id: str, job_id: str | None = None
) -> tuple[str, str]:
    """One match's request; the job id and trace id."""
    job_id = job_id or uuid.uuid4().hex
    request = IngestRequest(job_id=job_id, source=source, match_id=match_id)
    return job_id, submit_request(settings, request)


def final_state(settings: Settings, job_id: str, timeout: float = 120.0) -> JobState:
    return JobStateReader(settings).wait_until(job_id, lambda s: s.status.is_final, timeout=timeout)
