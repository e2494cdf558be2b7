"""The Stats Perform implementation of the MatchRepository port."""

from __future__ import annotations

from domain import Match
from processors.adapters.files import files_for
from processors.adapters.provider import FolderRepository
from processors.adapters.provider import mapping_errors
from processors.adapters.statsperform.loaders import StatsPerformLoader
from processors.adapters.statsperform.mapping import map_match
from processors.adapters.statsperform.match_info import SOURCE
from processors.settings import Settings


class StatsPerformRepository(FolderRepository):
    source = SOURCE
    loader: StatsPerformLoader

    def get_match(self, match_id: str) -> Match:
        match_file = self.loader.load(match_id)
        with mapping_errors(SOURCE, match_id):
            return map_match(match_file, on_dropped=self.on_dropped)


def repository_from_settings(settings: Settings) -> StatsPerformRepository | None:
    """``PITCHSTREAM_STATSPERFORM_DIR``: a folder or an http(s) base; None when unset."""
    if not settings.statsperform_dir:
        return None
    return StatsPerformRepository(
        StatsPerformLoader(files_for("statsperform", settings.statsperform_dir))
    )
