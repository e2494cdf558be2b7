"""Pitchstream's domain: pure Python, standard library only."""

from domain.coordinates import PITCH_LENGTH_M, PITCH_WIDTH_M, Coordinates
from domain.errors import (
    InvalidRequest,
    InvalidSourceData,
    MatchNotFound,
    PitchstreamError,
    SourceUnauthorized,
    SourceUnavailable,
)
from domain.match import Event, Match, Team, event_id_for
from domain.ports import EventPublisher, MatchRepository, ProgressCallback
from domain.vocabulary import BodyPart, Card, EventType, Outcome, SetPiece

__all__ = [
    "PITCH_LENGTH_M",
    "PITCH_WIDTH_M",
    "BodyPart",
    "Card",
    "Coordinates",
    "Event",
    "EventPublisher",
    "EventType",
    "InvalidRequest",
    "InvalidSourceData",
    "Match",
    "MatchNotFound",
    "MatchRepository",
    "Outcome",
    "PitchstreamError",
    "ProgressCallback",
    "SetPiece",
    "SourceUnauthorized",
    "SourceUnavailable",
    "Team",
    "event_id_for",
]
