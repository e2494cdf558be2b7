"""Do our start locations agree with kloppy's? A check against an independent reader.

Loads the sample matches of StatsBomb (three), Wyscout (one, v2) and Stats Perform (one, MA1 +
MA3) with kloppy and with our adapters, pairs passes and shots by event id (kloppy's
``event_id`` is the provider's id, ours is ``source_event_id``), converts kloppy's locations
into our frame, and prints per provider the share of pairs whose start locations are within
0.1 m, plus the worst cases.

kloppy's ``coordinates="statsbomb"`` system gives each location as its cell's centre in
yards (120 x 80, origin top left, y down) - kloppy does its own fidelity detection and cell
centring, which is what we want to check. Its orientation must be ACTION_EXECUTING_TEAM
(every event as if its team attacked towards x = 120), the orientation of our frame; if a
kloppy version hands out another orientation we transform the dataset first, since a
"home team left to right" orientation would mirror every away event.

Wyscout and Stats Perform draw their 0-100 pitches out of scale; we map the pitch markings
piecewise-linearly onto 105 x 68 m with the same markings kloppy's ``WyscoutPitchDimensions``
and ``OptaPitchDimensions`` hold (contracts/README.md), so two checks are made per event:

- **frame**: kloppy's own transformation onto a 105 x 68 ``MetricPitchDimensions`` (its zone
  code, not ours), y turned to our orientation when kloppy's system runs top to bottom
  (Wyscout's does, Opta's does not). Differences here come from reading or from mapping.
- **reading**: kloppy's locations in the provider's own units (``coordinates="wyscout"`` /
  ``"opta"``) put through our ``Coordinates.from_wyscout`` / ``from_opta``. Differences here
  come from reading the files (which value, which orientation), whatever the pitch markings.

Run: ``make kloppy-check`` or ``.venv/bin/python -m bench.kloppy_agreement``. kloppy is a
bench extra, never a dependency of the worker. Exit status 1 when any provider's agreement
(frame) is < 99.5 %.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from domain import PITCH_LENGTH_M
from domain import PITCH_WIDTH_M
from domain import Coordinates
from domain import EventType
from domain import Match
from processors.adapters.statsbomb import OpenDataMirror
from processors.adapters.statsbomb import StatsBombRepository
from processors.adapters.statsperform import statsperform_repository
from processors.adapters.wyscout import wyscout_repository

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared" / "data"
DEFAULT_DATA = SHARED / "statsbomb-open-data"
MATCH_IDS = ("3788741", "15946", "15986")
WYSCOUT_MATCHES = ("2499773",)
STATSPERFORM_MATCHES = ("71pif9hi2vwzp6q0xzilyxst0",)
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
    return _pair(match, our_starts(match), kloppy_starts(data_dir, match_id))


Starts = dict[str, tuple[str, tuple[float, float]]]


def our_starts(match: Match) -> Starts:
    return {
        e.source_event_id: (e.type.value, (e.start.x, e.start.y))
        for e in match.events
        if e.type in (EventType.PASS, EventType.SHOT) and e.start is not None
    }


def _pair(match: Match, ours: Starts, theirs: Starts) -> tuple[list[Pair], list[str], list[str]]:
    by_id = {e.source_event_id: e for e in match.events}
    pairs = [
        Pair(match.match_id, event_id, kind, ours[event_id][1], theirs[event_id][1])
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


def kloppy_frame_and_raw_starts(
    dataset, from_provider: Callable[[float, float], Coordinates]
) -> tuple[Starts, Starts, Starts]:
    """Passes and shots of a kloppy dataset in provider units: (kloppy's own mapping onto
    105 x 68 m, turned into our orientation; the raw values through our factory; the raw
    values scaled linearly, 100 -> 105 and 100 -> 68, which we do not do: a sensitivity
    figure showing what the check would say of a mapping that ignores the markings)."""
    from kloppy.domain import Dimension
    from kloppy.domain import EventType as KloppyType
    from kloppy.domain import MetricPitchDimensions
    from kloppy.domain import Orientation
    from kloppy.domain import VerticalOrientation

    if dataset.metadata.orientation != Orientation.ACTION_EXECUTING_TEAM:
        dataset = dataset.transform(to_orientation=Orientation.ACTION_EXECUTING_TEAM)
    metric = MetricPitchDimensions(
        x_dim=Dimension(0, PITCH_LENGTH_M),
        y_dim=Dimension(0, PITCH_WIDTH_M),
        pitch_length=PITCH_LENGTH_M,
        pitch_width=PITCH_WIDTH_M,
        standardized=False,
    )
    in_metres = dataset.transform(to_pitch_dimensions=metric)
    vertical = in_metres.metadata.coordinate_system.vertical_orientation
    flip = vertical == VerticalOrientation.TOP_TO_BOTTOM  # our y = 0 is the right touchline
    frame: Starts = {}
    raw: Starts = {}
    linear: Starts = {}
    for event, metric_event in zip(dataset.events, in_metres.events, strict=True):
        if event.event_type not in (KloppyType.PASS, KloppyType.SHOT) or event.coordinates is None:
            continue
        kind = event.event_type.name.lower()
        x, y = metric_event.coordinates.x, metric_event.coordinates.y
        frame[str(event.event_id)] = (kind, (x, PITCH_WIDTH_M - y if flip else y))
        point = from_provider(event.coordinates.x, event.coordinates.y)
        raw[str(event.event_id)] = (kind, (point.x, point.y))
        lx, ly = (
            event.coordinates.x * PITCH_LENGTH_M / 100,
            event.coordinates.y * PITCH_WIDTH_M / 100,
        )
        linear[str(event.event_id)] = (kind, (lx, PITCH_WIDTH_M - ly if flip else ly))
    return frame, raw, linear


PairsAndChecks = tuple[tuple[list[Pair], list[str], list[str]], list[Pair], list[Pair]]


def wyscout_pairs(match_id: str) -> PairsAndChecks:
    from kloppy import wyscout

    root = SHARED / "wyscout" / "v2"
    match = wyscout_repository(str(root)).get_match(match_id)
    dataset = wyscout.load(
        event_data=str(root / f"{match_id}.json"), coordinates="wyscout", data_version="V2"
    )
    frame, raw, linear = kloppy_frame_and_raw_starts(dataset, Coordinates.from_wyscout)
    return (
        _pair(match, our_starts(match), frame),
        _pair(match, our_starts(match), raw)[0],
        _pair(match, linear, frame)[0],
    )


def statsperform_pairs(match_id: str) -> PairsAndChecks:
    from kloppy import statsperform

    root = SHARED / "statsperform"
    match = statsperform_repository(str(root)).get_match(match_id)
    dataset = statsperform.load_event(
        ma1_data=str(root / "ma1" / f"{match_id}.json"),
        ma3_data=str(root / "ma3" / f"{match_id}.json"),
        coordinates="opta",
    )
    frame, raw, linear = kloppy_frame_and_raw_starts(dataset, Coordinates.from_opta)
    return (
        _pair(match, our_starts(match), frame),
        _pair(match, our_starts(match), raw)[0],
        _pair(match, linear, frame)[0],
    )


def _report(name: str, label: str, pairs: list[Pair], worst: int) -> float:
    within = sum(p.distance <= TOLERANCE_M for p in pairs)
    share = within / max(len(pairs), 1)
    print(
        f"{name} {label}: {within} of {len(pairs)} start locations within {TOLERANCE_M} m: "
        f"{share:.3%} (target {TARGET_SHARE:.1%})"
    )
    if worst:
        print(f"  worst {worst}:")
        for pair in sorted(pairs, key=lambda p: p.distance, reverse=True)[:worst]:
            print(
                f"    {pair.match_id} {pair.event_id} {pair.kind:4} ours ({pair.ours[0]:.3f}, "
                f"{pair.ours[1]:.3f}) kloppy ({pair.theirs[0]:.3f}, {pair.theirs[1]:.3f}) "
                f"{pair.distance:.3f} m"
            )
    return share


def _match_line(match_id: str, pairs: list[Pair], ours_only: list[str], theirs_only: list[str]):
    within = sum(p.distance <= TOLERANCE_M for p in pairs)
    print(
        f"match {match_id}: {len(pairs)} passes and shots in both, {within} within "
        f"{TOLERANCE_M} m ({within / max(len(pairs), 1):.2%}); only ours "
        f"{len(ours_only)}, only kloppy's {len(theirs_only)}"
    )
    for line in (ours_only + theirs_only)[:5]:
        print(f"  unpaired: {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="statsbomb open-data root")
    parser.add_argument("--worst", type=int, default=10, help="how many worst cases to print")
    parser.add_argument(
        "--providers",
        default="statsbomb,wyscout,statsperform",
        help="comma-separated: statsbomb, wyscout, statsperform",
    )
    args = parser.parse_args(argv)
    data_dir = args.data / "data" if (args.data / "data").is_dir() else args.data
    providers = [p.strip() for p in args.providers.split(",") if p.strip()]
    shares: dict[str, float] = {}

    if "statsbomb" in providers:
        print("== statsbomb")
        all_pairs: list[Pair] = []
        for match_id in MATCH_IDS:
            pairs, ours_only, theirs_only = pairs_for(data_dir, match_id)
            _match_line(match_id, pairs, ours_only, theirs_only)
            all_pairs += pairs
        shares["statsbomb"] = _report("statsbomb", "all", all_pairs, args.worst)

    readers = {
        "wyscout": (WYSCOUT_MATCHES, wyscout_pairs),
        "statsperform": (STATSPERFORM_MATCHES, statsperform_pairs),
    }
    for name, (match_ids, pairs_of) in readers.items():
        if name not in providers:
            continue
        print(f"\n== {name}")
        frame_pairs: list[Pair] = []
        raw_pairs: list[Pair] = []
        linear_pairs: list[Pair] = []
        for match_id in match_ids:
            (pairs, ours_only, theirs_only), raw, linear = pairs_of(match_id)
            _match_line(match_id, pairs, ours_only, theirs_only)
            frame_pairs += pairs
            raw_pairs += raw
            linear_pairs += linear
        shares[name] = _report(name, "frame (kloppy's mapping)", frame_pairs, args.worst)
        _report(name, "reading (kloppy's raw units, our mapping)", raw_pairs, 0)
        _report(name, "sensitivity (a linear scale instead of ours)", linear_pairs, 0)

    print()
    for name, share in shares.items():
        verdict = "met" if share >= TARGET_SHARE else "MISSED"
        print(f"{name}: {share:.3%} within {TOLERANCE_M} m ({verdict})")
    return 0 if all(share >= TARGET_SHARE for share in shares.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
