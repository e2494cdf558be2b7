"""The Opta (Stats Perform) and Wyscout frames: pitch markings land where they are in metres."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import PITCH_LENGTH_M
from domain import PITCH_WIDTH_M
from domain import Coordinates
from domain.coordinates import OPTA_X
from domain.coordinates import PiecewiseAxis

FROM_OPTA = Coordinates.from_opta
FROM_WYSCOUT = Coordinates.from_wyscout


def _opta(x: float, y: float) -> Coordinates:
    return FROM_OPTA(x, y)


def _wyscout(x: float, y: float) -> Coordinates:
    return FROM_WYSCOUT(x, y)


# provider, penalty spot x, penalty area depth, penalty area width, goal area depth and width
MARKS = [
    (_opta, 88.5, 17.0, 57.8, 5.8, 26.4),
    (_wyscout, 90.0, 16.0, 62.0, 6.0, 26.0),
]


@pytest.mark.parametrize("convert", [_opta, _wyscout])
def test_the_centre_of_a_provider_pitch_is_the_centre_spot(convert):
    point = convert(50.0, 50.0)
    assert (point.x, point.y) == pytest.approx((52.5, 34.0))


@pytest.mark.parametrize("convert, spot", [m[:2] for m in MARKS])
def test_a_penalty_is_taken_eleven_metres_from_goal(convert, spot):
    point = convert(spot, 50.0)
    assert PITCH_LENGTH_M - point.x == pytest.approx(11.0)
    assert point.y == pytest.approx(34.0)
    assert convert(100.0 - spot, 50.0).x == pytest.approx(11.0)


@pytest.mark.parametrize("convert, spot, depth, width, area_depth, area_width", MARKS)
def test_box_edges_land_on_the_ifab_box_edges(convert, spot, depth, width, area_depth, area_width):
    box_edge = (100.0 - width) / 2
    corner = convert(100.0 - depth, box_edge)
    assert PITCH_LENGTH_M - corner.x == pytest.approx(16.5)
    assert min(corner.y, PITCH_WIDTH_M - corner.y) == pytest.approx((68 - 40.32) / 2)
    area = convert(area_depth, (100.0 - area_width) / 2)
    assert area.x == pytest.approx(5.5)
    assert min(area.y, PITCH_WIDTH_M - area.y) == pytest.approx((68 - 18.32) / 2)


@pytest.mark.parametrize("convert", [_opta, _wyscout])
def test_corners_of_a_provider_pitch_are_the_corners_of_the_reference_pitch(convert):
    assert (convert(0.0, 0.0).x, convert(100.0, 100.0).x) == pytest.approx((0.0, 105.0))
    ys = sorted([convert(0.0, 0.0).y, convert(0.0, 100.0).y])
    assert ys == pytest.approx([0.0, 68.0])


def test_opta_y_starts_at_the_acting_teams_right_touchline():
    assert FROM_OPTA(50.0, 0.0).y == pytest.approx(0.0)
    assert FROM_OPTA(50.0, 100.0).y == pytest.approx(68.0)


def test_wyscout_y_starts_at_the_acting_teams_left_touchline():
    assert FROM_WYSCOUT(50.0, 0.0).y == pytest.approx(68.0)
    assert FROM_WYSCOUT(50.0, 100.0).y == pytest.approx(0.0)


def test_opta_goal_mouth_height_is_turned_into_metres():
    assert FROM_OPTA(100.0, 50.0, z=38.0).z == pytest.approx(2.44)


def test_values_off_the_pitch_scale_with_the_whole_axis():
    assert FROM_OPTA(50.0, -1.8).y == pytest.approx(-1.8 * 0.68)
    assert FROM_OPTA(101.0, 50.0).x == pytest.approx(101.0 * 1.05)


@given(st.floats(-5.0, 105.0), st.floats(-5.0, 105.0))
def test_the_mapping_is_monotonic_and_symmetric_about_the_centre(a, b):
    for axis_x in (OPTA_X,):
        if a < b:
            assert axis_x.to_metres(a) <= axis_x.to_metres(b)
    for convert in (_opta, _wyscout):
        p, q = convert(a, b), convert(100.0 - a, 100.0 - b)
        assert p.x + q.x == pytest.approx(PITCH_LENGTH_M)
        assert p.y + q.y == pytest.approx(PITCH_WIDTH_M)


def test_a_piecewise_axis_refuses_marks_that_do_not_reach_the_middle():
    with pytest.raises(ValueError):
        PiecewiseAxis(100.0, 105.0, ((0.0, 0.0), (40.0, 52.5)))
    with pytest.raises(ValueError):
        PiecewiseAxis(100.0, 105.0, ((0.0, 0.0), (30.0, 40.0), (20.0, 45.0), (50.0, 52.5)))


@given(st.floats(-20.0, 120.0, allow_nan=False))
def test_the_per_event_converter_gives_exactly_what_to_metres_gives(value):
    from domain.coordinates import OPTA_Y
    from domain.coordinates import WYSCOUT_X
    from domain.coordinates import WYSCOUT_Y

    for axis in (OPTA_X, OPTA_Y, WYSCOUT_X, WYSCOUT_Y):
        assert axis.converter()(value) == axis.to_metres(value)


@pytest.mark.parametrize("value", [0.0, 5.8, 11.5, 17.0, 20.4, 41.0, 50.0, 59.0, 88.5, 100.0])
def test_the_converter_agrees_on_every_marking(value):
    assert OPTA_X.converter()(value) == OPTA_X.to_metres(value)
