"""The statsbombpy loader against a local HTTP server holding the open-data files.

statsbombpy reads open data from URLs in ``statsbombpy.config.OPEN_DATA_PATHS``; pointing
that dict (in place) at a server on 127.0.0.1 exercises the real library without internet.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import orjson
import pytest
import statsbombpy.config

from domain import MatchNotFound, SourceUnavailable
from processors.adapters.statsbomb import StatsBombPy, StatsBombRepository
from processors.application.ingest import IngestionService, RetryPolicy
from tests.fakes import InMemoryPublisher
from tests.paths import statsbomb_dir

BROKEN_MATCH = "500500"


class _Handler(SimpleHTTPRequestHandler):
    def do_GET(self) -> None:
        if BROKEN_MATCH in self.path:
            self.send_error(503, "upstream down")
            return
        super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def open_data_server(monkeypatch) -> Iterator[str]:
    handler = functools.partial(_Handler, directory=str(statsbomb_dir()))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/data"
    for name, path in {
        "events": "events/{match_id}.json",
        "lineups": "lineups/{match_id}.json",
        "matches": "matches/{competition_id}/{season_id}.json",
    }.items():
        monkeypatch.setitem(statsbombpy.config.OPEN_DATA_PATHS, name, f"{base}/{path}")
    monkeypatch.delenv("SB_USERNAME", raising=False)
    monkeypatch.delenv("SB_PASSWORD", raising=False)
    yield base
    server.shutdown()
    server.server_close()


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
    from contracts.v1 import IngestRequest, JobStatus

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
