"""Which ``MatchRepository`` serves each source: one line per provider.

A provider is a folder under ``processors/adapters/`` whose ``repository.py`` has a
``repository_from_settings(settings)`` (None when the provider is not configured); adding
one is that folder and one line below (and its name in ``contracts.v1.ingest_request.SOURCES``).

A provider's modules are imported when its source is first used, not with this module: the
command line normalizing a StatsBomb match never loads Metrica's reader (and pandas with it).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Final

if TYPE_CHECKING:
    from domain import MatchRepository
    from processors.settings import Settings

PROVIDERS: Final[Mapping[str, str]] = {
    "statsbomb": "processors.adapters.statsbomb.repository",
    "metrica": "processors.adapters.metrica.repository",
    "wyscout": "processors.adapters.wyscout.repository",
    "statsperform": "processors.adapters.statsperform.repository",
}


def build_repository(settings: Settings, source: str) -> MatchRepository | None:
    """The repository of ``source`` (imports that provider only); None when the provider is
    not configured. ``KeyError`` for a source no provider serves."""
    module = importlib.import_module(PROVIDERS[source])
    repository: MatchRepository | None = module.repository_from_settings(settings)
    return repository


def build_repositories(settings: Settings) -> dict[str, MatchRepository]:
    """The configured providers' repositories by source."""
    built = {source: build_repository(settings, source) for source in PROVIDERS}
    return {source: repository for source, repository in built.items() if repository is not None}


class LazyRepositories(Mapping[str, "MatchRepository"]):
    """The configured providers' repositories by source, each built (and its provider
    imported) on first use: a worker that only ever ingests StatsBomb never loads pandas
    for Metrica (~57 MB of its RSS). Iterating builds them all."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._built: dict[str, MatchRepository | None] = {}

    def __getitem__(self, source: str) -> MatchRepository:
        if source not in self._built:
            if source not in PROVIDERS:
                raise KeyError(source)
            self._built[source] = build_repository(self._settings, source)
        repository = self._built[source]
        if repository is None:
            raise KeyError(source)  # that provider is not configured
        return repository

    def __iter__(self) -> Iterator[str]:
        return iter([source for source in PROVIDERS if source in self._configured()])

    def __len__(self) -> int:
        return len(self._configured())

    def _configured(self) -> dict[str, MatchRepository]:
        return {source: self[source] for source in PROVIDERS if self.get(source) is not None}
