"""``Coordinates.statsbomb_converter``: ``from_statsbomb`` with the fidelity bound once, for
the mapper's hot path; it must give exactly the same points (and the same refusals)."""

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import Coordinates

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
numbers = st.one_of(finite, st.integers(min_value=-1000, max_value=1000))


@given(fidelity=st.sampled_from([1, 2]), x=numbers, y=numbers, z=st.none() | numbers)
def test_the_converter_gives_exactly_what_from_statsbomb_gives(fidelity, x, y, z):
    convert = Coordinates.statsbomb_converter(fidelity)
    expected = Coordinates.from_statsbomb(x, y, xy_fidelity=fidelity, z=z)
    got = convert(x, y) if z is None else convert(x, y, z)
    assert repr(got) == repr(expected)
    assert got == expected


def test_the_converter_refuses_an_unknown_fidelity_and_non_finite_results():
    with pytest.raises(ValueError, match="fidelity"):
        Coordinates.statsbomb_converter(3)
    with pytest.raises(ValueError, match="finite numbers"):
        Coordinates.statsbomb_converter(1)(float("inf"), 1.0)


def test_coordinates_keep_their_constructor_contract():
    assert Coordinates(1.0, 2.0) == Coordinates(x=1.0, y=2.0, z=None)
    assert Coordinates(1, 2, 3).z == 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        Coordinates(1.0, 2.0).x = 3.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        Coordinates(1.0)  # type: ignore[call-arg]
