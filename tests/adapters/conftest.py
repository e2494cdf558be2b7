"""Fixtures shared by the adapter tests: the Wyscout and Stats Perform samples read once, and
a local HTTP server holding the open-data files, for statsbombpy without internet.

statsbombpy reads open data from URLs in ``statsbombpy.config.OPEN_DATA_PATHS``; pointing
that dict (in place) at a server on 127.0.0.1 exercises the real library.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler
from http.server import ThreadingHTTPServer

import pytest
import statsbombpy.config

from domain import Match
from processors.adapters.registry import build_repositories
from processors.adapters.statsperform import statsperform_repository
from processors.adapters.wyscout import WyscoutRepository
from processors.adapters.wyscout import wyscout_repository as wyscout_repository_at
from processors.settings import Settings
from tests.paths import SP_MATCH
from tests.paths import WY_MATCH
from tests.paths import metrica_dir
from tests.paths import statsbomb_dir
from tests.paths import statsperform_dir
from tests.paths import wyscout_dir


@pytest.fixture(scope="module")
def repositories():
    """Every provider's repository on its sample folder under ``../shared/data``."""
    settings = Settings(
        statsbomb_dir=str(statsbomb_dir()),
        metrica_dir=str(metrica_dir()),
        wyscout_dir=str(wyscout_dir()),
        statsperform_dir=str(statsperform_dir()),
    )
    return build_repositories(settings)


BROKEN_MATCH = "500500"
"""A match id the server answers with 503 (a provider outage)."""


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


@pytest.fixture(scope="session")
def statsperform() -> Match:
    """The Stats Perform sample match, read from its folder."""
    return statsperform_repository(str(statsperform_dir())).get_match(SP_MATCH)


@pytest.fixture(scope="session")
def wyscout_repository() -> WyscoutRepository:
    return wyscout_repository_at(str(wyscout_dir()))


@pytest.fixture(scope="session")
def wyscout(wyscout_repository: WyscoutRepository) -> Match:
    """The Wyscout sample match (sides unknown: no home team given)."""
    return wyscout_repository.get_match(WY_MATCH)
