"""The CDF lane's step without Kafka: a manifest in, one batch (records + notice) out."""

from __future__ import annotations

import orjson
import pytest

from contracts.v1.headers import header_value
from contracts.v1.match_event import encode_match_event
from contracts.v1.match_published import Segment
from contracts.v1.match_published import decode_match_published
from contracts.v1.match_published import encode_match_published
from processors.application import job_states
from processors.application.cdf_lane import CdfLaneStep
from processors.application.cdf_lane import SegmentReader
from processors.application.cdf_lane import fold_segments
from tests.fakes import InMemoryPublisher
from tests.unit.samples import synthetic_match

TRACE = "0af7651916cd43dd8448eb211c80319c"


class Segments(SegmentReader):
    def __init__(self, by_job: dict[str, list[bytes]]) -> None:
        self.by_job = by_job

    def read(self, segment: Segment) -> list[bytes]:
        return self.by_job.get(segment.job_id, [])[: segment.records]


def published(events: int = 4, *, job: str = "job-1"):
    match = synthetic_match("m1", events=events, info=True)
    publisher = InMemoryPublisher()
    publisher.publish(match, job_id=job, trace_id=TRACE)
    manifest = publisher.latest_manifest(match.key)
    value = encode_match_published(manifest, match.info)
    payloads = [encode_match_event(match, e, i) for i, e in enumerate(match.events)]
    return match, value, {job: payloads}


def step(by_job) -> CdfLaneStep:
    return CdfLaneStep(
        Segments(by_job), events_topic="cdf-events", matches_topic="cdf-matches",
        dead_letter_topic="dlq",
    )  # fmt: skip


HEADERS = [("trace_id", TRACE.encode()), ("job_id", b"job-1")]


def test_a_manifest_becomes_records_and_a_notice_accounting_for_every_event():
    match, value, by_job = published()
    batch = step(by_job).batch(b"statsbomb:m1", value, HEADERS)
    assert batch.dead_letter is None and batch.revision == 1
    assert batch.events_written + sum(batch.withheld.values()) == len(match.events)
    notice = batch.notice
    assert notice is not None and notice.job_id == "job-1" and notice.cdf.revision == 1
    assert notice.cdf.summary.startswith(f"cdf: written {batch.events_written}, withheld ")
    for output in batch.outputs:
        assert output.key == b"statsbomb:m1"
        assert header_value(output.headers, "pitchstream_revision") == "1"
        assert header_value(output.headers, "job_id") == "job-1"
        assert header_value(output.headers, "trace_id") == TRACE
        assert header_value(output.headers, "ce_type").startswith("io.pitchstream.cdf-")


def test_a_retraction_drops_the_event_and_the_latest_record_wins():
    _, value, by_job = published(events=3)
    manifest = decode_match_published(value)
    first = orjson.loads(by_job["job-1"][0])
    changed = {**first, "seconds": 0.5}
    retracted = {"event_id": orjson.loads(by_job["job-1"][1])["event_id"], "retracted": True}
    by_job["job-1"] += [orjson.dumps(changed), orjson.dumps(retracted)]
    wider = decode_match_published(
        orjson.dumps(
            {
                **orjson.loads(value),
                "segments": [{"job_id": "job-1", "partition": 0, "from_offset": 0, "records": 5}],
                "events": [row for n, row in enumerate(orjson.loads(value)["events"]) if n != 1],
            }
        )
    )
    events = fold_segments(wider, Segments(by_job))
    assert [e["event_id"] for e in events] == [manifest.events[0][0], manifest.events[2][0]]
    assert events[0]["seconds"] == 0.5


@pytest.mark.parametrize(
    ("value", "says"),
    [(b"not json", "unreadable manifest"), (b'{"source": "x"}', "unreadable manifest")],
)
def test_an_unreadable_manifest_is_dead_lettered_without_a_notice(value, says):
    batch = step({}).batch(b"k", value, HEADERS)
    assert batch.dead_letter.startswith(says) and batch.notice is None
    (output,) = batch.outputs
    assert (output.topic, output.key, output.value) == ("dlq", b"k", value)


def test_missing_segment_records_dead_letter_the_manifest_and_tell_the_job():
    _, value, _ = published()
    batch = step({}).batch(b"statsbomb:m1", value, HEADERS)
    assert "0 of 4 records found" in batch.dead_letter
    assert batch.notice.cdf.error == batch.dead_letter
    assert batch.notice.cdf.summary.startswith("cdf: not written (")


def test_the_notice_folds_into_the_jobs_state_once_per_revision():
    _, value, by_job = published()
    notice = step(by_job).batch(b"statsbomb:m1", value, HEADERS).notice
    from contracts.v1 import IngestRequest

    request = IngestRequest(job_id="job-1", source="statsbomb", match_id="m1")
    running = job_states.running(request, trace_id=TRACE, now="t", previous=None, checkpoint="0")
    folded = job_states.fold_cdf(running, notice)
    assert folded is not None and folded.cdf == notice.cdf and folded.status is running.status
    assert job_states.fold_cdf(folded, notice) is None  # a repeat changes nothing
    assert job_states.fold_cdf(None, notice) is None
    final = job_states.succeeded(
        running, raw_events_read=5, events_emitted=4, events_dropped={}, now="t2"
    )
    assert job_states.keep_cdf(final, folded).cdf == notice.cdf


@pytest.mark.parametrize(
    "ce_id",
    ["4c7a9d5e-1f1b-4a55-9c3e-0a1b2c3d4e5f@r3", "statsbomb:3788741@r1/meta", "abcdefgh", "short"],
)
@pytest.mark.parametrize("ce_type", ["io.pitchstream.cdf-event.v0.3.2", "other.type"])
def test_the_header_template_gives_exactly_the_cloud_event_headers(ce_id, ce_type):
    from contracts.v1.headers import cloud_event_headers
    from processors.application.cdf_lane import HeaderTemplate

    facts = {
        "source": "statsbomb",
        "match_key": "statsbomb:1",
        "time": "2026-01-01T00:00:00.000Z",
        "trace_id": "0af7651916cd43dd8448eb211c80319c",
        "job_id": "job-1",
        "extra": [("pitchstream_revision", b"3")],
    }
    template = HeaderTemplate(**facts)
    template("warm-up-the-template", ce_type)  # the fixed part, from another record
    assert template(ce_id, ce_type) == cloud_event_headers(
        ce_id=ce_id, ce_type=ce_type, dataschema=None, **facts
    )
