"""Where StatsBomb data comes from: an offline open-data mirror or statsbombpy (online).

Loaders only fetch; mapping lives in ``mapping``. Both return raw events as the open data
defines them and, where known, the match's home and away teams.
"""

from __future__ import annotations

import os
import threading
from abc import ABC
from abc import abstractmethod
from pathlib import Path
from typing import Any

import msgspec
import orjson

from domain import InvalidSourceData
from domain import MatchNotFound
from domain import SourceUnauthorized
from domain import SourceUnavailable
from domain import Team
from processors.adapters.statsbomb.mapping import RawEvent
from processors.adapters.statsbomb.mapping import RawEvents
from processors.adapters.statsbomb.mapping import SbEvent
from processors.adapters.statsbomb.match_info import teams_from_entry

# Typed decoding reads only the fields the mapper uses (8-10 ms instead of orjson's 17-27 ms
# for a 3.3 MB file, no dict per object); a file with an event that does not fit the types is
# read as dicts, which the mapper converts into the same structs one event at a time.
_decode_typed_events = msgspec.json.Decoder(list[SbEvent]).decode


class StatsBombLoader(ABC):
    @abstractmethod
    def raw_events(self, match_id: str) -> RawEvents: ...

    @abstractmethod
    def teams(self, match_id: str) -> tuple[Team, Team] | None: ...

    def match_entry(self, match_id: str) -> dict[str, Any] | None:
        """The match's entry in its season's matches file, when the loader can find it."""
        return None

    def lineups(self, match_id: str) -> list[Any] | None:
        """The match's line-ups file (one entry per team), when there is one."""
        return None

    @abstractmethod
    def list_matches(self, competition_id: int, season_id: int) -> list[dict[str, Any]]:
        """A season's entries as in the open data's ``matches/<c>/<s>.json`` (``match_id``,
        ``last_updated``, teams...); MatchNotFound when the season is unknown."""

    def describe(self) -> str:
        return type(self).__name__


def _read_json(path: Path, what: str) -> Any:
    try:
        return orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as error:
        raise InvalidSourceData(f"{what} {path.name} is not valid JSON: {error}") from None


class OpenDataMirror(StatsBombLoader):
    """A local copy of the statsbomb/open-data repository (``<root>/data/events/<id>.json``).

    ``root`` may name the repository root or its ``data`` folder.
    """

    def __init__(self, root: Path) -> None:
        root = Path(root)
        self.data_dir = root / "data" if (root / "data").is_dir() else root
        self._entries: dict[str, dict[str, Any]] = {}
        self._signature: tuple[tuple[str, int, int], ...] | None = None
        self._lock = threading.Lock()

    def describe(self) -> str:
        return f"open-data mirror at {self.data_dir}"

    def raw_events(self, match_id: str) -> RawEvents:
        path = self.data_dir / "events" / f"{match_id}.json"
        if not path.is_file():
            raise MatchNotFound(f"statsbomb match {match_id} not found in {self.describe()}")
        data = path.read_bytes()
        try:
            return _decode_typed_events(data)
        except ValueError:  # msgspec.DecodeError and UnicodeDecodeError: the dict path decides
            pass
        try:
            raw = orjson.loads(data)
        except orjson.JSONDecodeError as error:
            what = f"statsbomb match {match_id}: events file"
            raise InvalidSourceData(f"{what} {path.name} is not valid JSON: {error}") from None
        if not isinstance(raw, list):
            raise InvalidSourceData(
                f"statsbomb match {match_id}: events file holds {type(raw).__name__}, not a list"
            )
        return raw

    def list_matches(self, competition_id: int, season_id: int) -> list[dict[str, Any]]:
        path = self.data_dir / "matches" / str(int(competition_id)) / f"{int(season_id)}.json"
        if not path.is_file():
            raise MatchNotFound(
                f"statsbomb competition {competition_id} season {season_id} not found in "
                f"{self.describe()}"
            )
        entries = _read_json(path, f"statsbomb competition {competition_id} matches file")
        if not isinstance(entries, list):
            raise InvalidSourceData(f"statsbomb matches file {path.name} is not a list")
        return [entry for entry in entries if isinstance(entry, dict)]

    def teams(self, match_id: str) -> tuple[Team, Team] | None:
        entry = self.match_entry(match_id)
        return None if entry is None else teams_from_entry(entry)

    def match_entry(self, match_id: str) -> dict[str, Any] | None:
        """The match's entry; the index is read again when a matches file changed (StatsBomb
        re-releases a season with a new ``last_updated``: a running worker must see it)."""
        paths = sorted((self.data_dir / "matches").glob("*/*.json"))
        signature = tuple(_stat_signature(path) for path in paths)
        with self._lock:
            if signature != self._signature:
                self._entries = self._index_matches_files(paths)
                self._signature = signature
            return self._entries.get(match_id)

    def lineups(self, match_id: str) -> list[Any] | None:
        """``lineups/<id>.json``; a missing or unreadable file costs the line-ups only."""
        path = self.data_dir / "lineups" / f"{match_id}.json"
        if not path.is_file():
            return None
        try:
            lineups = orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError:
            return None
        return lineups if isinstance(lineups, list) else None

    def _index_matches_files(self, paths: list[Path]) -> dict[str, dict[str, Any]]:
        """The entry of every match the mirror lists."""
        index: dict[str, dict[str, Any]] = {}
        for path in paths:
            try:
                matches = orjson.loads(path.read_bytes())
            except orjson.JSONDecodeError:
                continue  # a broken matches file costs home/away names, not the match
            for entry in matches if isinstance(matches, list) else ():
                if isinstance(entry, dict) and "match_id" in entry:
                    index[str(entry["match_id"])] = entry
        return index


def _stat_signature(path: Path) -> tuple[str, int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), stat.st_mtime_ns, stat.st_size)


class StatsBombPy(StatsBombLoader):
    """statsbombpy: the public open data over HTTP, or the paid API when credentials are set.

    statsbombpy reads ``SB_USERNAME``/``SB_PASSWORD`` at import and installs a process-wide
    requests cache; we import it lazily, once, and undo the cache so reads are never stale.
    """

    _module: Any = None
    _import_lock = threading.Lock()

    @classmethod
    def _sb(cls) -> Any:
        with cls._import_lock:
            if cls._module is None:
                import requests_cache
                from statsbombpy import sb

                requests_cache.uninstall_cache()
                cls._module = sb
        return cls._module

    @property
    def uses_paid_api(self) -> bool:
        return bool(os.environ.get("SB_USERNAME") and os.environ.get("SB_PASSWORD"))

    def describe(self) -> str:
        return "StatsBomb API" if self.uses_paid_api else "StatsBomb open data (online)"

    def raw_events(self, match_id: str) -> list[RawEvent]:
        try:
            events = self._sb().events(match_id=int(match_id), fmt="dict")
        except ValueError:
            raise MatchNotFound(f"statsbomb match id {match_id!r} is not a number") from None
        except Exception as error:  # statsbombpy raises requests' errors as they come
            raise _classify_http_error(error, match_id) from None
        if not events:
            # The paid API answers a refusal with an empty result and a printed line.
            raise MatchNotFound(f"statsbomb match {match_id}: {self.describe()} returned no events")
        return list(events.values())

    def teams(self, match_id: str) -> tuple[Team, Team] | None:
        return None

    def lineups(self, match_id: str) -> list[Any] | None:
        """statsbombpy's line-ups (one entry per team); None when it has none."""
        try:
            lineups = self._sb().lineups(match_id=int(match_id), fmt="dict")
        except ValueError:
            return None
        except Exception as error:  # requests' errors, as statsbombpy lets them through
            classified = _classify_http_error(error, match_id)
            if isinstance(classified, MatchNotFound):
                return None  # no line-ups costs the line-ups, not the match
            raise classified from None
        values = lineups.values() if isinstance(lineups, dict) else lineups or ()
        return [entry for entry in values if isinstance(entry, dict)] or None

    def list_matches(self, competition_id: int, season_id: int) -> list[dict[str, Any]]:
        where = f"competition {competition_id} season {season_id}"
        try:
            entries = self._sb().matches(
                competition_id=int(competition_id), season_id=int(season_id), fmt="dict"
            )
        except Exception as error:  # requests' errors, as statsbombpy lets them through
            raise _classify_http_error(error, where) from None
        if not entries:
            raise MatchNotFound(f"statsbomb {where}: {self.describe()} lists no matches")
        values = entries.values() if isinstance(entries, dict) else entries
        return [entry for entry in values if isinstance(entry, dict)]


def _classify_http_error(error: Exception, match_id: str) -> Exception:
    status = getattr(getattr(error, "response", None), "status_code", None)
    name = type(error).__name__
    if status == 404:
        return MatchNotFound(f"statsbomb match {match_id} not found (HTTP 404)")
    if status in (401, 403):
        return SourceUnauthorized(f"statsbomb refused match {match_id} (HTTP {status})")
    if (status is not None and status >= 500) or name in (
        "ConnectionError",
        "Timeout",
        "ReadTimeout",
    ):
        return SourceUnavailable(f"statsbomb unavailable for match {match_id}: {name}")
    return SourceUnavailable(f"statsbomb error for match {match_id}: {name}")
