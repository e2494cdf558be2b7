"""Where Wyscout match files come from, and reading them into a ``WyscoutMatchFile``.

One file per match, ``<root>/<match id>.json``, in Wyscout's API v2 layout:
``{"events": [...], "teams": {wyId: {"team": {...}}}, "players": {teamId: [{"player": ...}]}}``.
The root is ``PITCHSTREAM_WYSCOUT_DIR``: a folder or an http(s) URL base.
"""

from __future__ import annotations

import hashlib
from typing import Any
from typing import Final

import orjson

from domain import InvalidSourceData
from domain import LineupPlayer
from domain import MatchNotFound
from domain import Team
from processors.adapters.files import MatchFilesLoader
from processors.adapters.files import checked_match_id
from processors.adapters.files import parse_json
from processors.adapters.lineups import Roster
from processors.adapters.wyscout.mapping import WyscoutMatchFile
from processors.adapters.wyscout.mapping import code_of
from processors.adapters.wyscout.match_info import SOURCE
from processors.adapters.wyscout.typed import WyEvent
from processors.adapters.wyscout.typed import decode_typed

SUFFIX: Final = ".json"


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _teams(document: dict[str, Any], events: list[Any], match_id: str) -> tuple[Team, Team]:
    """The two teams in the file's order (its ``teams`` map, else the events' order)."""
    teams: list[Team] = []
    raw_teams = document.get("teams")
    if isinstance(raw_teams, dict):
        for key, entry in raw_teams.items():
            team = _object(entry.get("team", entry) if isinstance(entry, dict) else None)
            team_id = str(team.get("wyId", key))
            name = _text(team.get("name")) or _text(team.get("officialName")) or team_id
            teams.append(Team(team_id, name))
    if len(teams) != 2:
        teams = []
        for raw in events:
            if type(raw) is WyEvent:
                team_id = str(raw.teamId)
            else:
                team_id = str(raw.get("teamId", "")) if isinstance(raw, dict) else ""
            if team_id and all(t.team_id != team_id for t in teams):
                teams.append(Team(team_id, team_id))
    if len(teams) != 2:
        raise InvalidSourceData(f"wyscout match {match_id}: {len(teams)} teams, not two")
    return teams[0], teams[1]


def _player_code(player: dict[str, Any]) -> int | None:
    """A player's id as events give it (``playerId``): ``wyId``, else ``playerId`` (entries
    of some exports)."""
    code = code_of(player.get("wyId"))
    return code if code is not None else code_of(player.get("playerId"))


def _roster(document: dict[str, Any]) -> Roster:
    players: dict[str, LineupPlayer] = {}
    team_of: dict[str, str] = {}
    raw_players = document.get("players")
    if not isinstance(raw_players, dict):
        return Roster()
    for team_id, entries in raw_players.items():
        for entry in entries if isinstance(entries, list) else ():
            player = _object(entry.get("player", entry) if isinstance(entry, dict) else None)
            code = _player_code(player)
            if not code:  # no id, or 0: no player
                continue
            first, last = _text(player.get("firstName")), _text(player.get("lastName"))
            full = " ".join(part for part in (first, last) if part)
            role = player.get("role")
            player_id = str(code)
            players[player_id] = LineupPlayer(
                player_id=player_id,
                name=_text(player.get("shortName")) or full or player_id,
                first_name=first,
                last_name=last,
                position=_text(role.get("name")) if isinstance(role, dict) else None,
            )
            team_of[player_id] = str(team_id)
    return Roster(players, team_of)


def _typed_document(data: bytes) -> tuple[dict[str, Any], list[Any]] | None:
    """The file's teams and players maps and its events as ``WyEvent`` structs, when the
    file fits the types; None sends it down the dict path."""
    typed = decode_typed(data)
    if typed is None:
        return None
    document = {}
    for key, raw in (("teams", typed.teams), ("players", typed.players)):
        if raw:  # present (an absent map is no key, as in the dict path)
            try:
                document[key] = orjson.loads(memoryview(raw))
            except orjson.JSONDecodeError:  # the dict path names the error in the file
                return None
    return document, list(typed.events)


def _dict_document(data: bytes, match_id: str) -> tuple[dict[str, Any], list[Any]]:
    """The file's maps and events: an API v2 document, or the bare list of one match's
    events (as cut out of the public data set's per-competition files: no maps)."""
    document = parse_json(data, f"wyscout match {match_id}: the file")
    if isinstance(document, list):
        return {}, document
    events = document.get("events") if isinstance(document, dict) else None
    if not isinstance(events, list):
        raise InvalidSourceData(
            f"wyscout match {match_id}: the file is neither an events list nor an object "
            "with an 'events' list"
        )
    return document, events


def parse_match_file(data: bytes, match_id: str) -> WyscoutMatchFile:
    """The match file; its events are ``WyEvent`` structs when the file fits their types
    (``typed.py``), else the JSON's dicts (the same match either way)."""
    typed = _typed_document(data)
    document, events = typed if typed is not None else _dict_document(data, match_id)
    return WyscoutMatchFile(
        match_id=match_id,
        teams=_teams(document, events, match_id),
        events=tuple(events),
        roster=_roster(document),
        raw_teams=_object(document.get("teams")),
        content_sha256=content_version(data),
    )


def content_version(data: bytes) -> str:
    """``sha256:<hex>`` of a match file: its data version (v2 files carry no update time)."""
    return f"sha256:{hashlib.sha256(data).hexdigest()}"


class WyscoutLoader(MatchFilesLoader):
    def _bytes(self, match_id: str) -> bytes:
        data = self.store.fetch("", f"{checked_match_id(SOURCE, match_id)}{SUFFIX}")
        if data is None:
            raise MatchNotFound(f"wyscout match {match_id} not found in {self.describe()}")
        return data

    def load(self, match_id: str) -> WyscoutMatchFile:
        return parse_match_file(self._bytes(match_id), match_id)

    def list_matches(self) -> list[str]:
        """Every match file in the folder (for a backfill), sorted by id."""
        return self.store.list_names("", SUFFIX)

    def version(self, match_id: str) -> str:
        """A SHA-256 of the match file (Wyscout v2 files carry no last-updated time)."""
        return content_version(self._bytes(match_id))
