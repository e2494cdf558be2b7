"""What every provider that reads match files from a root shares, on the real sample files:
a folder and an http(s) base with the same layout give the same match, an unknown match is not
found, and a match id that would leave the root is refused before anything is read."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from domain import InvalidRequest
from domain import MatchNotFound
from domain import MatchRepository
from processors.adapters.metrica import MetricaRepository
from processors.adapters.metrica import store_for
from processors.adapters.statsperform import statsperform_repository
from processors.adapters.wyscout import wyscout_repository
from tests.adapters.http_folder import served
from tests.paths import metrica_dir
from tests.paths import statsperform_dir
from tests.paths import wyscout_dir


@dataclass(frozen=True)
class FolderCase:
    name: str
    root: Callable[[], Path]
    repository: Callable[[str], MatchRepository]
    """The provider's repository over a folder or an http(s) base."""
    known: str
    unknown: str


def _metrica(location: str) -> MatchRepository:
    return MetricaRepository(store_for(location))


CASES = [
    FolderCase("wyscout", wyscout_dir, wyscout_repository, "2499773", "2499774"),
    FolderCase(
        "statsperform",
        statsperform_dir,
        statsperform_repository,
        "71pif9hi2vwzp6q0xzilyxst0",
        "nosuchmatch",
    ),
    FolderCase("metrica-csv", metrica_dir, _metrica, "Sample_Game_1", "Sample_Game_9"),
    FolderCase("metrica-json", metrica_dir, _metrica, "Sample_Game_3", "Sample_Game_9"),
]
ESCAPES = [
    "..",
    "../x",
    "../ma1",
    "../statsbomb-open-data",
    "Sample_Game_1/../..",
    "/etc/passwd",
    "a/b",
    "%2e%2e",
    ".hidden",
    "Sample_Game_1\x00",
    "",
]


@pytest.fixture(scope="module", params=CASES, ids=[case.name for case in CASES])
def case(request: pytest.FixtureRequest) -> FolderCase:
    return request.param


@pytest.fixture(scope="module")
def http_base(case: FolderCase) -> Iterator[tuple[str, list[str]]]:
    with served(case.root()) as base:
        yield base


def test_a_match_read_over_http_is_the_match_read_from_the_folder(case, http_base):
    base, _ = http_base
    local = case.repository(str(case.root())).get_match(case.known)
    assert case.repository(base).get_match(case.known) == local


def test_an_unknown_match_is_not_found_in_the_folder_and_over_http(case, http_base):
    base, _ = http_base
    for location in (str(case.root()), base):
        with pytest.raises(MatchNotFound, match=case.unknown):
            case.repository(location).get_match(case.unknown)


@pytest.mark.parametrize("match_id", ESCAPES)
def test_a_match_id_that_would_leave_the_root_is_refused_unread(case, http_base, match_id):
    base, requested = http_base
    before = len(requested)
    for location in (str(case.root()), base, base + "nested/"):
        with pytest.raises(InvalidRequest):
            case.repository(location).get_match(match_id)
    assert len(requested) == before
