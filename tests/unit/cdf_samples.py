"""A tiny synthetic match as MatchInfo v1 + MatchEvent v1 wire dicts (SPEC.md), for the CDF lane.

Two halves; Italy (home, "914") beat Turkey (away, "909") 2-1: a StatsBomb-like assisted goal,
a Turkish own goal, a Turkish penalty. Every kind of record the mapper treats differently is in
it once: a kick-off pass with a receiver, an incomplete pass, a pass without body part, a foul
with a card and its mirror, a card without location, an own goal without end location, a
substitution, period starts and ends, a receiver missing from the line-up.
"""

from __future__ import annotations

import copy
import uuid
from typing import Any

HOME, AWAY = "914", "909"
MATCH_ID = "9001"
SOURCE = "statsbomb"
_NAMESPACE = uuid.UUID("00000000-0000-5000-8000-00000000cdf0")


def event_id(number: int, match_id: str = MATCH_ID) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{match_id}:{number}"))


def _player(pid: str, name: str, jersey: int | None, starter: bool | None, **extra: Any) -> dict:
    return {
        "player_id": pid,
        "name": name,
        "first_name": None,
        "last_name": None,
        "nickname": None,
        "jersey_number": jersey,
        "position": None,
        "starter": starter,
    } | extra


def match_info() -> dict[str, Any]:
    return {
        "source": SOURCE,
        "match_id": MATCH_ID,
        "competition": {"id": "55", "name": "UEFA Euro"},
        "season": {"id": "43", "name": "2020"},
        "match_date": "2021-06-11",
        "kick_off": {
            "utc": "2021-06-11T19:00:00Z",
            "local": "2021-06-11T21:00:00",
            "time_zone": "Europe/Rome",
            "derivation": "statsbomb kick_off is local time at the venue; zone from stadium "
            "country Italy",
        },
        "venue": {"id": "1001", "name": "Stadio Olimpico", "country": "Italy"},
        "referee": {"id": "500", "name": "Danny Makkelie", "country": "Netherlands"},
        "teams": [
            {
                "team_id": HOME,
                "name": "Italy",
                "side": "home",
                "goals": 2,
                "country": "Italy",
                "players": [
                    _player("h1", "Gianluigi Donnarumma", 21, True),
                    _player("h2", "Jorge Luiz Frello Filho", 8, True, nickname="Jorginho"),
                    _player(
                        "h3", "Ciro Immobile", 17, True, first_name="Ciro", last_name="Immobile"
                    ),
                    _player("h4", "Andrea Belotti", 9, False),
                    _player("h5", "Alex Meret", 1, False),
                ],
            },
            {
                "team_id": AWAY,
                "name": "Turkey",
                "side": "away",
                "goals": 1,
                "country": "Turkey",
                "players": [
                    _player("a1", "Uğurcan Çakir", 23, True),
                    _player("a2", "Merih Demiral", 3, True),
                    _player("a3", "Burak Yilmaz", 17, True),
                    _player("a4", "Unknown Shirt", None, False),
                ],
            },
        ],
        "score_derivation": "goals and own goals counted from the events",
        "substitutions": [
            {
                "team_id": HOME,
                "period": 2,
                "seconds": 600.0,
                "minute": 55,
                "player_off": {"player_id": "h3", "name": "Ciro Immobile"},
                "player_on": {"player_id": "h4", "name": "Andrea Belotti"},
                "event_id": event_id(16),
            }
        ],
        "periods": [
            {"period": 1, "start_utc": None, "end_utc": None, "duration_seconds": 2760.5},
            {"period": 2, "start_utc": None, "end_utc": None, "duration_seconds": 2820.25},
        ],
        "data_version": {"value": "2021-06-13T16:17:31.694", "kind": "statsbomb_last_updated"},
    }


_NAMES = {"914": "Italy", "909": "Turkey"}


def _event(
    number: int,
    kind: str,
    period: int,
    seconds: float,
    team: str,
    player: str = "",
    *,
    start: tuple[float, float] | None = None,
    end: tuple[float, float] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    base = {
        "event_id": event_id(number),
        "source": SOURCE,
        "match_id": MATCH_ID,
        "source_event_id": f"raw-{number}",
        "source_type": kind,
        "type": kind,
        "index": number,
        "period": period,
        "seconds": seconds,
        "team_id": team,
        "team_name": _NAMES[team],
        "player_id": player,
        "player_name": player.upper(),
        "start": None if start is None else {"x": start[0], "y": start[1]},
        "end": None if end is None else {"x": end[0], "y": end[1]},
        "outcome": None,
        "body_part": None,
        "set_piece": None,
        "card": None,
        "related_event_ids": [],
        # MatchEvent v1 additions (issue 11): always present, null when unknown.
        "team_side": "home" if team == HOME else "away",
        "receiver": None,
        "received_seconds": None,
        "under_pressure": None,
        "pass": None,
        "shot": None,
        "goalkeeper_action": None,
        "duel_kind": None,
        "metrics": None,
    }
    return base | fields


def _pass_detail(**flags: Any) -> dict[str, Any]:
    return {
        "height": "ground",
        "cross": False,
        "through_ball": False,
        "switch": False,
        "cut_back": False,
        "goal_assist": False,
        "shot_assist": False,
    } | flags


def _shot(
    technique: str,
    *,
    first_time: bool = False,
    penalty: bool = False,
    key_pass_id: str | None = None,
) -> dict[str, Any]:
    return {
        "technique": technique,
        "first_time": first_time,
        "penalty": penalty,
        "key_pass_id": key_pass_id,
    }


def _receiver(pid: str) -> dict[str, str]:
    return {"player_id": pid, "player_name": pid.upper()}


def match_events() -> list[dict[str, Any]]:
    """24 MatchEvents in their canonical order."""
    # One row an event: number, type, period, seconds, team, player, then what else it says.
    # fmt: off
    events = [
        _event(0, "period_start", 1, 0.0, HOME),
        _event(1, "period_start", 1, 0.0, AWAY),
        _event(2, "pass", 1, 0.52, HOME, "h2", start=(52.5, 34.0), end=(40.0, 30.0),
               outcome="success", body_part="right_foot", set_piece="kick_off",
               receiver=_receiver("h3"), received_seconds=1.84, related_event_ids=[event_id(3)]),
        _event(3, "ball_receipt", 1, 1.84, HOME, "h3", start=(40.0, 30.0), outcome="success",
               related_event_ids=[event_id(2)]),
        _event(4, "pass", 1, 10.0, HOME, "h3", start=(60.0, 20.0), end=(80.0, 60.0),
               outcome="failure", body_part="left_foot", receiver=_receiver("a2")),
        _event(5, "pass", 1, 20.0, HOME, "h2", start=(85.0, 30.0), end=(100.0, 36.0),
               outcome="success", body_part="right_foot", receiver=_receiver("h3"),
               received_seconds=21.2),
        _event(6, "shot", 1, 22.013, HOME, "h3", start=(100.0, 36.0), end=(105.0, 35.0),
               outcome="goal", body_part="right_foot", metrics={"statsbomb_xg": 0.41},
               shot=_shot("normal", first_time=True, key_pass_id=event_id(5))),
        _event(7, "pass", 1, 80.0, AWAY, "a2", start=(52.5, 34.0), end=(45.0, 20.0),
               outcome="success", body_part="right_foot", set_piece="kick_off",
               receiver=_receiver("a3"), received_seconds=81.5),
        _event(8, "pass", 1, 90.0, AWAY, "a3", start=(60.0, 34.0), end=(70.0, 34.0),
               outcome="success"),
        _event(9, "foul_committed", 1, 300.0, AWAY, "a2", start=(30.0, 40.0), card="yellow",
               related_event_ids=[event_id(10)]),
        _event(10, "foul_won", 1, 300.0, HOME, "h2", start=(75.0, 28.0),
               related_event_ids=[event_id(9)]),
        _event(11, "card", 1, 400.0, HOME, "h3", card="yellow"),
        _event(12, "period_end", 1, 2760.5, HOME),
        _event(13, "period_start", 2, 0.0, HOME),
        _event(14, "own_goal_against", 2, 100.0, AWAY, "a1", start=(3.0, 34.0)),
        _event(15, "own_goal_for", 2, 100.0, HOME, "h2", start=(102.0, 34.0)),
        _event(16, "substitution", 2, 600.0, HOME, "h3"),
        _event(17, "shot", 2, 700.0, AWAY, "a3", start=(94.0, 34.0), end=(105.0, 33.0),
               outcome="goal", body_part="right_foot", set_piece="penalty",
               shot=_shot("normal", penalty=True)),
        _event(18, "pass", 2, 701.0, HOME, "h4", start=(52.5, 34.0), end=(45.0, 34.0),
               outcome="success", body_part="right_foot", set_piece="kick_off",
               receiver=_receiver("x999"), received_seconds=702.0),
        _event(19, "pressure", 2, 800.0, HOME, "h4", start=(70.0, 10.0)),
        _event(20, "duel", 2, 810.0, AWAY, "a2", start=(30.0, 50.0), duel_kind="aerial",
               outcome="failure"),
        _event(21, "carry", 2, 820.0, HOME, "h1", start=(10.0, 30.0), end=(20.0, 32.0)),
        _event(22, "tactical_shift", 2, 900.0, AWAY),
        _event(23, "period_end", 2, 2820.25, HOME),
    ]
    # fmt: on
    events[5]["pass"] = _pass_detail(goal_assist=True, shot_assist=False)
    events[2]["pass"] = _pass_detail()
    return events


def metrica_like(info: dict[str, Any], events: list[dict[str, Any]]) -> tuple[dict, list[dict]]:
    """The same match as Metrica CSV would name it: ids 'Home'/'Away', no competition, venue."""
    info, events = copy.deepcopy(info), copy.deepcopy(events)
    ids = {HOME: "Home", AWAY: "Away"}
    info |= {
        "source": "metrica",
        "match_id": "Sample_Game_1",
        "competition": None,
        "season": None,
        "venue": None,
        "referee": None,
        "kick_off": None,
    }
    for team in info["teams"]:
        team["team_id"] = ids[team["team_id"]]
    for sub in info["substitutions"]:
        sub["team_id"] = ids[sub["team_id"]]
    for event in events:
        event["team_id"] = ids[event["team_id"]]
        event["source"], event["match_id"] = "metrica", "Sample_Game_1"
    return info, events
