"""Where Stats Perform match files come from, and reading MA1 + MA3 into a match file.

Layout under the root (``PITCHSTREAM_STATSPERFORM_DIR``, a folder or an http(s) URL base):
``ma3/<match id>.json`` (the events, required) and ``ma1/<match id>.json`` (match information
and line-ups, optional: MA3 carries a ``matchInfo`` of its own). Home and away come from
``matchInfo.contestant[].position``; when neither file says, the sides stay unknown; when
neither names two contestants, the match is InvalidSourceData.

Either feed may hold its match at the top level (``{"matchInfo", "liveData"}``) or, as MA1's
fixtures-and-results answer does, in a list under ``match``: the entry whose ``matchInfo.id``
is the match id (a lone entry without an id is taken as the match).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from typing import Final

from domain import InvalidSourceData
from domain import LineupPlayer
from domain import MatchNotFound
from domain import Team
from processors.adapters.files import MatchFilesLoader
from processors.adapters.files import checked_match_id
from processors.adapters.files import parse_json
from processors.adapters.lineups import Roster
from processors.adapters.statsperform.mapping import StatsPerformMatchFile
from processors.adapters.statsperform.mapping import parse_utc
from processors.adapters.statsperform.match_info import SOURCE
from processors.adapters.statsperform.match_info import last_updated
from processors.adapters.statsperform.raw import SpEvent
from processors.adapters.statsperform.raw import decode_typed

EVENTS_FOLDER: Final = "ma3"
INFO_FOLDER: Final = "ma1"
SUFFIX: Final = ".json"


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _decode(data: bytes, what: str, match_id: str) -> dict[str, Any]:
    document = parse_json(data, what)
    if not isinstance(document, dict):
        raise InvalidSourceData(f"{what} holds {type(document).__name__}, not an object")
    if "match" in document and "matchInfo" not in document and "liveData" not in document:
        return _listed_match(document["match"], what, match_id)
    return document


def _listed_match(listed: Any, what: str, match_id: str) -> dict[str, Any]:
    """The entry of a ``match`` list that is this match (see the module docstring)."""
    entries = [e for e in listed if isinstance(e, dict)] if isinstance(listed, list) else []
    ids = [_object(e.get("matchInfo")).get("id") for e in entries]
    for entry, entry_id in zip(entries, ids, strict=True):
        if entry_id == match_id:
            return entry
    if len(entries) == 1 and ids[0] is None:
        return entries[0]
    raise InvalidSourceData(
        f"{what} lists {len(entries)} matches under 'match', none with matchInfo.id {match_id}"
    )


def teams_of(match_info: Mapping[str, Any], match_id: str) -> tuple[tuple[Team, Team], bool]:
    """(home, away) and True when ``position`` says; else the file's order and False."""
    contestants = [c for c in match_info.get("contestant") or () if isinstance(c, dict)]
    teams = [
        (Team(str(c.get("id", "")), _text(c.get("name")) or str(c.get("id", ""))), c)
        for c in contestants
        if c.get("id")
    ]
    if len(teams) != 2:
        raise InvalidSourceData(
            f"statsperform match {match_id}: {len(teams)} contestants with an id in "
            "matchInfo.contestant (MA1, else MA3), not 2"
        )
    positions = [c.get("position") for _, c in teams]
    if positions == ["home", "away"]:
        return (teams[0][0], teams[1][0]), True
    if positions == ["away", "home"]:
        return (teams[1][0], teams[0][0]), True
    return (teams[0][0], teams[1][0]), False


def roster_of(live_data: Mapping[str, Any]) -> Roster:
    """Line-ups from MA1's ``liveData.lineUp``: starters have a formation place other than 0,
    substitutes the position ``Substitute`` (their ``subPosition`` is kept as position)."""
    players: dict[str, LineupPlayer] = {}
    team_of: dict[str, str] = {}
    for lineup in live_data.get("lineUp") or ():
        if not isinstance(lineup, dict):
            continue
        team_id = str(lineup.get("contestantId", ""))
        for player in lineup.get("player") or ():
            if not isinstance(player, dict) or not player.get("playerId"):
                continue
            place = _text(player.get("formationPlace"))
            position = _text(player.get("position"))
            substitute = position == "Substitute"
            if place is not None:
                starter: bool | None = place != "0"
            else:
                starter = False if substitute else None
            shirt = player.get("shirtNumber")
            player_id = str(player["playerId"])
            players[player_id] = LineupPlayer(
                player_id=player_id,
                name=_text(player.get("matchName")) or _text(player.get("knownName")) or "",
                first_name=_text(player.get("firstName")),
                last_name=_text(player.get("lastName")),
                nickname=_text(player.get("knownName")),
                jersey_number=shirt if isinstance(shirt, int) else None,
                position=_text(player.get("subPosition")) if substitute else position,
                starter=starter,
            )
            team_of[player_id] = team_id
    return Roster(players, team_of)


def period_starts_of(live_data: Mapping[str, Any]) -> dict[int, datetime]:
    starts: dict[int, datetime] = {}
    for period in _object(live_data.get("matchDetails")).get("period") or ():
        try:
            starts[int(period["id"])] = parse_utc(str(period["start"]))
        except (KeyError, TypeError, ValueError):
            continue
    return starts


def parse_match_files(ma3: bytes, ma1: bytes | None, match_id: str) -> StatsPerformMatchFile:
    events, ma3_info, ma3_live = _read_ma3(ma3, match_id)
    info_doc = (
        {} if ma1 is None else _decode(ma1, f"statsperform match {match_id}: MA1 file", match_id)
    )
    match_info = _object(info_doc.get("matchInfo")) or ma3_info
    (home, away), sides_known = teams_of(match_info, match_id)
    live_data = _object(info_doc.get("liveData"))
    return StatsPerformMatchFile(
        match_id=match_id,
        teams=(home, away),
        events=tuple(events),
        sides_known=sides_known,
        roster=roster_of(live_data),
        period_starts_utc=period_starts_of(live_data),
        match_info=match_info,
        ma1_live_data=live_data,
        ma3_live_data=ma3_live,
        # only read without lastUpdated (hashing MA3 costs ~1 ms)
        content_sha256=None if last_updated(match_info) else content_version(ma3, ma1),
    )


def _read_ma3(
    ma3: bytes, match_id: str
) -> tuple[list[SpEvent] | list[Any], dict[str, Any], dict[str, Any]]:
    """MA3's events, its ``matchInfo`` and its ``liveData`` without the events. A file that
    fits ``SpDocument`` is decoded straight into structs; any other is read as plain JSON
    (its event objects are read by the same rules when mapped: ``raw.from_object``)."""
    try:
        typed = decode_typed(ma3)
    except ValueError:  # msgspec's DecodeError and ValidationError: the JSON path decides
        pass
    else:
        live = typed.liveData
        parts = (("matchDetails", live.matchDetails), ("substitute", live.substitute))
        return live.event, _object(typed.matchInfo), {k: v for k, v in parts if v is not None}
    document = _decode(ma3, f"statsperform match {match_id}: MA3 file", match_id)
    live_data = _object(document.get("liveData"))
    events = live_data.get("event")
    if not isinstance(events, list):
        raise InvalidSourceData(f"statsperform match {match_id}: MA3 has no liveData.event list")
    ma3_live = {k: v for k, v in live_data.items() if k != "event"}
    return events, _object(document.get("matchInfo")), ma3_live


def content_version(ma3: bytes, ma1: bytes | None) -> str:
    """A SHA-256 over the MA3 and MA1 files (``sha256:<hex>``; MA1 absent counts as such)."""
    digest = hashlib.sha256()
    for data in (ma3, ma1):
        digest.update(f"{-1 if data is None else len(data)}:".encode())
        digest.update(data or b"")
    return f"sha256:{digest.hexdigest()}"


class StatsPerformLoader(MatchFilesLoader):
    def _files(self, match_id: str) -> tuple[bytes, bytes | None]:
        file_name = f"{checked_match_id(SOURCE, match_id)}{SUFFIX}"
        ma3 = self.store.fetch(EVENTS_FOLDER, file_name)
        if ma3 is None:
            raise MatchNotFound(f"statsperform match {match_id} not found in {self.describe()}")
        return ma3, self.store.fetch(INFO_FOLDER, file_name)

    def load(self, match_id: str) -> StatsPerformMatchFile:
        ma3, ma1 = self._files(match_id)
        return parse_match_files(ma3, ma1, match_id)

    def list_matches(self) -> list[str]:
        """Every match with an MA3 file (for a backfill), sorted by id."""
        return self.store.list_names(EVENTS_FOLDER, SUFFIX)

    def version(self, match_id: str) -> str:
        """A SHA-256 over the MA3 and MA1 files (MA1's ``lastUpdated`` covers MA1 only)."""
        return content_version(*self._files(match_id))
