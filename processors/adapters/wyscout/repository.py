"""The Wyscout implementation of the MatchRepository port."""

from __future__ import annotations

from domain import InvalidRequest
from domain import Match
from domain import MatchQuery
from processors.adapters.files import files_for
from processors.adapters.provider import FolderRepository
from processors.adapters.provider import mapping_errors
from processors.adapters.wyscout.loaders import WyscoutLoader
from processors.adapters.wyscout.mapping import map_match
from processors.adapters.wyscout.match_info import SOURCE
from processors.settings import Settings


class WyscoutRepository(FolderRepository):
    source = SOURCE
    loader: WyscoutLoader

    def get_match(self, match_id: str, *, home_team_id: str | None = None) -> Match:
        """The match; ``home_team_id`` (from the ingest request, when it says) names the home
        side, which the file does not. Without it ``Match.sides_known`` is false."""
        match_file = self.loader.load(match_id)
        teams = [team.team_id for team in match_file.teams]
        if home_team_id is not None and home_team_id not in teams:
            raise InvalidRequest(
                f"home_team_id {home_team_id!r} is not a team of wyscout match {match_id} "
                f"(its teams: {', '.join(teams)})"
            )
        with mapping_errors(SOURCE, match_id):
            return map_match(match_file, home_team_id=home_team_id, on_dropped=self.on_dropped)

    def get_match_for(self, query: MatchQuery) -> Match:
        """The file does not say who was at home: the query's ``home_team_id`` does."""
        return self.get_match(query.match_id, home_team_id=query.home_team_id)


def repository_from_settings(settings: Settings) -> WyscoutRepository | None:
    """``PITCHSTREAM_WYSCOUT_DIR``: a folder or an http(s) base; None when unset."""
    if not settings.wyscout_dir:
        return None
    return WyscoutRepository(WyscoutLoader(files_for("wyscout", settings.wyscout_dir)))
