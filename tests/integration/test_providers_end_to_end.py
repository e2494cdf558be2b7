"""A Wyscout and a Stats Perform match flow through a real worker on the real broker."""

from __future__ import annotations

import uuid
from collections import Counter

import jsonschema
import orjson
import pytest

from contracts.schemas import V1_DIR
from contracts.v1 import IngestRequest
from contracts.v1 import JobStatus
from processors.adapters.registry import build_repository
from tests.integration.harness import final_state
from tests.integration.harness import fresh_settings
from tests.integration.harness import match_events_by_key
from tests.integration.harness import read_topic
from tests.integration.harness import submit
from tests.integration.harness import submit_request
from tests.integration.harness import worker

pytestmark = pytest.mark.integration

MATCH_EVENT_SCHEMA = orjson.loads((V1_DIR / "match-event.schema.json").read_bytes())
# team_side by team name: Stats Perform names its home team, Wyscout's file does not
SIDES = {
    "wyscout": {"Liverpool": None, "Leicester City": None},
    "statsperform": {"Hamburger SV": "home", "Sandhausen": "away"},
}
# source, match id: raw events read, emitted, dropped by reason, goals by team name
EXPECTED = {
    ("wyscout", "2499773"): (1770, 1770, {}, {"Liverpool": 3, "Leicester City": 2}),
    ("statsperform", "71pif9hi2vwzp6q0xzilyxst0"): (
        1737,
        1662,
        {"deleted_by_provider": 71, "outside_play": 4},
        {"Hamburger SV": 2, "Sandhausen": 1},
    ),
}


@pytest.fixture
def settings(kafka_bootstrap, tmp_path):
    return fresh_settings(kafka_bootstrap, tmp_path)


@pytest.fixture
def running_worker(settings, tmp_path):
    yield from worker(settings, tmp_path)


def test_a_wyscout_and_a_statsperform_match_land_on_match_events(settings, running_worker):
    jobs = {key: submit(settings, *key)[0] for key in EXPECTED}
    states = {key: final_state(settings, job_id) for key, job_id in jobs.items()}
    for key, state in states.items():
        read, emitted, dropped, _ = EXPECTED[key]
        assert state.status is JobStatus.SUCCEEDED, (key, state.error_message)
        assert (state.raw_events_read, state.events_emitted) == (read, emitted), key
        assert state.events_dropped == dropped, key
        match = build_repository(settings, key[0]).get_match(key[1])  # type: ignore[union-attr]
        assert state.unmapped == match.unmapped_by_field and state.unmapped["type"] > 0, key

    total = sum(state.events_emitted for state in states.values())
    by_key = match_events_by_key(settings, expected=total)
    validator = jsonschema.Draft202012Validator(MATCH_EVENT_SCHEMA)
    for (source, match_id), (_, emitted, _, scores) in EXPECTED.items():
        payloads = by_key[f"{source}:{match_id}".encode()]
        assert len(payloads) == emitted
        assert [p["index"] for p in payloads] == list(range(emitted))
        goals: Counter[str] = Counter()
        for payload in payloads:
            validator.validate(payload)
            assert payload["team_side"] == SIDES[source][payload["team_name"]]
            assert payload["receiver"] is None and payload["under_pressure"] is None
            if payload["type"] == "shot" and payload["outcome"] == "goal":
                goals[payload["team_name"]] += 1
                assert payload["start"]["x"] > 52.5
        assert dict(goals) == scores, source


def _submit_with_home(settings, match_id: str, home_team_id: str) -> str:
    request = IngestRequest(uuid.uuid4().hex, "wyscout", match_id, home_team_id=home_team_id)
    submit_request(settings, request)
    return request.job_id


def test_a_wyscout_request_naming_the_home_team_sets_the_sides(settings, running_worker):
    wrong = _submit_with_home(settings, "2499773", "42")
    right = _submit_with_home(settings, "2499773", "1631")  # Leicester City hosted it
    failed = final_state(settings, wrong)
    assert (failed.status, failed.error_code) == (JobStatus.FAILED, "invalid_request")
    assert "home_team_id '42' is not a team" in (failed.error_message or "")
    state = final_state(settings, right)
    assert state.status is JobStatus.SUCCEEDED, state.error_message
    messages = read_topic(
        settings, settings.topics.match_events, expected=state.events_emitted, timeout=120
    )
    assert len(messages) == state.events_emitted == 1770
    sides = {
        (payload["team_name"], payload["team_side"])
        for payload in (orjson.loads(m.value()) for m in messages)
    }
    assert sides == {("Leicester City", "home"), ("Liverpool", "away")}
