"""The canonical event vocabulary every provider maps onto.

The values are the wire names in ``MatchEvent`` v1 and in ``contracts/v1/vocabulary.json``;
renaming one is a breaking change of the contract.
"""

from __future__ import annotations

from enum import StrEnum


class EventType(StrEnum):
    """What happened. Outcome, body part, set-piece kind and card are separate fields."""

    PASS = "pass"
    SHOT = "shot"
    CARRY = "carry"
    BALL_RECEIPT = "ball_receipt"
    DRIBBLE = "dribble"
    DRIBBLED_PAST = "dribbled_past"
    DUEL = "duel"
    INTERCEPTION = "interception"
    CLEARANCE = "clearance"
    BLOCK = "block"
    BALL_RECOVERY = "ball_recovery"
    BALL_LOST = "ball_lost"
    MISCONTROL = "miscontrol"
    PRESSURE = "pressure"
    SHIELD = "shield"
    GOALKEEPER = "goalkeeper"
    FOUL_COMMITTED = "foul_committed"
    FOUL_WON = "foul_won"
    CARD = "card"
    OFFSIDE = "offside"
    BALL_OUT = "ball_out"
    OWN_GOAL_AGAINST = "own_goal_against"
    OWN_GOAL_FOR = "own_goal_for"
    ERROR = "error"
    SUBSTITUTION = "substitution"
    PLAYER_ON = "player_on"
    PLAYER_OFF = "player_off"
    STARTING_LINEUP = "starting_lineup"
    TACTICAL_SHIFT = "tactical_shift"
    PERIOD_START = "period_start"
    PERIOD_END = "period_end"
    INJURY_STOPPAGE = "injury_stoppage"
    REFEREE_BALL_DROP = "referee_ball_drop"
    CAMERA_ON = "camera_on"
    CAMERA_OFF = "camera_off"
    SET_PIECE = "set_piece"
    """A restart whose taking action the provider did not record; ``set_piece`` names it."""
    GENERIC = "generic"
    """A provider type we have no mapping for; the event keeps the provider's name."""


class Outcome(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    GOAL = "goal"
    SAVED = "saved"
    BLOCKED = "blocked"
    OFF_TARGET = "off_target"
    POST = "post"
    OFFSIDE = "offside"
    OUT = "out"


class BodyPart(StrEnum):
    LEFT_FOOT = "left_foot"
    RIGHT_FOOT = "right_foot"
    FOOT = "foot"
    HEAD = "head"
    OTHER = "other"


class SetPiece(StrEnum):
    KICK_OFF = "kick_off"
    FREE_KICK = "free_kick"
    CORNER = "corner"
    THROW_IN = "throw_in"
    GOAL_KICK = "goal_kick"
    PENALTY = "penalty"


class Card(StrEnum):
    YELLOW = "yellow"
    SECOND_YELLOW = "second_yellow"
    RED = "red"


class PassHeight(StrEnum):
    GROUND = "ground"
    LOW = "low"
    HIGH = "high"


class ShotTechnique(StrEnum):
    NORMAL = "normal"
    VOLLEY = "volley"
    HALF_VOLLEY = "half_volley"
    LOB = "lob"
    OVERHEAD_KICK = "overhead_kick"
    DIVING_HEADER = "diving_header"
    BACKHEEL = "backheel"


class GoalkeeperAction(StrEnum):
    """What a goalkeeper event was (a Goal Keeper event's kind)."""

    SAVE = "save"
    CLAIM = "claim"
    """A cross or high ball caught or attempted (Opta's Claim and Cross not claimed)."""
    PUNCH = "punch"
    SMOTHER = "smother"
    COLLECTED = "collected"
    KEEPER_SWEEPER = "keeper_sweeper"
    SHOT_FACED = "shot_faced"
    GOAL_CONCEDED = "goal_conceded"
    PENALTY_SAVED = "penalty_saved"
    PENALTY_CONCEDED = "penalty_conceded"


class DuelKind(StrEnum):
    AERIAL = "aerial"
    TACKLE = "tackle"
    GROUND = "ground"
    FIFTY_FIFTY = "fifty_fifty"
    """A loose ball both players go for (StatsBomb's 50/50)."""


class Side(StrEnum):
    HOME = "home"
    AWAY = "away"
