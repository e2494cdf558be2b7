"""The StatsBomb mapper on small synthetic raw events."""

import pytest

from domain import BodyPart
from domain import Card
from domain import EventType
from domain import Outcome
from domain import SetPiece
from domain import Team
from domain import event_id_for
from processors.adapters.statsbomb.mapping import Fidelity
from processors.adapters.statsbomb.mapping import detect_fidelity
from processors.adapters.statsbomb.mapping import map_event
from processors.adapters.statsbomb.mapping import map_match
from processors.adapters.statsbomb.mapping import parse_timestamp
from processors.adapters.statsbomb.mapping import teams_from_starting_lineups
from tests.unit.samples import assert_accounted

FIDELITY_1 = Fidelity(xy=1, shot=1)


def raw(type_name: str, index: int = 1, **fields) -> dict:
    event = {
        "id": f"id-{index}",
        "index": index,
        "period": 1,
        "timestamp": "00:01:02.500",
        "type": {"name": type_name},
        "team": {"id": 1, "name": "Home"},
        "player": {"id": 10, "name": "Ten"},
        "location": [60.0, 40.0],
    }
    event.update(fields)
    return event


def lineup(team_id: int, name: str, index: int) -> dict:
    return raw("Starting XI", index, team={"id": team_id, "name": name}, location=None)


def test_timestamps_are_seconds_since_the_period_start():
    assert parse_timestamp("01:02:03.250") == pytest.approx(3723.25)


def test_a_pass_keeps_end_location_body_part_set_piece_and_success():
    event = map_event(
        raw(
            "Pass",
            pass_={},
            **{
                "pass": {
                    "end_location": [120.0, 80.0],
                    "body_part": {"name": "Left Foot"},
                    "type": {"name": "Corner"},
                }
            },
        ),
        match_id="m",
        fidelity=FIDELITY_1,
    )
    assert event.type is EventType.PASS
    assert event.outcome is Outcome.SUCCESS
    assert event.body_part is BodyPart.LEFT_FOOT
    assert event.set_piece is SetPiece.CORNER
    assert event.end is not None and event.end.x == pytest.approx(104.5625)
    assert event.seconds == pytest.approx(62.5)


@pytest.mark.parametrize(
    "name, outcome",
    [("Incomplete", Outcome.FAILURE), ("Out", Outcome.OUT), ("Pass Offside", Outcome.OFFSIDE)],
)
def test_pass_outcomes(name, outcome):
    event = map_event(
        raw("Pass", **{"pass": {"outcome": {"name": name}}}), match_id="m", fidelity=FIDELITY_1
    )
    assert event.outcome is outcome


def test_a_shot_keeps_its_height_and_goal():
    event = map_event(
        raw(
            "Shot",
            location=[110.0, 40.0],
            shot={
                "end_location": [120.0, 40.0, 1.0],
                "outcome": {"name": "Goal"},
                "type": {"name": "Penalty"},
                "body_part": {"name": "Head"},
            },
        ),
        match_id="m",
        fidelity=Fidelity(xy=1, shot=2),
    )
    assert event.outcome is Outcome.GOAL
    assert event.set_piece is SetPiece.PENALTY
    assert event.body_part is BodyPart.HEAD
    assert event.end is not None and event.end.z == pytest.approx(0.9144)
    assert event.start is not None and event.start.x == pytest.approx((110 - 0.05) * 105 / 120)


def test_a_card_comes_from_a_foul_or_bad_behaviour():
    foul = map_event(
        raw("Foul Committed", foul_committed={"card": {"name": "Red Card"}}),
        match_id="m",
        fidelity=FIDELITY_1,
    )
    behaviour = map_event(
        raw("Bad Behaviour", bad_behaviour={"card": {"name": "Yellow Card"}}),
        match_id="m",
        fidelity=FIDELITY_1,
    )
    assert (foul.type, foul.card) == (EventType.FOUL_COMMITTED, Card.RED)
    assert (behaviour.type, behaviour.card) == (EventType.CARD, Card.YELLOW)


def test_a_headed_clearance_says_head():
    event = map_event(raw("Clearance", clearance={"head": True}), match_id="m", fidelity=FIDELITY_1)
    assert event.body_part is BodyPart.HEAD


def test_an_unknown_type_is_generic_and_keeps_the_providers_name():
    event = map_event(raw("Brand New Thing"), match_id="m", fidelity=FIDELITY_1)
    assert event.type is EventType.GENERIC
    assert event.source_type == "Brand New Thing"


def test_related_events_get_our_ids():
    event = map_event(raw("Pass", related_events=["other"]), match_id="m", fidelity=FIDELITY_1)
    assert event.related_event_ids == (event_id_for("statsbomb", "m", "other"),)
    assert event.event_id == event_id_for("statsbomb", "m", "id-1")


def test_fidelity_comes_from_fractional_locations_of_passes_carries_dribbles_and_shots():
    assert detect_fidelity([raw("Pass")]) == Fidelity(1, 1)
    assert detect_fidelity([raw("Pass", location=[60.5, 40.0])]) == Fidelity(2, 1)
    assert detect_fidelity([raw("Shot", location=[110.2, 40.0])]) == Fidelity(1, 2)
    assert detect_fidelity([raw("Pressure", location=[60.5, 40.0])]) == Fidelity(1, 1)


def test_home_is_the_first_starting_eleven():
    teams = teams_from_starting_lineups([lineup(5, "A", 1), lineup(5, "A", 2), lineup(7, "B", 3)])
    assert teams == (Team("5", "A"), Team("7", "B"))
    assert teams_from_starting_lineups([lineup(5, "A", 1)]) is None


def test_unreadable_events_are_dropped_and_counted_with_a_reason():
    seen = []
    events = [
        lineup(1, "Home", 1),
        lineup(2, "Away", 2),
        raw("Pass", 3),
        raw("Pass", 4, period="x"),
        raw("Pass", 5, timestamp=None),
        raw("Pass", 6, location=["a", "b"]),
        raw("Pass", 7, period=9),
        raw("Pass", 8, team={"id": 99, "name": "Intruder"}),
    ]
    match = map_match(events, match_id="m", on_dropped=lambda reason, _: seen.append(reason))
    reasons = {"invalid_location": 1, "invalid_value": 1, "unknown_team": 1, "unreadable_event": 2}
    assert_accounted(match, emitted=3, dropped=reasons)
    assert sorted(seen) == sorted(
        [
            "invalid_location",
            "invalid_value",
            "unknown_team",
            "unreadable_event",
            "unreadable_event",
        ]
    )


def test_a_match_without_teams_cannot_be_mapped():
    with pytest.raises(ValueError, match="no matches file entry"):
        map_match([raw("Pass")], match_id="m")


def test_unknown_provider_values_are_counted_per_field_and_the_event_kept():
    events = [
        lineup(1, "Home", 1),
        lineup(2, "Away", 2),
        raw("Pass", 3, **{"pass": {"outcome": {"name": "Vanished"}, "type": {"name": "Odd"}}}),
        raw("Pass", 4, **{"pass": {"body_part": {"name": "Knee"}}}),
        raw("Pass", 5, **{"pass": {"body_part": {"name": "Knee"}}}),
        raw("Shot", 6, shot={"type": {"name": "Bicycle"}}),
        raw("Bad Behaviour", 7, bad_behaviour={"card": {"name": "Green Card"}}),
        raw("Brand New Thing", 8),
    ]
    match = map_match(events, match_id="m")
    assert len(match.events) == 8
    assert match.unmapped == (
        ("body_part", "Knee", 2),
        ("card", "Green Card", 1),
        ("outcome", "Vanished", 1),
        ("pass_type", "Odd", 1),
        ("shot_type", "Bicycle", 1),
        ("type", "Brand New Thing", 1),
    )
    assert match.unmapped_by_field["body_part"] == 2
    vanished = next(e for e in match.events if e.source_event_id == "id-3")
    assert vanished.outcome is None  # unknown: not read as a success


def test_known_values_that_are_not_set_pieces_or_outcomes_are_not_counted():
    events = [
        lineup(1, "Home", 1),
        lineup(2, "Away", 2),
        raw("Pass", 3, **{"pass": {"type": {"name": "Recovery"}}}),
        raw("Pass", 4, **{"pass": {"type": {"name": "Interception"}}}),
        raw("Shot", 5, shot={"type": {"name": "Open Play"}}),
        raw("Substitution", 6, substitution={"outcome": {"name": "Tactical"}}),
        raw("Goal Keeper", 7, goalkeeper={"type": {"name": "Shot Faced"}}),
        raw("Duel", 8, duel={"type": {"name": "Tackle"}}),
    ]
    match = map_match(events, match_id="m")
    assert match.unmapped == ()
    assert all(e.set_piece is None for e in match.events)


def test_a_parser_reads_only_its_own_types_detail():
    # a pass type name on a Carry is not read: a Carry's detail maps nothing but its end
    event = map_event(
        raw("Carry", carry={"end_location": [61.0, 40.0], "type": {"name": "Corner"}}),
        match_id="m",
        fidelity=FIDELITY_1,
    )
    assert event.set_piece is None and event.end is not None


@pytest.mark.parametrize(
    "duel, outcome",
    [
        ({"type": {"name": "Aerial Lost"}}, Outcome.FAILURE),
        ({"type": {"name": "Aerial Lost"}, "outcome": {"name": "Won"}}, Outcome.SUCCESS),
        ({"type": {"name": "Tackle"}}, None),
        ({"type": {"name": "Tackle"}, "outcome": {"name": "Lost In Play"}}, Outcome.FAILURE),
    ],
)
def test_an_aerial_lost_duel_is_a_failure_by_its_name(duel, outcome):
    event = map_event(raw("Duel", duel=duel), match_id="m", fidelity=FIDELITY_1)
    assert event.outcome is outcome
