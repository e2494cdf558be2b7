"""Pitchstream's domain: pure Python, standard library only."""

from domain.coordinates import PITCH_LENGTH_M
from domain.coordinates import PITCH_WIDTH_M
from domain.coordinates import Coordinates
from domain.errors import InvalidRequest
from domain.errors import InvalidSourceData
from domain.errors import MatchNotFound
from domain.errors import PitchstreamError
from domain.errors import SourceUnauthorized
from domain.errors import SourceUnavailable
from domain.manifest import ChangeCounts
from domain.manifest import ChangeSet
from domain.manifest import EventRecord
from domain.manifest import ManifestEvent
from domain.manifest import MatchManifest
from domain.manifest import Segment
from domain.manifest import full_publication
from domain.manifest import next_manifest
from domain.match import Event
from domain.match import Match
from domain.match import PassDetails
from domain.match import ShotDetails
from domain.match import Team
from domain.match import count_goals
from domain.match import event_id_for
from domain.match_info import REQUEST_DERIVATION
from domain.match_info import DataVersion
from domain.match_info import KickOff
from domain.match_info import LineupPlayer
from domain.match_info import MatchInfo
from domain.match_info import NamedRef
from domain.match_info import NeutralVenue
from domain.match_info import PeriodInfo
from domain.match_info import Place
from domain.match_info import PlayerRef
from domain.match_info import Substitution
from domain.match_info import TeamSheet
from domain.match_info import with_request_facts
from domain.ports import EventPublisher
from domain.ports import ListedMatch
from domain.ports import MatchQuery
from domain.ports import MatchRepository
from domain.ports import MatchScope
from domain.ports import ProgressCallback
from domain.ports import Publication
from domain.vocabulary import BodyPart
from domain.vocabulary import Card
from domain.vocabulary import DuelKind
from domain.vocabulary import EventType
from domain.vocabulary import GoalkeeperAction
from domain.vocabulary import Outcome
from domain.vocabulary import PassHeight
from domain.vocabulary import SetPiece
from domain.vocabulary import ShotTechnique
from domain.vocabulary import Side

__all__ = [
    "PITCH_LENGTH_M",
    "PITCH_WIDTH_M",
    "REQUEST_DERIVATION",
    "BodyPart",
    "Card",
    "ChangeCounts",
    "ChangeSet",
    "Coordinates",
    "DataVersion",
    "DuelKind",
    "Event",
    "EventPublisher",
    "EventRecord",
    "EventType",
    "GoalkeeperAction",
    "InvalidRequest",
    "InvalidSourceData",
    "KickOff",
    "LineupPlayer",
    "ListedMatch",
    "ManifestEvent",
    "Match",
    "MatchInfo",
    "MatchManifest",
    "MatchNotFound",
    "MatchQuery",
    "MatchRepository",
    "MatchScope",
    "NamedRef",
    "NeutralVenue",
    "Outcome",
    "PassDetails",
    "PassHeight",
    "PeriodInfo",
    "PitchstreamError",
    "Place",
    "PlayerRef",
    "ProgressCallback",
    "Publication",
    "Segment",
    "SetPiece",
    "ShotDetails",
    "ShotTechnique",
    "Side",
    "SourceUnauthorized",
    "SourceUnavailable",
    "Substitution",
    "Team",
    "TeamSheet",
    "count_goals",
    "event_id_for",
    "full_publication",
    "next_manifest",
    "with_request_facts",
]
