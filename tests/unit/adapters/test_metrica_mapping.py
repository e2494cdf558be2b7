"""The Metrica mapper and parsers on small synthetic rows."""

import math

import pytest

from domain import BodyPart
from domain import Card
from domain import EventType
from domain import Outcome
from domain import SetPiece
from domain import Team
from domain import event_id_for
from processors.adapters.metrica.loaders import parse_csv_events
from processors.adapters.metrica.loaders import parse_epts_metadata
from processors.adapters.metrica.loaders import parse_json_events
from processors.adapters.metrica.mapping import MERGED_INTO_SET_PIECE_ACTION
from processors.adapters.metrica.mapping import MetricaGame
from processors.adapters.metrica.mapping import RawRow
from processors.adapters.metrica.mapping import map_game
from processors.adapters.metrica.mapping import split_subtypes

NAN = math.nan
HOME = Team("Home", "Home")
AWAY = Team("Away", "Away")


def row(
    type_name: str,
    subtype: str = "",
    *,
    index: int,
    team: str = "Home",
    period: float = 1,
    frame: float = 100,
    player: str = "Player9",
    start: tuple[float, float] = (NAN, NAN),
    end: tuple[float, float] = (NAN, NAN),
    **extra,
) -> RawRow:
    return RawRow(
        index=index,
        source_event_id=str(index),
        team=team,
        type=type_name,
        subtypes=split_subtypes(subtype),
        period=period,
        start_frame=frame,
        start_time=frame * 0.04,
        player_id=player,
        start_x=start[0],
        start_y=start[1],
        end_x=end[0],
        end_y=end[1],
        **extra,
    )


def evidence(period: int = 1, *, home_right: bool = True, first_index: int = 900) -> list[RawRow]:
    """One shot per team that says which end each attacks in ``period``."""
    home_x, away_x = (0.9, 0.1) if home_right else (0.1, 0.9)
    return [
        row(
            "SHOT",
            "OFF TARGET-OUT",
            index=first_index,
            period=period,
            frame=50_000 * period,
            start=(home_x, 0.5),
        ),
        row(
            "SHOT",
            "OFF TARGET-OUT",
            index=first_index + 1,
            team="Away",
            period=period,
            frame=50_000 * period + 1,
            player="Player20",
            start=(away_x, 0.5),
        ),
    ]


def game(rows: list[RawRow], **kwargs) -> MetricaGame:
    return MetricaGame(match_id="Sample_Game_X", home=HOME, away=AWAY, rows=tuple(rows), **kwargs)


def mapped(rows: list[RawRow], **kwargs):
    return map_game(game(rows, **kwargs))


def only(match, index: int):
    return next(e for e in match.events if e.index == index)


# -- parsing ---------------------------------------------------------------------------------


def test_csv_subtypes_are_split_on_hyphens():
    assert split_subtypes("HEAD-ON TARGET-GOAL") == ("HEAD", "ON TARGET", "GOAL")
    assert split_subtypes("GOAL KICK-INTERCEPTION") == ("GOAL KICK", "INTERCEPTION")
    assert split_subtypes("") == ()
    assert split_subtypes(NAN) == ()


CSV_HEADER = (
    b"Team,Type,Subtype,Period,Start Frame,Start Time [s],End Frame,End Time [s],"
    b"From,To,Start X,Start Y,End X,End Y\n"
)


def test_a_csv_row_keeps_its_values_and_its_missing_locations():
    rows = parse_csv_events(
        CSV_HEADER
        + b"Away,SET PIECE,KICK OFF,1,1,0.04,0,0,Player19,,NaN,NaN,NaN,NaN\n"
        + b"Away,PASS,,1,1,0.04,3,0.12,Player19,Player21,0.45,0.39,0.55,0.43\n"
    )
    kick_off, first_pass = rows
    assert (kick_off.index, kick_off.source_event_id) == (1, "1")
    assert kick_off.subtypes == ("KICK OFF",)
    assert math.isnan(kick_off.start_x) and math.isnan(kick_off.end_y)
    assert (first_pass.team, first_pass.type, first_pass.subtypes) == ("Away", "PASS", ())
    assert (first_pass.period, first_pass.start_frame) == (1, 1)
    assert (first_pass.player_id, first_pass.start_x, first_pass.start_y) == (
        "Player19",
        0.45,
        0.39,
    )


def test_a_malformed_csv_value_becomes_nan_for_the_mapper_to_count():
    (bad,) = parse_csv_events(CSV_HEADER + b"Home,PASS,,one,x,y,0,0,Player1,,a,0.5,NaN,NaN\n")
    assert math.isnan(bad.period) and math.isnan(bad.start_frame) and math.isnan(bad.start_x)


def test_a_csv_without_the_metrica_columns_is_invalid_source_data():
    from domain import InvalidSourceData

    with pytest.raises(InvalidSourceData, match="Start Frame"):
        parse_csv_events(b"Team,Type\nHome,PASS\n")


def test_json_events_take_list_or_single_subtypes_and_null_locations():
    data = b"""{"data": [
      {"index": 7, "team": {"name": "Team A", "id": "FIFATMA"}, "type": {"name": "SHOT", "id": 2},
       "subtypes": [{"name": "HEAD", "id": 11}, {"name": "ON TARGET", "id": 28}],
       "start": {"frame": 361, "time": 14.44, "x": 0.9, "y": 0.5},
       "end": {"frame": 370, "time": 14.8, "x": null, "y": null},
       "period": 2, "from": {"name": "Player 10", "id": "P3577"}, "to": null},
      {"index": 8, "team": {"name": "Team A", "id": "FIFATMA"}, "type": {"name": "CARD", "id": 8},
       "subtypes": {"name": "YELLOW", "id": 40}, "start": {"frame": 380, "time": 15.2,
       "x": null, "y": null}, "end": null, "period": 2, "from": null, "to": null}
    ]}"""
    shot, card = parse_json_events(data)
    assert (shot.index, shot.source_event_id, shot.team, shot.type) == (7, "7", "FIFATMA", "SHOT")
    assert shot.subtypes == ("HEAD", "ON TARGET")
    assert (shot.period, shot.start_frame, shot.player_id, shot.player_name) == (
        2,
        361,
        "P3577",
        "Player 10",
    )
    assert math.isnan(shot.end_x)
    assert card.subtypes == ("YELLOW",) and card.player_id == "" and math.isnan(card.start_x)


def test_epts_metadata_names_home_away_players_and_frame_rate():
    xml = b"""<?xml version="1.0" encoding="utf-8"?>
    <main><Metadata><GlobalConfig><FrameRate>25</FrameRate></GlobalConfig>
      <Sessions><Session><MatchParameters>
        <Score idLocalTeam="B1" idVisitingTeam="A1"/></MatchParameters></Session></Sessions>
      <Teams><Team id="A1"><Name>Team A</Name></Team>
             <Team id="B1"><Name>Team B</Name></Team></Teams>
      <Players><Player id="P1" teamId="A1"><Name>Player 1</Name></Player></Players>
    </Metadata></main>"""
    metadata = parse_epts_metadata(xml)
    assert metadata.home == Team("B1", "Team B")
    assert metadata.away == Team("A1", "Team A")
    assert metadata.player_names == {"P1": "Player 1"}
    assert metadata.frame_rate == 25


# -- the frame -------------------------------------------------------------------------------


def test_a_team_attacking_towards_metrica_x_1_keeps_x_and_flips_y():
    match = mapped(
        [*evidence(home_right=True), row("PASS", index=1, start=(0.8, 0.25), end=(0.9, 0.5))]
    )
    event = only(match, 1)
    assert (event.start.x, event.start.y) == pytest.approx((84.0, 51.0))
    assert (event.end.x, event.end.y) == pytest.approx((94.5, 34.0))


def test_a_team_attacking_towards_metrica_x_0_is_turned_half_a_circle():
    match = mapped([*evidence(home_right=False), row("PASS", index=1, start=(0.2, 0.25))])
    assert (only(match, 1).start.x, only(match, 1).start.y) == pytest.approx((84.0, 17.0))


def test_the_two_teams_attack_opposite_ends_in_the_same_period():
    match = mapped(
        [
            *evidence(home_right=True),
            row("PASS", index=1, start=(0.8, 0.25)),
            row("PASS", index=2, team="Away", player="Player20", start=(0.8, 0.25)),
        ]
    )
    assert only(match, 1).start.x == pytest.approx(84.0)
    assert only(match, 2).start.x == pytest.approx(21.0)


def test_the_ends_detected_in_each_period_follow_the_shots():
    match = mapped(
        [
            *evidence(1, home_right=True),
            *evidence(2, home_right=False, first_index=950),
            row("PASS", index=1, period=1, frame=10, start=(0.8, 0.5)),
            row("PASS", index=2, period=2, frame=60_000, start=(0.8, 0.5)),
        ]
    )
    assert only(match, 1).start.x == pytest.approx(84.0)
    assert only(match, 2).start.x == pytest.approx(21.0)


def test_goal_kicks_tell_the_direction_when_there_are_no_shots():
    match = mapped(
        [
            row("PASS", "GOAL KICK", index=1, start=(0.95, 0.5), end=(0.6, 0.5)),
            row("PASS", index=2, start=(0.5, 0.5)),
        ]
    )
    assert only(match, 1).start.x == pytest.approx(5.25)


def test_passes_going_forward_tell_the_direction_when_nothing_else_does():
    match = mapped(
        [
            row("PASS", index=1, start=(0.6, 0.5), end=(0.4, 0.5)),
            row("PASS", index=2, start=(0.4, 0.5), end=(0.3, 0.5)),
        ]
    )
    assert only(match, 1).start.x == pytest.approx(42.0)
    assert only(match, 1).end.x > only(match, 1).start.x


def test_a_period_without_evidence_takes_the_other_half_flipped():
    match = mapped(
        [
            *evidence(1, home_right=True),
            row("RECOVERY", index=1, period=2, frame=60_000, start=(0.8, 0.5)),
        ]
    )
    assert only(match, 1).start.x == pytest.approx(21.0)


def test_located_rows_of_a_match_without_any_direction_evidence_are_dropped_and_counted():
    match = mapped(
        [
            row("RECOVERY", index=1, start=(0.8, 0.5)),
            row("CARD", "YELLOW", index=2),
        ]
    )
    assert [e.index for e in match.events] == [2]
    assert match.dropped_by_reason == {"attack_direction_unknown": 1}


# -- time ------------------------------------------------------------------------------------


def test_times_become_seconds_since_the_first_frame_of_each_period():
    match = mapped(
        [
            *evidence(1, first_index=900),
            row("PASS", index=1, period=1, frame=361, start=(0.5, 0.5)),
            row("PASS", index=2, period=1, frame=386, start=(0.5, 0.5)),
            row("PASS", index=3, period=2, frame=69_700, start=(0.5, 0.5)),
            row("PASS", index=4, period=2, frame=69_725, start=(0.5, 0.5)),
        ]
    )
    seconds = {e.index: e.seconds for e in match.events}
    assert seconds[1] == 0.0 and seconds[2] == pytest.approx(1.0)
    assert seconds[3] == 0.0 and seconds[4] == pytest.approx(1.0)


def test_the_frame_rate_of_the_metadata_is_used():
    match = mapped(
        [
            *evidence(),
            row("PASS", index=1, frame=0, start=(0.5, 0.5)),
            row("PASS", index=2, frame=50, start=(0.5, 0.5)),
        ],
        frame_rate=50.0,
    )
    assert only(match, 2).seconds == pytest.approx(1.0)


# -- missing values --------------------------------------------------------------------------


def test_nan_locations_stay_missing_never_zero():
    match = mapped([*evidence(), row("PASS", index=1, start=(0.5, NAN), end=(NAN, NAN))])
    event = only(match, 1)
    assert event.start is None and event.end is None


def test_rows_without_a_readable_period_or_frame_or_team_are_dropped_and_counted():
    match = mapped(
        [
            *evidence(),
            row("PASS", index=1, period=NAN),
            row("PASS", index=2, frame=NAN),
            row("PASS", index=3, period=7),
            row("PASS", index=4, team="Referee"),
            row("PASS", index=5, start=(0.5, 0.5)),
        ]
    )
    assert {e.index for e in match.events} == {5, 900, 901}
    assert match.dropped_by_reason == {"unreadable_event": 3, "unknown_team": 1}
    assert match.raw_event_count == 7


def test_a_repeated_provider_id_is_dropped_not_emitted_twice():
    match = mapped(
        [
            *evidence(),
            row("PASS", index=1, start=(0.5, 0.5)),
            row("PASS", index=1, frame=120, start=(0.5, 0.5)),
        ]
    )
    assert match.dropped_by_reason == {"duplicate_event_id": 1}
    assert len(match.events) == 3


# -- set pieces ------------------------------------------------------------------------------


def test_a_set_piece_row_is_merged_into_the_pass_that_takes_it():
    match = mapped(
        [
            *evidence(),
            row("SET PIECE", "CORNER KICK", index=1, frame=1000),
            row("PASS", index=2, frame=1000, start=(0.99, 0.01), end=(0.9, 0.5)),
        ]
    )
    corner = only(match, 2)
    assert (corner.type, corner.set_piece, corner.source_type) == (
        EventType.PASS,
        SetPiece.CORNER,
        "PASS",
    )
    assert all(e.index != 1 for e in match.events)
    assert match.dropped_by_reason == {MERGED_INTO_SET_PIECE_ACTION: 1}
    assert len(match.events) + match.dropped_count == match.raw_event_count == 4


@pytest.mark.parametrize(
    "set_piece, action, kind",
    [
        ("PENALTY", "SHOT", SetPiece.PENALTY),
        ("FREE KICK-DIRECT", "SHOT", SetPiece.FREE_KICK),
        ("THROW IN", "BALL LOST", SetPiece.THROW_IN),
        ("FREE KICK", "BALL OUT", SetPiece.FREE_KICK),
        ("KICK OFF-RETAKEN", "PASS", SetPiece.KICK_OFF),
    ],
)
def test_a_set_piece_is_merged_into_whatever_ball_action_its_taker_makes(set_piece, action, kind):
    match = mapped(
        [
            *evidence(),
            row("SET PIECE", set_piece, index=1, frame=1000),
            row(
                action,
                "ON TARGET-SAVED" if action == "SHOT" else "",
                index=2,
                frame=1081,
                start=(0.88, 0.5),
            ),
        ]
    )
    assert only(match, 2).set_piece is kind
    assert match.dropped_by_reason == {MERGED_INTO_SET_PIECE_ACTION: 1}


@pytest.mark.parametrize(
    "follower",
    [
        row("PASS", index=2, frame=1001, player="Player8", start=(0.5, 0.5)),  # another player
        row("PASS", index=2, frame=1001, team="Away", player="Player9", start=(0.5, 0.5)),
        row("CHALLENGE", "GROUND-WON", index=2, frame=1001, start=(0.5, 0.5)),  # not a kick
        row("PASS", index=2, frame=1000 + 25 * 11, start=(0.5, 0.5)),  # too late
        row("PASS", index=2, period=2, frame=1001, start=(0.5, 0.5)),  # next period
        row("PASS", "GOAL KICK", index=2, frame=1001, start=(0.05, 0.5)),  # has its own
    ],
)
def test_a_set_piece_not_taken_by_the_next_row_stays_an_event_of_its_own(follower):
    match = mapped(
        [
            *evidence(),
            *evidence(2, home_right=False, first_index=950),
            row("SET PIECE", "FREE KICK", index=1, frame=1000),
            follower,
        ]
    )
    set_piece = only(match, 1)
    assert (set_piece.type, set_piece.set_piece, set_piece.start) == (
        EventType.SET_PIECE,
        SetPiece.FREE_KICK,
        None,
    )
    assert only(match, 2).set_piece is not SetPiece.FREE_KICK
    assert match.dropped == ()


def test_a_set_piece_merges_into_a_readable_action_only():
    match = mapped(
        [
            *evidence(),
            row("SET PIECE", "THROW IN", index=1, frame=1000),
            row("PASS", index=2, frame=NAN),
        ]
    )
    assert only(match, 1).type is EventType.SET_PIECE
    assert match.dropped_by_reason == {"unreadable_event": 1}


def test_a_goal_kick_subtype_is_a_set_piece_of_the_pass_itself():
    match = mapped([*evidence(), row("PASS", "GOAL KICK", index=1, start=(0.05, 0.5))])
    assert only(match, 1).set_piece is SetPiece.GOAL_KICK


# -- types and qualifiers --------------------------------------------------------------------


@pytest.mark.parametrize(
    "type_name, subtype, event_type, outcome, body_part",
    [
        ("PASS", "", EventType.PASS, Outcome.SUCCESS, None),
        ("PASS", "HEAD", EventType.PASS, Outcome.SUCCESS, BodyPart.HEAD),
        ("PASS", "DEEP BALL-OFFSIDE", EventType.PASS, Outcome.OFFSIDE, None),
        ("SHOT", "ON TARGET-GOAL", EventType.SHOT, Outcome.GOAL, None),
        ("SHOT", "HEAD-ON TARGET-GOAL", EventType.SHOT, Outcome.GOAL, BodyPart.HEAD),
        ("SHOT", "ON TARGET-SAVED", EventType.SHOT, Outcome.SAVED, None),
        ("SHOT", "OFF TARGET-OUT", EventType.SHOT, Outcome.OFF_TARGET, None),
        ("SHOT", "OFF TARGET-HEAD-OUT", EventType.SHOT, Outcome.OFF_TARGET, BodyPart.HEAD),
        ("SHOT", "OFF TARGET", EventType.SHOT, Outcome.OFF_TARGET, None),
        ("SHOT", "HEAD-WOODWORK-OUT", EventType.SHOT, Outcome.POST, BodyPart.HEAD),
        ("SHOT", "WOODWORK-OFF TARGET", EventType.SHOT, Outcome.POST, None),
        ("SHOT", "BLOCKED", EventType.SHOT, Outcome.BLOCKED, None),
        ("CHALLENGE", "AERIAL-WON", EventType.DUEL, Outcome.SUCCESS, None),
        ("CHALLENGE", "TACKLE-FAULT-LOST", EventType.DUEL, Outcome.FAILURE, None),
        ("CHALLENGE", "GROUND", EventType.DUEL, None, None),
        ("RECOVERY", "INTERCEPTION", EventType.BALL_RECOVERY, None, None),
        ("RECOVERY", "GOAL", EventType.BALL_RECOVERY, None, None),
        ("BALL LOST", "INTERCEPTION", EventType.BALL_LOST, None, None),
        ("BALL LOST", "HEAD-OFFSIDE", EventType.BALL_LOST, Outcome.OFFSIDE, BodyPart.HEAD),
        ("BALL OUT", "", EventType.BALL_OUT, Outcome.OUT, None),
        ("FAULT RECEIVED", "", EventType.FOUL_WON, None, None),
        ("CARRY", "", EventType.CARRY, None, None),
    ],
)
def test_metrica_types_and_subtypes_map_onto_the_canonical_vocabulary(
    type_name, subtype, event_type, outcome, body_part
):
    match = mapped([*evidence(), row(type_name, subtype, index=1, start=(0.7, 0.5))])
    event = only(match, 1)
    assert (event.type, event.outcome, event.body_part) == (event_type, outcome, body_part)
    assert event.source_type == type_name


@pytest.mark.parametrize(
    "subtype, card",
    [("YELLOW", Card.YELLOW), ("RED", Card.RED), ("SECOND YELLOW", Card.SECOND_YELLOW)],
)
def test_a_card_row_is_a_card_event_with_its_colour(subtype, card):
    event = only(mapped([*evidence(), row("CARD", subtype, index=1)]), 1)
    assert (event.type, event.card) == (EventType.CARD, card)


def test_an_unknown_type_is_generic_and_keeps_the_provider_name():
    event = only(mapped([*evidence(), row("REFEREE WHISTLE", "LOUD", index=1)]), 1)
    assert (event.type, event.source_type) == (EventType.GENERIC, "REFEREE WHISTLE")


def test_an_unknown_type_is_counted_on_the_match():
    match = mapped([*evidence(), row("REFEREE WHISTLE", "LOUD", index=1)])
    assert match.unmapped == (("type", "REFEREE WHISTLE", 1),)


def test_a_pass_names_its_receiver_and_when_it_arrived():
    passed = row("PASS", "", index=1, receiver_id="Player2", end_frame=1030.0)
    match = mapped([*evidence(), passed])
    event = only(match, 1)
    assert (event.receiver_id, event.receiver_name) == ("Player2", "Player2")
    expected = event.seconds + (1030.0 - passed.start_frame) / 25
    assert event.received_seconds == pytest.approx(expected)


def test_an_end_before_the_start_gives_no_receipt_time():
    event = only(mapped([*evidence(), row("PASS", "", index=1, receiver_id="P", end_frame=0.0)]), 1)
    assert event.receiver_id == "P" and event.received_seconds is None


def test_only_passes_have_receivers():
    event = only(mapped([*evidence(), row("BALL LOST", "", index=1, receiver_id="P")]), 1)
    assert event.receiver_id is None


def test_a_ball_out_through_the_acting_teams_own_goal_is_an_own_goal_against():
    # Home attacks towards x = 1, so the goal at x = 0 is its own.
    match = mapped(
        [
            *evidence(home_right=True),
            row("BALL OUT", "WOODWORK-GOAL", index=1, start=(0.03, 0.48), end=(-0.01, 0.54)),
        ]
    )
    own_goal = only(match, 1)
    assert (own_goal.type, own_goal.outcome) == (EventType.OWN_GOAL_AGAINST, None)
    assert own_goal.start.x < 52.5
    assert match.score() == (0, 1)


def test_a_ball_out_into_the_opponents_goal_is_not_counted_as_a_goal():
    match = mapped(
        [
            *evidence(home_right=True),
            row("BALL OUT", "GOAL", index=1, start=(0.97, 0.48), end=(1.01, 0.5)),
        ]
    )
    assert (only(match, 1).type, only(match, 1).outcome) == (EventType.BALL_OUT, Outcome.GOAL)
    assert match.score() == (0, 0)


def test_a_goal_scored_by_each_team_counts_for_it():
    match = mapped(
        [
            *evidence(home_right=True),
            row("SHOT", "ON TARGET-GOAL", index=1, start=(0.9, 0.5)),
            row("SHOT", "HEAD-ON TARGET-GOAL", index=2, team="Away", start=(0.1, 0.5)),
        ]
    )
    assert match.score() == (1, 1)


def test_players_keep_metrica_ids_and_the_names_the_metadata_gives():
    match = mapped(
        [
            *evidence(),
            row("PASS", index=1, player="P3577", start=(0.5, 0.5)),
            row("PASS", index=2, player="Player19", start=(0.5, 0.5)),
        ],
        player_names={"P3577": "Player 10"},
    )
    assert (only(match, 1).player_id, only(match, 1).player_name) == ("P3577", "Player 10")
    assert (only(match, 2).player_id, only(match, 2).player_name) == ("Player19", "Player19")


def test_event_ids_are_deterministic_per_match_and_row():
    event = only(mapped([*evidence(), row("PASS", index=1, start=(0.5, 0.5))]), 1)
    assert event.event_id == event_id_for("metrica", "Sample_Game_X", "1")
    assert event.source_event_id == "1"
