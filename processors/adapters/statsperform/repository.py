"""The Stats Perform implementation of the MatchRepository port."""

from __future__ import annotations

from domain import InvalidSourceData, Match, MatchRepository
from processors.adapters.files import files_for
from processors.adapters.statsperform.loaders import StatsPerformLoader
from processors.adapters.statsperform.mapping import OnDropped, map_match
from processors.settings import Settings


class StatsPerformRepository(MatchRepository):
    def __init__(self, loader: StatsPerformLoader, *, on_dropped: OnDropped | None = None) -> None:
        self.loader = loader
        self.on_dropped = on_dropped

    def get_match(self, match_id: str) -> Match:
        match_file = self.loader.load(match_id)
        try:
            return map_match(match_file, on_dropped=self.on_dropped)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise InvalidSourceData(f"statsperform match {match_id}: {error}") from None

    def list_matches(self) -> list[str]:
        return self.loader.list_matches()


def repository_from_settings(settings: Settings) -> StatsPerformRepository | None:
    """``PITCHSTREAM_STATSPERFORM_DIR``: a folder or an http(s) base; None when unset."""
    if not settings.statsperform_dir:
        return None
    return StatsPerformRepository(
        StatsPerformLoader(files_for("statsperform", settings.statsperform_dir))
    )
