"""Provider corrections, built at test time: edited copies of a real StatsBomb match.

``RevisionMirror`` writes a temporary open-data mirror from ``../shared/data`` (never copied
into the repository): first the match as it is, then an edited copy as StatsBomb might
re-release it days later:

- one event's location moved,
- one event deleted (a Pressure nothing refers to),
- one event added (a Pressure, a new id, about forty events after the deleted one),
- one event's player corrected (another player of the same team),
- ``last_updated`` of the match bumped in its matches file;

then the same edited copy again, unchanged. StatsBomb numbers ``index`` 1..N, so the edited
copy renumbers it as a re-release would. ``edit_events`` is the pure part, also used by the
fault suite on matches under synthetic ids.
"""

from __future__ import annotations

import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from tests.paths import statsbomb_dir

MATCH_ID = "3788741"
COMPETITION_FILE = Path("55") / "43.json"  # UEFA Euro 2020, where 3788741 is listed
BUMPED_LAST_UPDATED = "2021-07-01T09:30:00.000"
ADDED_EVENT_ID = "0f6a1c5e-6b55-4d54-9c55-5e1e2d7b16a0"


@dataclass(frozen=True)
class Edits:
    """The StatsBomb ids of what ``edit_events`` changed."""

    moved: str
    deleted: str
    added: str
    player_corrected: str
    new_player_id: int


def edit_events(
    raw: list[dict[str, Any]], *, added_id: str = ADDED_EVENT_ID
) -> tuple[list[dict[str, Any]], Edits]:
    """A corrected copy of a StatsBomb events list (the input is not changed)."""
    events = orjson.loads(orjson.dumps(raw))  # a deep copy
    referenced = {ref for event in events for ref in event.get("related_events", ())}

    def lone_pressures(start: int) -> list[int]:
        return [
            i
            for i in range(start, len(events))
            if events[i]["type"]["name"] == "Pressure"
            and events[i]["id"] not in referenced
            and not events[i].get("related_events")
        ]

    middle = len(events) // 2
    deleted_at = lone_pressures(middle)[0]
    template = dict(events[lone_pressures(deleted_at + 1)[0]])
    moved_at = next(i for i in range(len(events) // 4, len(events)) if _is_located_pass(events[i]))
    corrected_at = next(
        i for i in range(3 * len(events) // 4, len(events)) if _is_located_pass(events[i])
    )

    moved = events[moved_at]
    x, y = moved["location"][:2]
    moved["location"] = [round(min(x + 4.5, 119.0), 1), round(max(y - 3.0, 1.0), 1)]

    corrected = events[corrected_at]
    team_id = corrected["team"]["id"]
    others = sorted(
        {
            (e["player"]["id"], e["player"]["name"])
            for e in events
            if e.get("player") and e["team"]["id"] == team_id
        }
        - {(corrected["player"]["id"], corrected["player"]["name"])}
    )
    new_player_id, new_player_name = others[0]
    corrected["player"] = {"id": new_player_id, "name": new_player_name}

    deleted = events.pop(deleted_at)
    anchor_at = deleted_at + 40
    anchor = events[anchor_at]
    added = {
        **template,
        "id": added_id,
        "period": anchor["period"],
        "timestamp": anchor["timestamp"],
        "minute": anchor["minute"],
        "second": anchor["second"],
        "possession": anchor["possession"],
        "possession_team": anchor["possession_team"],
    }
    events.insert(anchor_at + 1, added)
    for number, event in enumerate(events, start=1):
        event["index"] = number
    edits = Edits(
        moved=moved["id"],
        deleted=deleted["id"],
        added=added_id,
        player_corrected=corrected["id"],
        new_player_id=new_player_id,
    )
    return events, edits


def _is_located_pass(event: dict[str, Any]) -> bool:
    return event["type"]["name"] == "Pass" and bool(event.get("location")) and "player" in event


class RevisionMirror:
    """A temporary open-data mirror holding one real match, original or edited."""

    def __init__(self, root: Path, match_id: str = MATCH_ID) -> None:
        self.root = Path(root)
        self.match_id = match_id
        self.source = statsbomb_dir() / "data"
        self.data = self.root / "data"
        for folder in ("events", "lineups", "matches/55"):
            (self.data / folder).mkdir(parents=True, exist_ok=True)
        self.edits: Edits | None = None

    def _original_events(self) -> list[dict[str, Any]]:
        return orjson.loads((self.source / "events" / f"{self.match_id}.json").read_bytes())

    def write_original(self) -> RevisionMirror:
        shutil.copyfile(
            self.source / "events" / f"{self.match_id}.json",
            self.data / "events" / f"{self.match_id}.json",
        )
        shutil.copyfile(
            self.source / "lineups" / f"{self.match_id}.json",
            self.data / "lineups" / f"{self.match_id}.json",
        )
        shutil.copyfile(
            self.source / "matches" / COMPETITION_FILE, self.data / "matches" / COMPETITION_FILE
        )
        return self

    def write_edited(self) -> Edits:
        """The corrected re-release (writing it again leaves the same bytes)."""
        edited, self.edits = edit_events(self._original_events())
        _write_json(self.data / "events" / f"{self.match_id}.json", edited)
        entries = orjson.loads((self.source / "matches" / COMPETITION_FILE).read_bytes())
        for entry in entries:
            if str(entry["match_id"]) == self.match_id:
                entry["last_updated"] = BUMPED_LAST_UPDATED
        _write_json(self.data / "matches" / COMPETITION_FILE, entries)
        return self.edits


def _write_json(path: Path, value: Any) -> None:
    tmp = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
    tmp.write_bytes(orjson.dumps(value))
    tmp.replace(path)  # a worker reading the file sees one version or the other
