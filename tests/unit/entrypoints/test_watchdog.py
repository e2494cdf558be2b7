"""The consumer watchdog on a stand-in for Faust's app and consumer."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from processors.entrypoints.watchdog import STALL_EXIT_CODE
from processors.entrypoints.watchdog import STALL_SECONDS
from processors.entrypoints.watchdog import ConsumerWatchdog


@dataclass(frozen=True)
class TP:
    topic: str
    partition: int


@dataclass
class FakeConsumer:
    highwater: dict[TP, int]
    _read_offset: dict[TP, int | None]
    calls: list[str] = field(default_factory=list)
    flow_active: bool = False
    _paused_partitions: set[TP] = field(default_factory=set)

    def assignment(self) -> set[TP]:
        return set(self.highwater) | {TP("other", 0)}

    async def highwaters(self, *tps: TP) -> dict[TP, int]:
        return {tp: self.highwater[tp] for tp in tps}

    def resume_partitions(self, tps: Any) -> None:
        self.calls.append("resume_partitions")

    def resume_flow(self) -> None:
        self.calls.append("resume_flow")

    async def perform_seek(self) -> None:
        self.calls.append("perform_seek")


class FakeFlowControl:
    def __init__(self, calls: list[str]) -> None:
        self.calls = calls

    def is_active(self) -> bool:
        return False

    def resume(self) -> None:
        self.calls.append("flow_control.resume")


class FakeFetcher:
    state = "stopped"

    def __init__(self, calls: list[str]) -> None:
        self.calls = calls

    async def maybe_start(self) -> None:
        self.calls.append("fetcher.maybe_start")


class FakeApp:
    def __init__(self, consumer: FakeConsumer) -> None:
        self.consumer = consumer
        self.flow_control = FakeFlowControl(consumer.calls)
        self._fetcher = FakeFetcher(consumer.calls)


P0, P1 = TP("ingest-requests", 0), TP("ingest-requests", 1)
LONG_AGO = time.monotonic() - STALL_SECONDS - 1


def watchdog(read: dict, highwater: dict, idle: float | None) -> tuple[ConsumerWatchdog, list]:
    consumer = FakeConsumer(highwater=highwater, _read_offset=read)
    return ConsumerWatchdog(FakeApp(consumer), "ingest-requests", lambda: idle), consumer.calls


def test_an_idle_worker_behind_its_partitions_restarts_the_fetch():
    dog, calls = watchdog({P0: 4, P1: None}, {P0: 5, P1: 2}, LONG_AGO)
    assert asyncio.run(dog.check()) is True
    assert calls == [
        "resume_partitions",
        "flow_control.resume",
        "resume_flow",
        "fetcher.maybe_start",
        "perform_seek",
    ]
    assert dog.restarts == 1


def test_a_worker_that_read_everything_is_left_alone():
    dog, calls = watchdog({P0: 4, P1: None}, {P0: 5, P1: 0}, LONG_AGO)
    assert asyncio.run(dog.check()) is False
    assert calls == []


def test_a_busy_or_recently_busy_worker_is_left_alone():
    for idle in (None, time.monotonic()):
        dog, calls = watchdog({P0: None}, {P0: 9}, idle)
        assert asyncio.run(dog.check()) is False
        assert calls == []


def test_a_stall_that_outlives_the_fetch_restart_ends_the_process():
    exits: list[int] = []
    consumer = FakeConsumer(highwater={P0: 3}, _read_offset={P0: None})
    dog = ConsumerWatchdog(
        FakeApp(consumer), "ingest-requests", lambda: LONG_AGO, exit=exits.append
    )
    assert asyncio.run(dog.check()) is True
    assert exits == []
    assert asyncio.run(dog.check()) is True
    assert exits == [STALL_EXIT_CODE]


def test_progress_between_checks_clears_the_stall():
    exits: list[int] = []
    idle = [LONG_AGO]
    consumer = FakeConsumer(highwater={P0: 3}, _read_offset={P0: None})
    dog = ConsumerWatchdog(FakeApp(consumer), "ingest-requests", lambda: idle[0], exit=exits.append)
    asyncio.run(dog.check())
    idle[0] = LONG_AGO + 0.5  # a request was handled since
    asyncio.run(dog.check())
    assert exits == []
