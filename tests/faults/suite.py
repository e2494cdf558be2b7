"""The fault-injection suite: kill -9 workers, restart the broker, feed hostile requests.

Runs on a real Kafka broker of its own (it restarts it) and real worker processes, then reads
``match-events`` with a ``read_committed`` consumer and compares, event id by event id, with
what each match must produce. Prints one summary line::

    faults: kills=20 broker_restarts=2 malformed=1000 lost=0 duplicated=0 stuck_jobs=0 ...

Revisions (issue 16): while it kills workers, it also ingests matches it ingested before,
corrected (``tests.revision_data.edit_events``), taken back, or unchanged. Every match is then
checked through the consumer's fold (per event id the latest record, retractions dropped,
ordered by ``index``) against a fresh normalization of the match's last version: an event
missing, stale (its folded content is not the current one) or not retracted is **lost**; a
job that wrote one event id twice (two attempts' outputs) is **duplicated**. Each revision
job's ``added/changed/retracted/unchanged`` must be the difference between the two versions
(a change set applied twice would read ``unchanged``): otherwise **miscounted**.

``python -m tests.faults.suite`` (or ``make faults``); exits non-zero when anything was lost,
doubled or stuck, or a hostile request was not accounted for.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import orjson
from confluent_kafka import Consumer
from confluent_kafka import TopicPartition
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from contracts.v1 import IngestRequest
from contracts.v1 import JobState
from contracts.v1 import decode_job_state
from contracts.v1.headers import header_value
from contracts.v1.headers import message_headers
from contracts.v1.match_event import content_digest
from contracts.v1.match_event import strip_revision
from processors.adapters.kafka.admin import ensure_topics
from processors.adapters.kafka.producer import RequestProducer
from processors.adapters.statsbomb import OpenDataMirror
from processors.adapters.statsbomb import StatsBombRepository
from processors.application.revisions import contents_of
from processors.settings import Settings
from tests.integration.harness import WorkerProcess
from tests.integration.harness import free_port
from tests.integration.harness import wait_for
from tests.paths import statsbomb_dir
from tests.revision_data import edit_events

SAMPLE_MATCHES = ("3788741", "15946", "15986")


@dataclass
class Report:
    kills: int = 0
    broker_restarts: int = 0
    malformed: int = 0
    lost: int = 0
    duplicated: int = 0
    stuck_jobs: int = 0
    unaccounted_requests: int = 0
    jobs: int = 0
    events: int = 0
    revision_jobs: int = 0
    revision_kills: int = 0
    miscounted: int = 0
    lane_kills: int = 0
    """Kills timed just after a job's commit, while the CDF lane turns it into CDF."""
    cdf_lost: int = 0
    cdf_duplicated: int = 0
    cdf_batches: int = 0
    cdf_records: int = 0
    publications: int = 0
    """Jobs that published something (a manifest each): each must have one CDF batch."""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.lost
            or self.duplicated
            or self.stuck_jobs
            or self.unaccounted_requests
            or self.miscounted
            or self.cdf_lost
            or self.cdf_duplicated
        )

    def line(self) -> str:
        return (
            f"faults: kills={self.kills} broker_restarts={self.broker_restarts} "
            f"malformed={self.malformed} lost={self.lost} duplicated={self.duplicated} "
            f"stuck_jobs={self.stuck_jobs} unaccounted_requests={self.unaccounted_requests} "
            f"jobs={self.jobs} events={self.events} revision_jobs={self.revision_jobs} "
            f"revision_kills={self.revision_kills} miscounted={self.miscounted} "
            f"lane_kills={self.lane_kills} "
            f"cdf_lost={self.cdf_lost} cdf_duplicated={self.cdf_duplicated} "
            f"cdf_batches={self.cdf_batches} cdf_records={self.cdf_records}"
        )


Counts = tuple[int, int, int, int]
"""(added, changed, retracted, unchanged)"""


class SyntheticMirror:
    """An open-data mirror whose matches are the sample matches under fresh ids; a match can
    be rewritten as a corrected re-release, taken back, or left as it is."""

    PREPARED = 1000
    """Matches-file entries written up front: a worker indexes the matches files once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "data" / "events").mkdir(parents=True)
        (root / "data" / "lineups").mkdir(parents=True)
        self.data = statsbomb_dir() / "data"
        self.source = self.data / "events"
        # match id -> its last version's events as (event_id, content digest), in order
        self.expected: dict[str, list[tuple[str, str]]] = {}
        self.sample: dict[str, str] = {}
        self.edited: dict[str, bool] = {}
        self.expected_cdf: dict[str, tuple[int, int]] = {}
        """Per match, its current version's (CDF event records, cdf-matches records): what the
        lane's batch for a publication of that version must hold."""
        self._cdf_by_version: dict[tuple[str, bool], tuple[int, int]] = {}
        self._first = 8_000_000 + random.randrange(100_000) * 10
        self._next = self._first
        self._prepare_matches_file()

    def _sample_for(self, match_id: int) -> str:
        return SAMPLE_MATCHES[(match_id - self._first) % len(SAMPLE_MATCHES)]

    def _prepare_matches_file(self) -> None:
        """Every synthetic match gets its sample's matches-file entry (teams, home and away,
        kick-off, venue, referee) under its own id, so its MatchInfo is the sample's."""
        entries = {}
        for path in (self.data / "matches").glob("*/*.json"):
            for entry in orjson.loads(path.read_bytes()):
                entries[str(entry["match_id"])] = entry
        synthetic = [
            {**entries[self._sample_for(n)], "match_id": n}
            for n in range(self._first, self._first + self.PREPARED)
        ]
        folder = self.root / "data" / "matches" / "9999"
        folder.mkdir(parents=True)
        (folder / "1.json").write_bytes(orjson.dumps(synthetic))

    def new_match(self) -> str:
        match_id = str(self._next)
        sample = self._sample_for(self._next)
        self._next += 1
        assert self._next < self._first + self.PREPARED, "more matches than prepared entries"
        self.sample[match_id] = sample
        lineups = self.data / "lineups" / f"{sample}.json"
        if lineups.is_file():
            shutil.copyfile(lineups, self.root / "data" / "lineups" / f"{match_id}.json")
        self._write(match_id, edited=False)
        return match_id

    def revise(self, match_id: str, *, change: bool) -> Counts:
        """Write the match's next version (the correction, or its undoing; or, without
        ``change``, the same again) and return what a revision job must count."""
        before = dict(self.expected[match_id])
        self._write(match_id, edited=self.edited[match_id] != change)
        after = self.expected[match_id]
        added = sum(1 for event_id, _ in after if event_id not in before)
        changed = sum(1 for e, d in after if e in before and before[e] != d)
        retracted = len(before) - (len(after) - added)
        return added, changed, retracted, len(after) - added - changed

    def _write(self, match_id: str, *, edited: bool) -> None:
        target = self.root / "data" / "events" / f"{match_id}.json"
        source = self.source / f"{self.sample[match_id]}.json"
        if edited:
            raw, _ = edit_events(orjson.loads(source.read_bytes()))
            tmp = target.with_suffix(".tmp")
            tmp.write_bytes(orjson.dumps(raw))
            tmp.replace(target)
        else:
            tmp = target.with_suffix(".tmp")
            shutil.copyfile(source, tmp)
            tmp.replace(target)
        self.edited[match_id] = edited
        match = StatsBombRepository(OpenDataMirror(self.root)).get_match(match_id)
        self.expected[match_id] = [
            (event_id, content_digest(content)) for event_id, content in contents_of(match)
        ]
        version = (self.sample[match_id], edited)  # the same counts under any match id
        if version not in self._cdf_by_version:
            self._cdf_by_version[version] = expected_cdf_counts(match)
        self.expected_cdf[match_id] = self._cdf_by_version[version]


# What each request supplies, so that the synthetic matches (without a matches-file entry,
# hence without a kick-off) get CDF records: the lane has something to write under kills.
KICK_OFF_UTC = "2021-06-11T19:00:00Z"


def expected_cdf_counts(match: object) -> tuple[int, int]:
    from contracts.v1.match_event import encode_match_event
    from contracts.v1.match_info import encode_match_info
    from processors.application.cdf import match_records
    from processors.application.cdf import to_cdf
    from processors.application.ingest import with_request_facts

    request = IngestRequest(
        job_id="expected", source="statsbomb", match_id=match.match_id,  # type: ignore[attr-defined]
        kick_off_utc=KICK_OFF_UTC, neutral_venue=True,
    )  # fmt: skip
    stamped = with_request_facts(match, request)  # type: ignore[arg-type]
    info = orjson.loads(encode_match_info(stamped.info))  # type: ignore[arg-type]
    events = [orjson.loads(encode_match_event(stamped, e, i)) for i, e in enumerate(stamped.events)]
    result = to_cdf(info, events)
    return len(result.events), len(match_records(result))


class JobWatch:
    """Follows the job table's changelog in a thread: the latest state of every job."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.states: dict[str, JobState] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._follow, daemon=True)
        self._lock = threading.Lock()

    def __enter__(self) -> JobWatch:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(30)

    def _follow(self) -> None:
        consumer = Consumer(
            {
                **self.settings.kafka_client_config(),
                "group.id": f"watch-{uuid.uuid4().hex}",
                "auto.offset.reset": "earliest",
                "enable.auto.commit": False,
            }
        )
        topic = self.settings.topics.jobs_changelog
        consumer.assign([TopicPartition(topic, p, 0) for p in range(self.settings.partitions)])
        try:
            while not self._stop.is_set():
                message = consumer.poll(0.2)
                if message is None or message.error() or message.value() is None:
                    continue
                state = decode_job_state(message.value())
                with self._lock:
                    self.states[state.job_id] = state
        finally:
            consumer.close()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def get(self, job_id: str) -> JobState | None:
        with self._lock:
            return self.states.get(job_id)

    def succeeded(self, job_id: str) -> bool:
        state = self.get(job_id)
        return state is not None and state.status.value == "succeeded"

    def is_running(self, job_id: str) -> bool:
        state = self.get(job_id)
        return state is not None and state.status.value == "running"

    def any_final(self, job_ids: list[str]) -> bool:
        return any((s := self.get(j)) is not None and s.status.is_final for j in job_ids)

    def all_final(self, job_ids: list[str]) -> bool:
        return all((s := self.get(j)) is not None and s.status.is_final for j in job_ids)

    def snapshot(self, job_ids: list[str]) -> dict[str, tuple[str, int, str]]:
        return {j: (s.status.value, s.attempt, s.updated_at) for j in job_ids if (s := self.get(j))}

    def newly_running(self, job_ids: list[str], before: dict[str, tuple[str, int, str]]) -> bool:
        """A job started (or resumed) running since ``before`` was taken."""
        for job_id in job_ids:
            state = self.get(job_id)
            if state is None or state.status.value != "running":
                continue
            if before.get(job_id) != (state.status.value, state.attempt, state.updated_at):
                return True
        return False


@contextmanager
def stopping(worker: WorkerProcess) -> Iterator[WorkerProcess]:
    try:
        yield worker
    finally:
        worker.stop()


@contextmanager
def own_broker() -> Iterator[object]:
    from processors.devtools.devbroker import DevBroker

    with DevBroker() as broker:
        yield broker


def submit(settings: Settings, producer: RequestProducer, match_id: str) -> str:
    job_id = f"job-{uuid.uuid4().hex[:12]}"
    producer.submit(
        IngestRequest(
            job_id=job_id,
            source="statsbomb",
            match_id=match_id,
            kick_off_utc=KICK_OFF_UTC,
            neutral_venue=True,
        ),
        trace_id=uuid.uuid4().hex,
    )
    return job_id


# ---- hostile requests -------------------------------------------------------------------

_HOSTILE_MATCH_IDS = st.one_of(
    st.sampled_from(["../../etc/passwd", "..", "a/b", "/abs", "C:\\x", "x\x00y", "ü", " 1", ""]),
    st.text(min_size=129, max_size=300, alphabet="0123456789"),
    st.text(st.characters(codec="utf-8", categories=("Cc",)), min_size=1, max_size=5),
    st.integers(-(2**63), 2**63 - 1),
    st.none(),
    st.lists(st.integers(-(2**63), 2**63 - 1), max_size=3),
)
_GOOD_MATCH_IDS = st.sampled_from(["3788741", "15946", "424242", "Sample_Game_1"])


_JOB = "JOB-ID-PLACEHOLDER"


@st.composite
def hostile_template(draw: st.DrawFn) -> tuple[str, bytes | None, bytes]:
    """(kind, key, value) of a request that must be dead-lettered or fail its job.

    The job id is a placeholder, replaced by a unique one per request afterwards, so the
    strategy itself depends on nothing outside it.
    """
    kind = draw(
        st.sampled_from(
            [
                "not_json",
                "not_object",
                "missing",
                "source",
                "queue",
                "match_id",
                "key",
                "huge",
                "no_key",
                "unknown_match",
            ]
        )
    )
    body: dict[str, object] = {
        "job_id": _JOB,
        "source": "statsbomb",
        "match_id": draw(_GOOD_MATCH_IDS),
    }
    key: bytes | None = _JOB.encode()
    value: object = body
    if kind == "not_json":
        return kind, key, draw(st.binary(max_size=200).filter(lambda b: not _is_json(b)))
    if kind == "not_object":
        value = draw(
            st.one_of(
                st.lists(st.integers(-(2**63), 2**63 - 1), max_size=3),
                st.integers(-(2**63), 2**63 - 1),
                st.text(max_size=20),
            )
        )
    elif kind == "missing":
        del body[draw(st.sampled_from(["job_id", "source", "match_id"]))]
    elif kind == "source":
        body["source"] = draw(
            st.one_of(
                st.text(max_size=20).filter(lambda s: s not in ("statsbomb", "metrica")),
                st.integers(-(2**63), 2**63 - 1),
                st.none(),
            )
        )
    elif kind == "queue":
        body["queue"] = draw(st.text(max_size=20).filter(lambda s: s != "default"))
    elif kind == "match_id":
        body["match_id"] = draw(_HOSTILE_MATCH_IDS)
    elif kind == "key":
        key = draw(st.one_of(st.just(b"other-job"), st.binary(max_size=50)))
    elif kind == "huge":
        body["options"] = {"padding": "x" * 70_000}
    elif kind == "no_key":
        key = None
    elif kind == "unknown_match":  # well-formed, but no such match: a failed job, not a DLQ
        body["match_id"] = "UNKNOWN-MATCH"
    return kind, key, orjson.dumps(value)


def _finish(template: tuple[str, bytes | None, bytes], index: int) -> tuple[bytes | None, bytes]:
    _, key, value = template
    job_id = f"fz-{index}".encode()
    placeholder = _JOB.encode()
    value = value.replace(b"UNKNOWN-MATCH", str(9_900_000 + index).encode())
    if key == placeholder:
        key = job_id
    return key, value.replace(placeholder, job_id)


def _is_json(data: bytes) -> bool:
    try:
        orjson.loads(data)
    except orjson.JSONDecodeError:
        return False
    return True


def generate_hostile(count: int) -> list[tuple[bytes | None, bytes]]:
    templates: list[tuple[str, bytes | None, bytes]] = []

    @settings(
        max_examples=count * 2,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(hostile_template())
    def collect(template: tuple[str, bytes | None, bytes]) -> None:
        templates.append(template)

    collect()
    if len(templates) < count:
        raise RuntimeError(f"hypothesis generated only {len(templates)} hostile requests")
    return [_finish(template, i) for i, template in enumerate(templates[:count])]


# ---- the suite --------------------------------------------------------------------------


def run_suite(
    *, kills: int, broker_restarts: int, malformed: int, seed: int, workdir: Path
) -> Report:
    random.seed(seed)
    report = Report()
    with own_broker() as broker:
        name = f"faults{uuid.uuid4().hex[:6]}"
        settings = Settings(
            bootstrap_servers=broker.bootstrap_servers,  # type: ignore[attr-defined]
            app_id=f"{name}-app",
            topic_prefix=f"{name}-",
            partitions=4,
            statsbomb_dir=str(workdir / "mirror"),
            web_port=free_port(),
            data_dir=str(workdir / "worker-data"),
            session_timeout=6.0,
        )
        ensure_topics(settings)
        mirror = SyntheticMirror(workdir / "mirror")
        producer = RequestProducer(settings)
        jobs: dict[str, str] = {}
        # A killed worker's partitions go to its successor once the group notices it is gone.
        worker = WorkerProcess(
            settings, workdir / "worker.log", extra_env={"PITCHSTREAM_SESSION_TIMEOUT": "6"}
        )
        with JobWatch(settings) as watch, stopping(worker):
            worker.start()
            # 1. kill -9 the worker at random points while it ingests: new matches, and
            # matches ingested before again (corrected, taken back, or unchanged).
            revisions: dict[str, Counts] = {}
            # Per job that publishes (a new match, or a revision that changed something): the
            # CDF counts of the version it published.
            cdf_jobs: dict[str, tuple[int, int]] = {}
            while report.kills < kills:
                pending = [j for j in jobs if not watch.all_final([j])]
                while len(pending) < 3:
                    busy = {jobs[j] for j in pending}
                    idle = [m for j, m in jobs.items() if m not in busy and watch.succeeded(j)]
                    if idle and random.random() < 0.5:
                        match_id = random.choice(sorted(set(idle)))
                        expected = mirror.revise(match_id, change=random.random() < 0.8)
                        job_id = submit(settings, producer, match_id)
                        revisions[job_id] = expected
                        if any(expected[:3]):  # an unchanged one writes no manifest, no CDF
                            cdf_jobs[job_id] = mirror.expected_cdf[match_id]
                    else:
                        match_id = mirror.new_match()
                        job_id = submit(settings, producer, match_id)
                        cdf_jobs[job_id] = mirror.expected_cdf[match_id]
                    jobs[job_id] = match_id
                    pending.append(job_id)
                if report.kills % 2 == 1:  # just after a commit: the CDF lane is at work
                    wait_for(
                        lambda p=pending: any(watch.all_final([j]) for j in p),
                        timeout=120,
                        what="a job committed before a kill of the CDF lane",
                    )
                    time.sleep(random.uniform(0.0, 1.5))
                    report.lane_kills += 1
                else:
                    # Every other one of these kills aims at a revision job (they are short:
                    # normalize, read the manifest, publish a few records), the others at
                    # whatever runs.
                    aimed = [j for j in pending if j in revisions]
                    if not (aimed and report.kills % 4 == 2):
                        aimed = pending
                    before = watch.snapshot(aimed)
                    wait_for(
                        lambda p=aimed, b=before: watch.newly_running(p, b) or watch.any_final(p),
                        timeout=120,
                        what="a job running before a kill",
                    )
                    if not watch.newly_running(aimed, before):
                        continue  # it ended before it was seen running: aim again
                    limit = 0.8 if all(j in revisions for j in aimed) else 1.2
                    time.sleep(random.uniform(0.0, limit))  # the random kill point
                if any(watch.is_running(j) for j in pending if j in revisions):
                    report.revision_kills += 1  # a revision job had not ended at the kill
                worker.kill()
                report.kills += 1
                worker.start()
            wait_for_final(
                watch, list(jobs), 300, "every job final after the kills", settings, worker
            )

            # 2. restart the broker in the middle of a job.
            while report.broker_restarts < broker_restarts:
                batch = [mirror.new_match() for _ in range(2)]
                batch_jobs = {submit(settings, producer, m): m for m in batch}
                jobs.update(batch_jobs)
                cdf_jobs.update({j: mirror.expected_cdf[m] for j, m in batch_jobs.items()})
                wait_for(
                    lambda b=list(batch_jobs): watch.newly_running(b, {}),
                    timeout=120,
                    what="a job running before the broker restart",
                )
                broker.restart()  # type: ignore[attr-defined]
                report.broker_restarts += 1
                wait_for(
                    lambda b=list(batch_jobs): watch.all_final(b),
                    timeout=300,
                    what="jobs final after a broker restart",
                )

            # 3. hostile requests mixed with valid ones.
            hostile = generate_hostile(malformed)
            valid: dict[str, str] = {}
            sent: list[tuple[bytes | None, bytes]] = []
            for i, (key, value) in enumerate(hostile):
                if i % 100 == 0:  # a valid request among every hundred hostile ones
                    match_id = mirror.new_match()
                    job_id = submit(settings, producer, match_id)
                    valid[job_id] = match_id
                    cdf_jobs[job_id] = mirror.expected_cdf[match_id]
                producer.send_raw(
                    settings.topics.ingest_requests,
                    key,
                    value,
                    message_headers(trace_id=uuid.uuid4().hex, job_id="fuzz"),
                )
                sent.append((key, value))
            producer.flush()
            report.malformed = len(sent)
            jobs.update(valid)
            wait_for(
                lambda: watch.all_final(list(valid)),
                timeout=300,
                what="valid jobs final among hostile requests",
            )
            # Every hostile request is handled by now or soon: wait until each is accounted
            # for, and report how many were not when the time is up.
            unaccounted = [len(sent)]

            def all_accounted() -> bool:
                unaccounted[0] = account_for_hostile(settings, sent, watch)
                return unaccounted[0] == 0

            with contextlib.suppress(AssertionError):  # the count below says how many
                wait_for(
                    all_accounted,
                    timeout=180,
                    interval=2.0,
                    what="every hostile request dead-lettered or failed",
                )
            report.unaccounted_requests = unaccounted[0]
            with contextlib.suppress(AssertionError):  # compare_cdf counts what is missing
                wait_for(
                    lambda: all((st_ := watch.get(j)) and st_.cdf for j in cdf_jobs),
                    timeout=180,
                    interval=1.0,
                    what="every job's CDF summary",
                )
            worker.stop()

            report.jobs = len(jobs)
            report.stuck_jobs = sum(1 for j in jobs if not watch.all_final([j]))
            failed = [j for j in jobs if (s := watch.get(j)) and s.status.value == "failed"]
            for job_id in failed:
                report.problems.append(f"job {job_id} failed: {watch.get(job_id)}")
            compare_events(settings, jobs, mirror.expected, report)
            compare_cdf(settings, jobs, cdf_jobs, watch, report)
            report.stuck_jobs += len(failed)  # a valid job must succeed, not just end
            report.revision_jobs = len(revisions)
            for job_id, expected in revisions.items():
                state = watch.get(job_id)
                got = state and (state.added, state.changed, state.retracted, state.unchanged)
                if got != expected:
                    report.miscounted += 1
                    report.problems.append(f"revision job {job_id}: {got}, expected {expected}")
    return report


def wait_for_final(
    watch: JobWatch,
    job_ids: list[str],
    timeout: float,
    what: str,
    settings: Settings,
    worker: WorkerProcess,
) -> None:
    """Wait until every job is final; on a timeout say which are not, and what the job
    watch, the group and the topics hold (a stuck job and a dead watch look alike)."""
    try:
        wait_for(lambda: watch.all_final(job_ids), timeout=timeout, what=what)
    except AssertionError as timeout_error:
        open_jobs = [j for j in job_ids if not watch.all_final([j])]
        states = {j: watch.get(j) for j in open_jobs}
        raise AssertionError(
            f"{timeout_error}: not final {states}; job watch alive: {watch.alive}\n"
            + diagnose(settings, worker, open_jobs)
        ) from None


def diagnose(settings: Settings, worker: WorkerProcess, pending: list[str]) -> str:
    """What the group has committed and what the topics hold, when the worker seems stuck."""
    import subprocess

    from confluent_kafka import ConsumerGroupTopicPartitions
    from confluent_kafka.admin import AdminClient

    from processors.adapters.kafka.publisher import partition_for
    from tests.integration.harness import end_offsets

    admin = AdminClient(settings.kafka_client_config())
    lines = [f"pending jobs by partition: {[(j, partition_for(j, 4)) for j in pending]}"]
    for _, future in admin.list_consumer_group_offsets(
        [ConsumerGroupTopicPartitions(settings.app_id)]
    ).items():
        committed = sorted(
            (tp.topic, tp.partition, tp.offset) for tp in future.result().topic_partitions
        )
        lines.append(f"committed: {committed}")
    for topic in (settings.topics.ingest_requests, settings.topics.job_updates):
        lines.append(f"end offsets {topic}: {end_offsets(settings, topic)}")
    if worker.process is not None and shutil.which("py-spy"):
        dump = subprocess.run(
            ["py-spy", "dump", "--pid", str(worker.process.pid)],
            capture_output=True,
            text=True,
            check=False,
        )
        lines.append(dump.stdout[-3000:] or dump.stderr[-500:])
    return "\n".join(lines)


def account_for_hostile(
    settings: Settings, sent: list[tuple[bytes | None, bytes]], watch: JobWatch
) -> int:
    """Each hostile request ends as exactly one dead letter or a failed job with a reason."""
    dead = read_all(settings, settings.topics.ingest_dead_letters, isolation="read_uncommitted")
    dead_values = Counter((m.key(), m.value()) for m in dead)
    for message in dead:
        headers = dict(message.headers() or [])
        if not headers.get("__connect.errors.exception.message"):
            return len(sent)  # a dead letter without a reason
    unaccounted = 0
    for key, value in sent:
        marker = (key, value or None)
        if dead_values[marker] > 0:
            dead_values[marker] -= 1
            continue
        job_id = key.decode("utf-8", "replace") if key else ""
        state = watch.get(job_id)
        if not (state and state.status.value == "failed" and state.error_message):
            unaccounted += 1
    return unaccounted


def read_all(settings: Settings, topic: str, *, isolation: str = "read_committed") -> list:
    consumer = Consumer(
        {
            **settings.kafka_client_config(),
            "group.id": f"verify-{uuid.uuid4().hex}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            "isolation.level": isolation,
            "enable.partition.eof": True,
        }
    )
    metadata = consumer.list_topics(topic, timeout=30)
    partitions = list(metadata.topics[topic].partitions)
    consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
    messages, finished = [], set()
    deadline = time.monotonic() + 120
    try:
        while len(finished) < len(partitions) and time.monotonic() < deadline:
            message = consumer.poll(1.0)
            if message is None:
                continue
            if message.error():
                if message.error().code() == message.error()._PARTITION_EOF:
                    finished.add(message.partition())
                continue
            messages.append(message)
    finally:
        consumer.close()
    return messages


def compare_events(
    settings: Settings,
    jobs: dict[str, str],
    expected: dict[str, list[tuple[str, str]]],
    report: Report,
) -> None:
    """Fold every match's records as a consumer does and compare with its last version."""
    messages = read_all(settings, settings.topics.match_events)
    report.events = len(messages)
    latest: dict[str, dict[str, tuple[int, bool, str]]] = {}  # index, retracted, digest
    per_job: Counter[tuple[str, str]] = Counter()
    for message in messages:
        payload = orjson.loads(message.value())
        event_id = payload["event_id"]
        per_job[(header_value(message.headers(), "job_id") or "", event_id)] += 1
        latest.setdefault(payload["match_id"], {})[event_id] = (
            payload.get("index", -1),
            bool(payload.get("retracted")),
            content_digest(strip_revision(message.value())),
        )
    report.duplicated += sum(n - 1 for n in per_job.values() if n > 1)
    for match_id in sorted(set(jobs.values())):
        want = expected[match_id]
        folded = sorted(
            (index, event_id, payload)
            for event_id, (index, retracted, payload) in latest.get(match_id, {}).items()
            if not retracted
        )
        got = {event_id: digest for _, event_id, digest in folded}
        wanted = dict(want)
        missing = sum(1 for event_id in wanted if event_id not in got)
        stale = sum(1 for e, d in wanted.items() if e in got and got[e] != d)
        extra = sum(1 for event_id in got if event_id not in wanted)
        if missing or stale or extra:
            report.problems.append(
                f"match {match_id}: {missing} missing, {stale} stale, {extra} not retracted"
            )
        report.lost += missing + stale + extra
        if not (missing or stale or extra) and [e for _, e, _ in folded] != [e for e, _ in want]:
            report.problems.append(f"match {match_id}: events out of order")
            report.lost += 1


def compare_cdf(
    settings: Settings,
    jobs: dict[str, str],
    expected: dict[str, tuple[int, int]],
    watch: JobWatch,
    report: Report,
) -> None:
    """Per publication, exactly one committed CDF batch with the right number of records.

    ``expected``: per job that published (a new match, or a revision that changed something;
    an unchanged re-ingest writes no manifest, so no batch), the CDF counts of the version it
    published. Each such job wrote exactly one manifest (its revision); the transactional
    notice on job-updates marks the lane's batch for it; cdf-events and cdf-matches hold, under
    that revision's header, exactly what that version must produce. A job not in ``expected``
    must have written no manifest."""
    from contracts.v1.match_published import decode_match_published

    def revision_of(message: object) -> tuple[str, str]:
        headers = dict(message.headers() or [])  # type: ignore[attr-defined]
        return (
            message.key().decode(),  # type: ignore[attr-defined]
            headers.get("pitchstream_revision", b"?").decode(),
        )

    written: dict[str, list[int]] = {}  # job id -> the revisions of the manifests it wrote
    per_match: dict[str, list[int]] = {}
    for message in read_all(settings, settings.topics.match_published):
        manifest = decode_match_published(message.value())
        written.setdefault(manifest.job_id, []).append(manifest.revision)
        per_match.setdefault(manifest.match_id, []).append(manifest.revision)
    for match_id, revisions in per_match.items():
        if revisions != list(range(1, len(revisions) + 1)):
            report.problems.append(f"match {match_id}: manifest revisions {revisions}")
    notices: Counter[tuple[str, int]] = Counter()
    for message in read_all(settings, settings.topics.job_updates):
        state = decode_job_state(message.value())
        if state.cdf is not None:
            notices[(state.job_id, state.cdf.revision)] += 1
    events = Counter(revision_of(m) for m in read_all(settings, settings.topics.cdf_events))
    sheets = Counter(revision_of(m) for m in read_all(settings, settings.topics.cdf_matches))
    report.cdf_records = sum(events.values()) + sum(sheets.values())
    report.cdf_batches = sum(notices.values())
    report.publications = len(expected)
    for job_id, match_id in jobs.items():
        revisions = written.get(job_id, [])
        if job_id not in expected:
            if revisions:
                report.problems.append(f"unchanged job {job_id}: manifests {revisions}")
            continue
        key = f"statsbomb:{match_id}"
        want_events, want_sheets = expected[job_id]
        if len(revisions) != 1:
            report.problems.append(f"job {job_id}: manifests {revisions}")
            if not revisions:
                report.cdf_lost += want_events + want_sheets
                continue
        revision = revisions[-1]
        batches = notices[(job_id, revision)]
        if batches != 1:
            report.problems.append(f"job {job_id}: {batches} committed CDF batches")
        report.cdf_duplicated += max(0, batches - 1) * (want_events + want_sheets)
        got_events, got_sheets = events[(key, str(revision))], sheets[(key, str(revision))]
        report.cdf_lost += max(0, want_events - got_events) + max(0, want_sheets - got_sheets)
        report.cdf_duplicated += max(0, got_events - want_events)
        report.cdf_duplicated += max(0, got_sheets - want_sheets)
        state = watch.get(job_id)
        cdf = state.cdf if state else None
        if cdf is None or cdf.revision != revision or cdf.events_written != want_events:
            report.problems.append(f"job {job_id}: CDF summary {cdf}, revision {revision}")
            report.cdf_lost += 0 if cdf else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--broker-restarts", type=int, default=2)
    parser.add_argument("--malformed", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--workdir", help="keep worker logs and the mirror here")
    args = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pitchstream-faults-") as tmp:
        workdir = Path(args.workdir) if args.workdir else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        report = run_suite(
            kills=args.kills,
            broker_restarts=args.broker_restarts,
            malformed=args.malformed,
            seed=args.seed,
            workdir=workdir,
        )
    for problem in report.problems[:20]:
        print(f"  problem: {problem}")
    print(f"{report.line()} seed={args.seed} seconds={time.monotonic() - started:.0f}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
