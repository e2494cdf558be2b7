"""The StatsBomb implementation of the MatchRepository port."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from domain import ListedMatch
from domain import Match
from domain import MatchScope
from processors.adapters.provider import ProviderRepository
from processors.adapters.provider import mapping_errors
from processors.adapters.statsbomb.loaders import OpenDataMirror
from processors.adapters.statsbomb.loaders import StatsBombLoader
from processors.adapters.statsbomb.loaders import StatsBombPy
from processors.adapters.statsbomb.mapping import SOURCE
from processors.adapters.statsbomb.mapping import map_match
from processors.settings import Settings


def statsbomb_version(entry: Mapping[str, Any]) -> str | None:
    """StatsBomb stamps each match with ``last_updated`` when its event data changes."""
    value = entry.get("last_updated")
    return f"last_updated:{value}" if isinstance(value, str) and value else None


class StatsBombRepository(ProviderRepository):
    source = SOURCE
    loader: StatsBombLoader

    def get_match(self, match_id: str) -> Match:
        """The events, and on ``Match.info`` the matches-file entry and line-ups as well."""
        raw_events = self.loader.raw_events(match_id)
        entry = self.loader.match_entry(match_id)
        lineups = self.loader.lineups(match_id)
        with mapping_errors(SOURCE, match_id):
            return map_match(
                raw_events,
                match_id=match_id,
                teams=self.loader.teams(match_id),
                on_dropped=self.on_dropped,
                entry=entry,
                lineups=lineups,
            )

    def list_matches(self, scope: MatchScope) -> list[ListedMatch]:
        """A competition's season from its matches file, versioned by ``last_updated``."""
        if scope.competition_id is None or scope.season_id is None:
            return super().list_matches(scope)
        listed = []
        for entry in self.loader.list_matches(scope.competition_id, scope.season_id):
            match_id = entry.get("match_id")
            if isinstance(match_id, bool) or not isinstance(match_id, (int, str)):
                continue
            listed.append(ListedMatch(str(match_id), statsbomb_version(entry)))
        return listed


def repository_from_settings(settings: Settings) -> StatsBombRepository:
    """The offline open-data mirror when ``statsbomb_dir`` is set, else statsbombpy (StatsBomb's
    public open data online, or the paid API with ``SB_USERNAME``/``SB_PASSWORD``)."""
    loader = (
        OpenDataMirror(Path(settings.statsbomb_dir)) if settings.statsbomb_dir else StatsBombPy()
    )
    return StatsBombRepository(loader)
