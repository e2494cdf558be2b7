"""The publisher keeps one transactional producer per ingest-requests partition.

A job's input partition is the ingest-requests partition its request arrived in (given to
``publish``; ``partition_for(job_id)``, murmur2, when not given); the producer for that
partition (transactional.id ``<app>-ingest-p<partition>``) is made and
``init_transactions``-ed once and reused by the partition's next jobs, one transaction per
job. Resuming a job fences with a fresh producer; a reused producer that turns out to be
fenced (or otherwise fatally broken) is dropped and the error is retriable.
"""

from __future__ import annotations

import threading
import time

import pytest
from confluent_kafka import KafkaError
from confluent_kafka import KafkaException

from domain import Match
from processors.adapters.kafka.errors import BrokerError
from processors.adapters.kafka.publisher import TransactionalEventPublisher
from processors.adapters.kafka.publisher import partition_for
from processors.settings import Settings
from tests.fakes import offline_transactional_publisher
from tests.unit.samples import synthetic_match

SETTINGS = Settings(app_id="app", topic_prefix="p-", partitions=4)


def _jobs_on(partition: int, count: int) -> list[str]:
    jobs = (f"job-{n}" for n in range(10_000))
    return [j for j in jobs if partition_for(j, SETTINGS.partitions) == partition][:count]


class FakeProducer:
    def __init__(self, config, *, fail_on: str | None = None, error: KafkaError | None = None):
        self.config = config
        self.calls: list[str] = []
        self.sent = 0
        self.fail_on = fail_on
        self.error = error
        self.busy = False
        self.overlapped = False

    def _step(self, name: str) -> None:
        self.calls.append(name)
        if self.fail_on == name:
            raise KafkaException(self.error)

    def list_topics(self, topic=None, timeout=-1):
        self._step("list_topics")

    def init_transactions(self, timeout):
        self._step("init_transactions")

    def begin_transaction(self):
        if self.busy:
            self.overlapped = True
        self.busy = True
        self._step("begin_transaction")

    def produce(self, topic, *, key, value, headers):
        self.sent += 1
        self._step("produce")

    def poll(self, timeout):
        return 0

    def commit_transaction(self, timeout):
        time.sleep(0.001)  # lets another thread in, should the publisher share a producer
        self.busy = False
        self._step("commit_transaction")

    def abort_transaction(self, timeout):
        self.busy = False
        self.calls.append("abort_transaction")


class Factory:
    def __init__(self) -> None:
        self.made: list[FakeProducer] = []
        self.next_failure: tuple[str, KafkaError] | None = None

    def __call__(self, config) -> FakeProducer:
        if self.next_failure is not None:
            step, error = self.next_failure
            self.next_failure = None
            producer = FakeProducer(config, fail_on=step, error=error)
        else:
            producer = FakeProducer(config)
        self.made.append(producer)
        return producer

    def ids(self) -> list[str]:
        return [p.config["transactional.id"] for p in self.made]


def _match(match_id: str = "7") -> Match:
    return synthetic_match(match_id)


def _publisher() -> tuple[TransactionalEventPublisher, Factory]:
    factory = Factory()
    return offline_transactional_publisher(SETTINGS, factory), factory


FENCED = KafkaError(KafkaError._FENCED, "producer fenced by a newer instance", fatal=True)


def test_jobs_of_one_input_partition_share_one_producer_one_transaction_each():
    publisher, factory = _publisher()
    first, second, third = _jobs_on(2, 3)
    for job in (first, second, third):
        assert publisher.publish(_match(), job_id=job, trace_id="0" * 32) == 3

    (producer,) = factory.made
    assert producer.config["transactional.id"] == "app-ingest-p2"
    assert producer.calls.count("init_transactions") == 1
    assert producer.calls.count("begin_transaction") == 3
    assert producer.calls.count("commit_transaction") == 3
    assert producer.sent == 12  # 3 events and the manifest, per job


def test_each_input_partition_has_its_own_transactional_id():
    publisher, factory = _publisher()
    for partition in range(SETTINGS.partitions):
        (job,) = _jobs_on(partition, 1)
        publisher.publish(_match(), job_id=job, trace_id="0" * 32)
    assert sorted(factory.ids()) == [f"app-ingest-p{p}" for p in range(SETTINGS.partitions)]


def test_resuming_a_job_fences_with_a_fresh_producer_that_replaces_the_cached_one():
    publisher, factory = _publisher()
    first, second, third = _jobs_on(1, 3)
    publisher.publish(_match(), job_id=first, trace_id="0" * 32)
    old = factory.made[0]

    # checkpoint "<partition>@<offset>" of the match-events topic; the fake reads nothing
    publisher._committed_event_count = lambda **_: 0  # type: ignore[method-assign]
    assert publisher.published_since("0@0", job_id=second) == 0
    assert len(factory.made) == 2
    fresh = factory.made[1]
    assert fresh.config["transactional.id"] == old.config["transactional.id"]
    assert fresh.calls == ["list_topics", "init_transactions"]  # fenced before counting

    publisher.publish(_match(), job_id=second, trace_id="0" * 32)
    publisher.publish(_match(), job_id=third, trace_id="0" * 32)
    assert len(factory.made) == 2
    assert old.calls.count("begin_transaction") == 1  # never used again
    assert fresh.calls.count("commit_transaction") == 2


@pytest.mark.parametrize("step", ["begin_transaction", "produce", "commit_transaction"])
def test_a_reused_producer_that_is_fenced_is_dropped_and_the_error_is_retriable(step):
    publisher, factory = _publisher()
    first, second, third = _jobs_on(3, 3)
    publisher.publish(_match(), job_id=first, trace_id="0" * 32)
    cached = factory.made[0]
    cached.fail_on, cached.error = step, FENCED

    with pytest.raises(BrokerError) as raised:
        publisher.publish(_match(), job_id=second, trace_id="0" * 32)
    assert raised.value.transient and raised.value.code == "kafka_error"
    error = raised.value.__cause__.args[0]
    assert error.retriable() and not error.fatal()
    assert "fenced" in str(raised.value)

    publisher.publish(_match(), job_id=third, trace_id="0" * 32)
    assert len(factory.made) == 2  # a new producer, a new init_transactions
    assert factory.made[1].calls[:2] == ["list_topics", "init_transactions"]


def test_a_producer_made_for_this_job_keeps_its_fatal_error():
    """Fenced while this very job held the id: another instance took the partition's id
    meanwhile, so retrying here would fence it back; the error stays as it is."""
    publisher, factory = _publisher()
    (job,) = _jobs_on(0, 1)
    factory.next_failure = ("commit_transaction", FENCED)
    with pytest.raises(BrokerError) as raised:
        publisher.publish(_match(), job_id=job, trace_id="0" * 32)
    assert not raised.value.transient and raised.value.__cause__.args[0].fatal()


def test_any_failed_transaction_drops_the_producer():
    publisher, factory = _publisher()
    first, second = _jobs_on(0, 2)
    factory.next_failure = ("produce", KafkaError(KafkaError._TRANSPORT, "broker gone"))
    with pytest.raises(BrokerError):
        publisher.publish(_match(), job_id=first, trace_id="0" * 32)
    assert factory.made[0].calls[-1] == "abort_transaction"
    publisher.publish(_match(), job_id=second, trace_id="0" * 32)
    assert len(factory.made) == 2


def test_jobs_of_different_partitions_in_threads_never_share_a_producer():
    publisher, factory = _publisher()
    jobs = [job for partition in range(4) for job in _jobs_on(partition, 5)]
    errors: list[BaseException] = []

    def run(job: str) -> None:
        try:
            publisher.publish(_match(), job_id=job, trace_id="0" * 32)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert not any(p.overlapped for p in factory.made)
    assert sum(p.calls.count("commit_transaction") for p in factory.made) == len(jobs)


def test_the_transactional_id_is_the_partition_the_request_arrived_in():
    """kcat (CRC32) or an explicit partition may put a job's request anywhere: the producer
    is that partition's, not the one murmur2 of the job id names (another worker may own it,
    and two holders of one id fence each other mid-job)."""
    publisher, factory = _publisher()
    (job,) = _jobs_on(0, 1)
    publisher._committed_event_count = lambda **_: 0  # type: ignore[method-assign]
    assert publisher.published_since("0@0", job_id=job, input_partition=3) == 0
    assert publisher.publish(_match(), job_id=job, trace_id="0" * 32, input_partition=3) == 3
    assert factory.ids() == ["app-ingest-p3"]  # the fencing producer, then reused
    assert factory.made[0].calls.count("commit_transaction") == 1

    publisher.publish(_match(), job_id=job, trace_id="0" * 32)  # not given: murmur2
    assert factory.ids() == ["app-ingest-p3", "app-ingest-p0"]
    assert publisher.transactional_id(job, 2) == "app-ingest-p2"
    assert publisher.transactional_id(job) == "app-ingest-p0"
