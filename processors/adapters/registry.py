"""Which ``MatchRepository`` serves each source: one line per provider.

A provider is a folder under ``processors/adapters/`` whose ``repository.py`` has a
``repository_from_settings(settings)`` (None when the provider is not configured); adding
one is that folder and one line below (and its name in ``contracts.v1.ingest_request.SOURCES``).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from typing import Final

from domain import MatchRepository
from processors.adapters.metrica import repository as metrica
from processors.adapters.statsbomb import repository as statsbomb
from processors.adapters.statsperform import repository as statsperform
from processors.adapters.wyscout import repository as wyscout
from processors.settings import Settings

RepositoryFactory = Callable[[Settings], MatchRepository | None]

PROVIDERS: Final[Mapping[str, RepositoryFactory]] = {
    "statsbomb": statsbomb.repository_from_settings,
    "metrica": metrica.repository_from_settings,
    "wyscout": wyscout.repository_from_settings,
    "statsperform": statsperform.repository_from_settings,
}


def build_repositories(settings: Settings) -> dict[str, MatchRepository]:
    """The configured providers' repositories by source."""
    built = {source: factory(settings) for source, factory in PROVIDERS.items()}
    return {source: repository for source, repository in built.items() if repository is not None}
