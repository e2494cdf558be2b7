"""Small synthetic matches for unit tests."""

from __future__ import annotations

from domain import Coordinates, Event, EventType, Match, Outcome, Team, event_id_for


def synthetic_match(match_id: str = "m1", *, events: int = 3, source: str = "statsbomb") -> Match:
    home, away = Team("1", "Home"), Team("2", "Away")
    built = [
        Event(
            event_id=event_id_for(source, match_id, f"e{i}"),
            source=source,
            match_id=match_id,
            source_event_id=f"e{i}",
            source_type="Pass",
            type=EventType.PASS,
            index=i,
            period=1,
            seconds=float(i),
            team_id="1" if i % 2 == 0 else "2",
            start=Coordinates(50.0, 30.0),
            outcome=Outcome.SUCCESS,
        )
        for i in range(events)
    ]
    return Match.assemble(
        source=source,
        match_id=match_id,
        home=home,
        away=away,
        events=built,
        raw_event_count=events + 1,
        dropped={"unreadable_event": 1},
    )
