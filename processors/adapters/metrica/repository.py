"""The Metrica implementation of the MatchRepository port."""

from __future__ import annotations

from domain import InvalidSourceData, Match, MatchRepository
from processors.adapters.metrica.loaders import (
    MetricaStore,
    checked_match_id,
    load_game,
    store_for,
)
from processors.adapters.metrica.mapping import OnDropped, map_game
from processors.settings import Settings


class MetricaRepository(MatchRepository):
    def __init__(self, store: MetricaStore, *, on_dropped: OnDropped | None = None) -> None:
        self.store = store
        self.on_dropped = on_dropped

    def get_match(self, match_id: str) -> Match:
        try:
            game = load_game(self.store, checked_match_id(match_id))
        except InvalidSourceData as error:
            raise InvalidSourceData(f"metrica match {match_id}: {error}") from None
        try:
            return map_game(game, on_dropped=self.on_dropped)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise InvalidSourceData(f"metrica match {match_id}: {error}") from None


def repository_from_settings(settings: Settings) -> MetricaRepository | None:
    """Games under ``metrica_dir`` (a folder or an http(s) URL base); None when not set."""
    return MetricaRepository(store_for(settings.metrica_dir)) if settings.metrica_dir else None
