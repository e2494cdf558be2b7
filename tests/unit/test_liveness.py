"""A loop's heartbeat and the watch that ends a process whose loop fell silent."""

from __future__ import annotations

from processors.liveness import STALL_EXIT_CODE
from processors.liveness import Heartbeat
from processors.liveness import LivenessWatch


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def watch(limit: float = 120.0) -> tuple[Clock, Heartbeat, LivenessWatch, list[int]]:
    clock, exits = Clock(), []
    heartbeat = Heartbeat(clock)
    return (
        clock,
        heartbeat,
        LivenessWatch(heartbeat, what="lane", limit=limit, exit=exits.append),
        exits,
    )


def test_a_loop_not_started_yet_is_not_watched():
    clock, _, liveness, exits = watch()
    clock.now += 10_000
    assert liveness.check() is False and exits == []


def test_a_loop_beating_within_the_limit_is_alive():
    clock, heartbeat, liveness, exits = watch()
    for _ in range(50):
        heartbeat.beat()
        clock.now += 119.0
        assert liveness.check() is False
    assert exits == []


def test_a_loop_silent_past_the_limit_ends_the_process_with_the_stall_code():
    clock, heartbeat, liveness, exits = watch()
    heartbeat.beat()
    clock.now += 120.5
    assert heartbeat.silent_for() == 120.5
    assert liveness.check() is True
    assert exits == [STALL_EXIT_CODE] == [75]


def test_the_watch_thread_checks_until_stopped():
    clock, heartbeat, liveness, exits = watch(limit=0.0)
    liveness.interval = 0.01
    heartbeat.beat()
    clock.now += 1.0
    liveness.start()
    liveness.join(5.0)  # it exits (here: records the code) and ends
    assert exits == [STALL_EXIT_CODE] and not liveness.is_alive()
