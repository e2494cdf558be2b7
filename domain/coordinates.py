"""Locations in Pitchstream's canonical frame, and the provider frames that map into it.

The canonical frame is SPADL's: metres on a 105 x 68 reference pitch, seen from the acting
team. x runs from the acting team's own goal line (0) to the opponent's (105); y runs from the
right touchline (0) to the left touchline (68) as that team attacks. Heights (z) are metres.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import MISSING, dataclass, fields
from typing import Any, Final

PITCH_LENGTH_M: Final = 105.0
PITCH_WIDTH_M: Final = 68.0
CENTRE_SPOT: Final = (PITCH_LENGTH_M / 2, PITCH_WIDTH_M / 2)

_STATSBOMB_LENGTH: Final = 120.0
_STATSBOMB_WIDTH: Final = 80.0
_YARD_M: Final = 0.9144
_STATSBOMB_CELL_SIDE: Final = {1: 1.0, 2: 0.1}
_isfinite: Final = math.isfinite


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
