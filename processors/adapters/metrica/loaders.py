"""Where Metrica games come from (a folder or an http(s) URL base), and reading their files.

A game lives in a folder named by its match id, e.g. ``Sample_Game_1/``, holding either the
CSV events (``<id>_RawEventsData.csv``) or the JSON events with their EPTS metadata
(``<id>_events.json`` + ``<id>_metadata.xml``), as in metrica-sports/sample-data. Stores only
fetch bytes and refuse any match id that would leave their root; parsers turn bytes into
``RawRow``s without judging them (the mapper drops and counts what it cannot use).
"""

from __future__ import annotations

import hashlib
import io
import math
import xml.etree.ElementTree as ElementTree
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Annotated
from typing import Any
from typing import Final

import msgspec
import pandas as pd

from domain import InvalidSourceData
from domain import LineupPlayer
from domain import MatchNotFound
from domain import Team
from processors.adapters import files
from processors.adapters.lineups import Roster
from processors.adapters.metrica.mapping import DEFAULT_FRAME_RATE
from processors.adapters.metrica.mapping import SOURCE
from processors.adapters.metrica.mapping import EptsInfo
from processors.adapters.metrica.mapping import MetricaGame
from processors.adapters.metrica.mapping import RawRow
from processors.adapters.metrica.mapping import split_subtypes

CSV_HOME: Final = Team("Home", "Home")
CSV_AWAY: Final = Team("Away", "Away")
_CSV_COLUMNS: Final = {
    "Team": "team",
    "Type": "type",
    "Subtype": "subtype",
    "Period": "period",
    "Start Frame": "start_frame",
    "Start Time [s]": "start_time",
    "From": "player",
    "To": "receiver",
    "End Frame": "end_frame",
    "End Time [s]": "end_time",
    "Start X": "start_x",
    "Start Y": "start_y",
    "End X": "end_x",
    "End Y": "end_y",
}


def checked_match_id(match_id: str) -> str:
    """A match id names one game folder directly under the root: no separators, no '..'."""
    return files.checked_match_id(SOURCE, match_id, "a game folder name")


class LocalStore(files.LocalFiles):
    """A folder of game folders (``<root>/<match id>/<files>``).

    Paths are resolved (symlinks included) and must stay inside the root, whatever the id.
    """

    def __init__(self, root: Path | str) -> None:
        super().__init__(SOURCE, root)

    def fetch(self, match_id: str, file_name: str) -> bytes | None:
        return super().fetch(checked_match_id(match_id), file_name)

    def list_games(self) -> list[str]:
        """Folders directly under the root, named like a match id, holding a game's events."""
        return self.list_folders(GAME_EVENT_FILES)


class HttpStore(files.HttpFiles):
    """An http(s) URL base with the same layout (``<base>/<match id>/<files>``)."""

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        super().__init__(SOURCE, base_url, timeout=timeout)

    def fetch(self, match_id: str, file_name: str) -> bytes | None:
        return super().fetch(checked_match_id(match_id), file_name)

    def list_games(self) -> list[str]:
        return self.list_folders(GAME_EVENT_FILES)


MetricaStore = LocalStore | HttpStore
"""Reads the files of one game folder (``fetch(match_id, file_name)``); None when absent."""


def store_for(location: str) -> MetricaStore:
    """``PITCHSTREAM_METRICA_DIR``: an http(s) URL base or a folder."""
    if location.startswith(("http://", "https://")):
        return HttpStore(location)
    return LocalStore(Path(location))


def _number(value: Any) -> float:
    """A float, or NaN for what is missing or not a number."""
    if isinstance(value, bool):
        return math.nan
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number if math.isfinite(number) else math.nan


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def parse_csv_events(data: bytes) -> list[RawRow]:
    """Rows of a ``RawEventsData.csv``; a row's number in the file is its id (from 1)."""
    try:
        frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise InvalidSourceData(f"metrica events CSV cannot be read: {error}") from None
    missing = [name for name in _CSV_COLUMNS if name not in frame.columns]
    if missing:
        raise InvalidSourceData(f"metrica events CSV lacks columns {', '.join(missing)}")
    columns = frame[list(_CSV_COLUMNS)].rename(columns=_CSV_COLUMNS)
    rows = []
    for position, values in enumerate(columns.itertuples(index=False), start=1):
        rows.append(
            RawRow(
                index=position,
                source_event_id=str(position),
                team=_text(values.team),
                type=_text(values.type),
                subtypes=split_subtypes(values.subtype),
                period=_number(values.period),
                start_frame=_number(values.start_frame),
                start_time=_number(values.start_time),
                player_id=_text(values.player),
                receiver_id=_text(values.receiver),
                end_frame=_number(values.end_frame),
                end_time=_number(values.end_time),
                start_x=_number(values.start_x),
                start_y=_number(values.start_y),
                end_x=_number(values.end_x),
                end_y=_number(values.end_y),
            )
        )
    return rows


def _named(value: Any, key: str = "name") -> str:
    return _text(value.get(key)) if isinstance(value, dict) else ""


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _json_subtypes(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(name for name in (_named(item) for item in items) if name)


class _JsonName(msgspec.Struct, gc=False):
    """A type or subtype object as typed JSON: only its name is read (its id is a number)."""

    name: str | None = None


class _JsonRef(msgspec.Struct, gc=False):
    """A team or player object as typed JSON (``{"name": ..., "id": ...}``)."""

    name: str | None = None
    id: str | None = None


class _JsonEnd(msgspec.Struct, gc=False):
    """An event's ``start`` or ``end`` object as typed JSON."""

    frame: float | None = None
    time: float | None = None
    x: float | None = None
    y: float | None = None


_JsonInt = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]
"""An int64: orjson reads wider integers as floats (no ``index``); those take the dict path."""


class _JsonEvent(msgspec.Struct, gc=False, rename={"player": "from", "receiver": "to"}):
    """One ``data`` item with exactly the types the sample files use (an int ``index``,
    strings for names and ids, numbers or null for frames, times and locations)."""

    index: _JsonInt | None = None
    team: _JsonRef | None = None
    type: _JsonName | None = None
    subtypes: _JsonName | list[_JsonName] | None = None
    start: _JsonEnd | None = None
    end: _JsonEnd | None = None
    period: float | None = None
    player: _JsonRef | None = None
    receiver: _JsonRef | None = None


class _JsonEvents(msgspec.Struct, gc=False):
    data: list[_JsonEvent]


_decode_typed_events: Final = msgspec.json.Decoder(_JsonEvents).decode
_NO_END: Final = _JsonEnd()
_NO_REF: Final = _JsonRef()
_NAN: Final = math.nan


def _typed_subtypes(value: _JsonName | list[_JsonName]) -> tuple[str, ...]:
    items = value if isinstance(value, list) else (value,)
    names = ("" if item.name is None else item.name.strip() for item in items)
    return tuple(name for name in names if name)


def _typed_rows(events: list[_JsonEvent]) -> list[RawRow]:
    """``parse_json_events`` for a file that fits ``_JsonEvent``: the same rows, read from
    attributes instead of dicts (names stripped inline: this runs per raw event). JSON has
    no NaN or infinity, so every number is finite."""
    rows = []
    nan, no_end, no_ref, subtypes_of = _NAN, _NO_END, _NO_REF, _typed_subtypes
    for position, event in enumerate(events, start=1):
        start = event.start or no_end
        end = event.end or no_end
        index = position if event.index is None else event.index
        team_id = (event.team or no_ref).id
        kind = (event.type or no_ref).name
        player, receiver = event.player or no_ref, event.receiver or no_ref
        player_id, player_name = player.id, player.name
        receiver_id, receiver_name = receiver.id, receiver.name
        period, frame, time, x, y = event.period, start.frame, start.time, start.x, start.y
        end_frame, end_time, end_x, end_y = end.frame, end.time, end.x, end.y
        rows.append(
            RawRow(
                index,
                str(index),
                "" if team_id is None else team_id.strip(),
                "" if kind is None else kind.strip(),
                () if event.subtypes is None else subtypes_of(event.subtypes),
                nan if period is None else period,
                nan if frame is None else frame,
                nan if time is None else time,
                "" if player_id is None else player_id.strip(),
                "" if player_name is None else player_name.strip(),
                "" if receiver_id is None else receiver_id.strip(),
                "" if receiver_name is None else receiver_name.strip(),
                nan if end_frame is None else end_frame,
                nan if end_time is None else end_time,
                nan if x is None else x,
                nan if y is None else y,
                nan if end_x is None else end_x,
                nan if end_y is None else end_y,
            )
        )
    return rows


def parse_json_events(data: bytes) -> list[RawRow]:
    """Rows of a Metrica ``events.json`` (``{"data": [...]}``), ids from their ``index``.

    A file whose events all have the sample files' types (``_JsonEvent``) is decoded
    straight into typed structs; any other is read as plain JSON and each value judged as
    it comes (the same rows either way; odd files are only slower)."""
    try:
        return _typed_rows(_decode_typed_events(data).data)
    except ValueError:  # msgspec.DecodeError and UnicodeDecodeError: the dict path decides
        pass
    document = files.parse_json(data, "metrica events JSON")
    raw = document.get("data") if isinstance(document, dict) else None
    if not isinstance(raw, list):
        raise InvalidSourceData("metrica events JSON has no 'data' list")
    rows = []
    for position, item in enumerate(raw, start=1):
        event: dict[str, Any] = item if isinstance(item, dict) else {}
        start = _object(event.get("start"))
        end = _object(event.get("end"))
        index = event.get("index")
        if isinstance(index, bool) or not isinstance(index, int):
            index = position
        player = event.get("from")
        receiver = event.get("to")
        rows.append(
            RawRow(
                index=index,
                source_event_id=str(index),
                team=_named(event.get("team"), "id"),
                type=_named(event.get("type")),
                subtypes=_json_subtypes(event.get("subtypes")),
                period=_number(event.get("period")),
                start_frame=_number(start.get("frame")),
                start_time=_number(start.get("time")),
                player_id=_named(player, "id"),
                player_name=_named(player),
                receiver_id=_named(receiver, "id"),
                receiver_name=_named(receiver),
                end_frame=_number(end.get("frame")),
                end_time=_number(end.get("time")),
                start_x=_number(start.get("x")),
                start_y=_number(start.get("y")),
                end_x=_number(end.get("x")),
                end_y=_number(end.get("y")),
            )
        )
    return rows


@dataclass(frozen=True, slots=True)
class EptsMetadata:
    home: Team
    away: Team
    frame_rate: float = DEFAULT_FRAME_RATE
    player_names: dict[str, str] = field(default_factory=dict)
    info: EptsInfo = field(default_factory=EptsInfo)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(element: ElementTree.Element, name: str) -> str:
    return next((c.text or "" for c in element if _local(c.tag) == name), "").strip()


def _provider_parameters(element: ElementTree.Element) -> dict[str, str]:
    """``ProviderParameter`` Name/Value pairs under ``element`` (one level of wrapper)."""
    found: dict[str, str] = {}
    for parameter in element.iter():
        if _local(parameter.tag) == "ProviderParameter":
            found[_child_text(parameter, "Name")] = _child_text(parameter, "Value")
    return found


_PERIOD_PARAMETERS: Final = {
    1: ("first_half_start", "first_half_end"),
    2: ("second_half_start", "second_half_end"),
    3: ("first_extra_half_start", "first_extra_half_end"),
    4: ("second_extra_half_start", "second_extra_half_end"),
}


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def parse_epts_metadata(data: bytes) -> EptsMetadata:
    """Teams (home = the Score's ``idLocalTeam``), player names and frame rate of a game, and
    what else the metadata says (competition, session start, players, period frames).

    Read with the standard library's expat parser, which expands no external entities and
    (expat >= 2.4.1) refuses entity-expansion bombs.
    """
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise InvalidSourceData(f"metrica EPTS metadata is not valid XML: {error}") from None
    elements = list(root.iter())
    team_names: dict[str, str] = {}
    player_names: dict[str, str] = {}
    players: dict[str, LineupPlayer] = {}
    team_of: dict[str, str] = {}
    home_id = away_id = ""
    frame_rate = DEFAULT_FRAME_RATE
    competition_id = competition_name = session_start = None
    period_frames: dict[int, tuple[int, int]] = {}
    for element in elements:
        tag = _local(element.tag)
        name = _child_text(element, "Name")
        if tag == "Team" and element.get("id"):
            team_names[element.get("id", "")] = name
        elif tag == "Player" and element.get("id"):
            player_id = element.get("id", "")
            player_names[player_id] = name
            parameters = _provider_parameters(element)
            players[player_id] = LineupPlayer(
                player_id=player_id,
                name=name or player_id,
                jersey_number=_int(_child_text(element, "ShirtNumber")),
                position=parameters.get("position_type") or None,
            )
            team_of[player_id] = element.get("teamId", "")
        elif tag == "Score" and not home_id:
            home_id = element.get("idLocalTeam", "")
            away_id = element.get("idVisitingTeam", "")
        elif tag == "FrameRate":
            rate = _number(element.text)
            if not rate > 0:
                raise InvalidSourceData(f"metrica EPTS metadata: frame rate {element.text!r}")
            frame_rate = rate
        elif tag == "Competition" and competition_id is None:
            competition_id = element.get("id") or None
            competition_name = (element.text or "").strip() or None
        elif tag == "Session" and session_start is None:
            session_start = _child_text(element, "Start") or None
        elif tag == "ProviderGlobalParameters":
            parameters = _provider_parameters(element)
            for period, (first, last) in _PERIOD_PARAMETERS.items():
                start, end = _int(parameters.get(first, "")), _int(parameters.get(last, ""))
                if start is not None and end is not None and end >= start:
                    period_frames[period] = (start, end)
    if not home_id or not away_id or home_id == away_id:
        raise InvalidSourceData("metrica EPTS metadata names no local and visiting team")
    home = Team(home_id, team_names.get(home_id) or home_id)
    away = Team(away_id, team_names.get(away_id) or away_id)
    roster = Roster(players, team_of)
    info = EptsInfo(competition_id, competition_name, session_start, roster, period_frames)
    return EptsMetadata(home, away, frame_rate, player_names, info)


GAME_EVENT_FILES: Final = ("_RawEventsData.csv", "_events.json")
GAME_FILES: Final = (*GAME_EVENT_FILES, "_metadata.xml")


def _files_version(files: Mapping[str, bytes | None]) -> str:
    digest = hashlib.sha256()
    for suffix in GAME_FILES:
        data = files.get(suffix)
        digest.update(f"{suffix}:{-1 if data is None else len(data)}:".encode())
        digest.update(data or b"")
    return f"sha256:{digest.hexdigest()}"


def game_version(store: MetricaStore, match_id: str) -> str:
    """A SHA-256 over the game's files (Metrica publishes no last-updated time)."""
    return _files_version({s: store.fetch(match_id, f"{match_id}{s}") for s in GAME_FILES})


def load_game(store: MetricaStore, match_id: str) -> MetricaGame:
    """The game's files from ``store``: CSV events if present, else JSON events + metadata.

    Every game file is fetched once, so the game's version (``game_version``) comes with it."""
    files = {suffix: store.fetch(match_id, f"{match_id}{suffix}") for suffix in GAME_FILES}
    version = _files_version(files)
    csv = files["_RawEventsData.csv"]
    if csv is not None:
        return MetricaGame(
            match_id, CSV_HOME, CSV_AWAY, tuple(parse_csv_events(csv)), version=version
        )
    events = files["_events.json"]
    if events is None:
        raise MatchNotFound(f"metrica match {match_id} not found in {store.describe()}")
    metadata_bytes = files["_metadata.xml"]
    if metadata_bytes is None:
        raise InvalidSourceData(
            f"metrica match {match_id}: {match_id}_events.json has no {match_id}_metadata.xml"
        )
    metadata = parse_epts_metadata(metadata_bytes)
    return MetricaGame(
        match_id,
        metadata.home,
        metadata.away,
        tuple(parse_json_events(events)),
        frame_rate=metadata.frame_rate,
        player_names=metadata.player_names,
        version=version,
        metadata=metadata.info,
    )
