"""The CDF lane's loop when its consumer group never assigns it: it says so and starts again
(raises for ``CdfLaneThread`` to restart it) instead of polling nothing for ever."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from confluent_kafka import KafkaException

from processors.adapters.kafka import cdf_lane
from processors.metrics import Metrics
from processors.settings import Settings


class SilentConsumer:
    """Polls nothing; calls ``on_assign`` only when told to (a group that answers); stops the
    lane after ``stop_after`` polls, so a lane that never gives up ends the test, failing it."""

    assign_after_polls: int | None = None
    stop_after = 1000
    stop: threading.Event | None = None

    def __init__(self, config: dict[str, Any]) -> None:
        self.polls = 0
        self.on_assign: Any = None

    def subscribe(self, topics: list[str], on_assign: Any = None, on_revoke: Any = None) -> None:
        self.on_assign = on_assign

    def poll(self, timeout: float) -> None:
        self.polls += 1
        if self.assign_after_polls is not None and self.polls == self.assign_after_polls:
            self.on_assign(self, [])  # assigned no partition: still a member of the group
        if self.polls >= self.stop_after and self.stop is not None:
            self.stop.set()
        return None

    def close(self) -> None:
        pass


@pytest.fixture
def lane(monkeypatch):
    monkeypatch.setattr(cdf_lane, "Consumer", SilentConsumer)
    monkeypatch.setattr(cdf_lane, "JOIN_TIMEOUT_SECONDS", 0.0)
    clock = iter(float(n) for n in range(10_000))
    monkeypatch.setattr(cdf_lane.time, "monotonic", lambda: next(clock))
    settings = Settings(bootstrap_servers="127.0.0.1:1", session_timeout=1.0)
    stop = threading.Event()
    monkeypatch.setattr(SilentConsumer, "stop", stop)
    return cdf_lane.CdfLane(settings, Metrics(), stop=stop)


def test_a_lane_never_assigned_raises_after_the_join_timeout(lane):
    assert lane.join_timeout == 2.0  # twice the session timeout, at least the minimum
    with pytest.raises(KafkaException, match="not assigned any partition"):
        lane.run()
    assert lane.consumer.polls >= 1


def test_an_assignment_even_of_no_partition_ends_the_wait(lane, monkeypatch):
    monkeypatch.setattr(SilentConsumer, "assign_after_polls", 1)
    monkeypatch.setattr(SilentConsumer, "stop_after", 50)
    lane.run()  # returns at stop: no timeout raised although nothing was ever polled
    assert lane.consumer.polls == 50
