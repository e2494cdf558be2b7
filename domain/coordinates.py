"""Locations in Pitchstream's canonical frame, and the provider frames that map into it.

The canonical frame is SPADL's: metres on a 105 x 68 reference pitch, seen from the acting
team. x runs from the acting team's own goal line (0) to the opponent's (105); y runs from the
right touchline (0) to the left touchline (68) as that team attacks. Heights (z) are metres.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import MISSING
from dataclasses import dataclass
from dataclasses import fields
from itertools import pairwise
from typing import Any
from typing import Final

PITCH_LENGTH_M: Final = 105.0
PITCH_WIDTH_M: Final = 68.0
CENTRE_SPOT: Final = (PITCH_LENGTH_M / 2, PITCH_WIDTH_M / 2)

_STATSBOMB_LENGTH: Final = 120.0
_STATSBOMB_WIDTH: Final = 80.0
_YARD_M: Final = 0.9144
_STATSBOMB_CELL_SIDE: Final = {1: 1.0, 2: 0.1}
_isfinite: Final = math.isfinite
_GOAL_HEIGHT_M: Final = 2.44


@dataclass(frozen=True, slots=True)
class PiecewiseAxis:
    """One axis of a provider pitch that is not drawn to scale, mapped onto metres.

    ``marks`` pairs a pitch marking's position in the provider's units with its position in
    metres on the 105 x 68 reference pitch, from the line where the axis starts (a goal line
    or a touchline) to the middle of the pitch; the other half mirrors the first. Between two
    marks the mapping is linear. Values off the pitch (balls out of play) are scaled with the
    whole axis: ``length`` provider units are ``metres`` metres.
    """

    length: float
    metres: float
    marks: tuple[tuple[float, float], ...]

    def __post_init__(self) -> None:
        ends = (self.marks[0], self.marks[-1])
        if ends != ((0.0, 0.0), (self.length / 2, self.metres / 2)):
            raise ValueError(f"marks must run from (0, 0) to the middle, got {ends}")
        if any(b[0] <= a[0] or b[1] <= a[1] for a, b in pairwise(self.marks)):
            raise ValueError("marks must increase on both scales")

    def to_metres(self, value: float) -> float:
        length, metres = self.length, self.metres
        if value < 0.0 or value > length:
            return value * metres / length
        if value > length / 2:
            return metres - self.to_metres(length - value)
        marks = self.marks
        for (low, low_m), (high, high_m) in pairwise(marks):
            if value <= high:
                return low_m + (value - low) * (high_m - low_m) / (high - low)
        return metres / 2  # unreachable: value <= length / 2, the last mark

    def converter(self) -> Callable[[float], float]:
        """``to_metres`` as one closure with the segments precomputed (the same arithmetic:
        low_m + (value - low) * (high_m - low_m) / (high - low)); for the per-event path."""
        length, metres, half = self.length, self.metres, self.length / 2
        highs = [mark[0] for mark in self.marks[1:]]
        segments = [
            (low, low_m, high_m - low_m, high - low)
            for (low, low_m), (high, high_m) in pairwise(self.marks)
        ]
        find = bisect_left

        def convert(value: float) -> float:
            if value < 0.0 or value > length:
                return value * metres / length
            if value > half:
                low, low_m, rise, run = segments[find(highs, length - value)]
                return metres - (low_m + (length - value - low) * rise / run)
            low, low_m, rise, run = segments[find(highs, value)]
            return low_m + (value - low) * rise / run

        return convert


_Marks = tuple[tuple[float, float], ...]


def _marks_along(
    goal_area: float, spot: float, box: float, arc: float, circle: float, half: float
) -> _Marks:
    """Goal line, goal area, penalty spot, penalty area, penalty arc (spot + arc radius),
    centre circle (halfway - circle radius), halfway line; IFAB metres on the right."""
    return (
        (0.0, 0.0),
        (goal_area, 5.5),
        (spot, 11.0),
        (box, 16.5),
        (arc, 11.0 + 9.15),
        (circle, PITCH_LENGTH_M / 2 - 9.15),
        (half, PITCH_LENGTH_M / 2),
    )


def _marks_across(
    box_width: float, goal_area_width: float, goal_width: float, full: float
) -> _Marks:
    """Touchline, penalty area side, goal area side, goal post, centre (widths centred)."""
    return (
        (0.0, 0.0),
        ((full - box_width) / 2, (PITCH_WIDTH_M - 40.32) / 2),
        ((full - goal_area_width) / 2, (PITCH_WIDTH_M - 18.32) / 2),
        ((full - goal_width) / 2, (PITCH_WIDTH_M - 7.32) / 2),
        (full / 2, PITCH_WIDTH_M / 2),
    )


# Opta's (Stats Perform) 100 x 100 pitch: penalty area 17 deep and 57.8 wide, goal area 5.8 by
# 26.4, penalty spot 11.5 from the goal line, goal 9.6 wide, penalty arc 8.9 and centre circle
# 9.0 in radius (the markings kloppy's OptaPitchDimensions uses). On the reference pitch: 16.5,
# 40.32, 5.5, 18.32, 11, 7.32 and 9.15 m (IFAB).
OPTA_X: Final = PiecewiseAxis(
    100.0, PITCH_LENGTH_M, _marks_along(5.8, 11.5, 17.0, 20.4, 41.0, 50.0)
)
OPTA_Y: Final = PiecewiseAxis(100.0, PITCH_WIDTH_M, _marks_across(57.8, 26.4, 9.6, 100.0))
# Wyscout's 100 x 100 pitch: penalty area 16 by 62, goal area 6 by 26, penalty spot 10, goal 12
# wide; penalty arc 7.74 and centre circle 8.84 in radius (kloppy's WyscoutPitchDimensions; it
# marks these two as inferred).
WYSCOUT_X: Final = PiecewiseAxis(
    100.0, PITCH_LENGTH_M, _marks_along(6.0, 10.0, 16.0, 17.74, 41.16, 50.0)
)
WYSCOUT_Y: Final = PiecewiseAxis(100.0, PITCH_WIDTH_M, _marks_across(62.0, 26.0, 12.0, 100.0))
_OPTA_X_M: Final = OPTA_X.converter()
_OPTA_Y_M: Final = OPTA_Y.converter()
_WYSCOUT_X_M: Final = WYSCOUT_X.converter()
_WYSCOUT_Y_M: Final = WYSCOUT_Y.converter()
_OPTA_GOAL_HEIGHT: Final = 38.0  # the crossbar's height in Opta's goal-mouth units


@dataclass(frozen=True, slots=True)
class Coordinates:
    """A point in the canonical frame (metres); ``z`` is a height, kept only for shots."""

    x: float
    y: float
    z: float | None = None

    def __post_init__(self) -> None:
        x, y, z = self.x, self.y, self.z
        # Fast path for the common case (plain floats); anything else takes the full check.
        if (
            type(x) is float
            and type(y) is float
            and (z is None or type(z) is float)
            and _isfinite(x)
            and _isfinite(y)
            and (z is None or _isfinite(z))
        ):
            return
        values = (x, y) if z is None else (x, y, z)
        if not all(isinstance(v, (int, float)) and _isfinite(v) for v in values):
            raise ValueError(f"coordinates must be finite numbers, got {values!r}")

    @classmethod
    def from_statsbomb(
        cls, x: float, y: float, *, xy_fidelity: int, z: float | None = None
    ) -> Coordinates:
        """Map a StatsBomb location to the canonical frame.

        StatsBomb locations name cells of a 120 x 80 yard grid, origin top left, y pointing
        down, already oriented so the acting team attacks towards x = 120. A value is the cell's
        far corner: with xy fidelity 1 the cells are 1 yard wide, with fidelity 2 they are
        0.1 yard wide. We take the cell's centre, scale to 105 x 68 and flip y, so the top
        touchline (the attacker's left) becomes y = 68. A shot's height ``z`` is in yards.
        """
        cell = _STATSBOMB_CELL_SIDE.get(xy_fidelity)
        if cell is None:
            raise ValueError(f"unknown StatsBomb xy fidelity {xy_fidelity!r}")
        half_cell = cell / 2
        return cls(
            (x - half_cell) * PITCH_LENGTH_M / _STATSBOMB_LENGTH,
            PITCH_WIDTH_M - (y - half_cell) * PITCH_WIDTH_M / _STATSBOMB_WIDTH,
            None if z is None else z * _YARD_M,
        )

    @classmethod
    def statsbomb_converter(cls, xy_fidelity: int) -> Callable[..., Coordinates]:
        """``from_statsbomb`` with the fidelity bound once: ``convert(x, y[, z])`` gives
        exactly the same point (the same operations in the same order), with less work per
        call; the mapper converts every location of a match with one of these."""
        cell = _STATSBOMB_CELL_SIDE.get(xy_fidelity)
        if cell is None:
            raise ValueError(f"unknown StatsBomb xy fidelity {xy_fidelity!r}")
        half_cell = cell / 2

        def convert(x: float, y: float, z: float | None = None) -> Coordinates:
            return cls(
                (x - half_cell) * PITCH_LENGTH_M / _STATSBOMB_LENGTH,
                PITCH_WIDTH_M - (y - half_cell) * PITCH_WIDTH_M / _STATSBOMB_WIDTH,
                None if z is None else z * _YARD_M,
            )

        return convert

    @classmethod
    def from_metrica(cls, x: float, y: float, *, attacking_right: bool = True) -> Coordinates:
        """Map a Metrica location to the canonical frame.

        Metrica locations are fractions of a 105 x 68 m pitch, origin top left, y pointing
        down, fixed to the pitch (teams swap ends at half-time). ``attacking_right`` says
        whether the acting team attacks towards Metrica's x = 1 in this period; when it
        attacks the other way the point is turned half a circle about the centre spot.
        """
        if attacking_right:
            return cls(x=x * PITCH_LENGTH_M, y=(1.0 - y) * PITCH_WIDTH_M)
        return cls(x=(1.0 - x) * PITCH_LENGTH_M, y=y * PITCH_WIDTH_M)

    @classmethod
    def from_opta(cls, x: float, y: float, *, z: float | None = None) -> Coordinates:
        """Map a Stats Perform (Opta) location to the canonical frame.

        Opta locations are 0-100 on both axes, origin at the acting team's own goal line and
        its right touchline, already oriented so that team attacks towards x = 100. The pitch
        is not drawn to scale: the markings (``OPTA_X``, ``OPTA_Y``) map piecewise-linearly
        onto the reference pitch, so a penalty (x = 88.5) is taken 11 m from goal. ``z`` is a
        goal-mouth height in Opta's units (crossbar = 38), turned into metres.
        """
        return cls(
            _OPTA_X_M(x),
            _OPTA_Y_M(y),
            None if z is None else z * _GOAL_HEIGHT_M / _OPTA_GOAL_HEIGHT,
        )

    @classmethod
    def from_wyscout(cls, x: float, y: float) -> Coordinates:
        """Map a Wyscout (v2) location to the canonical frame.

        Wyscout locations are 0-100 on both axes, origin top left as the acting team attacks
        left to right (y = 0 is its left touchline). The pitch is not drawn to scale: the
        markings (``WYSCOUT_X``, ``WYSCOUT_Y``) map piecewise-linearly onto the reference
        pitch, so the penalty spot (x = 90) is 11 m from goal; y is flipped.
        """
        return cls(_WYSCOUT_X_M(x), PITCH_WIDTH_M - _WYSCOUT_Y_M(y))

    def distance_to(self, other: Coordinates) -> float:
        """Distance on the ground (metres), heights ignored."""
        return math.hypot(self.x - other.x, self.y - other.y)

    @property
    def in_attacking_half(self) -> bool:
        return self.x > PITCH_LENGTH_M / 2


def init_through_slot_setters(cls: type[Any]) -> None:
    """Give a frozen slotted dataclass a faster ``__init__`` that does exactly the same.

    The generated one writes each field with ``object.__setattr__(self, name, value)``, a
    lookup per field; this one calls each slot descriptor's setter, bound once. Same
    parameters, defaults and ``__post_init__`` checks; the class stays frozen. Worth it for
    the classes built once per raw event (``Event``, ``Coordinates``; see bench/README.md).
    """
    params, namespace = [], {}
    for f in fields(cls):
        if not f.init or f.default_factory is not MISSING or f.kw_only:
            raise TypeError(f"{cls.__name__}.{f.name}: only plain positional fields supported")
        namespace[f"_set_{f.name}"] = getattr(cls, f.name).__set__
        if f.default is MISSING:
            params.append(f.name)
        else:
            params.append(f"{f.name}=_default_{f.name}")
            namespace[f"_default_{f.name}"] = f.default
    body = [f"    _set_{f.name}(self, {f.name})" for f in fields(cls)]
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    exec(f"def __init__(self, {', '.join(params)}):\n" + "\n".join(body), namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = dict(cls.__init__.__annotations__)
    cls.__init__ = init


init_through_slot_setters(Coordinates)
