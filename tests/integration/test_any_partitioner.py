"""Jobs whose requests any Kafka client produced are found, on one worker and on two.

kcat and confluent-kafka (librdkafka) hash keys with CRC32 by default (``consistent_random``),
Java clients and Faust with murmur2, and any producer may name a partition. A job's state
lives in the changelog partition its request arrived in; every lookup (``jobs show``, the
reader behind ``submit --wait``, ``GET /api/v1/jobs/<id>`` on any worker, a backfill parent
folding its children) must find it there whatever the producer chose.
"""

from __future__ import annotations

import os
import uuid
import zlib
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest
from confluent_kafka import Producer

from contracts.v1 import IngestRequest
from contracts.v1 import JobStatus
from contracts.v1 import encode_ingest_request
from contracts.v1 import encode_job_state
from processors.adapters.kafka.job_reader import JobStateReader
from processors.adapters.kafka.publisher import partition_for
from processors.application import job_states
from processors.application.backfill import child_job_id
from processors.settings import Settings
from tests.integration.harness import WorkerProcess
from tests.integration.harness import free_port
from tests.integration.harness import fresh_settings
from tests.integration.harness import pitchstream
from tests.integration.harness import read_topic
from tests.integration.harness import settings_env
from tests.integration.harness import wait_for
from tests.integration.test_api import http
from tests.paths import statsbomb_dir

pytestmark = pytest.mark.integration

PARTITIONS = 4
HELD = "3788741"
SYNTHETIC = [str(9_100_001 + i) for i in range(4)]
KINDS = ("crc-", "murmur-", "explicit-", "season-")


def crc32_partition(key: str, partitions: int) -> int:
    """librdkafka's ``consistent_random`` for a non-empty key: CRC32 modulo the count."""
    return zlib.crc32(key.encode()) % partitions


def ids_where_partitioners_disagree(prefix: str, count: int) -> list[str]:
    found = []
    while len(found) < count:
        candidate = f"{prefix}-{uuid.uuid4().hex[:10]}"
        if crc32_partition(candidate, PARTITIONS) != partition_for(candidate, PARTITIONS):
            found.append(candidate)
    return found


def produce(settings: Settings, request: IngestRequest, **how: Any) -> int:
    """Produce ``request`` as a foreign client would; the partition it landed in.

    ``how``: ``partitioner`` (a librdkafka partitioner; absent: librdkafka's default) or
    ``partition`` (explicit)."""
    config = {"bootstrap.servers": settings.bootstrap_servers}
    if "partitioner" in how:
        config["partitioner"] = how["partitioner"]
    producer = Producer(config)
    delivered: list[Any] = []
    extra = {"partition": how["partition"]} if "partition" in how else {}
    producer.produce(
        settings.topics.ingest_requests,
        key=request.job_id.encode(),
        value=encode_ingest_request(request),
        headers=[("content-type", b"application/json")],
        on_delivery=lambda error, message: delivered.append((error, message)),
        **extra,
    )
    assert producer.flush(30) == 0
    ((error, message),) = delivered
    assert error is None, error
    return int(message.partition())


def season_mirror(root: Path) -> Path:
    """A mirror whose season 55/43 is four synthetic matches (one real match's events)."""
    (root / "data" / "events").mkdir(parents=True)
    (root / "data" / "matches" / "55").mkdir(parents=True)
    source = statsbomb_dir() / "data"
    template = next(
        entry
        for entry in orjson.loads((source / "matches" / "55" / "43.json").read_bytes())
        if str(entry["match_id"]) == HELD
    )
    for match_id in SYNTHETIC:
        link = root / "data" / "events" / f"{match_id}.json"
        os.symlink(source / "events" / f"{HELD}.json", link)
    entries = [{**template, "match_id": int(m)} for m in SYNTHETIC]
    (root / "data" / "matches" / "55" / "43.json").write_bytes(orjson.dumps(entries))
    return root


def submit_from_every_kind_of_client(settings: Settings) -> dict[str, int]:
    """Jobs (id -> partition they landed in) from the default, murmur2 and explicit producers,
    and a season backfill from the default producer; each id's partitions disagree."""
    landed: dict[str, int] = {}
    crc_ids = ids_where_partitioners_disagree("crc", 2)
    for job_id in crc_ids:
        landed[job_id] = produce(
            settings, IngestRequest(job_id=job_id, source="statsbomb", match_id=SYNTHETIC[0])
        )
        assert landed[job_id] == crc32_partition(job_id, PARTITIONS)
        assert landed[job_id] != partition_for(job_id, PARTITIONS)  # not vacuous
    (murmur_id,) = ids_where_partitioners_disagree("murmur", 1)
    landed[murmur_id] = produce(
        settings,
        IngestRequest(job_id=murmur_id, source="statsbomb", match_id=SYNTHETIC[0]),
        partitioner="murmur2_random",
    )
    assert landed[murmur_id] == partition_for(murmur_id, PARTITIONS)
    assert landed[murmur_id] != crc32_partition(murmur_id, PARTITIONS)
    for partition in range(PARTITIONS):  # every partition, never the one murmur2 picks
        job_id = next(
            candidate
            for candidate in (f"explicit-{uuid.uuid4().hex[:10]}" for _ in range(1000))
            if partition_for(candidate, PARTITIONS) != partition
        )
        landed[job_id] = produce(
            settings,
            IngestRequest(job_id=job_id, source="statsbomb", match_id=SYNTHETIC[0]),
            partition=partition,
        )
        assert landed[job_id] == partition
    (parent_id,) = ids_where_partitioners_disagree("season", 1)
    landed[parent_id] = produce(
        settings,
        IngestRequest(job_id=parent_id, source="statsbomb", competition_id=55, season_id=43),
    )
    assert landed[parent_id] != partition_for(parent_id, PARTITIONS)
    return landed


def check_every_lookup(settings: Settings, landed: dict[str, int], ports: list[int]) -> None:
    parent_id = next(job_id for job_id in landed if job_id.startswith("season-"))
    reader = JobStateReader(settings)
    for job_id in landed:  # what `submit --wait` does
        final = reader.wait_until(job_id, lambda s: s.status.is_final, timeout=240)
        assert final.status is JobStatus.SUCCEEDED, (job_id, final.error_message)
    parent = reader.latest(parent_id)
    assert parent is not None and parent.children is not None
    assert (parent.children.total, parent.children.succeeded) == (4, 4)
    # SYNTHETIC[0] is also ingested by the direct jobs: whichever of them runs first publishes
    # it, the later ones find it unchanged (revisions); each child is one or the other whole.
    assert parent.events_emitted == parent.added
    assert (parent.changed, parent.retracted) == (0, 0)
    assert parent.added + parent.unchanged == 4 * 3803 and parent.added >= 3 * 3803

    env = settings_env(settings) | {"PITCHSTREAM_LOG_LEVEL": "warning"}
    one_of_each = [next(j for j in landed if j.startswith(p)) for p in KINDS]
    for job_id in one_of_each:  # a process each: a few are enough
        shown = pitchstream(env, "jobs", "show", job_id)
        assert shown.returncode == 0, shown.stderr
        state = orjson.loads(shown.stdout)
        assert (state["job_id"], state["status"]) == (job_id, "succeeded")

    for port in ports:
        for job_id in landed:
            reply = http(port, "GET", f"/api/v1/jobs/{job_id}")
            assert reply.status == 200, (port, job_id, reply.body)
            assert reply.json()["status"] == "succeeded"
        assert http(port, "GET", "/api/v1/jobs/never-submitted").status == 404

    # Every state of a job is in the partition its request arrived in, the parent's too
    # (its children's notices were folded there), so a restarted worker rebuilds it whole.
    changelog = read_topic(settings, settings.topics.jobs_changelog, expected=10**9, timeout=10)
    seen: dict[str, set[int]] = defaultdict(set)
    for message in changelog:
        seen[message.key().decode()].add(message.partition())
    for job_id, partition in landed.items():
        assert seen[job_id] == {partition}, (job_id, seen[job_id], partition)
    for match_id in SYNTHETIC:
        assert len(seen[child_job_id(parent_id, match_id)]) == 1


@pytest.fixture
def settings(kafka_bootstrap, tmp_path):
    mirror = season_mirror(tmp_path / "mirror")
    return fresh_settings(
        kafka_bootstrap, tmp_path, partitions=PARTITIONS, statsbomb_dir=str(mirror)
    )


def test_one_worker_finds_jobs_from_any_producer(settings, tmp_path):
    worker = WorkerProcess(settings, tmp_path / "worker.log").start()
    try:
        landed = submit_from_every_kind_of_client(settings)
        check_every_lookup(settings, landed, [settings.web_port])
    finally:
        worker.stop()


def test_two_workers_find_jobs_from_any_producer(settings, tmp_path):
    second = replace(settings, web_port=free_port(), data_dir=f"{settings.data_dir}-second")
    first_worker = WorkerProcess(settings, tmp_path / "w1.log").start()
    second_worker = None
    try:
        second_worker = WorkerProcess(second, tmp_path / "w2.log").start()
        wait_for(
            lambda: first_worker.output().count("worker ready") >= 2,
            timeout=90,
            what="the first worker to take part in the rebalance",
        )
        landed = submit_from_every_kind_of_client(settings)
        check_every_lookup(settings, landed, [settings.web_port, second.web_port])
        for process in (first_worker, second_worker):  # both own some of these jobs
            local = http(process.settings.web_port, "GET", "/api/v1/jobs?scope=local").json()
            assert {j["job_id"] for j in local["jobs"]} & set(landed), process.log_path
    finally:
        if second_worker is not None:
            second_worker.stop()
        first_worker.stop()


def test_a_job_id_in_two_partitions_reads_as_its_furthest_state(settings):
    """A producer that sent one job id to two partitions leaves a copy in each: ``jobs show``
    (the reader) and ``jobs list`` show the furthest state, not whichever was read last."""
    request = IngestRequest(
        job_id=f"twice-{uuid.uuid4().hex[:8]}", source="statsbomb", match_id="1"
    )
    running = job_states.running(
        request, trace_id="a" * 32, now="2026-01-01T00:00:01.000Z", previous=None, checkpoint="0@0"
    )
    done = job_states.succeeded(
        running,
        raw_events_read=1,
        events_emitted=1,
        events_dropped={},
        now="2026-01-01T00:00:02.000Z",
    )
    newer_but_behind = job_states.queued(request, trace_id="b" * 32, now="2026-01-01T00:00:09.000Z")
    producer = Producer({"bootstrap.servers": settings.bootstrap_servers})
    for partition, state in ((0, running), (0, done), (2, newer_but_behind), (3, running)):
        producer.produce(
            settings.topics.jobs_changelog,
            key=request.job_id.encode(),
            value=encode_job_state(state),
            partition=partition,
        )
    assert producer.flush(30) == 0
    reader = JobStateReader(settings)
    assert reader.latest(request.job_id, timeout=60) == done
    listed = [s for s in reader.all_latest(timeout=60) if s.job_id == request.job_id]
    assert listed == [done]
