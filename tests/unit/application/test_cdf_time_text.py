"""CDF times as text without a datetime per event: the same text as the datetime way.

``_Clock.text_at`` adds an event's seconds to its period's start in integer microseconds and
writes the text itself; ``format_utc(start + timedelta(...))`` is the reference it replaced.
"""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

import pytest

from processors.application.cdf.mapping import _clock
from processors.application.cdf.mapping import _parse_utc
from processors.application.cdf.mapping import format_utc

KICK_OFFS = [
    "2021-06-11T19:00:00Z",
    "2021-06-11T21:00:00+02:00",  # a zone: the start is in UTC all the same
    "2019-02-21T23:59:59.999Z",  # the next millisecond is the next day
    "2020-02-28T23:30:00.000250Z",  # leap day ahead, and a start with microseconds
    "1969-12-31T23:59:59.5Z",  # before the epoch
    "0001-01-01T00:00:00Z",  # the first day datetime has
]
SECONDS = [0.0, 0.001, 0.0005, 0.000001, 1e-7, 59.999, 60.0, 121.829, 2885.36, 2700.04]
SECONDS += [3599.9995, 86_399.999, 86_400.0, 90_000.123456, -0.001, -30.5, 1e7 + 0.25]


def reference(kick_off: str, seconds: float) -> str:
    start = _parse_utc(kick_off, "kick-off")
    return format_utc(start + timedelta(microseconds=round(seconds * 1_000_000)))


def clock_of(kick_off: str):  # type: ignore[no-untyped-def]
    return _clock({}, [], [1, 2], kick_off, None)


@pytest.mark.parametrize("kick_off, seconds", list(itertools.product(KICK_OFFS, SECONDS)))
def test_the_text_is_the_datetime_ways_text(kick_off: str, seconds: float) -> None:
    if kick_off.startswith("0001") and seconds < 0:
        with pytest.raises(OverflowError):
            reference(kick_off, seconds)
        with pytest.raises(OverflowError):
            clock_of(kick_off).text_at(1, seconds)
        return
    assert clock_of(kick_off).text_at(1, seconds) == reference(kick_off, seconds)


def test_random_seconds_give_the_same_text_on_one_clock() -> None:
    rng = random.Random(15)
    clock = clock_of("2021-07-11T19:00:00Z")
    for _ in range(5000):
        seconds = rng.choice([round(rng.uniform(0, 7200), 3), rng.uniform(-100, 200_000)])
        assert clock.text_at(1, seconds) == reference("2021-07-11T19:00:00Z", seconds)


def test_a_period_without_a_start_has_no_text_and_out_of_range_fails_as_before() -> None:
    assert clock_of("2021-07-11T19:00:00Z").text_at(2, 10.0) is None
    with pytest.raises(OverflowError):
        reference("9999-12-31T23:59:59Z", 1.5)
    with pytest.raises(OverflowError):
        clock_of("9999-12-31T23:59:59Z").text_at(1, 1.5)
