"""Small synthetic matches for unit tests."""

from __future__ import annotations

from domain import Coordinates, Event, EventType, Match, Outcome, Team, event_id_for


def synthetic_match(match_id: str = "m1", *, events: int = 3, source: str = "statsbomb") -> Match:
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
    return Match.assemble(source=source, match_id=match_id, events=built, **teams, **drops)
