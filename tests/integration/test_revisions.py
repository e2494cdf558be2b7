"""Issue 16 on the real broker: a corrected match is published as a revision that a
read_committed consumer folds into exactly a fresh normalization; an unchanged one publishes
nothing; ``full`` republishes it whole. The consumer is the README's own example."""

from __future__ import annotations

import re
import uuid
from contextlib import contextmanager
from typing import Any

import orjson
import pytest
from confluent_kafka import Consumer
from confluent_kafka import TopicPartition

from contracts.v1 import IngestRequest
from contracts.v1 import JobStatus
from contracts.v1.headers import header_value
from contracts.v1.headers import record_kind
from contracts.v1.match_event import encode_match_event
from contracts.v1.match_event import strip_revision
from contracts.v1.match_published import decode_match_published
from domain import event_id_for
from processors.adapters.kafka.publisher import TransactionalEventPublisher
from processors.adapters.kafka.publisher import partition_for
from processors.adapters.kafka.publisher import read_committed_until_high
from processors.adapters.statsbomb import OpenDataMirror
from processors.adapters.statsbomb import StatsBombRepository
from tests.integration.harness import final_state
from tests.integration.harness import fresh_settings
from tests.integration.harness import submit_request
from tests.integration.harness import worker
from tests.paths import REPO_ROOT
from tests.revision_data import MATCH_ID
from tests.revision_data import RevisionMirror

pytestmark = pytest.mark.integration
KEY = f"statsbomb:{MATCH_ID}"
running = contextmanager(worker)


def readme_fold() -> Any:
    """``current_match`` from the README's python block marked ``readme-python: fold``."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- readme-python: fold -->\n```python\n(.*?)```", text, re.S)
    assert found, "README.md has no python block marked readme-python: fold"
    namespace: dict[str, Any] = {}
    exec(compile(found.group(1), "README.md[fold]", "exec"), namespace)
    return namespace["current_match"]


def fresh_payloads(root) -> list[bytes]:
    match = StatsBombRepository(OpenDataMirror(root)).get_match(MATCH_ID)
    return [encode_match_event(match, event, i) for i, event in enumerate(match.events)]


def ingest(settings, job_id: str, **extra: Any):
    submit_request(
        settings, IngestRequest(job_id=job_id, source="statsbomb", match_id=MATCH_ID, **extra)
    )
    state = final_state(settings, job_id, timeout=180)
    assert state.status is JobStatus.SUCCEEDED, state.error_message
    return state


def high_watermarks(settings) -> dict[str, int]:
    """Every offset (records and transaction markers) of the match's three partitions."""
    consumer = Consumer(
        {
            **settings.kafka_client_config(),
            "group.id": f"hw-{uuid.uuid4().hex}",
            "isolation.level": "read_uncommitted",
        }
    )
    partition = partition_for(KEY, settings.partitions)
    topics = settings.topics
    try:
        return {
            topic: consumer.get_watermark_offsets(TopicPartition(topic, partition), 30)[1]
            for topic in (topics.match_events, topics.match_info, topics.match_published)
        }
    finally:
        consumer.close()


def committed_messages(settings, topic: str) -> list[Any]:
    """Every committed message of the match's partition of ``topic``, in offset order."""
    config = {
        **settings.kafka_client_config(),
        "group.id": f"read-{uuid.uuid4().hex}",
        "isolation.level": "read_committed",
        "enable.auto.commit": False,
    }
    messages: list[Any] = []
    partition = partition_for(KEY, settings.partitions)
    read_committed_until_high(settings, config, topic, partition, 0, messages.append)
    return messages


def records_of(settings, job_id: str) -> list[Any]:
    messages = committed_messages(settings, settings.topics.match_events)
    return [m for m in messages if header_value(m.headers(), "job_id") == job_id]


def folded_content(settings) -> list[bytes]:
    current_match = readme_fold()
    records = current_match(settings.bootstrap_servers, KEY, topic=settings.topics.match_events)
    return [strip_revision(orjson.dumps(record)) for record in records]


def test_a_corrected_match_is_a_revision_the_fold_of_which_is_a_fresh_normalization(
    kafka_bootstrap, tmp_path
):
    mirror = RevisionMirror(tmp_path / "mirror").write_original()
    settings = fresh_settings(kafka_bootstrap, tmp_path, statsbomb_dir=str(mirror.root))
    with running(settings, tmp_path):
        first = ingest(settings, "original")
        assert (first.added, first.changed, first.retracted, first.unchanged) == (3803, 0, 0, 0)
        assert first.events_emitted == 3803

        edits = mirror.write_edited()
        second = ingest(settings, "corrected")
        counts = (second.added, second.changed, second.retracted, second.unchanged)
        assert counts[0] == 1 and counts[1] >= 2 and counts[2] == 1, counts
        assert counts == (1, 42, 1, 3760)  # as the README says
        assert second.events_emitted == 44 == len(records_of(settings, "corrected"))

        # The README's consumer folds match-events into exactly a fresh normalization.
        fresh = fresh_payloads(mirror.root)
        assert folded_content(settings) == [strip_revision(p) for p in fresh]

        # Each record says what it is in its headers; the value agrees.
        kinds: dict[str, list[str]] = {}
        for message in records_of(settings, "corrected"):
            value = orjson.loads(message.value())
            kind = record_kind(message.headers())
            kinds.setdefault(kind, []).append(value["event_id"])
            assert header_value(message.headers(), "pitchstream_event_id") == value["event_id"]
            assert (kind == "retraction") == bool(value.get("retracted"))
            assert (kind == "event") == (value["revision"] == 1)
        sid = lambda source_id: event_id_for("statsbomb", MATCH_ID, source_id)  # noqa: E731
        assert kinds["retraction"] == [sid(edits.deleted)]
        assert kinds["event"] == [sid(edits.added)]
        assert {sid(edits.moved), sid(edits.player_corrected)} <= set(kinds["revision"])
        assert len(kinds["revision"]) == 42

        # The manifest: revision 2, this job's segment appended, the new info with it.
        manifest = TransactionalEventPublisher(settings).latest_manifest(KEY)
        assert manifest is not None
        assert (manifest.revision, manifest.full, manifest.job_id) == (2, False, "corrected")
        assert [(s.job_id, s.records) for s in manifest.segments] == [
            ("original", 3803),
            ("corrected", 44),
        ]
        assert manifest.changes is not None and manifest.changes.changed == 42
        assert "2021-07-01T09:30:00" in manifest.data_version.value

        # The same data again: nothing is published, not even an empty transaction.
        before = high_watermarks(settings)
        third = ingest(settings, "unchanged")
        assert (third.added, third.changed, third.retracted, third.unchanged) == (0, 0, 0, 3803)
        assert third.events_emitted == 0
        assert high_watermarks(settings) == before
        assert TransactionalEventPublisher(settings).latest_manifest(KEY).job_id == "corrected"

        # full: the whole match again, the segments start at this job, the fold unchanged.
        full = ingest(settings, "full", full=True)
        assert (full.added, full.changed, full.retracted, full.unchanged) == (0, 0, 0, 3803)
        assert full.events_emitted == 3803
        manifest = TransactionalEventPublisher(settings).latest_manifest(KEY)
        assert manifest.full and [s.job_id for s in manifest.segments] == ["full"]
        assert folded_content(settings) == [strip_revision(p) for p in fresh]
        published = [m for m in records_of(settings, "full")]
        assert [strip_revision(m.value()) for m in published] == [strip_revision(p) for p in fresh]


def test_the_manifest_on_the_wire_lists_the_retracted_event(kafka_bootstrap, tmp_path):
    """The retracted id stays in the manifest, so an event that comes back continues its
    revisions (its ce_id never names two different records)."""
    mirror = RevisionMirror(tmp_path / "mirror").write_original()
    settings = fresh_settings(kafka_bootstrap, tmp_path, statsbomb_dir=str(mirror.root))
    with running(settings, tmp_path):
        ingest(settings, "original")
        edits = mirror.write_edited()
        ingest(settings, "corrected")
        values = [m.value() for m in committed_messages(settings, settings.topics.match_published)]
        wire = decode_match_published(values[-1])
        gone = event_id_for("statsbomb", MATCH_ID, edits.deleted)
        assert wire.retracted_events == ((gone, 2),)
        assert wire.changes is not None and wire.changes.retracted == 1

        mirror.write_original()  # the provider takes the correction back
        back = ingest(settings, "back")
        assert (back.added, back.retracted) == (1, 1)
        revived = [
            orjson.loads(m.value())
            for m in records_of(settings, "back")
            if orjson.loads(m.value())["event_id"] == gone
        ]
        assert [r["revision"] for r in revived] == [3]
        assert folded_content(settings) == [strip_revision(p) for p in fresh_payloads(mirror.root)]
