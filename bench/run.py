"""``make bench``: Pitchstream against baselines measured in the same run, on the same data.

1. normalize (no Kafka): raw file bytes -> MatchEvent payload bytes, ours beside kloppy;
2. the broker ceiling: a plain confluent-kafka producer with the same payloads, keys, headers;
3. end to end: ingest request produced -> last event readable (read_committed), one worker;
4. the worker's resident memory over that run;
5. scale-out: one worker vs two.

Every target is a ratio between figures of this run. Prints a table, writes
``bench/results.json``. Starts a dev broker unless ``KAFKA_BOOTSTRAP_SERVERS`` is set, and
stops every process it started. Run from the repository root: ``python -m bench.run``.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import dataclasses
import gc
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import orjson

from bench import cli
from domain import MatchScope
from processors.devtools.worker import log_text
from processors.devtools.worker import start_worker
from processors.devtools.worker import stop_worker

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results.json"
STATSBOMB_SAMPLES = ("3788741", "15946", "15986")
FIRST_SYNTHETIC_ID = 9_000_001
PARTITIONS = 4

# Targets (ratios of figures from one run; see bench/README.md).
TARGET_NORMALIZE_RATIO = 10.0
TARGET_METRICA_JSON_RATIO = 3.0  # issue 15: Metrica JSON (game 3) >= 3x kloppy
TARGET_E2E_OF_CEILING = 0.5
TARGET_P50_SECONDS = 0.5
TARGET_RSS_GROWTH = 0.10
TARGET_RSS_MB = 250.0


# ------------------------------------------------------------------------------------------
# Small helpers
# ------------------------------------------------------------------------------------------


def summary(values: list[float]) -> dict[str, float]:
    """Median with min and max: the figures every table cell shows."""
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = q * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def rss_mb(pid: int) -> float | None:
    """VmRSS of ``pid`` in MB (psutil-free: /proc/<pid>/status)."""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def child_pids(pid: int) -> list[int]:
    """Direct children of ``pid`` (from /proc/<pid>/task/*/children)."""
    children: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except (FileNotFoundError, ProcessLookupError):
        return children
    for task in tasks:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
            children += [int(c) for c in text.split()]
    return children


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += child_pids(current)
    return tree


def cmdline(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return "?"
    return " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part)


def faust_pid(supervisor: int) -> int | None:
    """The Faust worker under a ``pitchstream worker`` supervisor: its child started with
    PITCHSTREAM_SUPERVISED_WORKER=1 (the supervisor runs one at a time)."""
    for child in child_pids(supervisor):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError, PermissionError):
            if b"PITCHSTREAM_SUPERVISED_WORKER=1" in Path(f"/proc/{child}/environ").read_bytes():
                return child
    return None


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


# ------------------------------------------------------------------------------------------
# 1. Normalize only
# ------------------------------------------------------------------------------------------


def ours_normalize(repository: Any, match_id: str) -> int:
    """What the worker does per job before Kafka: read + parse + map + encode every event.

    Payloads are handed on one at a time, as the publisher hands each to ``produce`` (which
    copies it); keeping all of them in one Python list instead costs 5-17 ms more per
    match in glibc heap growth and page faults, which the worker never pays.
    """
    from contracts.v1.match_event import encode_match_event

    match = repository.get_match(match_id)
    size = 0
    for i, event in enumerate(match.events):
        size += len(encode_match_event(match, event, i))
    return size


def bench_normalize(settings: Any, *, repeats: int, warmup: int) -> list[dict[str, Any]]:
    from kloppy import metrica as kloppy_metrica
    from kloppy import statsbomb as kloppy_statsbomb

    from processors.adapters.registry import build_repositories

    repositories = build_repositories(settings)
    data = Path(settings.statsbomb_dir) / "data"
    cases: list[dict[str, Any]] = []
    for match_id in STATSBOMB_SAMPLES:
        events = data / "events" / f"{match_id}.json"
        lineups = data / "lineups" / f"{match_id}.json"
        raw_count = len(orjson.loads(events.read_bytes()))
        cases.append(
            {
                "source": "statsbomb",
                "match": match_id,
                "raw_events": raw_count,
                "ours": lambda m=match_id: ours_normalize(repositories["statsbomb"], m),
                "kloppy": lambda e=events, li=lineups: kloppy_statsbomb.load(
                    event_data=str(e), lineup_data=str(li)
                ),
                "kloppy_note": "statsbomb.load(event_data, lineup_data)",
            }
        )
    cases += metrica_cases(settings, repositories, kloppy_metrica)
    cases += wyscout_statsperform_cases(settings, repositories)

    for case in cases:  # warm-up: imports, caches (the matches-file index), allocator
        for _ in range(warmup):
            case["ours"]()
            if case["kloppy"] is not None:
                case["kloppy"]()
    rows = []
    for case in cases:
        ours_t: list[float] = []
        kloppy_t: list[float] = []
        for _ in range(repeats):  # interleaved: drift on a noisy machine hits both alike
            gc.collect()
            ours_t.append(timed(case["ours"])[0])
            if case["kloppy"] is not None:
                gc.collect()
                kloppy_t.append(timed(case["kloppy"])[0])
        n = case["raw_events"]
        row: dict[str, Any] = {
            "source": case["source"],
            "match": case["match"],
            "raw_events": n,
            "ours_seconds": summary(ours_t),
            "ours_events_per_s": summary([n / t for t in ours_t]),
            "kloppy_seconds": summary(kloppy_t) if kloppy_t else None,
            "kloppy_events_per_s": summary([n / t for t in kloppy_t]) if kloppy_t else None,
            "kloppy_note": case["kloppy_note"],
        }
        row["ratio"] = (
            row["ours_events_per_s"]["median"] / row["kloppy_events_per_s"]["median"]
            if kloppy_t
            else None
        )
        rows.append(row)
        say(
            f"  normalize {case['source']} {case['match']}: ours "
            f"{row['ours_seconds']['median'] * 1000:.0f} ms"
            + (f", kloppy {row['kloppy_seconds']['median'] * 1000:.0f} ms" if kloppy_t else "")
        )
    return rows


def metrica_cases(settings: Any, repositories: dict[str, Any], kloppy_metrica: Any) -> list[dict]:
    """Metrica sample games, when the Metrica adapter is registered in this tree."""
    repository = repositories.get("metrica")
    root = Path(settings.metrica_dir) if settings.metrica_dir else None
    if repository is None or root is None or not root.is_dir():
        say("  metrica: no adapter registered (or no data); skipped")
        return []
    cases = []
    for game_dir in sorted(root.glob("Sample_Game_*")):
        number = game_dir.name.rsplit("_", 1)[-1]
        match_id = next((c for c in (number, game_dir.name) if _metrica_loads(repository, c)), None)
        if match_id is None:
            say(f"  metrica: {game_dir.name} not loadable by the adapter; skipped")
            continue
        raw_count = repository.get_match(match_id).raw_event_count
        events_json = game_dir / f"{game_dir.name}_events.json"
        metadata = game_dir / f"{game_dir.name}_metadata.xml"
        kloppy_call = None
        note = "kloppy has no reader for Metrica's CSV event format"
        if events_json.is_file() and metadata.is_file():
            note = "metrica.load_event(event_data, meta_data)"
            kloppy_call = lambda e=events_json, m=metadata: kloppy_metrica.load_event(  # noqa: E731
                event_data=str(e), meta_data=str(m)
            )
        cases.append(_case("metrica", repository, match_id, raw_count, kloppy_call, note))
    return cases


def wyscout_statsperform_cases(settings: Any, repositories: dict[str, Any]) -> list[dict]:
    """Every Wyscout and Stats Perform match under their roots, beside kloppy's readers
    (``wyscout.load(..., data_version="V2")``, ``statsperform.load_event(ma1, ma3)``)."""
    from kloppy import statsperform as kloppy_statsperform
    from kloppy import wyscout as kloppy_wyscout

    cases = []
    wyscout = repositories.get("wyscout")
    if wyscout is not None and settings.wyscout_dir:
        for match_id in [m.match_id for m in wyscout.list_matches(MatchScope())]:
            path = Path(settings.wyscout_dir) / f"{match_id}.json"
            raw_count = wyscout.get_match(match_id).raw_event_count
            kloppy_call = lambda p=path: kloppy_wyscout.load(  # noqa: E731
                event_data=str(p), data_version="V2"
            )
            note = "wyscout.load(event_data, data_version='V2')"
            cases.append(_case("wyscout", wyscout, match_id, raw_count, kloppy_call, note))
    else:
        say("  wyscout: no adapter registered (or no data); skipped")
    statsperform = repositories.get("statsperform")
    if statsperform is not None and settings.statsperform_dir:
        root = Path(settings.statsperform_dir)
        for match_id in [m.match_id for m in statsperform.list_matches(MatchScope())]:
            ma1, ma3 = root / "ma1" / f"{match_id}.json", root / "ma3" / f"{match_id}.json"
            kloppy_call = None
            note = "kloppy's statsperform.load_event needs the MA1 file"
            if ma1.is_file():
                note = "statsperform.load_event(ma1_data, ma3_data)"
                kloppy_call = lambda a=ma1, b=ma3: kloppy_statsperform.load_event(  # noqa: E731
                    ma1_data=str(a), ma3_data=str(b)
                )
            raw_count = statsperform.get_match(match_id).raw_event_count
            cases.append(
                _case("statsperform", statsperform, match_id, raw_count, kloppy_call, note)
            )
    else:
        say("  statsperform: no adapter registered (or no data); skipped")
    return cases


def _case(
    source: str,
    repository: Any,
    match_id: str,
    raw_events: int,
    kloppy_call: Callable[[], Any] | None,
    note: str,
) -> dict[str, Any]:
    """One normalize row: ours (``ours_normalize``) beside kloppy's call (None: no reader)."""
    return {
        "source": source,
        "match": match_id,
        "raw_events": raw_events,
        "ours": lambda: ours_normalize(repository, match_id),
        "kloppy": kloppy_call,
        "kloppy_note": note,
    }


def _metrica_loads(repository: Any, match_id: str) -> bool:
    try:
        repository.get_match(match_id)
    except Exception:
        return False
    return True


def profile_normalize(settings: Any, out_dir: Path) -> str:
    """pyinstrument over the normalize path of every registered provider's sample matches,
    one report per source (``profile-normalize-<source>.txt``); returns the StatsBomb one's
    path. pyinstrument hooks every call, so it overstates call-heavy code: judge a change by
    an A/B of timings, not by these shares alone (bench/README.md, "Profiler verdicts")."""
    from pyinstrument import Profiler

    from processors.adapters.registry import build_repositories

    repositories = build_repositories(settings)
    samples = {
        "statsbomb": STATSBOMB_SAMPLES,
        "metrica": ("Sample_Game_3",),
        "wyscout": ("2499773",),
        "statsperform": ("71pif9hi2vwzp6q0xzilyxst0",),
    }
    paths = {}
    for source, match_ids in samples.items():
        repository = repositories.get(source)
        if repository is None or not all(_metrica_loads(repository, m) for m in match_ids):
            continue
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(5):
            for match_id in match_ids:
                ours_normalize(repository, match_id)
        profiler.stop()
        path = out_dir / f"profile-normalize-{source}.txt"
        path.write_text(profiler.output_text(unicode=True, color=False, show_all=False))
        paths[source] = str(path)
    return paths.get("statsbomb", "")


# ------------------------------------------------------------------------------------------
# Kafka pieces: broker, fresh settings, a completion watcher, the worker subprocess
# ------------------------------------------------------------------------------------------


@contextlib.contextmanager
def kafka_broker() -> Iterator[tuple[str, str]]:
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "").strip()
    if external:
        yield external, "KAFKA_BOOTSTRAP_SERVERS"
        return
    from processors.devtools.devbroker import DevBroker

    with DevBroker() as broker:
        yield broker.bootstrap_servers, f"processors.devtools.devbroker (Kafka {_kafka_version()})"


def _kafka_version() -> str:
    from processors.devtools.devbroker import KAFKA_VERSION

    return KAFKA_VERSION


def fresh_settings(bootstrap: str, work: Path, mirror: Path, partitions: int) -> Any:
    from processors.adapters.kafka.admin import ensure_topics
    from processors.settings import Settings

    name = f"bench{uuid.uuid4().hex[:8]}"
    settings = Settings(
        bootstrap_servers=bootstrap,
        app_id=f"{name}-app",
        topic_prefix=f"{name}-",
        partitions=partitions,
        statsbomb_dir=str(mirror),
        metrica_dir="",
        web_port=free_port(),
        data_dir=str(work / f"{name}-data"),
        log_format="json",
    )
    ensure_topics(settings)
    return settings


class CompletionWatcher(threading.Thread):
    """A read_committed consumer on every partition of ``topic``, from the start.

    Counts messages per key; when a key reaches its expected count, records the monotonic
    time: that match's last event is readable.
    """

    def __init__(self, settings: Any, topic: str) -> None:
        super().__init__(daemon=True, name="completion-watcher")
        from confluent_kafka import Consumer

        self.topic = topic
        self.settings = settings
        self.assigned: list[int] | None = None  # set once the watcher has its partitions
        self.next_offset: dict[int, int] = {}  # per partition: the offset after the last read
        self.expected: dict[bytes, int] = {}
        self.counts: collections.Counter[bytes] = collections.Counter()
        self.done: dict[bytes, float] = {}
        self.total = 0
        self._stop_event = threading.Event()
        self._changed = threading.Condition()
        self.consumer = Consumer(
            {
                **settings.kafka_client_config(),
                "group.id": f"bench-watch-{uuid.uuid4().hex}",
                "isolation.level": "read_committed",
                "enable.auto.commit": False,
                "auto.offset.reset": "earliest",
                "fetch.wait.max.ms": 10,
                "enable.partition.eof": False,
            }
        )

    also: CompletionWatcher | None = None
    """A watcher told to expect every key this one expects (the CDF lane's)."""

    def expect(self, key: bytes, count: int) -> None:
        with self._changed:
            self.expected[key] = count
        if self.also is not None:
            self.also.expect(key, count)

    error: BaseException | None = None
    """Why the watcher thread stopped early; ``wait_for`` raises it instead of timing out."""

    def run(self) -> None:
        try:
            self._watch()
        except BaseException as error:
            self.error = error
            with self._changed:
                self._changed.notify_all()
            raise

    def _watch(self) -> None:
        from confluent_kafka import TopicPartition

        partitions = self._wait_for_partitions(60.0)
        self.consumer.assign([TopicPartition(self.topic, p, 0) for p in partitions])
        self.assigned = partitions
        try:
            while not self._stop_event.is_set():
                messages = self.consumer.consume(num_messages=5000, timeout=0.05)
                if not messages:
                    continue
                now = time.monotonic()
                counts = self.counts
                finished = []
                for message in messages:
                    if message.error():
                        continue
                    self.next_offset[message.partition()] = message.offset() + 1
                    key = message.key()
                    counts[key] += 1
                    finished.append(key)
                self.total += len(messages)
                with self._changed:
                    for key in set(finished):
                        want = self.expected.get(key)
                        if want is not None and counts[key] >= want and key not in self.done:
                            self.done[key] = now
                    self._changed.notify_all()
        finally:
            self.consumer.close()

    def _wait_for_partitions(self, timeout: float) -> list[int]:
        """Every partition of the topic, once the broker's metadata shows them all.

        Right after CreateTopics returns, the broker may not know the topic yet: on a busy
        2-core machine a fresh consumer's metadata showed no partitions (UNKNOWN_TOPIC_OR_PART)
        for 0.1-1.4 s after creation. Assigning what that first answer listed (nothing) left
        the watcher reading nothing at all, and the bench failed with "never became readable"
        while the worker had committed every match.
        """
        wanted = self.settings.partitions
        deadline = time.monotonic() + timeout
        while True:
            metadata = self.consumer.list_topics(self.topic, timeout=30)
            topic = metadata.topics.get(self.topic)
            partitions = sorted(topic.partitions) if topic is not None else []
            if topic is not None and topic.error is None and len(partitions) == wanted:
                return partitions
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"watcher: {self.topic} shows {len(partitions)} of {wanted} partitions "
                    f"after {timeout:.0f}s (error: {topic.error if topic else 'no topic'})"
                )
            time.sleep(0.05)

    def explain(self, keys: list[bytes]) -> str:
        """What the watcher was waiting on, per key not done: partition, offsets, and whether
        an open transaction holds that partition's last stable offset (and whose)."""
        from processors.adapters.kafka.publisher import partition_for

        pending = [k for k in keys if k not in self.done]
        lines = [f"watcher assigned partitions {self.assigned} of {self.topic}"]
        offsets = partition_offsets(self.settings, self.topic)
        for key in pending:
            partition = partition_for(key.decode(), self.settings.partitions)
            high, stable, holder = offsets.get(partition, (-1, -1, None))
            line = (
                f"  {key.decode()}: partition {partition}, read {self.counts[key]} of "
                f"{self.expected.get(key)} records; watcher at offset "
                f"{self.next_offset.get(partition, 0)}, last stable offset {stable}, "
                f"high watermark {high}"
            )
            if stable < high:
                line += f"; an open transaction holds offset {stable} on: {holder}"
            lines.append(line)
        return "\n".join(lines)

    abort: Callable[[], str | None] | None = None
    """Checked while waiting: a message when waiting is pointless (a job failed)."""

    def wait_for(self, keys: list[bytes], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not all(key in self.done for key in keys):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(min(remaining, 0.5))
                if self.error is not None:
                    raise RuntimeError(f"the watcher stopped: {self.error!r}") from self.error
                problem = self.abort() if self.abort is not None else None
                if problem:
                    raise RuntimeError(problem)
        return True

    def stop(self) -> None:
        self._stop_event.set()
        self.join(30)


def partition_offsets(settings: Any, topic: str) -> dict[int, tuple[int, int, str | None]]:
    """Per partition: high watermark, last stable offset, and when they differ, who wrote the
    first record past the stable offset (its job_id header: the open transaction)."""
    from confluent_kafka import Consumer
    from confluent_kafka import TopicPartition

    def consumer(isolation: str) -> Any:
        return Consumer(
            {
                **settings.kafka_client_config(),
                "group.id": f"bench-explain-{uuid.uuid4().hex}",
                "isolation.level": isolation,
                "enable.auto.commit": False,
            }
        )

    uncommitted, committed = consumer("read_uncommitted"), consumer("read_committed")
    result: dict[int, tuple[int, int, str | None]] = {}
    try:
        for partition in range(settings.partitions):
            tp = TopicPartition(topic, partition)
            high = uncommitted.get_watermark_offsets(tp, timeout=10)[1]
            stable = committed.get_watermark_offsets(tp, timeout=10)[1]  # read_committed: LSO
            holder = None
            if stable < high:
                uncommitted.assign([TopicPartition(topic, partition, stable)])
                message = uncommitted.poll(10)
                if message is not None and not message.error():
                    headers = dict(message.headers() or [])
                    job = headers.get("job_id", b"?").decode(errors="replace")
                    holder = f"job {job} (key {message.key()!r}, offset {message.offset()})"
            result[partition] = (high, stable, holder)
    finally:
        uncommitted.close()
        committed.close()
    return result


class RssSampler(threading.Thread):
    """Every ``interval`` seconds, the VmRSS of each worker's Faust process and its children.

    ``pitchstream worker`` is a supervisor that runs the Faust worker as a child process (and
    a fresh one after a stall), so the supervisor's own memory says nothing about the work:
    each sample looks the Faust process up again under each supervisor pid and sums the RSS
    of its process tree. Samples are averaged over the workers. ``measured`` keeps which
    processes were sampled (pid: command line), ``supervisor_mb`` the supervisors' own peak.
    """

    def __init__(self, supervisors: list[int], interval: float = 0.1) -> None:
        super().__init__(daemon=True, name="rss-sampler")
        self.supervisors = supervisors
        self.interval = interval
        self.samples: list[tuple[float, float]] = []  # (monotonic, MB per worker)
        self.measured: dict[int, dict[str, Any]] = {}
        self.supervisor_mb = 0.0
        self._stop_event = threading.Event()

    def sample(self) -> float | None:
        per_worker = []
        for supervisor in self.supervisors:
            self.supervisor_mb = max(self.supervisor_mb, rss_mb(supervisor) or 0.0)
            faust = faust_pid(supervisor)
            if faust is None:
                continue
            tree = process_tree(faust)
            values = [v for v in (rss_mb(pid) for pid in tree) if v is not None]
            if not values:
                continue
            per_worker.append(sum(values))
            if faust not in self.measured:
                self.measured[faust] = {
                    "supervisor_pid": supervisor,
                    "cmdline": cmdline(faust),
                }
            self.measured[faust]["processes"] = max(
                len(tree), self.measured[faust].get("processes", 0)
            )
        return sum(per_worker) / len(per_worker) if per_worker else None

    def run(self) -> None:
        while not self._stop_event.is_set():
            value = self.sample()
            if value is not None:
                self.samples.append((time.monotonic(), value))
            self._stop_event.wait(self.interval)

    def describe(self) -> str:
        """Which processes were measured, for the table."""
        if not self.measured:
            return "no Faust process found"
        parts = [
            f"Faust pid {pid} (child of supervisor {info['supervisor_pid']}; "
            f"{info['processes']} process(es) summed; `{info['cmdline']}` "
            "with PITCHSTREAM_SUPERVISED_WORKER=1)"
            for pid, info in self.measured.items()
        ]
        return "; ".join(parts)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(10)


@dataclass
class Worker:
    """A ``pitchstream worker`` subprocess (its own session; stopped by its process group)."""

    settings: Any
    log_path: Path
    web_port: int
    process: subprocess.Popen[bytes] | None = None
    _log: Any = None

    def _settings(self) -> Any:
        return dataclasses.replace(
            self.settings,
            metrica_dir="",
            web_port=self.web_port,
            data_dir=f"{self.settings.data_dir}-{self.web_port}",
            log_format="json",
        )

    def start(self) -> Worker:
        self._log = self.log_path.open("ab")
        self.process = start_worker(
            self._settings(), self._log, provider_credentials=False, cwd=REPO
        )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def output(self) -> str:
        return log_text(self.log_path)

    def ready_count(self) -> int:
        return self.output().count("worker ready")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                stop_worker(self.process)
        if self._log is not None:
            self._log.close()
            self._log = None

    def job_seconds(self) -> dict[str, float]:
        """Service time of each succeeded job, from the worker's JSON log lines."""
        seconds: dict[str, float] = {}
        for line in self.output().splitlines():
            if '"job succeeded"' not in line:
                continue
            with contextlib.suppress(ValueError, KeyError):
                record = json.loads(line)
                seconds[record["job_id"]] = float(record["seconds"])
        return seconds


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.05)


def start_workers(settings: Any, work: Path, count: int) -> list[Worker]:
    workers: list[Worker] = []
    try:
        for n in range(count):
            worker = Worker(settings, work / f"{settings.app_id}-worker{n}.log", free_port())
            before = [w.ready_count() for w in workers]
            workers.append(worker.start())
            wait_until(
                lambda w=worker: w.ready_count() > 0 or not w.alive(),
                120,
                f"worker {n} ready ({worker.log_path})",
            )
            if not worker.alive():
                raise RuntimeError(f"worker exited early:\n{worker.output()[-3000:]}")
            for earlier, count_before in zip(workers[:-1], before, strict=True):
                # the newcomer forced a rebalance: the earlier workers report ready again
                wait_until(
                    lambda w=earlier, c=count_before: w.ready_count() > c,
                    120,
                    "rebalance after a worker joined",
                )
    except BaseException:
        for worker in workers:
            worker.stop()
        raise
    return workers


# ------------------------------------------------------------------------------------------
# The temporary open-data mirror of synthetic matches
# ------------------------------------------------------------------------------------------


@dataclass
class SyntheticMatch:
    match_id: str
    sample: str
    events: int

    @property
    def key(self) -> bytes:
        return f"statsbomb:{self.match_id}".encode()


@dataclass
class Mirror:
    root: Path
    samples: dict[str, int]  # sample match id -> events emitted
    next_id: int = FIRST_SYNTHETIC_ID
    entries: list[dict[str, Any]] = field(default_factory=list)
    seasons: int = 0
    """Seasons made so far (``add_season``): competition and season ids 1, 2..."""

    def __post_init__(self) -> None:
        # OpenDataMirror decides at start whether <root>/data exists: it must, before workers.
        for folder in ("events", "lineups", "matches"):
            (self.root / "data" / folder).mkdir(parents=True, exist_ok=True)

    def add(self, count: int, source: Path) -> list[SyntheticMatch]:
        """``count`` synthetic matches (events and lineups symlinked, one matches-file entry)."""
        data = self.root / "data"
        real_entries = _matches_entries(source)
        made = []
        for _ in range(count):
            match_id = str(self.next_id)
            sample = STATSBOMB_SAMPLES[(self.next_id - FIRST_SYNTHETIC_ID) % len(STATSBOMB_SAMPLES)]
            self.next_id += 1
            for folder in ("events", "lineups"):
                (data / folder).mkdir(parents=True, exist_ok=True)
                (data / folder / f"{match_id}.json").symlink_to(
                    source / "data" / folder / f"{sample}.json"
                )
            if sample in real_entries:
                self.entries.append({**real_entries[sample], "match_id": int(match_id)})
            made.append(SyntheticMatch(match_id, sample, self.samples[sample]))
        (data / "matches" / "0").mkdir(parents=True, exist_ok=True)
        (data / "matches" / "0" / "0.json").write_bytes(orjson.dumps(self.entries))
        return made

    def add_season(self, count: int, source: Path) -> tuple[int, list[SyntheticMatch]]:
        """``count`` new synthetic matches listed as a season of their own (competition and
        season id ``n``, ``data/matches/<n>/<n>.json``), for a backfill request."""
        before = len(self.entries)
        made = self.add(count, source)
        self.seasons += 1
        season = self.seasons
        folder = self.root / "data" / "matches" / str(season)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{season}.json").write_bytes(orjson.dumps(self.entries[before:]))
        return season, made


def _matches_entries(source: Path) -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    for path in sorted((source / "data" / "matches").glob("*/*.json")):
        for entry in orjson.loads(path.read_bytes()):
            if str(entry.get("match_id")) in STATSBOMB_SAMPLES:
                entries[str(entry["match_id"])] = entry
    return entries


# ------------------------------------------------------------------------------------------
# 2. The broker ceiling
# ------------------------------------------------------------------------------------------


def sample_messages(statsbomb_dir: str) -> dict[str, list[tuple[bytes, list[tuple[str, bytes]]]]]:
    """The payloads and headers our publisher sends for each sample match (job id fixed)."""
    from contracts.v1.headers import match_event_headers
    from contracts.v1.match_event import encode_match_event
    from processors.adapters.statsbomb import OpenDataMirror
    from processors.adapters.statsbomb import StatsBombRepository

    repository = StatsBombRepository(OpenDataMirror(Path(statsbomb_dir)))
    job_id = uuid.uuid4().hex
    trace_id = uuid.uuid4().hex
    now = "2026-01-01T00:00:00.000Z"
    messages = {}
    for sample in STATSBOMB_SAMPLES:
        match = repository.get_match(sample)
        facts = {"source": match.source, "match_key": match.key, "time": now}
        messages[sample] = [
            (
                encode_match_event(match, event, i),
                match_event_headers(
                    event_id=event.event_id, trace_id=trace_id, job_id=job_id, **facts
                ),
            )
            for i, event in enumerate(match.events)
        ]
    return messages


def producer_settings() -> dict[str, Any]:
    """The batching settings our publisher uses (read from it, so the ceiling follows it)."""
    from processors.adapters.kafka import publisher

    return dict(getattr(publisher, "PRODUCER_TUNING", {}))


def bench_ceiling(
    bootstrap: str,
    work: Path,
    mirror: Path,
    messages: dict[str, list[tuple[bytes, list[tuple[str, bytes]]]]],
    matches: list[SyntheticMatch],
    *,
    transactional: bool,
) -> dict[str, Any]:
    """Send every message of ``matches`` with one plain producer; time until all readable."""
    from confluent_kafka import Producer

    from processors.adapters.kafka.producer import producer_config

    settings = fresh_settings(bootstrap, work, mirror, PARTITIONS)
    topic = settings.topics.match_events
    watcher = CompletionWatcher(settings, topic)
    for match in matches:
        watcher.expect(match.key, match.events)
    watcher.start()
    extra: dict[str, Any] = {
        "linger.ms": 5,
        "batch.size": 1_000_000,
        "compression.type": "lz4",
        **producer_settings(),
    }
    if transactional:
        extra["transactional.id"] = f"{settings.app_id}-ceiling"
        extra["transaction.timeout.ms"] = 120_000
    producer = Producer(producer_config(settings, **extra))
    if transactional:
        producer.init_transactions(60)
    try:
        started = time.monotonic()
        for match in matches:
            key = match.key
            if transactional:
                producer.begin_transaction()
            for value, headers in messages[match.sample]:
                while True:
                    try:
                        producer.produce(topic, key=key, value=value, headers=headers)
                        break
                    except BufferError:
                        producer.poll(0.05)
            if transactional:
                producer.commit_transaction(60)
        producer.flush(60)
        acked = time.monotonic()
        ok = watcher.wait_for([m.key for m in matches], 120)
        finished = max(watcher.done.values()) if watcher.done else time.monotonic()
    finally:
        watcher.stop()
    if not ok:
        raise RuntimeError(
            "ceiling run: not every message became readable\n"
            + watcher.explain([m.key for m in matches])
        )
    events = sum(m.events for m in matches)
    return {
        "events": events,
        "seconds": finished - started,
        "events_per_s": events / (finished - started),
        "acked_events_per_s": events / (acked - started),
    }


def _wait_for_partition_leader(publisher: Any, match_key: str, timeout: float = 60.0) -> None:
    """A topic created a moment ago may have no partition leader yet (NOT_LEADER_FOR_PARTITION):
    the job's own checkpoint lookup retries that, the timed loop below must not."""
    from processors.adapters.kafka.errors import BrokerError

    deadline = time.monotonic() + timeout
    while True:
        try:
            publisher.checkpoint(match_key)
            return
        except BrokerError as error:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"no partition leader for {match_key} in {timeout} s: {error}"
                ) from error
            time.sleep(0.2)


def bench_job_overheads(bootstrap: str, work: Path, mirror: Path, repeats: int) -> dict[str, Any]:
    """Fixed costs of one job that do not depend on its size (measured with our own code)."""
    from processors.adapters.kafka.publisher import TransactionalEventPublisher

    settings = fresh_settings(bootstrap, work, mirror, PARTITIONS)
    publisher = TransactionalEventPublisher(settings)
    _wait_for_partition_leader(publisher, "statsbomb:1")
    open_t, checkpoint_t, empty_txn_t = [], [], []
    for _ in range(repeats):
        job_id = uuid.uuid4().hex
        seconds, producer = timed(lambda j=job_id: publisher.open_producer(j))
        open_t.append(seconds)
        checkpoint_t.append(timed(lambda: publisher.checkpoint("statsbomb:1"))[0])

        def empty_transaction(p: Any = producer) -> None:
            p.begin_transaction()
            p.produce(settings.topics.match_events, key=b"statsbomb:1", value=b"{}")
            p.commit_transaction(60)

        empty_txn_t.append(timed(empty_transaction)[0])
        closer = getattr(publisher, "close_producer", None)
        if closer is not None:
            closer(producer)
        else:
            producer.flush(5)
    return {
        "open_producer_init_transactions_s": summary(open_t),
        "checkpoint_s": summary(checkpoint_t),
        "one_record_transaction_s": summary(empty_txn_t),
    }


# ------------------------------------------------------------------------------------------
# 3-5. End to end with real workers
# ------------------------------------------------------------------------------------------


def submit(settings: Any, producer: Any, match: SyntheticMatch, job_id: str | None = None) -> str:
    from contracts.v1 import IngestRequest
    from contracts.v1 import new_trace_id
    from processors.application import job_states

    job_id = job_id or uuid.uuid4().hex
    trace_id = new_trace_id()
    request = IngestRequest(job_id=job_id, source="statsbomb", match_id=match.match_id)
    queued = job_states.queued(request, trace_id=trace_id)
    producer.submit(request, trace_id=trace_id, queued=queued)
    return job_id


def job_ids_one_per_partition(partitions: int) -> list[str]:
    from processors.adapters.kafka.publisher import partition_for

    chosen: dict[int, str] = {}
    while len(chosen) < partitions:
        candidate = uuid.uuid4().hex
        chosen.setdefault(partition_for(candidate, partitions), candidate)
    return [chosen[p] for p in range(partitions)]


def run_burst(
    settings: Any, watcher: CompletionWatcher, matches: list[SyntheticMatch], timeout: float
) -> dict[str, Any]:
    """Submit ``matches`` back to back; wait until every match's last event is readable."""
    from processors.adapters.kafka.producer import RequestProducer

    producer = RequestProducer(settings)
    for match in matches:
        watcher.expect(match.key, match.events)
    submitted: dict[bytes, float] = {}
    started = time.monotonic()
    for match in matches:
        submitted[match.key] = time.monotonic()
        submit(settings, producer, match)
    if not watcher.wait_for([m.key for m in matches], timeout):
        missing = [m.match_id for m in matches if m.key not in watcher.done]
        raise RuntimeError(
            f"burst: {len(missing)} matches never became readable: {missing[:5]}\n"
            + watcher.explain([m.key for m in matches])
        )
    finished = max(watcher.done[m.key] for m in matches)
    latencies = [watcher.done[m.key] - submitted[m.key] for m in matches]
    return {
        **throughput(matches, started, finished),
        "matches_per_s": len(matches) / (finished - started),
        "latency_p50_s": percentile(latencies, 0.5),
        "latency_p95_s": percentile(latencies, 0.95),
        "first_submit": started,
        "done_times": sorted(watcher.done[m.key] for m in matches),
    }


def throughput(matches: list[SyntheticMatch], started: float, finished: float) -> dict[str, Any]:
    events = sum(m.events for m in matches)
    return {
        "matches": len(matches),
        "events": events,
        "seconds": finished - started,
        "events_per_s": events / (finished - started),
    }


def jobs_seconds(workers: list[Worker]) -> dict[str, float]:
    """Service time of every succeeded job in the workers' logs, by job id."""
    seconds: dict[str, float] = {}
    for worker in workers:
        seconds.update(worker.job_seconds())
    return seconds


def run_one_at_a_time(
    settings: Any, watcher: CompletionWatcher, matches: list[SyntheticMatch], timeout: float
) -> dict[str, Any]:
    """Each request produced when the previous match is readable: latency on an idle worker."""
    from processors.adapters.kafka.producer import RequestProducer

    producer = RequestProducer(settings)
    latencies = []
    for match in matches:
        watcher.expect(match.key, match.events)
        submitted = time.monotonic()
        submit(settings, producer, match)
        if not watcher.wait_for([match.key], timeout):
            raise RuntimeError(
                f"match {match.match_id} never became readable\n" + watcher.explain([match.key])
            )
        latencies.append(watcher.done[match.key] - submitted)
    return {
        "matches": len(matches),
        "latencies_s": latencies,
        "latency_p50_s": percentile(latencies, 0.5),
        "latency_p95_s": percentile(latencies, 0.95),
        "latency_min_s": min(latencies),
        "latency_max_s": max(latencies),
    }


class CdfWatcher(CompletionWatcher):
    """Done when a match's first CDF record on ``cdf-matches`` is readable: the lane writes
    a match's CDF records and its notice in one transaction, so then all of them are."""

    def expect(self, key: bytes, count: int) -> None:
        super().expect(key, 1)


def cdf_lane_rate(
    watcher: CompletionWatcher,
    cdf_watcher: CompletionWatcher,
    matches: list[SyntheticMatch],
    timeout: float,
) -> dict[str, Any]:
    """The CDF lane over the burst: MatchEvents of the burst per second over the lane's own
    window (the first manifest readable -> the last match's CDF output readable), beside
    the main lane's (first request -> last match readable), and its lag per match."""
    keys = [m.key for m in matches]
    if not cdf_watcher.wait_for(keys, timeout):
        raise RuntimeError("the CDF lane never wrote some matches\n" + cdf_watcher.explain(keys))
    events = sum(m.events for m in matches)
    first_manifest = min(watcher.done[k] for k in keys)
    last_cdf = max(cdf_watcher.done[k] for k in keys)
    lags = [cdf_watcher.done[k] - watcher.done[k] for k in keys]
    return {
        "events_per_s": events / (last_cdf - first_manifest),
        "last_cdf_after_last_match_s": last_cdf - max(watcher.done[k] for k in keys),
        "lag_p50_s": percentile(lags, 0.5),
        "lag_max_s": max(lags),
    }


def run_backfill(
    settings: Any,
    watcher: CompletionWatcher,
    mirror: Mirror,
    source: Path,
    count: int,
    workers: list[Worker],
) -> dict[str, Any]:
    """One backfill request for a season of ``count`` new synthetic matches: wall time until
    the last match is readable, beside the sum of its children's service times (worker log)."""
    from contracts.v1 import IngestRequest
    from contracts.v1 import new_trace_id
    from processors.adapters.kafka.producer import RequestProducer
    from processors.application import job_states

    season, matches = mirror.add_season(count, source)
    for match in matches:
        watcher.expect(match.key, match.events)
    job_id = f"backfill-{uuid.uuid4().hex[:12]}"
    request = IngestRequest(
        job_id=job_id, source="statsbomb", competition_id=season, season_id=season
    )
    trace_id = new_trace_id()
    started = time.monotonic()
    RequestProducer(settings).submit(
        request, trace_id=trace_id, queued=job_states.queued(request, trace_id=trace_id)
    )
    keys = [m.key for m in matches]
    if not watcher.wait_for(keys, 900):
        raise RuntimeError("backfill: matches never became readable\n" + watcher.explain(keys))
    finished = max(watcher.done[k] for k in keys)
    cdf_done = watcher.also.done if watcher.also is not None else {}
    wait_until(lambda: all(k in cdf_done for k in keys), 300, "the backfill's CDF output")
    seconds = jobs_seconds(workers)
    children = [t for job, t in seconds.items() if job.startswith(f"{job_id}.")]
    return {
        **throughput(matches, started, finished),
        "children_timed": len(children),
        "sum_service_s": sum(children),
        "cdf_wall_s": max(cdf_done[k] for k in keys) - started,
    }


def memory_verdict(samples: list[tuple[float, float]], tenth_done: float) -> dict[str, Any]:
    """Peak, steady (median after the 10th match) and growth after the 10th match, in MB."""
    values = [mb for _, mb in samples]
    before = [mb for t, mb in samples if t <= tenth_done]
    after = [mb for t, mb in samples if t > tenth_done]
    at_tenth = before[-1] if before else values[0]
    last = after[-1] if after else values[-1]
    peak_after = max(after) if after else at_tenth
    return {
        "peak_mb": max(values),
        "at_10th_match_mb": at_tenth,
        "steady_mb": statistics.median(after) if after else at_tenth,
        "end_mb": last,
        "growth_after_10th": (peak_after - at_tenth) / at_tenth,
        "samples": len(values),
    }


def phase_peaks(samples: list[tuple[float, float]], starts: dict[str, float]) -> dict[str, float]:
    """The RSS peak of each phase of the run (a phase lasts until the next one starts): where
    a peak comes from, a job's transient or the growth of a leak."""
    ordered = sorted(starts.items(), key=lambda item: item[1])
    peaks = {}
    for n, (name, start) in enumerate(ordered):
        end = ordered[n + 1][1] if n + 1 < len(ordered) else float("inf")
        inside = [mb for t, mb in samples if start <= t < end]
        if inside:
            peaks[name] = max(inside)
    return peaks


def bench_end_to_end(
    bootstrap: str,
    work: Path,
    mirror: Mirror,
    source: Path,
    *,
    workers: int,
    warmup: int,
    one_at_a_time: int,
    burst: int,
    backfill: int = 0,
    profile_dir: Path | None = None,
) -> dict[str, Any]:
    settings = fresh_settings(bootstrap, work, mirror.root, PARTITIONS)
    watcher = CompletionWatcher(settings, settings.topics.match_events)
    watcher.start()
    # The CDF lane's output of a match (cdf-events and cdf-matches) is one transaction: its
    # first record on cdf-matches readable (read_committed) means all of it is.
    cdf_watcher = CdfWatcher(settings, settings.topics.cdf_matches)
    cdf_watcher.start()
    running = start_workers(settings, work, workers)
    watcher.abort = lambda: next(
        (f"a job failed or a worker died; see {w.log_path}" for w in running
         if not w.alive() or '"job failed"' in w.output()),
        None,
    )  # fmt: skip
    cdf_watcher.abort = watcher.abort
    watcher.also = cdf_watcher
    sampler = RssSampler([w.pid for w in running])
    sampler.start()
    sampler_start = time.monotonic()
    profiler = None
    result: dict[str, Any] = {"workers": workers, "partitions": PARTITIONS}
    try:
        # Warm-up: one request per partition, so every worker has run a job.
        warm = mirror.add(max(warmup, PARTITIONS if workers > 1 else warmup), source)
        from processors.adapters.kafka.producer import RequestProducer

        producer = RequestProducer(settings)
        job_ids = job_ids_one_per_partition(PARTITIONS)
        for n, match in enumerate(warm):
            watcher.expect(match.key, match.events)
            submit(settings, producer, match, job_ids[n % PARTITIONS] if n < PARTITIONS else None)
        if not watcher.wait_for([m.key for m in warm], 180):
            raise RuntimeError(
                "warm-up matches never became readable\n" + watcher.explain([m.key for m in warm])
            )
        if one_at_a_time:
            result["one_at_a_time"] = run_one_at_a_time(
                settings, watcher, mirror.add(one_at_a_time, source), 120
            )
        if profile_dir is not None:
            profiled = faust_pid(running[0].pid) or running[0].pid  # the Faust process
            profiler = start_py_spy(profiled, profile_dir / f"profile-worker{workers}.txt")
        burst_matches = mirror.add(burst, source)
        phases = {"warm-up + one at a time": sampler_start, "burst": time.monotonic()}
        result["burst"] = run_burst(settings, watcher, burst_matches, 600)
        if profiler is not None:
            result["profile"] = stop_py_spy(profiler)
        result["cdf"] = cdf_lane_rate(watcher, cdf_watcher, burst_matches, 300)
        if backfill:
            phases["season backfill"] = time.monotonic()
            result["backfill"] = run_backfill(settings, watcher, mirror, source, backfill, running)
        done = sorted(watcher.done.values())
        tenth = done[min(9, len(done) - 1)]
        result["memory"] = memory_verdict(sampler.samples, tenth)
        result["memory"]["phase_peaks_mb"] = phase_peaks(sampler.samples, phases)
        result["memory"]["measured"] = sampler.describe()
        result["memory"]["supervisor_peak_mb"] = sampler.supervisor_mb
        result["matches_total"] = len(done)
        seconds = jobs_seconds(running)
        if seconds:
            result["worker_job_seconds"] = summary(list(seconds.values()))
    except BaseException:
        for worker in running:
            say(f"--- {worker.log_path.name} (last lines) ---\n{worker.output()[-4000:]}")
        raise
    finally:
        if profiler is not None and profiler.poll() is None:
            profiler.terminate()
        sampler.stop()
        for worker in running:
            worker.stop()
        watcher.stop()
        cdf_watcher.stop()
    result["burst"].pop("done_times", None)
    result["burst"].pop("first_submit", None)
    return result


def start_py_spy(
    pid: int, out: Path, extra: tuple[str, ...] = ()
) -> subprocess.Popen[bytes] | None:
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        say("  py-spy not installed; no worker profile")
        return None
    process = subprocess.Popen(
        [py_spy, "record", "--pid", str(pid), "--format", "raw", "--rate", "200",
         "--output", str(out), "--nonblocking", "--threads", "--subprocesses", *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    process.out = out  # type: ignore[attr-defined]
    time.sleep(0.5)  # py-spy attaches; the burst is tens of seconds
    return process


def stop_py_spy(process: subprocess.Popen[bytes] | None) -> dict[str, Any] | None:
    if process is None:
        return None
    process.send_signal(signal.SIGINT)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)
    out: Path = process.out  # type: ignore[attr-defined]
    if not out.is_file():
        return None
    return {"collapsed_stacks": str(out), "top_self": top_self_frames(out, 15)}


def top_self_frames(collapsed: Path, limit: int) -> list[tuple[str, float]]:
    """Share of samples whose innermost frame is each function (py-spy --format raw)."""
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        own[stack.split(";")[-1].strip()] += count
    return [(frame, round(n / total, 4)) for frame, n in own.most_common(limit)] if total else []


# ------------------------------------------------------------------------------------------
# The table
# ------------------------------------------------------------------------------------------


def fmt_range(s: dict[str, float] | None, scale: float = 1.0, digits: int = 0) -> str:
    if not s:
        return "-"
    f = f"{{:,.{digits}f}}"
    return (
        f"{f.format(s['median'] * scale)} ({f.format(s['min'] * scale)}-"
        f"{f.format(s['max'] * scale)})"
    )


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def render(results: dict[str, Any]) -> str:
    lines = []
    env = results["environment"]
    lines.append(
        f"Pitchstream bench — {env['cpus']} CPUs, Python {env['python']}, {env['broker']}; "
        f"medians (min-max) over {results['repeats']} runs after {results['warmup']} warm-up"
    )
    lines.append("")
    lines.append("1. Normalize (raw file bytes -> MatchEvent payload bytes; JSON parse included)")
    lines.append(
        "| source | match | raw events | ours ms | ours events/s | kloppy ms | kloppy events/s "
        "| ratio |"
    )
    lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in results["normalize"]:
        ratio = f"{row['ratio']:.1f}x" if row["ratio"] else "n/a"
        kloppy_ms = fmt_range(row["kloppy_seconds"], 1000) if row["kloppy_seconds"] else "n/a"
        lines.append(
            f"| {row['source']} | {row['match']} | {row['raw_events']:,} | "
            f"{fmt_range(row['ours_seconds'], 1000)} | {row['ours_events_per_s']['median']:,.0f} "
            f"| {kloppy_ms} | "
            + (
                f"{row['kloppy_events_per_s']['median']:,.0f}"
                if row["kloppy_events_per_s"]
                else "n/a"
            )
            + f" | {ratio} |"
        )
    for row in results["normalize"]:
        if not row["kloppy_seconds"]:
            lines.append(f"  {row['source']} {row['match']}: {row['kloppy_note']}")
    lines += cli.render_rows(results)
    kafka = results.get("kafka")
    if kafka:
        lines.append("")
        lines.append("2-5. Kafka (fresh topics, 4 partitions; events/s = events / wall time)")
        lines.append("| measure | value |")
        lines.append("| --- | ---: |")
        c = kafka["ceiling"]
        lines.append(
            f"| broker ceiling, plain idempotent producer, events/s | "
            f"{fmt_range(c['idempotent'])} |"
        )
        lines.append(
            f"| broker ceiling, transactional producer (1 txn/match), events/s | "
            f"{fmt_range(c['transactional'])} |"
        )
        o = kafka["job_overheads"]
        lines.append(
            "| new transactional producer + init_transactions (once per input partition "
            "and on resume, no longer per job), ms | "
            f"{fmt_range(o['open_producer_init_transactions_s'], 1000)} |"
        )
        lines.append(
            f"| per job: checkpoint (watermark query), ms | {fmt_range(o['checkpoint_s'], 1000)} |"
        )
        lines.append(
            "| per job: one-record transaction commit, ms | "
            f"{fmt_range(o['one_record_transaction_s'], 1000)} |"
        )
        one = kafka["one_worker"]
        idle = one["one_at_a_time"]
        lines.append(
            f"| latency, one request at a time (n={idle['matches']}), p50 / p95 s | "
            f"{idle['latency_p50_s']:.3f} / {idle['latency_p95_s']:.3f} |"
        )
        burst = one["burst"]
        lines.append(
            f"| 1 worker, {burst['matches']} back-to-back matches, sustained events/s | "
            f"{burst['events_per_s']:,.0f} |"
        )
        lines.append(
            f"| 1 worker, latency in that burst (queueing included), p50 / p95 s | "
            f"{burst['latency_p50_s']:.2f} / {burst['latency_p95_s']:.2f} |"
        )
        if "worker_job_seconds" in one:
            lines.append(
                "| 1 worker, service time per job (worker log), ms | "
                f"{fmt_range(one['worker_job_seconds'], 1000)} |"
            )
        mem = one["memory"]
        lines.append(
            f"| worker RSS peak / steady / at 10th match, MB | {mem['peak_mb']:.0f} / "
            f"{mem['steady_mb']:.0f} / {mem['at_10th_match_mb']:.0f} |"
        )
        lines.append(
            f"| worker RSS growth after the 10th match ({one['matches_total']} matches) | "
            f"{mem['growth_after_10th'] * 100:+.1f} % |"
        )
        lines += memory_measured_rows(mem)
        lines += lane_and_backfill_rows("1 worker", one)
        two = kafka.get("two_workers")
        if two:
            lines.append(
                f"| 2 workers, {two['burst']['matches']} back-to-back matches, events/s | "
                f"{two['burst']['events_per_s']:,.0f} |"
            )
            lines += lane_and_backfill_rows("2 workers", two)
    lines.append("")
    lines.append("Targets (ratios from this run)")
    lines.append("| target | measured | verdict |")
    lines.append("| --- | ---: | --- |")
    for target in results["targets"]:
        lines.append(f"| {target['name']} | {target['measured']} | {target['verdict']} |")
    return "\n".join(lines)


def lane_and_backfill_rows(who: str, run: dict[str, Any]) -> list[str]:
    """The CDF lane over the burst and the season backfill (runs before them have neither)."""
    rows = []
    cdf = run.get("cdf")
    if cdf:
        rows.append(
            f"| {who}, CDF lane over the burst (first manifest -> last CDF output readable), "
            f"events/s | {cdf['events_per_s']:,.0f} |"
        )
        rows.append(
            f"| {who}, CDF lane lag per match (match readable -> its CDF readable), p50 / max s "
            f"| {cdf['lag_p50_s']:.2f} / {cdf['lag_max_s']:.2f} |"
        )
    back = run.get("backfill")
    if back:
        rows.append(
            f"| {who}, season backfill ({back['matches']} matches, one request): wall s / sum "
            f"of its {back['children_timed']} service times s | {back['seconds']:.1f} / "
            f"{back['sum_service_s']:.1f} |"
        )
    return rows


def memory_measured_rows(mem: dict[str, Any]) -> list[str]:
    """Which process the RSS figures are of (results from before this row have none)."""
    if "measured" not in mem:
        return []
    by_phase = mem.get("phase_peaks_mb") or {}
    phase_row = " / ".join(f"{name} {mb:.0f}" for name, mb in by_phase.items())
    return [
        *(
            [f"| worker RSS peak by phase, MB | {phase_row} (end of run: {mem['end_mb']:.0f}) |"]
            if by_phase
            else []
        ),
        f"| worker RSS measured on | {mem['measured']} |",
        f"| (the supervisor `pitchstream worker` itself, not counted: peak, MB) | "
        f"{mem['supervisor_peak_mb']:.0f} |",
    ]


def targets(results: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    statsbomb = [r for r in results["normalize"] if r["source"] == "statsbomb"]
    ratios = [r["ratio"] for r in statsbomb]
    out.append(
        {
            "name": "normalize >= 10x kloppy events/s (StatsBomb, worst match)",
            "measured": f"{min(ratios):.1f}x (" + ", ".join(f"{r:.1f}x" for r in ratios) + ")",
            "verdict": verdict(min(ratios) >= TARGET_NORMALIZE_RATIO),
        }
    )
    # Issue 15: every Wyscout and Stats Perform match >= 10x kloppy too; Metrica JSON >= 3x
    # (the CSV games have no kloppy reader, hence no ratio).
    wanted = {"wyscout": TARGET_NORMALIZE_RATIO, "statsperform": TARGET_NORMALIZE_RATIO}
    wanted["metrica"] = TARGET_METRICA_JSON_RATIO
    for row in results["normalize"]:
        if row["source"] in wanted and row["ratio"]:
            target = wanted[row["source"]]
            out.append(
                {
                    "name": f"normalize >= {target:.0f}x kloppy events/s "
                    f"({row['source']} {row['match']})",
                    "measured": f"{row['ratio']:.1f}x",
                    "verdict": verdict(row["ratio"] >= target),
                }
            )
    out += cli.target_rows(results)
    kafka = results.get("kafka")
    if not kafka:
        return out
    one = kafka["one_worker"]
    ceiling = kafka["ceiling"]
    sustained = one["burst"]["events_per_s"]
    plain = ceiling["idempotent"]["median"]
    txn = ceiling["transactional"]["median"]
    out.append(
        {
            "name": "end-to-end sustained >= 50 % of the plain-producer ceiling (1 worker)",
            "measured": f"{sustained / plain * 100:.0f} % (of transactional ceiling: "
            f"{sustained / txn * 100:.0f} %)",
            "verdict": verdict(sustained / plain >= TARGET_E2E_OF_CEILING),
        }
    )
    p50 = one["one_at_a_time"]["latency_p50_s"]
    out.append(
        {
            "name": "latency p50 < 0.5 s (request -> last event readable, idle worker)",
            "measured": f"{p50:.3f} s",
            "verdict": verdict(p50 < TARGET_P50_SECONDS),
        }
    )
    mem = one["memory"]
    out.append(
        {
            "name": "worker RSS flat (<= 10 % growth after 10th match) and < 250 MB",
            "measured": f"{mem['growth_after_10th'] * 100:+.1f} %, peak {mem['peak_mb']:.0f} MB",
            "verdict": verdict(
                mem["growth_after_10th"] <= TARGET_RSS_GROWTH and mem["peak_mb"] < TARGET_RSS_MB
            ),
        }
    )
    out += lane_and_backfill_targets(one, kafka.get("two_workers"))
    two = kafka.get("two_workers")
    if two:
        ratio = two["burst"]["events_per_s"] / sustained
        out.append(
            {
                "name": f"scale-out: 2 workers / 1 worker events/s ({os.cpu_count()} CPUs)",
                "measured": f"{ratio:.2f}x",
                "verdict": "info",
            }
        )
    return out


def lane_and_backfill_targets(
    one: dict[str, Any], two: dict[str, Any] | None
) -> list[dict[str, str]]:
    out = []
    cdf = one.get("cdf")
    if cdf:
        main = one["burst"]["events_per_s"]
        out.append(
            {
                "name": "CDF lane keeps up: its events/s >= the main lane's (1 worker, burst)",
                "measured": f"{cdf['events_per_s']:,.0f} vs {main:,.0f} "
                f"({cdf['events_per_s'] / main:.2f}x)",
                "verdict": verdict(cdf["events_per_s"] >= main),
            }
        )
    for who, run in (("1 worker", one), ("2 workers", two)):
        back = (run or {}).get("backfill")
        if back:
            out.append(
                {
                    "name": f"season backfill, {back['matches']} matches, {who}: wall vs sum "
                    "of single-match service times",
                    "measured": f"{back['seconds']:.1f} s vs {back['sum_service_s']:.1f} s "
                    f"({back['sum_service_s'] / back['seconds']:.2f}x)",
                    "verdict": "info",
                }
            )
    return out


# ------------------------------------------------------------------------------------------
# Main
# ------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per measure")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first")
    parser.add_argument("--matches", type=int, default=50, help="back-to-back matches (>= 50)")
    parser.add_argument("--one-at-a-time", type=int, default=12, help="matches for latency")
    parser.add_argument("--no-kafka", action="store_true", help="normalize only")
    parser.add_argument("--no-scale-out", action="store_true", help="skip the 2-worker run")
    parser.add_argument("--backfill", type=int, default=51,
                        help="season backfill matches after each burst, 0: none")  # fmt: skip
    parser.add_argument("--profile", action="store_true",
                        help="pyinstrument the normalize path, py-spy the worker in the burst; "
                        "reports go to bench/profiles/ (figures are then perturbed)")  # fmt: skip
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    from processors.settings import Settings

    settings = Settings.from_env()
    if not settings.statsbomb_dir or not Path(settings.statsbomb_dir).is_dir():
        say("error: no StatsBomb open-data mirror (PITCHSTREAM_STATSBOMB_DIR or ../shared/data)")
        return 2
    source = Path(settings.statsbomb_dir)
    profile_dir = REPO / "bench" / "profiles" if args.profile else None
    if profile_dir is not None:
        profile_dir.mkdir(exist_ok=True)
        (profile_dir / ".gitignore").write_text("*\n")  # reports of one machine, not committed

    began = time.monotonic()
    results: dict[str, Any] = {
        "environment": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "machine": platform.machine(),
            "broker": "no broker",
        },
        "repeats": args.repeats,
        "warmup": args.warmup,
    }
    say("1. normalize (ours vs kloppy, interleaved)")
    results["normalize"] = bench_normalize(settings, repeats=args.repeats, warmup=args.warmup)
    if profile_dir is not None:
        results["normalize_profile"] = profile_normalize(settings, profile_dir)
    say("1b. command line, whole process (ours vs a kloppy script, interleaved)")
    results["cli"] = cli.bench_cli(settings.statsbomb_dir, repeats=args.repeats, warmup=args.warmup)

    if not args.no_kafka:
        with (
            tempfile.TemporaryDirectory(prefix="pitchstream-bench-") as tmp,
            kafka_broker() as (
                bootstrap,
                broker_name,
            ),
        ):
            work = Path(tmp)
            results["environment"]["broker"] = broker_name
            results["kafka"] = bench_kafka(args, bootstrap, work, source, settings, profile_dir)
    results["targets"] = targets(results)
    results["wall_seconds"] = time.monotonic() - began
    table = render(results)
    print(table)
    results["table"] = table
    args.output.write_bytes(orjson.dumps(results, option=orjson.OPT_INDENT_2) + b"\n")
    shown = args.output.relative_to(REPO) if args.output.is_relative_to(REPO) else args.output
    say(f"\nwrote {shown} in {results['wall_seconds']:.0f} s")
    return 0


def bench_kafka(
    args: argparse.Namespace,
    bootstrap: str,
    work: Path,
    source: Path,
    settings: Any,
    profile_dir: Path | None,
) -> dict[str, Any]:
    from processors.adapters.statsbomb import OpenDataMirror
    from processors.adapters.statsbomb import StatsBombRepository

    repository = StatsBombRepository(OpenDataMirror(source))
    emitted = {s: len(repository.get_match(s).events) for s in STATSBOMB_SAMPLES}
    mirror = Mirror(work / "mirror", emitted)
    kafka: dict[str, Any] = {}

    say("2. broker ceiling (plain producer, same payloads, keys and headers)")
    messages = sample_messages(str(source))
    samples = [STATSBOMB_SAMPLES[n % len(STATSBOMB_SAMPLES)] for n in range(args.matches)]
    ceiling_matches = [
        SyntheticMatch(str(FIRST_SYNTHETIC_ID + n), sample, emitted[sample])
        for n, sample in enumerate(samples)
    ]
    bench_ceiling(bootstrap, work, mirror.root, messages, ceiling_matches[:3],
                  transactional=True)  # fmt: skip
    runs: dict[str, list[float]] = {"idempotent": [], "transactional": []}
    repeats = max(2, min(args.repeats, 3))
    for _ in range(repeats):
        for mode in ("idempotent", "transactional"):
            run = bench_ceiling(bootstrap, work, mirror.root, messages, ceiling_matches,
                                transactional=mode == "transactional")  # fmt: skip
            runs[mode].append(run["events_per_s"])
            say(f"  ceiling {mode}: {run['events_per_s']:,.0f} events/s")
    kafka["ceiling"] = {mode: summary(values) for mode, values in runs.items()}
    del messages

    say("   per-job fixed costs")
    kafka["job_overheads"] = bench_job_overheads(bootstrap, work, mirror.root, args.repeats)

    say(f"3-4. end to end, 1 worker: warm-up, {args.one_at_a_time} one at a time, "
        f"{args.matches} back to back")  # fmt: skip
    kafka["one_worker"] = bench_end_to_end(
        bootstrap, work, mirror, source, workers=1, warmup=3,
        one_at_a_time=args.one_at_a_time, burst=args.matches, backfill=args.backfill,
        profile_dir=profile_dir,
    )  # fmt: skip
    say(f"  1 worker: {kafka['one_worker']['burst']['events_per_s']:,.0f} events/s")
    if not args.no_scale_out:
        say(f"5. scale-out: 2 workers, {args.matches} back to back")
        kafka["two_workers"] = bench_end_to_end(
            bootstrap, work, mirror, source, workers=2, warmup=PARTITIONS,
            one_at_a_time=0, burst=args.matches, backfill=args.backfill,
        )  # fmt: skip
        say(f"  2 workers: {kafka['two_workers']['burst']['events_per_s']:,.0f} events/s")
    return kafka


if __name__ == "__main__":
    sys.exit(main())
