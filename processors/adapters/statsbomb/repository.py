"""The StatsBomb implementation of the MatchRepository port."""

from __future__ import annotations

from pathlib import Path

from domain import InvalidSourceData, Match, MatchRepository
from processors.adapters.statsbomb.loaders import OpenDataMirror, StatsBombLoader, StatsBombPy
from processors.adapters.statsbomb.mapping import OnDropped, map_match
from processors.settings import Settings


class StatsBombRepository(MatchRepository):
    def __init__(self, loader: StatsBombLoader, *, on_dropped: OnDropped | None = None) -> None:
        self.loader = loader
        self.on_dropped = on_dropped

    def get_match(self, match_id: str) -> Match:
        """The events, and on ``Match.info`` the matches-file entry and line-ups as well."""
        raw_events = self.loader.raw_events(match_id)
        entry = self.loader.match_entry(match_id)
        lineups = self.loader.lineups(match_id)
        try:
            return map_match(
                raw_events,
                match_id=match_id,
                teams=self.loader.teams(match_id),
                on_dropped=self.on_dropped,
                entry=entry,
                lineups=lineups,
            )
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise InvalidSourceData(f"statsbomb match {match_id}: {error}") from None


def repository_from_settings(settings: Settings) -> StatsBombRepository:
    """The offline open-data mirror when ``statsbomb_dir`` is set, else statsbombpy (StatsBomb's
    public open data online, or the paid API with ``SB_USERNAME``/``SB_PASSWORD``)."""
    loader = (
        OpenDataMirror(Path(settings.statsbomb_dir)) if settings.statsbomb_dir else StatsBombPy()
    )
    return StatsBombRepository(loader)
