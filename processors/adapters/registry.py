"""Which MatchRepository serves each source, from settings."""

from __future__ import annotations

from pathlib import Path

from domain import MatchRepository
from processors.adapters.metrica import MetricaRepository, store_for
from processors.adapters.statsbomb import OpenDataMirror, StatsBombPy, StatsBombRepository
from processors.settings import Settings


def build_repositories(settings: Settings) -> dict[str, MatchRepository]:
    statsbomb_loader = (
        OpenDataMirror(Path(settings.statsbomb_dir)) if settings.statsbomb_dir else StatsBombPy()
    )
    repositories: dict[str, MatchRepository] = {"statsbomb": StatsBombRepository(statsbomb_loader)}
    if settings.metrica_dir:
        repositories["metrica"] = MetricaRepository(store_for(settings.metrica_dir))
    return repositories
