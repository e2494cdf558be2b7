"""Small synthetic matches for unit tests."""

from __future__ import annotations

from domain import Coordinates
from domain import DataVersion
from domain import Event
from domain import EventType
from domain import Match
from domain import MatchInfo
from domain import Outcome
from domain import Side
from domain import Team
from domain import TeamSheet
from domain import event_id_for


def synthetic_info(match_id: str = "m1", *, source: str = "statsbomb") -> MatchInfo:
    """A MatchInfo for ``synthetic_match``: two teams, no goals, a content version."""
    return MatchInfo(
        source=source,
        match_id=match_id,
        teams=(TeamSheet("1", "Home", Side.HOME, 0), TeamSheet("2", "Away", Side.AWAY, 0)),
        score_derivation="goals counted from the events",
        data_version=DataVersion("v1", "content_sha256"),
    )


def info_of(
    match: Match,
    sides: tuple[Side | None, Side | None] = (Side.HOME, Side.AWAY),
    goals: tuple[int, int] = (0, 0),
    score_derivation: str = "test",
    **fields,
) -> MatchInfo:
    """A MatchInfo of ``match``'s own two teams (home first) with ``fields``."""
    return MatchInfo(
        source=match.source,
        match_id=match.match_id,
        teams=(
            TeamSheet(match.home.team_id, match.home.name, sides[0], goals[0]),
            TeamSheet(match.away.team_id, match.away.name, sides[1], goals[1]),
        ),
        score_derivation=score_derivation,
        **fields,
    )


def assert_accounted(match: Match, *, emitted: int, dropped: dict[str, int]) -> None:
    """``match`` emitted ``emitted`` events and counted exactly ``dropped`` (by reason), and
    every raw event it read is one or the other."""
    assert len(match.events) == emitted
    assert match.dropped_by_reason == dropped
    assert match.raw_event_count == emitted + sum(dropped.values())


def reassembled(match: Match, **changes) -> Match:
    """``Match.assemble`` of ``match``'s own parts, with ``changes`` (events, info, ...)."""
    parts = {
        "source": match.source,
        "match_id": match.match_id,
        "home": match.home,
        "away": match.away,
        "events": match.events,
        "raw_event_count": match.raw_event_count,
        "dropped": match.dropped_by_reason,
    }
    return Match.assemble(**{**parts, **changes})


def synthetic_match(
    match_id: str = "m1", *, events: int = 3, source: str = "statsbomb", info: bool = False
) -> Match:
    home, away = Team("1", "Home"), Team("2", "Away")
    built = [
        Event(  # event_id, source, match_id, source_event_id, source_type, type, index, period, ...
            *(event_id_for(source, match_id, f"e{i}"), source, match_id, f"e{i}", "Pass"),
            *(EventType.PASS, i, 1, float(i), "1" if i % 2 == 0 else "2"),
            start=Coordinates(50.0, 30.0),
            outcome=Outcome.SUCCESS,
        )
        for i in range(events)
    ]
    teams = {"home": home, "away": away}
    drops = {"raw_event_count": events + 1, "dropped": {"unreadable_event": 1}}
    return Match.assemble(
        source=source,
        match_id=match_id,
        events=built,
        **teams,
        **drops,
        info=synthetic_info(match_id, source=source) if info else None,
    )


def one_event_match(
    source_event_id: str, source_type: str, type: EventType, *, match_id: str = "m", **fields
) -> Match:
    """A StatsBomb match between Home ("1") and Away ("2") holding one event built from
    ``fields`` (index 0, period 1, second 0, team "1" unless given)."""
    values: dict = {"index": 0, "period": 1, "seconds": 0.0, "team_id": "1", **fields}
    event = Event(
        event_id_for("statsbomb", match_id, source_event_id),
        "statsbomb",
        match_id,
        source_event_id,
        source_type,
        type,
        **values,
    )
    teams = {"home": Team("1", "Home"), "away": Team("2", "Away")}
    return Match.assemble(
        source="statsbomb", match_id=match_id, events=[event], raw_event_count=1, **teams
    )


def event_headers(**changes) -> list[tuple[str, bytes]]:
    """``match_event_headers`` of one StatsBomb event of match 9, with ``changes``."""
    from contracts.v1.headers import match_event_headers

    given = {
        "event_id": "3e6b6021-4f5d-54e7-8e37-435ccbf8422c",
        "source": "statsbomb",
        "match_key": "statsbomb:9",
        "time": "t",
        "trace_id": "b" * 32,
        "job_id": "j1",
    }
    return match_event_headers(**{**given, **changes})
