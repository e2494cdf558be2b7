"""Metrica's three sample games flow through a real worker on the real broker."""

from __future__ import annotations

from collections import Counter

import jsonschema
import orjson
import pytest

from contracts.schemas import V1_DIR
from contracts.v1 import JobStatus
from tests.integration.harness import final_state
from tests.integration.harness import match_events_by_key
from tests.integration.harness import submit

pytestmark = pytest.mark.integration

MATCH_EVENT_SCHEMA = orjson.loads((V1_DIR / "match-event.schema.json").read_bytes())
# raw rows read, events emitted, SET PIECE rows merged into the action that takes them
EXPECTED = {
    "Sample_Game_1": (1745, 1668, 77),
    "Sample_Game_2": (1935, 1855, 80),
    "Sample_Game_3": (3620, 3530, 90),
}
# goals by team name, own goals counted for the side that benefits
SCORES = {
    "Sample_Game_1": {"Home": 3, "Away": 1},
    "Sample_Game_2": {"Home": 3, "Away": 2},
    "Sample_Game_3": {"Team B": 2},
}


def test_the_three_metrica_sample_games_land_on_match_events(settings, running_worker):
    jobs = {game: submit(settings, "metrica", game)[0] for game in EXPECTED}
    states = {game: final_state(settings, job_id) for game, job_id in jobs.items()}

    for game, state in states.items():
        read, emitted, merged = EXPECTED[game]
        assert state.status is JobStatus.SUCCEEDED, (game, state.error_message)
        assert (state.raw_events_read, state.events_emitted) == (read, emitted), game
        assert state.events_dropped == {"merged_into_set_piece_action": merged}, game
        assert state.events_emitted + sum(state.events_dropped.values()) == state.raw_events_read

    total = sum(state.events_emitted for state in states.values())
    by_key = match_events_by_key(settings, expected=total)
    assert set(by_key) == {f"metrica:{game}".encode() for game in EXPECTED}

    validator = jsonschema.Draft202012Validator(MATCH_EVENT_SCHEMA)
    for game in EXPECTED:
        payloads = by_key[f"metrica:{game}".encode()]
        assert len(payloads) == EXPECTED[game][1]
        assert [p["index"] for p in payloads] == list(range(len(payloads)))
        for payload in payloads:
            validator.validate(payload)
        goals: Counter[str] = Counter()
        for p in payloads:
            if p["type"] == "shot" and p["outcome"] == "goal":
                goals[p["team_name"]] += 1
                assert p["start"]["x"] > 52.5
            elif p["type"] == "own_goal_against":
                goals["Away" if p["team_name"] == "Home" else "Home"] += 1
        assert dict(goals) == SCORES[game], game
