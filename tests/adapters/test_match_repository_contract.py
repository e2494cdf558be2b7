"""The MatchRepository contract, run against every adapter on real provider files.

``CASES`` is the registry: a new provider (or a new way of loading one) joins the suite with
one entry, built from a fixture request so that it can use fixtures (a local HTTP server).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from domain import InvalidRequest
from domain import ListedMatch
from domain import MatchNotFound
from domain import MatchRepository
from domain import MatchScope
from processors.adapters.metrica import LocalStore
from processors.adapters.metrica import MetricaRepository
from processors.adapters.statsbomb import OpenDataMirror
from processors.adapters.statsbomb import StatsBombPy
from processors.adapters.statsbomb import StatsBombRepository
from processors.adapters.statsperform import statsperform_repository
from processors.adapters.wyscout import wyscout_repository
from tests.fakes import InMemoryRepository
from tests.paths import metrica_dir
from tests.paths import statsbomb_dir
from tests.paths import statsperform_dir
from tests.paths import wyscout_dir
from tests.unit.samples import synthetic_match

SEASON = MatchScope
ALL_MATCHES = MatchScope()


@dataclass(frozen=True)
class RepositoryCase:
    name: str
    source: str
    build: Callable[[pytest.FixtureRequest], MatchRepository]
    known: str
    unknown: str
    lists: MatchScope
    """A scope whose listing holds ``known``; the other kind of scope is refused."""


def _statsbombpy(request: pytest.FixtureRequest) -> MatchRepository:
    request.getfixturevalue("open_data_server")  # statsbombpy reads from 127.0.0.1
    return StatsBombRepository(StatsBombPy())


def _mirror(_: pytest.FixtureRequest) -> MatchRepository:
    return StatsBombRepository(OpenDataMirror(statsbomb_dir()))


def _metrica(_: pytest.FixtureRequest) -> MatchRepository:
    return MetricaRepository(LocalStore(metrica_dir()))


def _wyscout(_: pytest.FixtureRequest) -> MatchRepository:
    return wyscout_repository(str(wyscout_dir()))


def _statsperform(_: pytest.FixtureRequest) -> MatchRepository:
    return statsperform_repository(str(statsperform_dir()))


class _ListingFake(InMemoryRepository):
    """The fake lists a season's matches, as StatsBomb does, and refuses the rest."""

    def list_matches(self, scope: MatchScope) -> list[ListedMatch]:
        return (
            super().list_matches(scope)
            if scope.is_season
            else MatchRepository.list_matches(self, scope)
        )


def _fake(_: pytest.FixtureRequest) -> MatchRepository:
    return _ListingFake({"m1": synthetic_match()}, listed=[ListedMatch("m1", "v1")])


CASES = [  # name, source, repository, a match it holds, a match it does not, what lists it
    RepositoryCase(
        "statsbomb-mirror", "statsbomb", _mirror, "3788741", "999999999", SEASON(55, 43)
    ),
    RepositoryCase(
        "statsbombpy-http", "statsbomb", _statsbombpy, "15946", "999999999", SEASON(11, 4)
    ),
    RepositoryCase(
        "metrica-csv", "metrica", _metrica, "Sample_Game_1", "Sample_Game_99", ALL_MATCHES
    ),
    RepositoryCase(
        "metrica-json", "metrica", _metrica, "Sample_Game_3", "Sample_Game_98", ALL_MATCHES
    ),
    RepositoryCase("wyscout", "wyscout", _wyscout, "2499773", "99", ALL_MATCHES),
    RepositoryCase(
        "statsperform",
        "statsperform",
        _statsperform,
        "71pif9hi2vwzp6q0xzilyxst0",
        "nope",
        ALL_MATCHES,
    ),
    RepositoryCase("in-memory-fake", "statsbomb", _fake, "m1", "m2", SEASON(1, 2)),
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


def test_the_listing_of_its_scope_holds_the_known_match_once_with_a_version(case, repository):
    listed = repository.list_matches(case.lists)
    ids = [item.match_id for item in listed]
    assert case.known in ids and case.unknown not in ids
    assert len(set(ids)) == len(ids)
    assert all(isinstance(item.version, str) and item.version for item in listed)


def test_listing_the_other_kind_of_scope_is_an_invalid_request(case, repository):
    other = ALL_MATCHES if case.lists.is_season else SEASON(55, 43)
    with pytest.raises(InvalidRequest, match=f"cannot list {other.describe()}"):
        repository.list_matches(other)
