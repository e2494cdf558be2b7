"""Do our StatsBomb start locations agree with kloppy's? A check against an independent reader.

Loads the three StatsBomb sample matches with kloppy (``statsbomb.load``) and with our
adapter, pairs passes and shots by event id (kloppy's ``event_id`` is StatsBomb's id, ours is
``source_event_id``), converts kloppy's locations into our frame, and prints the share of
pairs whose start locations are within 0.1 m, plus the worst cases.

kloppy's ``coordinates="statsbomb"`` system gives each location as its cell's centre in
yards (120 x 80, origin top left, y down) - kloppy does its own fidelity detection and cell
centring, which is what we want to check. Its orientation must be ACTION_EXECUTING_TEAM
(every event as if its team attacked towards x = 120), the orientation of our frame; if a
kloppy version hands out another orientation we transform the dataset first, since a
"home team left to right" orientation would mirror every away event.

Run: ``make kloppy-check`` or ``.venv/bin/python -m bench.kloppy_agreement``. kloppy is a
bench extra, never a dependency of the worker. Exit status 1 when agreement < 99.5 %.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path

from domain import PITCH_LENGTH_M, PITCH_WIDTH_M, EventType
from processors.adapters.statsbomb import OpenDataMirror, StatsBombRepository

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "statsbomb-open-data"
MATCH_IDS = ("3788741", "15946", "15986")
TOLERANCE_M = 0.1
TARGET_SHARE = 0.995
_SB_LENGTH, _SB_WIDTH = 120.0, 80.0


@dataclass(frozen=True)
class Pair:
    match_id: str
    event_id: str
    kind: str
    ours: tuple[float, float]
    theirs: tuple[float, float]

    @property
    def distance(self) -> float:
        return math.hypot(self.ours[0] - self.theirs[0], self.ours[1] - self.theirs[1])


def kloppy_starts(data_dir: Path, match_id: str) -> dict[str, tuple[str, tuple[float, float]]]:
    """Start locations of kloppy's passes and shots, in our frame, by StatsBomb event id."""
    from kloppy import statsbomb
    from kloppy.domain import EventType as KloppyType
    from kloppy.domain import Orientation

    dataset = statsbomb.load(
        event_data=str(data_dir / "events" / f"{match_id}.json"),
        lineup_data=str(data_dir / "lineups" / f"{match_id}.json"),
        coordinates="statsbomb",
    )
    if dataset.metadata.orientation != Orientation.ACTION_EXECUTING_TEAM:
        dataset = dataset.transform(to_orientation=Orientation.ACTION_EXECUTING_TEAM)
    dims = dataset.metadata.pitch_dimensions
    if (dims.x_dim.min, dims.x_dim.max, dims.y_dim.min, dims.y_dim.max) != (0, 120, 0, 80):
        raise SystemExit(f"unexpected kloppy pitch for the statsbomb system: {dims}")
    starts: dict[str, tuple[str, tuple[float, float]]] = {}
    for event in dataset.events:
        if event.event_type not in (KloppyType.PASS, KloppyType.SHOT) or event.coordinates is None:
            continue
        x, y = event.coordinates.x, event.coordinates.y  # cell centre, yards, y down
        ours = (x * PITCH_LENGTH_M / _SB_LENGTH, PITCH_WIDTH_M - y * PITCH_WIDTH_M / _SB_WIDTH)
        starts[str(event.event_id)] = (event.event_type.name.lower(), ours)
    return starts


def pairs_for(data_dir: Path, match_id: str) -> tuple[list[Pair], list[str], list[str]]:
    """Pairs of start locations both emit, and what each side had alone (with our type)."""
    match = StatsBombRepository(OpenDataMirror(data_dir)).get_match(match_id)
    by_id = {e.source_event_id: e for e in match.events}
    ours = {
        e.source_event_id: (e.type.value, (e.start.x, e.start.y))
        for e in match.events
        if e.type in (EventType.PASS, EventType.SHOT) and e.start is not None
    }
    theirs = kloppy_starts(data_dir, match_id)
    pairs = [
        Pair(match_id, event_id, kind, ours[event_id][1], theirs[event_id][1])
        for event_id, (kind, _) in theirs.items()
        if event_id in ours
    ]

    def ours_as(event_id: str) -> str:
        event = by_id.get(event_id)
        return f"{event_id} (ours: {event.type.value if event else 'absent'})"

    only_ours = [ours_as(i) for i in sorted(ours.keys() - theirs.keys())]
    only_theirs = [
        f"{ours_as(i)} (kloppy: {theirs[i][0]})" for i in sorted(theirs.keys() - ours.keys())
    ]
    return pairs, only_ours, only_theirs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="statsbomb open-data root")
    parser.add_argument("--worst", type=int, default=10, help="how many worst cases to print")
    args = parser.parse_args(argv)
    data_dir = args.data / "data" if (args.data / "data").is_dir() else args.data

    all_pairs: list[Pair] = []
    for match_id in MATCH_IDS:
        pairs, ours_only, theirs_only = pairs_for(data_dir, match_id)
        within = sum(p.distance <= TOLERANCE_M for p in pairs)
        print(
            f"match {match_id}: {len(pairs)} passes and shots in both, {within} within "
            f"{TOLERANCE_M} m ({within / max(len(pairs), 1):.2%}); only ours "
            f"{len(ours_only)}, only kloppy's {len(theirs_only)}"
        )
        for line in (ours_only + theirs_only)[:5]:
            print(f"  unpaired: {line}")
        all_pairs += pairs

    within = sum(p.distance <= TOLERANCE_M for p in all_pairs)
    share = within / max(len(all_pairs), 1)
    print(
        f"\nall: {within} of {len(all_pairs)} start locations within {TOLERANCE_M} m: {share:.3%}"
        f" (target {TARGET_SHARE:.1%})"
    )
    print(f"\nworst {args.worst}:")
    for pair in sorted(all_pairs, key=lambda p: p.distance, reverse=True)[: args.worst]:
        print(
            f"  {pair.match_id} {pair.event_id} {pair.kind:4} ours ({pair.ours[0]:.3f}, "
            f"{pair.ours[1]:.3f}) kloppy ({pair.theirs[0]:.3f}, {pair.theirs[1]:.3f}) "
            f"{pair.distance:.3f} m"
        )
    return 0 if share >= TARGET_SHARE else 1


if __name__ == "__main__":
    sys.exit(main())
