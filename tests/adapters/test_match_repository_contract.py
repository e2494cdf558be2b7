"""The MatchRepository contract, run against every adapter on real provider files.

``CASES`` is the registry: a new provider (or a new way of loading one) joins the suite with
one entry, built from a fixture request so that it can use fixtures (a local HTTP server).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from domain import MatchNotFound, MatchRepository
from processors.adapters.metrica import LocalStore, MetricaRepository
from processors.adapters.statsbomb import OpenDataMirror, StatsBombPy, StatsBombRepository
from tests.fakes import InMemoryRepository
from tests.paths import metrica_dir, statsbomb_dir
from tests.unit.samples import synthetic_match


@dataclass(frozen=True)
class RepositoryCase:
    name: str
    source: str
    build: Callable[[pytest.FixtureRequest], MatchRepository]
    known: str
    unknown: str


def _statsbombpy(request: pytest.FixtureRequest) -> MatchRepository:
    request.getfixturevalue("open_data_server")  # statsbombpy reads from 127.0.0.1
    return StatsBombRepository(StatsBombPy())


def _mirror(_: pytest.FixtureRequest) -> MatchRepository:
    return StatsBombRepository(OpenDataMirror(statsbomb_dir()))


def _metrica(_: pytest.FixtureRequest) -> MatchRepository:
    return MetricaRepository(LocalStore(metrica_dir()))


def _fake(_: pytest.FixtureRequest) -> MatchRepository:
    return InMemoryRepository({"m1": synthetic_match()})


CASES = [  # name, source, repository, a match it holds, a match it does not
    RepositoryCase("statsbomb-mirror", "statsbomb", _mirror, "3788741", "999999999"),
    RepositoryCase("statsbombpy-http", "statsbomb", _statsbombpy, "15946", "999999999"),
    RepositoryCase("metrica-csv", "metrica", _metrica, "Sample_Game_1", "Sample_Game_99"),
    RepositoryCase("metrica-json", "metrica", _metrica, "Sample_Game_3", "Sample_Game_98"),
    RepositoryCase("in-memory-fake", "statsbomb", _fake, "m1", "m2"),
]


@pytest.fixture(params=CASES, ids=[case.name for case in CASES])
def case(request: pytest.FixtureRequest) -> RepositoryCase:
    return request.param


@pytest.fixture
def repository(case: RepositoryCase, request: pytest.FixtureRequest) -> MatchRepository:
    return case.build(request)


def test_a_known_match_names_its_source_and_id(case, repository):
    match = repository.get_match(case.known)
    assert (match.source, match.match_id) == (case.source, case.known)
    assert match.events


def test_every_raw_event_is_emitted_or_counted_as_dropped(case, repository):
    match = repository.get_match(case.known)
    assert match.raw_event_count == len(match.events) + sum(match.dropped_by_reason.values())
    assert all(count > 0 for count in match.dropped_by_reason.values())


def test_events_have_unique_ids_and_belong_to_the_match(case, repository):
    match = repository.get_match(case.known)
    assert len({event.event_id for event in match.events}) == len(match.events)
    assert {(event.source, event.match_id) for event in match.events} == {(case.source, case.known)}


def test_reading_a_match_again_gives_the_same_events(case, repository):
    first = repository.get_match(case.known)
    assert [e.event_id for e in repository.get_match(case.known).events] == [
        e.event_id for e in first.events
    ]


def test_an_unknown_match_is_not_found(case, repository):
    with pytest.raises(MatchNotFound):
        repository.get_match(case.unknown)
