"""The CDF lane in a real worker on the real broker.

One ingest: a read_committed consumer finds the match's events, its MatchInfo and its manifest;
the lane (consumer group ``<app id>-cdf``) turns the manifest into CDF records on ``cdf-events``
and ``cdf-matches``, each checked with the official validator, and folds its summary into the
job's state. Metrica without a kick-off writes nothing and says why; with a kick-off from the
request it writes valid records.
"""

from __future__ import annotations

import uuid
import warnings
from typing import Any

import cdf
import orjson
import pytest

from contracts.v1 import IngestRequest
from contracts.v1 import JobState
from contracts.v1 import JobStatus
from contracts.v1.headers import header_value
from contracts.v1.match_published import decode_match_published
from processors.adapters.kafka.job_reader import JobStateReader
from processors.application.cdf import CDF_EVENT_TYPE
from processors.application.cdf import CDF_MATCH_SHEET_TYPE
from processors.application.cdf import CDF_META_TYPE
from processors.application.cdf import to_cdf
from tests.integration.harness import read_topic
from tests.integration.harness import submit_request

pytestmark = pytest.mark.integration


def _problems(validator: Any, record: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(errors, unknown keys): what strict mode fails on, and what extreme adds."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        validator.validate_schema(record, mode="soft")
    return list(validator.errors), list(validator.advisories)


def ingest_and_wait_for_cdf(settings, request: IngestRequest) -> JobState:
    submit_request(settings, request)
    state = JobStateReader(settings).wait_until(
        request.job_id, lambda s: s.status.is_final and s.cdf is not None, timeout=180
    )
    assert state.status is JobStatus.SUCCEEDED, state.error_message
    return state


def test_a_statsbomb_match_becomes_valid_cdf_read_committed(settings, running_worker):
    job_id = f"cdf-{uuid.uuid4().hex[:8]}"
    request = IngestRequest(job_id=job_id, source="statsbomb", match_id="3788741")
    state = ingest_and_wait_for_cdf(settings, request)
    topics = settings.topics
    key = b"statsbomb:3788741"

    # The publication: events, info and manifest, committed together.
    events = read_topic(settings, topics.match_events, expected=state.events_emitted)
    (info,) = read_topic(settings, topics.match_info, expected=1)
    (manifest_record,) = read_topic(settings, topics.match_published, expected=1)
    assert len(events) == 3803 and info.key() == manifest_record.key() == key
    manifest = decode_match_published(manifest_record.value())
    assert (manifest.job_id, manifest.revision, manifest.segments[0].records) == (job_id, 1, 3803)

    summary = state.cdf
    assert summary is not None and summary.revision == 1 and summary.error is None
    assert summary.events_written + sum(summary.events_withheld.values()) == 3803
    assert summary.match_sheet_withheld is None and summary.meta_withheld is None
    assert summary.summary.startswith(f"cdf: written {summary.events_written}, withheld ")

    records = read_topic(settings, topics.cdf_events, expected=summary.events_written)
    assert len(records) == summary.events_written > 2500
    # the same records the pure mapper makes from the payloads read back from Kafka
    expected = to_cdf(orjson.loads(info.value()), [orjson.loads(e.value()) for e in events])
    assert [orjson.loads(r.value()) for r in records] == list(expected.events)
    sheet_and_meta = read_topic(settings, topics.cdf_matches, expected=2)
    assert [header_value(r.headers(), "ce_type") for r in sheet_and_meta] == [
        CDF_MATCH_SHEET_TYPE,
        CDF_META_TYPE,
    ]
    for record in (*records, *sheet_and_meta):
        assert record.key() == key
        assert header_value(record.headers(), "pitchstream_revision") == "1"
        assert header_value(record.headers(), "job_id") == job_id
        assert header_value(record.headers(), "trace_id") == state.trace_id
        assert header_value(record.headers(), "traceparent").split("-")[1] == state.trace_id

    validator = cdf.EventSchemaValidator()
    failing = {}
    for record in records:
        assert header_value(record.headers(), "ce_type") == CDF_EVENT_TYPE
        errors, unknown = _problems(validator, orjson.loads(record.value()))
        if errors or unknown:  # strict fails on errors, extreme also on unknown keys
            failing[record.offset()] = errors + unknown
    assert failing == {}, f"{len(failing)} of {len(records)} CDF event records fail"
    ids = [orjson.loads(r.value())["event"]["id"] for r in records]
    assert len(set(ids)) == len(ids) and set(ids) <= {row[0] for row in manifest.events}

    sheet, meta = (orjson.loads(r.value()) for r in sheet_and_meta)
    assert _problems(cdf.MatchSchemaValidator(), sheet) == ([], [])
    # meta carries one documented extension key, `pitchstream`: strict-valid, extreme names it
    assert _problems(cdf.MetaSchemaValidator(), meta) == ([], ["root: unknown field 'pitchstream'"])
    assert meta["pitchstream"]["events"]["written"] == summary.events_written

    # the lane's metrics are served with the worker's
    import urllib.request

    with urllib.request.urlopen(f"http://127.0.0.1:{settings.web_port}/metrics") as answer:
        metrics = answer.read().decode()
    events_topic = topics.cdf_events
    assert (
        f'pitchstream_cdf_records_total{{kind="event",topic="{events_topic}"}} '
        f"{float(summary.events_written)}"
    ) in metrics
    assert 'pitchstream_cdf_withheld_total{reason="folded_into_pass_receiver"}' in metrics
    assert "pitchstream_cdf_batches_total 1.0" in metrics


def test_metrica_is_withheld_without_a_kick_off_and_valid_with_one(settings, running_worker):
    without = IngestRequest(
        job_id=f"cdf-m-{uuid.uuid4().hex[:8]}", source="metrica", match_id="Sample_Game_2"
    )
    state = ingest_and_wait_for_cdf(settings, without)
    assert state.cdf.events_written == 0
    assert sum(state.cdf.events_withheld.values()) == state.events_emitted
    assert state.cdf.events_withheld["no_kick_off_time"] > 0.9 * state.events_emitted

    with_kick_off = IngestRequest(
        job_id=f"cdf-m-{uuid.uuid4().hex[:8]}",
        source="metrica",
        match_id="Sample_Game_2",
        kick_off_utc="2019-02-21T15:00:00Z",
    )
    state = ingest_and_wait_for_cdf(settings, with_kick_off)
    summary = state.cdf
    assert summary.revision == 2 and "no_kick_off_time" not in summary.events_withheld
    assert "no_period_start_time" not in summary.events_withheld  # both halves anchored
    # Only the info changed (the request's kick-off): no event record is published again
    # (revisions), and the lane maps the whole current match through the manifest.
    assert (state.events_emitted, state.added, state.changed, state.retracted) == (0, 0, 0, 0)
    assert summary.events_written + sum(summary.events_withheld.values()) == state.unchanged > 0
    records = read_topic(settings, settings.topics.cdf_events, expected=summary.events_written)
    assert len(records) == summary.events_written > 0
    assert {header_value(r.headers(), "pitchstream_revision") for r in records} == {"2"}
    validator = cdf.EventSchemaValidator()
    for record in records:
        assert _problems(validator, orjson.loads(record.value())) == ([], [])
    periods = {orjson.loads(r.value())["event"]["period"] for r in records}
    assert periods == {"first_half", "second_half"}


def test_a_malformed_manifest_is_dead_lettered_and_the_lane_goes_on(settings, running_worker):
    from confluent_kafka import Producer

    key = b"statsbomb:15946"
    producer = Producer(settings.kafka_client_config())
    producer.produce(
        settings.topics.match_published, key=key, value=b'{"not": "a manifest"',
        headers=[("trace_id", b"0af7651916cd43dd8448eb211c80319c")],
    )  # fmt: skip
    producer.flush(30)
    # The same match's next publication is unaffected: the ingest skips the bad record when
    # it looks for the latest manifest, and the lane maps the real one.
    request = IngestRequest(
        job_id=f"cdf-{uuid.uuid4().hex[:8]}", source="statsbomb", match_id="15946"
    )
    state = ingest_and_wait_for_cdf(settings, request)
    assert state.cdf.revision == 1 and state.cdf.events_written > 0 and state.cdf.error is None

    (dead,) = read_topic(settings, settings.topics.cdf_dead_letters, expected=1)
    assert (dead.key(), dead.value()) == (key, b'{"not": "a manifest"')
    headers = dict(dead.headers())
    assert headers["__connect.errors.topic"] == settings.topics.match_published.encode()
    assert headers["__connect.errors.offset"] == b"0"
    assert headers["__connect.errors.exception.message"].startswith(b"unreadable manifest")
    assert running_worker.process.poll() is None  # the worker is still up
