"""The Metrica implementation of the MatchRepository port."""

from __future__ import annotations

from domain import InvalidSourceData
from domain import ListedMatch
from domain import Match
from domain import MatchRepository
from domain import MatchScope
from processors.adapters.mapping import OnDropped
from processors.adapters.metrica.loaders import MetricaStore
from processors.adapters.metrica.loaders import checked_match_id
from processors.adapters.metrica.loaders import game_version
from processors.adapters.metrica.loaders import load_game
from processors.adapters.metrica.loaders import store_for
from processors.adapters.metrica.mapping import SOURCE
from processors.adapters.metrica.mapping import map_game
from processors.adapters.provider import mapping_errors
from processors.settings import Settings


class MetricaRepository(MatchRepository):
    source = SOURCE

    def __init__(self, store: MetricaStore, *, on_dropped: OnDropped | None = None) -> None:
        self.store = store
        self.on_dropped = on_dropped

    def get_match(self, match_id: str) -> Match:
        try:
            game = load_game(self.store, checked_match_id(match_id))
        except InvalidSourceData as error:
            raise InvalidSourceData(f"metrica match {match_id}: {error}") from None
        with mapping_errors(SOURCE, match_id):
            return map_game(game, on_dropped=self.on_dropped)

    def list_matches(self, scope: MatchScope) -> list[ListedMatch]:
        """Every game folder under the root, versioned by a SHA-256 of its files."""
        if scope.is_season:
            return super().list_matches(scope)
        return [
            ListedMatch(game, game_version(self.store, game)) for game in self.store.list_games()
        ]


def repository_from_settings(settings: Settings) -> MetricaRepository | None:
    """Games under ``metrica_dir`` (a folder or an http(s) URL base); None when not set."""
    return MetricaRepository(store_for(settings.metrica_dir)) if settings.metrica_dir else None
