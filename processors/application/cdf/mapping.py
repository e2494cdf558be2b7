"""One match's MatchInfo v1 + MatchEvent v1 wire dicts to CDF v0.3.2 records (pure functions).

Never invents: a MatchEvent that cannot become a valid CDF event record from what the provider
said is *withheld* with a reason, so ``len(events) + sum(withheld.values())`` is the number of
MatchEvents in. The match sheet and the meta record are each produced whole or withheld with a
reason. Items left out of them (a player without a jersey number, ...) are counted in
``omitted``. The rules, and why, are in contracts/README.md, section "Common Data Format".

Frame: CDF metres with the origin at the centre spot, the home team attacking +x in every
period; ours is the acting team's own frame on the 105 x 68 reference pitch (x from its own goal
line, y from its right touchline). Time: ``time`` = the period's start + ``seconds``, so
``time - start_time`` of the meta period gives back our seconds exactly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from datetime import UTC
from datetime import datetime
from datetime import timedelta
from typing import Any
from typing import Final
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

from domain.match_info import REQUEST_DERIVATION

CDF_VERSION: Final = "0.3.2"

PERIODS: Final[Mapping[int, str]] = {
    1: "first_half",
    2: "second_half",
    3: "first_half_extratime",
    4: "second_half_extratime",
    5: "shootout",
}
# Half the reference pitch (105 x 68 m): our frame's centre spot is (52.5, 34).
_HALF_LENGTH: Final = 52.5
_HALF_WIDTH: Final = 34.0
# What the official validator enforces on every `x` / `y` (not on `x_end` / `y_end`).
_X_LIMIT: Final = 65.0
_Y_LIMIT: Final = 42.5

# Why a MatchEvent has no CDF event record, in the order of the checks: the type's own rule,
# then the match (home/away, team, time), then the record (location, official, player, end,
# body part). contracts/README.md has the same table.
WITHHELD_REASONS: Final[Mapping[str, str]] = {
    "folded_into_pass_receiver": "a ball receipt: its player and time are the pass's receiver",
    "mirror_of_own_goal_against": "the scoring side's copy of an own goal, written once",
    "mirror_of_foul_committed": "a foul won whose foul committed is written",
    "carried_by_meta_whistles": "a period start or end: meta periods and whistles carry it",
    "carried_by_match_sheet": "a substitution: the match sheet's substitutions carry it",
    "carried_by_line_up": "a starting line-up: the players of meta and the match sheet carry it",
    "no_cdf_counterpart": "a type CDF has no event for",
    "no_outcome": "a contest (shot, duel, take-on) or card whose result the provider does not give",
    "home_away_unknown": "the provider does not say which team is at home: no CDF frame",
    "unknown_team": "the acting team is neither of the match's two teams",
    "no_kick_off_time": "no kick-off from the provider or the request",
    "no_period_start_time": (
        "a later period whose start is not given and cannot be anchored: the previous "
        "period's end is unknown, or no interval is supplied or assumed for it"
    ),
    "no_location": "no start location (CDF requires x and y on every event)",
    "location_out_of_bounds": "x or y beyond the validator's +-65 / +-42.5 m",
    "no_official_id": "a referee event, and the match's referee has no id",
    "no_player": "a player event without a player id",
    "no_end_location": "a pass or shot without an end location",
    "no_body_part": "a pass or shot without a body part",
}


class CdfInputError(ValueError):
    """The MatchInfo or MatchEvent dicts do not have the v1 wire shape."""


@dataclass(frozen=True, slots=True)
class CdfMatch:
    """The CDF records of one match and the account of what was not written."""

    events: tuple[dict[str, Any], ...]
    match_sheet: dict[str, Any] | None
    meta: dict[str, Any] | None
    """Pure CDF (valid in the validator's extreme mode)."""
    provenance: dict[str, Any] | None
    """How times and ids were anchored; published as meta's extension key ``pitchstream``."""
    withheld: Mapping[str, int]
    match_sheet_withheld: str | None
    meta_withheld: str | None
    omitted: Mapping[str, int] = field(default_factory=dict)
    input_events: int = 0


@dataclass(frozen=True, slots=True)
class _Kind:
    type: str
    sub_type: str | None
    outcome_type: str
    is_successful: bool


# ---------------------------------------------------------------- vocabulary tables

_SET_PIECE_SUB_TYPE: Final[Mapping[str, str]] = {
    "kick_off": "kick_off",
    "free_kick": "free_kick",
    "corner": "corner_kick",
    "throw_in": "throw_in",
    "goal_kick": "goal_kick",
    "penalty": "penalty_kick",
}
# A shot's sub type: the set piece it was taken from, of those a shot can be.
_SHOT_SUB_TYPE: Final[Mapping[str, str]] = {
    set_piece: _SET_PIECE_SUB_TYPE[set_piece] for set_piece in ("penalty", "free_kick", "corner")
}
# A pass or shot is successful exactly when its CDF outcome is "successful".
_PASS_OUTCOME: Final[Mapping[str, str]] = {
    "success": "successful",
    "failure": "unsuccessful",
    "out": "out_of_play",
    "offside": "offside",
}
_SHOT_OUTCOME: Final[Mapping[str, str]] = {
    "goal": "successful",
    "saved": "saved",
    "blocked": "blocked",
    "off_target": "wide",
    "post": "woodwork",
}
_CARD_OUTCOME: Final[Mapping[str, str]] = {
    "yellow": "yellow_card",
    "second_yellow": "second_yellow_card",
    "red": "red_card",
}
_BODY_PART: Final[Mapping[str, str]] = {
    "left_foot": "left_foot",
    "right_foot": "right_foot",
    "foot": "feet",
    "head": "head",
    "other": "other",
}
# Defending actions: CDF's outcome vocabulary names the action itself.
_DEFENDING: Final[Mapping[str, tuple[str, str]]] = {
    "interception": ("interception", "interception"),
    "clearance": ("clearance", "clearance"),
    "block": ("block", "block"),
    "pressure": ("pressing", "pressure"),
    "ball_recovery": ("ball_recovery", "ball_recovery"),
}
_MISC_LOSS: Final[Mapping[str, str]] = {"ball_lost": "ball_lost", "miscontrol": "miscontrol"}
_MISC_ACTION: Final[Mapping[str, str]] = {"carry": "carry", "shield": "shield"}
_DUEL_SUB_TYPE: Final[Mapping[str, tuple[str, str]]] = {
    "tackle": ("misc", "tackle"),
    "aerial": ("duel", "aerial_duel"),
    "ground": ("duel", "ground_duel"),
    "fifty_fifty": ("duel", "fifty_fifty"),
}
# Assumed intervals before a later period that no source gives a start for (the lead's decision,
# contracts/README.md "CDF time"): anchored at the previous period's end. A request's break wins.
ASSUMED_INTERVALS: Final[Mapping[int, tuple[float, str]]] = {
    2: (
        900.0,
        "assumed 15 min half-time interval (Laws of the Game, Law 7: the half-time interval "
        "must not exceed 15 minutes)",
    ),
    3: (300.0, "assumed 5 min interval before extra time"),
}
_GOALKEEPER_CONCEDED: Final = frozenset({"goal_conceded", "penalty_conceded"})
_BY_DESIGN: Final[Mapping[str, str]] = {
    "ball_receipt": "folded_into_pass_receiver",
    "own_goal_for": "mirror_of_own_goal_against",
    "period_start": "carried_by_meta_whistles",
    "period_end": "carried_by_meta_whistles",
    "substitution": "carried_by_match_sheet",
    "starting_lineup": "carried_by_line_up",
    "dribbled_past": "no_cdf_counterpart",
    "error": "no_cdf_counterpart",
    "tactical_shift": "no_cdf_counterpart",
    "camera_on": "no_cdf_counterpart",
    "camera_off": "no_cdf_counterpart",
    "set_piece": "no_cdf_counterpart",
    "generic": "no_cdf_counterpart",
}


def _outcome(event: Mapping[str, Any]) -> str | None:
    value = event.get("outcome")
    return value if isinstance(value, str) else None


def _pass_kind(event: Mapping[str, Any]) -> _Kind | str:
    # Our contract: a pass is completed unless `outcome` says otherwise.
    outcome_type = _PASS_OUTCOME.get(_outcome(event) or "success", "unsuccessful")
    set_piece = event.get("set_piece")
    sub_type = _SET_PIECE_SUB_TYPE.get(set_piece) if isinstance(set_piece, str) else None
    return _Kind("pass", sub_type, outcome_type, outcome_type == "successful")


def _shot_kind(event: Mapping[str, Any]) -> _Kind | str:
    found = _SHOT_OUTCOME.get(_outcome(event) or "")
    if found is None:
        return "no_outcome"
    shot = event.get("shot") or {}
    set_piece = event.get("set_piece")
    sub_type = _SHOT_SUB_TYPE.get(set_piece) if isinstance(set_piece, str) else None
    if shot.get("penalty") is True:
        sub_type = "penalty_kick"
    return _Kind("shot", sub_type, found, found == "successful")


def _own_goal_kind(event: Mapping[str, Any]) -> _Kind | str:
    return _Kind("shot", None, "own_goal", False)


def _defending_kind(event: Mapping[str, Any]) -> _Kind | str:
    sub_type, action = _DEFENDING[event["type"]]
    outcome = _outcome(event)
    if outcome in (None, "success"):
        return _Kind("defending", sub_type, action, True)
    if outcome == "out":
        return _Kind("defending", sub_type, "out_of_play", False)
    return _Kind("defending", sub_type, "unsuccessful", False)


def _contest_kind(cdf_type: str, sub_type: str | None, outcome: str | None) -> _Kind | str:
    if outcome == "success":
        return _Kind(cdf_type, sub_type, "successful", True)
    if outcome in ("failure", "out"):
        return _Kind(cdf_type, sub_type, "unsuccessful", False)
    return "no_outcome"


def _duel_kind(event: Mapping[str, Any]) -> _Kind | str:
    kind = event.get("duel_kind")
    cdf_type, sub_type = _DUEL_SUB_TYPE.get(kind, ("duel", None)) if kind else ("duel", None)
    return _contest_kind(cdf_type, sub_type, _outcome(event))


def _dribble_kind(event: Mapping[str, Any]) -> _Kind | str:
    return _contest_kind("misc", "take_on", _outcome(event))


def _misc_loss_kind(event: Mapping[str, Any]) -> _Kind | str:
    outcome = _outcome(event)
    outcome_type = "offside" if outcome == "offside" else "unsuccessful"
    return _Kind("misc", _MISC_LOSS[event["type"]], outcome_type, False)


def _misc_action_kind(event: Mapping[str, Any]) -> _Kind | str:
    if _outcome(event) in ("failure", "out"):
        return _Kind("misc", _MISC_ACTION[event["type"]], "unsuccessful", False)
    return _Kind("misc", _MISC_ACTION[event["type"]], "successful", True)


def _ball_out_kind(event: Mapping[str, Any]) -> _Kind | str:
    if _outcome(event) == "goal":
        return _Kind("misc", "ball_out", "successful", True)
    return _Kind("misc", "ball_out", "out_of_play", False)


def _goalkeeper_kind(event: Mapping[str, Any]) -> _Kind | str:
    action = event.get("goalkeeper_action")
    sub_type = action if isinstance(action, str) and action else None
    outcome = _outcome(event)
    if sub_type in _GOALKEEPER_CONCEDED:
        return _Kind("goalkeeping", sub_type, sub_type, False)
    if outcome in ("failure", "out", "goal"):
        return _Kind("goalkeeping", sub_type, "unsuccessful", False)
    return _Kind("goalkeeping", sub_type, sub_type or "successful", True)


def _card(event: Mapping[str, Any]) -> str | None:
    """The CDF card outcome of the card shown with this event, if any."""
    card = event.get("card")
    return _CARD_OUTCOME.get(card) if isinstance(card, str) else None


def _foul_kind(event: Mapping[str, Any]) -> _Kind | str:
    return _Kind("referee", "foul", _card(event) or "successful", True)


def _card_kind(event: Mapping[str, Any]) -> _Kind | str:
    card = _card(event)
    if card is None:
        return "no_outcome"
    return _Kind("referee", "caution", card, True)


def _referee(sub_type: str, outcome_type: str) -> Callable[[Mapping[str, Any]], _Kind | str]:
    def kind(event: Mapping[str, Any]) -> _Kind | str:
        return _Kind("referee", sub_type, outcome_type, True)

    return kind


_TYPE_RULES: Final[Mapping[str, Callable[[Mapping[str, Any]], _Kind | str]]] = {
    "pass": _pass_kind,
    "shot": _shot_kind,
    "own_goal_against": _own_goal_kind,
    **dict.fromkeys(_DEFENDING, _defending_kind),
    "duel": _duel_kind,
    "dribble": _dribble_kind,
    **dict.fromkeys(_MISC_LOSS, _misc_loss_kind),
    **dict.fromkeys(_MISC_ACTION, _misc_action_kind),
    "ball_out": _ball_out_kind,
    "goalkeeper": _goalkeeper_kind,
    "foul_committed": _foul_kind,
    "foul_won": _foul_kind,
    "card": _card_kind,
    "offside": _referee("offside", "offside"),
    "player_on": _referee("player_on", "successful"),
    "player_off": _referee("player_off", "successful"),
    "injury_stoppage": _referee("stoppage", "injury"),
    "referee_ball_drop": _referee("dropped_ball", "successful"),
}


# ---------------------------------------------------------------- input helpers


def _require_str(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise CdfInputError(f"{what} must be a non-empty string, got {value!r}")
    return value


def _parse_utc(value: Any, what: str) -> datetime:
    if not isinstance(value, str):
        raise CdfInputError(f"{what} must be an ISO 8601 date-time string, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CdfInputError(f"{what} is not an ISO 8601 date-time: {value!r}") from None
    if parsed.tzinfo is None:
        raise CdfInputError(f"{what} has no time zone: {value!r}")
    return parsed.astimezone(UTC)


def format_utc(moment: datetime) -> str:
    """RFC 3339 in UTC with a ``Z``: milliseconds, or microseconds when they are not whole."""
    spec = "milliseconds" if moment.microsecond % 1000 == 0 else "microseconds"
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def _after(start: datetime, seconds: float) -> datetime:
    return start + timedelta(microseconds=round(seconds * 1_000_000))


_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
# The pieces of a time's text after its date, by minute of the day, second, millisecond.
_HOURS_MINUTES: Final = tuple(f"T{h:02d}:{m:02d}:" for h in range(24) for m in range(60))
_SECONDS: Final = tuple(f"{s:02d}" for s in range(60))
_MILLIS: Final = tuple(f".{ms:03d}Z" for ms in range(1000))


def _micros(moment: datetime) -> int:
    """Microseconds since 1970-01-01T00:00Z, exactly (datetime arithmetic is integral)."""
    since = moment - _EPOCH
    return (since.days * 86_400 + since.seconds) * 1_000_000 + since.microseconds


@dataclass(frozen=True, slots=True)
class _Team:
    team_id: str
    name: str
    side: str | None
    goals: int
    players: tuple[Mapping[str, Any], ...]
    country: str | None = None


def _teams(info: Mapping[str, Any]) -> tuple[_Team, _Team]:
    teams = info.get("teams")
    if not isinstance(teams, list) or len(teams) != 2:
        raise CdfInputError("MatchInfo teams must be a list of exactly two teams")
    built = []
    for team in teams:
        players = team.get("players") or []
        for player in players:
            _require_str(player.get("player_id"), "player_id")
        built.append(
            _Team(
                team_id=_require_str(team.get("team_id"), "team_id"),
                name=str(team.get("name") or ""),
                side=team.get("side"),
                goals=int(team.get("goals") or 0),
                players=tuple(players),
                country=team.get("country") if isinstance(team.get("country"), str) else None,
            )
        )
    return built[0], built[1]


def _home_away(teams: tuple[_Team, _Team]) -> tuple[_Team, _Team] | None:
    first, second = teams
    if first.side == "home" and second.side == "away":
        return first, second
    if first.side == "away" and second.side == "home":
        return second, first
    return None


# ---------------------------------------------------------------- time anchors


@dataclass(frozen=True, slots=True)
class _Clock:
    kick_off: datetime | None
    kick_off_supplied_by: str | None
    starts: Mapping[int, datetime]
    ends: Mapping[int, datetime]
    anchors: Mapping[int, str]
    breaks: Mapping[int, float]
    notes: Mapping[int, str]
    start_micros: Mapping[int, int] = field(default_factory=dict)
    """``starts`` as ``_micros``."""
    dates: dict[int, str] = field(default_factory=dict)
    """Day (since 1970-01-01) -> its ``YYYY-MM-DD``, filled as ``text_at`` meets days."""

    def text_at(self, period: int, seconds: float) -> str | None:
        """``format_utc`` of the period's start + ``seconds`` (None when the start is
        unknown), as integer microseconds: no datetime per event, one per day met."""
        start = self.start_micros.get(period)
        if start is None:
            return None
        whole, fraction = divmod(start + round(seconds * 1_000_000), 1_000_000)
        day, second = divmod(whole, 86_400)
        date = self.dates.get(day)
        if date is None:  # the datetime way once: a day out of its range fails as it did
            date = self.dates[day] = _after(self.starts[period], seconds).date().isoformat()
        minute, second = divmod(second, 60)
        if fraction % 1000:
            return f"{date}{_HOURS_MINUTES[minute]}{_SECONDS[second]}.{fraction:06d}Z"
        return f"{date}{_HOURS_MINUTES[minute]}{_SECONDS[second]}{_MILLIS[fraction // 1000]}"

    def missing_reason(self, period: int) -> str:
        return "no_kick_off_time" if self.kick_off is None else "no_period_start_time"


def _clock(
    info: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    periods: Sequence[int],
    kick_off_utc: str | None,
    assumed_breaks: Mapping[int, float] | None,
) -> _Clock:
    kick_off: datetime | None = None
    supplied_by: str | None = None
    if kick_off_utc is not None:
        kick_off, supplied_by = _parse_utc(kick_off_utc, "request kick-off"), "request"
    else:
        given = (info.get("kick_off") or {}).get("utc")
        if given is not None:
            kick_off = _parse_utc(given, "MatchInfo kick_off.utc")
            stamped = str((info.get("kick_off") or {}).get("derivation") or "")
            supplied_by = "request" if stamped.startswith(REQUEST_DERIVATION) else "match_info"
    by_period = {p.get("period"): p for p in info.get("periods") or [] if isinstance(p, dict)}
    end_seconds: dict[int, float] = {}
    for event in events:
        if event.get("type") == "period_end":
            period = event["period"]
            end_seconds[period] = max(end_seconds.get(period, 0.0), float(event["seconds"]))
    starts: dict[int, datetime] = {}
    ends: dict[int, datetime] = {}
    anchors: dict[int, str] = {}
    breaks: dict[int, float] = {}
    notes: dict[int, str] = {}
    for period in periods:
        given_period = by_period.get(period) or {}
        start: datetime | None = None
        if given_period.get("start_utc") is not None:
            start = _parse_utc(given_period["start_utc"], f"period {period} start_utc")
            anchors[period] = "match_info_start_utc"
        elif period == 1 and kick_off is not None:
            start, anchors[period] = kick_off, "kick_off"
        elif (previous_end := ends.get(period - 1)) is not None:
            if assumed_breaks and period in assumed_breaks:
                breaks[period] = float(assumed_breaks[period])
                anchors[period] = "request_break"
                notes[period] = "break supplied by the ingest request"
            elif period in ASSUMED_INTERVALS:
                breaks[period], notes[period] = ASSUMED_INTERVALS[period]
                anchors[period] = "assumed_interval"
            if period in breaks:
                start = _after(previous_end, breaks[period])
        if start is None:
            continue
        starts[period] = start
        if given_period.get("end_utc") is not None and anchors[period] == "match_info_start_utc":
            ends[period] = _parse_utc(given_period["end_utc"], f"period {period} end_utc")
        elif given_period.get("duration_seconds") is not None:
            ends[period] = _after(start, float(given_period["duration_seconds"]))
        elif period in end_seconds:
            ends[period] = _after(start, end_seconds[period])
    start_micros = {period: _micros(start) for period, start in starts.items()}
    return _Clock(kick_off, supplied_by, starts, ends, anchors, breaks, notes, start_micros)


# ---------------------------------------------------------------- events


def _cdf_xy(point: Mapping[str, Any], home: bool) -> tuple[float, float]:
    x, y = float(point["x"]), float(point["y"])
    if home:
        return round(x - _HALF_LENGTH, 4), round(y - _HALF_WIDTH, 4)
    return round(_HALF_LENGTH - x, 4), round(_HALF_WIDTH - y, 4)


def _classify(event: Mapping[str, Any], mirrors_foul: bool) -> _Kind | str:
    kind = event["type"]
    if kind in _BY_DESIGN:
        return _BY_DESIGN[kind]
    if kind == "foul_won" and mirrors_foul:
        return "mirror_of_foul_committed"
    rule = _TYPE_RULES.get(kind)
    if rule is None:
        return "no_cdf_counterpart"
    return rule(event)


@dataclass(frozen=True, slots=True)
class _Context:
    match_id: str
    home: _Team | None
    away: _Team | None
    clock: _Clock
    official_id: str | None
    line_up: Mapping[str, str]
    """player id -> team id"""


def _record_or_reason(
    event: Mapping[str, Any], kind: _Kind | str, ctx: _Context
) -> tuple[str | None, dict[str, Any] | None]:
    """The event's CDF body (``related_event_ids`` still None), or why it is withheld."""
    if isinstance(kind, str):
        return kind, None
    home, away = ctx.home, ctx.away
    if home is None or away is None:
        return "home_away_unknown", None
    get = event.get
    team_id = get("team_id")
    is_home = team_id == home.team_id
    if not is_home and team_id != away.team_id:
        return "unknown_team", None
    period = event["period"]
    time = ctx.clock.text_at(period, float(event["seconds"]))
    if time is None:
        return ctx.clock.missing_reason(period), None
    start = get("start")
    if not start or start.get("x") is None or start.get("y") is None:
        return "no_location", None
    x, y = _cdf_xy(start, is_home)
    if abs(x) > _X_LIMIT or abs(y) > _Y_LIMIT:
        return "location_out_of_bounds", None
    cdf_type = kind.type
    is_referee = cdf_type == "referee"
    if is_referee and not ctx.official_id:
        return "no_official_id", None
    player_id = get("player_id") or ""
    if not is_referee and not player_id:
        return "no_player", None
    end = get("end")
    end_xy = (
        _cdf_xy(end, is_home)
        if end and end.get("x") is not None and end.get("y") is not None
        else None
    )
    body_part = _BODY_PART.get(get("body_part") or "")
    if body_part is None and kind.sub_type == "throw_in":
        # Law 15: a throw-in is taken with both hands; StatsBomb names no body part for it.
        body_part = "hands"
    if cdf_type == "pass" or cdf_type == "shot":
        if end_xy is None:
            return "no_end_location", None
        if body_part is None:
            return "no_body_part", None
    receiver_id = receiver_team_id = receiver_time = None
    if cdf_type == "pass" and kind.is_successful:
        receiver = get("receiver")
        if isinstance(receiver, dict):
            candidate = receiver.get("player_id")
            if isinstance(candidate, str) and candidate in ctx.line_up:
                receiver_id, receiver_team_id = candidate, ctx.line_up[candidate]
                received = get("received_seconds")
                if received is not None:
                    receiver_time = ctx.clock.text_at(period, float(received))
    body: dict[str, Any] = {
        "id": _require_str(get("event_id"), "event_id"),
        "time": time,
        "period": PERIODS[period],
        "type": cdf_type,
        "sub_type": kind.sub_type,
        "is_successful": kind.is_successful,
        "outcome_type": kind.outcome_type,
    }
    if is_referee:
        body["official_id"] = ctx.official_id
    else:
        body["player_id"] = player_id
        body["team_id"] = team_id
    body["receiver_id"] = receiver_id
    body["receiver_time"] = receiver_time
    body["receiver_team_id"] = receiver_team_id
    body["x"] = x
    body["y"] = y
    body["x_end"] = None if end_xy is None else end_xy[0]
    body["y_end"] = None if end_xy is None else end_xy[1]
    body["body_part"] = body_part
    body["related_event_ids"] = None  # set once every written id is known
    if cdf_type == "shot":
        xg = (get("metrics") or {}).get("statsbomb_xg")
        if isinstance(xg, int | float):
            body["metrics"] = {"xg": float(xg)}
    return None, body


def _event_records(
    events: Sequence[Mapping[str, Any]], ctx: _Context, omitted: Counter[str]
) -> tuple[list[dict[str, Any]], Counter[str]]:
    types = {event.get("event_id"): event.get("type") for event in events}
    fouls = {event_id for event_id, kind in types.items() if kind == "foul_committed"}
    withheld: Counter[str] = Counter()
    bodies: list[tuple[Mapping[str, Any], dict[str, Any]]] = []
    for event in events:
        mirrors = not fouls.isdisjoint(event.get("related_event_ids") or [])
        reason, body = _record_or_reason(event, _classify(event, mirrors), ctx)
        if reason is not None or body is None:
            withheld[reason or "no_cdf_counterpart"] += 1
            continue
        if (
            body["receiver_id"] is None
            and body["type"] == "pass"
            and body["is_successful"]
            and isinstance(event.get("receiver"), dict)
        ):
            omitted["receiver_not_in_line_up"] += 1
        bodies.append((event, body))
    written = {body["id"] for _, body in bodies}
    match_id = ctx.match_id
    records = []
    for event, body in bodies:
        related = [i for i in event.get("related_event_ids") or [] if i in written]
        body["related_event_ids"] = related or None
        records.append({"match": {"id": match_id}, "meta": {"is_synced": False}, "event": body})
    return records, withheld


# ---------------------------------------------------------------- line-ups


def _listable_players(team: _Team, omitted: Counter[str]) -> list[Mapping[str, Any]]:
    """Players CDF can list: both its required jersey number and starter flag are known."""
    listed = []
    for player in team.players:
        if not isinstance(player.get("jersey_number"), int):
            omitted["player_without_jersey_number"] += 1
        elif not isinstance(player.get("starter"), bool):
            omitted["player_without_starter_flag"] += 1
        else:
            listed.append(player)
    return listed


def _names(player: Mapping[str, Any]) -> dict[str, str]:
    names = {}
    for key in ("first_name", "last_name"):
        if isinstance(player.get(key), str) and player[key]:
            names[key] = player[key]
    return names


def _display_name(person: Mapping[str, Any]) -> str | None:
    for key in ("nickname", "name"):
        value = person.get(key)
        if isinstance(value, str) and value:
            return value
    return None


# ---------------------------------------------------------------- match sheet


def _goals(
    events: Sequence[Mapping[str, Any]], home: _Team, away: _Team
) -> list[tuple[Mapping[str, Any], str, bool]]:
    """(event, credited team id, own goal) for every goal, as the domain's score() counts."""
    goals = []
    for event in events:
        if event.get("type") == "shot" and event.get("outcome") == "goal":
            goals.append((event, event["team_id"], False))
        elif event.get("type") == "own_goal_against":
            other = away.team_id if event.get("team_id") == home.team_id else home.team_id
            goals.append((event, other, True))
    return goals


def _assist(event: Mapping[str, Any], by_id: Mapping[str, Mapping[str, Any]]) -> str | None:
    key_pass_id = (event.get("shot") or {}).get("key_pass_id")
    key_pass = by_id.get(key_pass_id) if isinstance(key_pass_id, str) else None
    if key_pass is None or not (key_pass.get("pass") or {}).get("goal_assist"):
        return None
    return key_pass.get("player_id") or None


def _match_sheet(
    info: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    ctx: _Context,
    home: _Team,
    away: _Team,
    is_neutral: bool | None,
    periods: Sequence[int],
    listed: Mapping[str, list[Mapping[str, Any]]],
    omitted: Counter[str],
) -> tuple[dict[str, Any] | None, str | None]:
    if is_neutral is None:
        return None, "is_neutral_unknown"
    by_id = {e["event_id"]: e for e in events if isinstance(e.get("event_id"), str)}
    score = {home.team_id: 0, away.team_id: 0}
    after: dict[int, tuple[int, int]] = {}
    shootout = {home.team_id: 0, away.team_id: 0}
    goal_items = []
    for event, team_id, own in _goals(events, home, away):
        period = event["period"]
        if period == 5:
            shootout[team_id] += 0 if own else 1
            continue
        time = ctx.clock.text_at(period, float(event["seconds"]))
        if time is None:
            return None, ctx.clock.missing_reason(period)
        if not event.get("player_id"):
            return None, "goal_without_player"
        score[team_id] += 1
        shot = event.get("shot") or {}
        goal_items.append(
            {
                "time": time,
                "period": PERIODS[period],
                "team_id": team_id,
                "player_id": event["player_id"],
                "assist_id": None if own else _assist(event, by_id),
                "is_own_goal": own,
                "is_penalty": not own
                and (shot.get("penalty") is True or event.get("set_piece") == "penalty"),
                "score": {"home": score[home.team_id], "away": score[away.team_id]},
            }
        )
    running = {home.team_id: 0, away.team_id: 0}
    goals_by_period = Counter(
        (event["period"], team_id) for event, team_id, _ in _goals(events, home, away)
    )
    for period in (1, 2, 3, 4):
        for team in (home, away):
            running[team.team_id] += goals_by_period[(period, team.team_id)]
        after[period] = (running[home.team_id], running[away.team_id])
    final = after[4]
    with_shootout = (final[0] + shootout[home.team_id], final[1] + shootout[away.team_id])
    if (home.goals, away.goals) not in (final, with_shootout):
        return None, "score_disagrees_with_match_info"
    has_extratime = any(p in (3, 4) for p in periods)
    has_shootout = 5 in periods
    if final[0] != final[1]:
        winner: str | None = home.team_id if final[0] > final[1] else away.team_id
    elif has_shootout and shootout[home.team_id] != shootout[away.team_id]:
        winner = home.team_id if shootout[home.team_id] > shootout[away.team_id] else away.team_id
    else:
        winner = None
    result: dict[str, Any] = {
        "final": {"home": final[0], "away": final[1], "winning_team_id": winner},
        "first_half": {"home": after[1][0], "away": after[1][1]},
        "second_half": {"home": after[2][0], "away": after[2][1]},
    }
    if has_extratime:
        result["first_half_extratime"] = {"home": after[3][0], "away": after[3][1]}
        result["second_half_extratime"] = {"home": after[4][0], "away": after[4][1]}
    if has_shootout:
        result["shootout"] = {"home": shootout[home.team_id], "away": shootout[away.team_id]}

    substitutions = []
    came_on = set()
    for sub in info.get("substitutions") or []:
        player_on = sub.get("player_on") or {}
        on_id = player_on.get("player_id")
        off_id = (sub.get("player_off") or {}).get("player_id")
        period = sub.get("period")
        if not isinstance(on_id, str) or not on_id:
            omitted["substitution_without_player_on"] += 1
            continue
        came_on.add(on_id)
        if period not in (1, 2, 3, 4) or sub.get("team_id") not in score:
            omitted["substitution_outside_play"] += 1
            continue
        time = ctx.clock.text_at(period, float(sub["seconds"]))
        if time is None:
            return None, ctx.clock.missing_reason(period)
        substitutions.append(
            {
                "team_id": sub["team_id"],
                "in_time": time,
                "in_player_id": on_id,
                "out_time": time,
                "out_player_id": _require_str(off_id, "substitution player_off.player_id"),
                "period": PERIODS[period],
            }
        )
    cards = []
    for event in events:
        card = _card(event)
        if card is None:
            continue
        if not event.get("player_id") or event.get("team_id") not in score:
            omitted["card_without_player"] += 1
            continue
        time = ctx.clock.text_at(event["period"], float(event["seconds"]))
        if time is None:
            return None, ctx.clock.missing_reason(event["period"])
        cards.append(
            {
                "team_id": event["team_id"],
                "time": time,
                "period": PERIODS[event["period"]],
                "player_id": event["player_id"],
                "type": card,
            }
        )
    acted = {e.get("player_id") for e in events} | {
        (e.get("receiver") or {}).get("player_id") for e in events
    }

    def sheet_player(player: Mapping[str, Any], team: _Team) -> dict[str, Any]:
        names = _names(player)
        item: dict[str, Any] = {
            "id": player["player_id"],
            "first_name": names.get("first_name", ""),
            "last_name": names.get("last_name", ""),
            "team_id": team.team_id,
            "jersey_number": player["jersey_number"],
            "is_starter": player["starter"],
            "has_played": bool(
                player["starter"] or player["player_id"] in came_on or player["player_id"] in acted
            ),
        }
        short_name = _display_name(player)
        if short_name is not None:
            item["short_name"] = short_name
        return item

    referee = _main_referee(info)
    sheet = {
        "match": {
            "id": ctx.match_id,
            "status": {
                "is_neutral": is_neutral,
                "has_extratime": has_extratime,
                "has_shootout": has_shootout,
            },
            "result": result,
        },
        "teams": _team_records(home, away, listed, sheet_player),
        "officials": [] if referee is None else [referee],
        "events": {"goals": goal_items, "substitutions": substitutions, "cards": cards},
        "meta": {"vendor": _require_str(info.get("source"), "source")},
    }
    return sheet, None


def _neutral_venue(
    info: Mapping[str, Any], home: _Team, requested: bool | None
) -> tuple[bool | None, dict[str, Any] | None]:
    """``is_neutral`` and how it was obtained: the request's value, else venue country !=
    home team country when MatchInfo names both, else unknown."""
    if requested is not None:
        return requested, {"value": requested, "supplied_by": "request"}
    said = info.get("neutral_venue")
    if isinstance(said, dict) and isinstance(said.get("value"), bool):
        derivation = str(said.get("derivation") or "")
        by = "request" if derivation.startswith(REQUEST_DERIVATION) else "match_info"
        return said["value"], {"value": said["value"], "supplied_by": by, "derivation": derivation}
    venue_country = (info.get("venue") or {}).get("country")
    if not isinstance(venue_country, str) or not venue_country:
        return None, None
    if not isinstance(home.country, str) or not home.country:
        return None, None
    neutral = venue_country != home.country
    relation = "!=" if neutral else "=="
    return neutral, {
        "value": neutral,
        "supplied_by": "match_info",
        "derivation": (
            f"venue country {venue_country} {relation} home team country {home.country} "
            "(MatchInfo venue.country and teams[].country)"
        ),
    }


# ---------------------------------------------------------------- meta


def _local_kick_off(kick_off: Mapping[str, Any]) -> str | None:
    local, zone = kick_off.get("local"), kick_off.get("time_zone")
    if not isinstance(local, str) or not isinstance(zone, str):
        return None
    try:
        moment = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone))
    except (ValueError, ZoneInfoNotFoundError):
        return None
    return moment.isoformat()


def _whistle(period: int, sub_type: str, time: str) -> dict[str, str]:
    return {"type": PERIODS[period], "sub_type": sub_type, "time": time}


def _meta(
    info: Mapping[str, Any],
    ctx: _Context,
    home: _Team,
    away: _Team,
    periods: Sequence[int],
    listed: Mapping[str, list[Mapping[str, Any]]],
) -> tuple[dict[str, Any] | None, str | None]:
    competition = info.get("competition") or {}
    season = info.get("season") or {}
    venue = info.get("venue") or {}
    if not isinstance(competition.get("id"), str) or not competition["id"]:
        return None, "no_competition_id"
    if not isinstance(season.get("id"), str) or not season["id"]:
        return None, "no_season_id"
    if not isinstance(venue.get("id"), str) or not venue["id"]:
        return None, "no_venue_id"
    clock = ctx.clock
    if clock.kick_off is None:
        return None, "no_kick_off_time"
    meta_periods = []
    whistles = []
    for period in periods:
        item: dict[str, Any] = {"period": PERIODS[period]}
        if period != 5:
            # Home attacks +x in every period (see contracts/README.md).
            item["play_direction"] = "left_right"
        if period in clock.starts:
            item["start_time"] = format_utc(clock.starts[period])
            whistles.append(_whistle(period, "start", item["start_time"]))
        if period in clock.ends:
            item["end_time"] = format_utc(clock.ends[period])
            whistles.append(_whistle(period, "end", item["end_time"]))
        meta_periods.append(item)
    match: dict[str, Any] = {
        "id": ctx.match_id,
        "kickoff_time": format_utc(clock.kick_off),
        "periods": meta_periods,
        "whistles": whistles,
    }
    kick_off = info.get("kick_off") or {}
    if clock.kick_off_supplied_by == "match_info":
        local = _local_kick_off(kick_off)
        if local is not None:
            match["local_kickoff_time"] = local
    if isinstance(venue.get("country"), str) and venue["country"]:
        match["misc"] = {"country": venue["country"]}

    def named(block: Mapping[str, Any]) -> dict[str, Any]:
        out = {"id": block["id"]}
        if isinstance(block.get("name"), str) and block["name"]:
            out["name"] = block["name"]
        return out

    def meta_player(player: Mapping[str, Any], team: _Team) -> dict[str, Any]:
        return {
            "id": player["player_id"],
            "team_id": team.team_id,
            "jersey_number": player["jersey_number"],
            "is_starter": player["starter"],
            **_names(player),
        }

    data_version = info.get("data_version") or {}
    version = str(data_version.get("value") or "unknown")
    source = _require_str(info.get("source"), "source")
    meta: dict[str, Any] = {
        "competition": named(competition),
        "season": named(season),
        "match": match,
        "teams": _team_records(home, away, listed, meta_player, named=True),
        "venue": named(venue),
        "meta": {
            "video": None,
            "tracking": None,
            "event": {"collection_timing": "unknown", "name": source, "version": version},
            "landmarks": None,
            "meta": {"version": version, "name": source},
            "ball": None,
            "cdf": {"version": CDF_VERSION},
        },
    }
    referee = _main_referee(info)
    if referee is not None:
        meta["officials"] = [referee]
    return meta, None


def _main_referee(info: Mapping[str, Any]) -> dict[str, Any] | None:
    """MatchInfo's referee as a CDF official (``main_referee``), when it has an id."""
    referee = info.get("referee") or {}
    if not isinstance(referee.get("id"), str) or not referee["id"]:
        return None
    official: dict[str, Any] = {"id": referee["id"], "type": "main_referee"}
    if _display_name(referee):
        official["short_name"] = _display_name(referee)
    return official


def _team_records(
    home: _Team,
    away: _Team,
    listed: Mapping[str, list[Mapping[str, Any]]],
    player: Callable[[Mapping[str, Any], _Team], dict[str, Any]],
    *,
    named: bool = False,
) -> dict[str, Any]:
    """CDF's ``teams``: home and away, each its id (its name too when ``named`` and known)
    and its listed players as ``player`` writes them."""

    def team_record(team: _Team) -> dict[str, Any]:
        record: dict[str, Any] = {"id": team.team_id}
        if named and team.name:
            record["name"] = team.name
        record["players"] = [player(p, team) for p in listed[team.team_id]]
        return record

    return {"home": team_record(home), "away": team_record(away)}


def _kick_off_derivation(clock: _Clock, stamped: str) -> str:
    if clock.kick_off_supplied_by != "request":
        return stamped
    return stamped if stamped.startswith(REQUEST_DERIVATION) else REQUEST_DERIVATION


def _provenance(
    info: Mapping[str, Any],
    clock: _Clock,
    neutral: dict[str, Any] | None,
    events_in: int,
    written: int,
    withheld: Counter[str],
) -> dict[str, Any]:
    kick_off = info.get("kick_off") or {}
    anchor: dict[str, Any] | None = None
    if clock.kick_off is not None:
        anchor = {
            "time": format_utc(clock.kick_off),
            "supplied_by": clock.kick_off_supplied_by,
            "derivation": _kick_off_derivation(clock, str(kick_off.get("derivation") or "")),
        }
    return {
        "kick_off": anchor,
        "period_starts": [
            {
                "period": PERIODS[period],
                "anchor": clock.anchors[period],
                **(
                    {"interval_seconds": clock.breaks[period], "assumption": clock.notes[period]}
                    if period in clock.breaks
                    else {}
                ),
            }
            for period in sorted(clock.starts)
        ],
        "coordinates": (
            "metres on the 105 x 68 reference pitch, origin at the centre spot, "
            "home team attacking +x in every period"
        ),
        "is_neutral": neutral,
        "data_version": dict(info.get("data_version") or {}) or None,
        "events": {"read": events_in, "written": written, "withheld": dict(withheld)},
    }


# ---------------------------------------------------------------- entry point


def to_cdf(
    match_info: Mapping[str, Any],
    events: Sequence[Mapping[str, Any]],
    *,
    kick_off_utc: str | None = None,
    assumed_breaks: Mapping[int, float] | None = None,
    is_neutral: bool | None = None,
) -> CdfMatch:
    """CDF v0.3.2 records of one match.

    ``match_info`` is a MatchInfo v1 wire dict; ``events`` the match's MatchEvent v1 wire dicts
    in their order. The optional arguments come from the request, never from a default:
    ``kick_off_utc`` (ISO 8601 with zone) replaces the provider's kick-off and meta says so;
    ``assumed_breaks`` maps a period (2..5) to the seconds between the previous period's end
    and its start, and wins over ``ASSUMED_INTERVALS`` (15 min before period 2, 5 min before
    period 3) used when no source gives a later period's start;
    ``is_neutral`` wins over the one derived from MatchInfo's venue and home team countries.
    """
    match_id = _require_str(match_info.get("match_id"), "MatchInfo match_id")
    _require_str(match_info.get("source"), "MatchInfo source")
    for event in events:
        _require_str(event.get("event_id"), "MatchEvent event_id")
        if event.get("match_id") != match_id:
            raise CdfInputError(
                f"event {event.get('event_id')} is of match {event.get('match_id')!r}, "
                f"not {match_id!r}"
            )
        if event.get("period") not in PERIODS or not isinstance(event.get("seconds"), int | float):
            raise CdfInputError(f"event {event.get('event_id')} has no valid period and seconds")
        if not isinstance(event.get("team_id"), str):
            raise CdfInputError(f"event {event.get('event_id')} team_id is not a string")
    for period, seconds in (assumed_breaks or {}).items():
        if period not in PERIODS or period == 1 or not seconds >= 0:
            raise CdfInputError(f"assumed break {seconds!r} before period {period!r}")
    teams = _teams(match_info)
    sides = _home_away(teams)
    periods = sorted(
        {e["period"] for e in events}
        | {p.get("period") for p in match_info.get("periods") or [] if p.get("period") in PERIODS}
    )
    clock = _clock(match_info, events, periods, kick_off_utc, assumed_breaks)
    referee = match_info.get("referee") or {}
    official_id = referee.get("id") if isinstance(referee.get("id"), str) else None
    line_up = {p["player_id"]: t.team_id for t in teams for p in t.players}
    ctx = _Context(
        match_id=match_id,
        home=sides[0] if sides else None,
        away=sides[1] if sides else None,
        clock=clock,
        official_id=official_id or None,
        line_up=line_up,
    )
    omitted: Counter[str] = Counter()
    records, withheld = _event_records(events, ctx, omitted)
    sheet = meta = provenance = None
    sheet_reason: str | None
    meta_reason: str | None
    if sides is None:
        sheet_reason = meta_reason = "home_away_unknown"
    else:
        home, away = sides
        listed = {t.team_id: _listable_players(t, omitted) for t in (home, away)}
        neutral, neutral_source = _neutral_venue(match_info, home, is_neutral)
        sheet, sheet_reason = _match_sheet(
            match_info, events, ctx, home, away, neutral, periods, listed, omitted
        )
        meta, meta_reason = _meta(match_info, ctx, home, away, periods, listed)
        if meta is not None:
            provenance = _provenance(
                match_info, clock, neutral_source, len(events), len(records), withheld
            )
    return CdfMatch(
        events=tuple(records),
        match_sheet=sheet,
        meta=meta,
        provenance=provenance,
        withheld=dict(withheld),
        match_sheet_withheld=sheet_reason,
        meta_withheld=meta_reason,
        omitted=dict(omitted),
        input_events=len(events),
    )
