"""The Wyscout implementation of the MatchRepository port."""

from __future__ import annotations

from domain import InvalidSourceData, Match, MatchRepository
from processors.adapters.wyscout.loaders import WyscoutLoader
from processors.adapters.wyscout.mapping import OnDropped, map_match


class WyscoutRepository(MatchRepository):
    def __init__(self, loader: WyscoutLoader, *, on_dropped: OnDropped | None = None) -> None:
        self.loader = loader
        self.on_dropped = on_dropped

    def get_match(self, match_id: str, *, home_team_id: str | None = None) -> Match:
        """The match; ``home_team_id`` (from the ingest request, when it says) names the home
        side, which the file does not. Without it ``Match.sides_known`` is false."""
        match_file = self.loader.load(match_id)
        try:
            return map_match(match_file, home_team_id=home_team_id, on_dropped=self.on_dropped)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise InvalidSourceData(f"wyscout match {match_id}: {error}") from None

    def list_matches(self) -> list[str]:
        return self.loader.list_matches()
