"""The statsbombpy loader against a local HTTP server holding the open-data files
(``open_data_server`` in ``tests/adapters/conftest.py``)."""

from __future__ import annotations

import orjson
import pytest
import statsbombpy.config

from domain import MatchNotFound
from domain import SourceUnavailable
from processors.adapters.statsbomb import StatsBombPy
from processors.adapters.statsbomb import StatsBombRepository
from processors.application.ingest import IngestionService
from processors.application.retry import RetryPolicy
from tests.adapters.conftest import BROKEN_MATCH
from tests.fakes import InMemoryPublisher
from tests.paths import statsbomb_dir


def test_statsbombpy_reads_the_same_events_as_the_files(open_data_server):
    events = StatsBombPy().raw_events("3788741")
    on_disk = orjson.loads((statsbomb_dir() / "data" / "events" / "3788741.json").read_bytes())
    assert sorted(e["id"] for e in events) == sorted(e["id"] for e in on_disk)


def test_a_match_read_through_statsbombpy_normalizes_like_the_mirror(open_data_server):
    match = StatsBombRepository(StatsBombPy()).get_match("3788741")
    assert (match.home.name, match.away.name) == ("Turkey", "Italy")
    assert match.score() == (0, 3)


def test_an_unknown_match_is_not_found(open_data_server):
    with pytest.raises(MatchNotFound, match="424242"):
        StatsBombPy().raw_events("424242")


def test_a_server_error_is_transient(open_data_server):
    with pytest.raises(SourceUnavailable) as caught:
        StatsBombPy().raw_events(BROKEN_MATCH)
    assert caught.value.transient


def test_a_transient_error_is_retried_then_fails_the_job_with_its_code(open_data_server):
    from contracts.v1 import IngestRequest
    from contracts.v1 import JobStatus

    sleeps: list[float] = []
    service = IngestionService(
        {"statsbomb": StatsBombRepository(StatsBombPy())},
        InMemoryPublisher(),
        retry=RetryPolicy(attempts=3, first_delay=0.1),
        sleep=sleeps.append,
    )
    request = IngestRequest(job_id="j", source="statsbomb", match_id=BROKEN_MATCH)
    state = service.run(request, service.start(request, trace_id="a" * 32, previous=None))
    assert (state.status, state.error_code) == (JobStatus.FAILED, "source_unavailable")
    assert sleeps == [0.1, 0.2]


def test_an_empty_answer_from_the_paid_api_is_an_error_not_an_empty_match(monkeypatch):
    class PaidApiRefusing:
        @staticmethod
        def events(match_id: int, fmt: str) -> dict:
            print("401: unauthorised")  # what statsbombpy does on a non-200 from the API
            return {}

    monkeypatch.setattr(StatsBombPy, "_module", PaidApiRefusing)
    monkeypatch.setenv("SB_USERNAME", "someone")
    monkeypatch.setenv("SB_PASSWORD", "something")
    loader = StatsBombPy()
    assert loader.uses_paid_api
    with pytest.raises(MatchNotFound, match="returned no events"):
        loader.raw_events("3788741")


def test_statsbombpy_gives_the_line_ups_and_the_info_what_it_can(open_data_server):
    match = StatsBombRepository(StatsBombPy()).get_match("3788741")
    info = match.info
    assert [len(team.players) for team in info.teams] == [23, 23]
    assert [sum(1 for p in t.players if p.starter) for t in info.teams] == [11, 11]
    # no matches-file entry for a single match online: nothing guessed
    assert [team.side for team in info.teams] == [None, None]
    assert (info.kick_off, info.venue, info.data_version) == (None, None, None)


def test_statsbombpy_without_line_ups_still_gives_the_match(open_data_server, monkeypatch):
    missing = f"{open_data_server}/lineups/none-{{match_id}}.json"
    monkeypatch.setitem(statsbombpy.config.OPEN_DATA_PATHS, "lineups", missing)
    match = StatsBombRepository(StatsBombPy()).get_match("3788741")
    assert match.info.lineup_derivation == "starters from the Starting XI events (no line-ups file)"
    assert [sum(1 for p in t.players if p.starter) for t in match.info.teams] == [11, 11]
