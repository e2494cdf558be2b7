import math

import pytest

from domain import PITCH_LENGTH_M
from domain import PITCH_WIDTH_M
from domain import Coordinates

HALF_CELL_M = {1: 0.5 * 105 / 120, 2: 0.05 * 105 / 120}


@pytest.mark.parametrize("fidelity", [1, 2])
def test_the_middle_of_statsbombs_grid_maps_to_the_centre_spot(fidelity):
    point = Coordinates.from_statsbomb(60.0, 40.0, xy_fidelity=fidelity)
    assert point.distance_to(Coordinates(52.5, 34.0)) <= math.hypot(*(HALF_CELL_M[fidelity],) * 2)


@pytest.mark.parametrize("fidelity, cell", [(1, 1.0), (2, 0.1)])
def test_a_statsbomb_cell_maps_to_its_centre(fidelity, cell):
    point = Coordinates.from_statsbomb(cell, cell, xy_fidelity=fidelity)
    assert point.x == pytest.approx(cell / 2 * 105 / 120)
    assert point.y == pytest.approx(68 - cell / 2 * 68 / 80)


@pytest.mark.parametrize("fidelity, low", [(1, 1.0), (2, 0.1)])
@pytest.mark.parametrize("corner", ["low", "high"])
def test_statsbomb_grid_corners_land_inside_the_pitch(fidelity, low, corner):
    x, y = (low, low) if corner == "low" else (120.0, 80.0)
    point = Coordinates.from_statsbomb(x, y, xy_fidelity=fidelity)
    assert 0 < point.x < PITCH_LENGTH_M
    assert 0 < point.y < PITCH_WIDTH_M


def test_statsbomb_y_is_flipped_so_the_top_touchline_is_the_attackers_left():
    top = Coordinates.from_statsbomb(60.0, 1.0, xy_fidelity=1)
    bottom = Coordinates.from_statsbomb(60.0, 80.0, xy_fidelity=1)
    assert top.y > 60 and bottom.y < 8


def test_statsbomb_attacks_towards_x_105():
    own_box = Coordinates.from_statsbomb(10.0, 40.0, xy_fidelity=1)
    opponents_box = Coordinates.from_statsbomb(110.0, 40.0, xy_fidelity=1)
    assert opponents_box.x > 90 > 15 > own_box.x
    assert opponents_box.in_attacking_half and not own_box.in_attacking_half


def test_statsbomb_shot_height_is_converted_from_yards_to_metres():
    point = Coordinates.from_statsbomb(120.0, 40.0, xy_fidelity=2, z=2.0)
    assert point.z == pytest.approx(1.8288)


def test_an_unknown_statsbomb_fidelity_is_refused():
    with pytest.raises(ValueError, match="fidelity"):
        Coordinates.from_statsbomb(60.0, 40.0, xy_fidelity=3)


def test_metrica_centre_is_the_centre_spot_whichever_way_the_team_attacks():
    for attacking_right in (True, False):
        point = Coordinates.from_metrica(0.5, 0.5, attacking_right=attacking_right)
        assert (point.x, point.y) == pytest.approx((52.5, 34.0))


def test_metrica_team_attacking_right_keeps_x_and_flips_y():
    point = Coordinates.from_metrica(0.9, 0.25)
    assert (point.x, point.y) == pytest.approx((94.5, 51.0))


def test_metrica_team_attacking_left_is_turned_half_a_circle():
    point = Coordinates.from_metrica(0.1, 0.25, attacking_right=False)
    assert (point.x, point.y) == pytest.approx((94.5, 17.0))


def test_metrica_goal_the_team_attacks_is_at_x_105_in_both_directions():
    right = Coordinates.from_metrica(1.0, 0.5, attacking_right=True)
    left = Coordinates.from_metrica(0.0, 0.5, attacking_right=False)
    assert right.x == left.x == PITCH_LENGTH_M


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_coordinates_refuse_values_that_are_not_finite(bad):
    with pytest.raises(ValueError):
        Coordinates(bad, 1.0)
    with pytest.raises(ValueError):
        Coordinates(1.0, 1.0, bad)


def test_coordinates_are_immutable():
    point = Coordinates(1.0, 2.0)
    with pytest.raises(AttributeError):
        point.x = 3.0  # type: ignore[misc]
