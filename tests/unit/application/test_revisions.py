"""The change set of a re-ingested match (issue 16): pure, no Kafka.

A job compares the new normalization (each event's content, in canonical order) with the
last manifest's ``events`` list ([event_id, digest, revision]) and publishes only what
changed; folding every record ever published for the match by ``event_id`` (latest wins,
retractions drop) gives exactly the new normalization.
"""

from __future__ import annotations

import dataclasses

import orjson
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from contracts.v1.match_event import content_digest
from contracts.v1.match_event import strip_revision
from domain import ChangeSet
from domain import ManifestEvent
from domain import MatchManifest
from domain import next_manifest
from processors.application.revisions import change_set
from processors.application.revisions import contents_of
from processors.application.revisions import fold
from tests.unit.samples import synthetic_match

SOURCE, MATCH = "statsbomb", "m1"


def _content(event_id: str, index: int, body: str = "x") -> bytes:
    return orjson.dumps({"event_id": event_id, "index": index, "body": body})


def _contents(*bodies: tuple[str, str]) -> list[tuple[str, bytes]]:
    return [(eid, _content(eid, i, body)) for i, (eid, body) in enumerate(bodies)]


def _first(contents) -> ChangeSet:
    return change_set(None, contents, source=SOURCE, match_id=MATCH)


def _after(changes: ChangeSet) -> MatchManifest:
    """The manifest a job that published ``changes`` leaves behind."""
    job = f"job-{0 if changes.base is None else changes.base.revision}"
    return next_manifest(
        changes,
        source=SOURCE,
        match_id=MATCH,
        job_id=job,
        partition=0,
        from_offset=0,
        data_version=None,
        info_digest=None,
    )


def _counts(changes: ChangeSet):
    c = changes.counts
    return (c.added, c.changed, c.retracted, c.unchanged)


def _entries(changes: ChangeSet):
    return tuple((e.event_id, e.digest, e.revision) for e in changes.events)


def test_a_first_publication_adds_every_event_at_revision_1_and_is_full():
    contents = _contents(("a", "1"), ("b", "2"))
    first = _first(contents)
    assert first.full
    assert _counts(first) == (2, 0, 0, 0)
    assert [(r.event_id, r.revision, r.kind) for r in first.records] == [
        ("a", 1, "added"),
        ("b", 1, "added"),
    ]
    assert first.records[0].payload == contents[0][1][:-1] + b',"revision":1}'
    assert _entries(first) == (
        ("a", content_digest(contents[0][1]), 1),
        ("b", content_digest(contents[1][1]), 1),
    )


def test_the_same_data_again_changes_nothing_and_publishes_nothing():
    contents = _contents(("a", "1"), ("b", "2"))
    again = change_set(_after(_first(contents)), contents, source=SOURCE, match_id=MATCH)
    assert again.records == () and not again.full and not again.publishes_anything
    assert _counts(again) == (0, 0, 0, 2)
    assert again.events == _first(contents).events
    assert again.counts.summary() == "unchanged 2"


def test_a_changed_event_gets_the_next_revision_a_gone_one_a_retraction_a_new_one_revision_1():
    before = _contents(("a", "1"), ("b", "2"), ("c", "3"))
    first = _first(before)
    second = change_set(
        _after(first),
        _contents(("a", "1"), ("c", "3 corrected"), ("d", "4")),
        source=SOURCE,
        match_id=MATCH,
    )
    # b is gone, so c and d moved up: c's content changed anyway (and its index did).
    assert _counts(second) == (1, 1, 1, 1)
    kinds = [(r.event_id, r.revision, r.kind) for r in second.records]
    assert kinds == [("b", 2, "retracted"), ("c", 2, "changed"), ("d", 1, "added")]
    assert orjson.loads(second.records[0].payload) == {
        "event_id": "b",
        "source": SOURCE,
        "match_id": MATCH,
        "revision": 2,
        "retracted": True,
    }
    assert orjson.loads(second.records[1].payload)["revision"] == 2
    assert [e.event_id for e in second.events] == ["a", "c", "d"]
    assert [e.revision for e in second.events] == [1, 2, 1]
    assert second.retracted_events == (("b", 2),)
    third = change_set(
        _after(second), _contents(("c", "3 corrected")), source=SOURCE, match_id=MATCH
    )
    assert third.retracted_events == (("a", 2), ("b", 2), ("d", 2))
    assert second.counts.summary() == "added 1, changed 1, retracted 1, unchanged 1"


def test_a_position_shift_alone_is_a_change_because_index_is_content():
    first = _first(_contents(("a", "1"), ("b", "2"), ("c", "3")))
    later = change_set(
        _after(first), _contents(("b", "2"), ("c", "3")), source=SOURCE, match_id=MATCH
    )
    assert _counts(later) == (0, 2, 1, 0)


def test_full_republishes_every_event_with_its_revision_and_still_retracts_the_gone():
    first = _first(_contents(("a", "1"), ("b", "2"), ("c", "3")))
    full = change_set(
        _after(first),
        _contents(("a", "1"), ("b", "2 corrected")),
        source=SOURCE,
        match_id=MATCH,
        full=True,
    )
    assert full.full
    assert _counts(full) == (0, 1, 1, 1)
    assert [(r.event_id, r.revision, r.kind) for r in full.records] == [
        ("c", 2, "retracted"),
        ("a", 1, "unchanged"),
        ("b", 2, "changed"),
    ]
    assert full.size == 3


def test_an_event_retracted_earlier_and_back_continues_its_revisions():
    first = _first(_contents(("a", "1"), ("b", "2")))
    gone = change_set(_after(first), _contents(("a", "1")), source=SOURCE, match_id=MATCH)
    back = change_set(
        _after(gone), _contents(("a", "1"), ("b", "2")), source=SOURCE, match_id=MATCH
    )
    assert [(r.event_id, r.revision, r.kind) for r in back.records] == [("b", 3, "added")]
    assert back.retracted_events == ()


def test_a_manifest_naming_an_event_twice_is_refused():
    twice = dataclasses.replace(
        _after(_first(_contents(("a", "1")))), events=(ManifestEvent("a", "d", 1),) * 2
    )
    with pytest.raises(ValueError, match="twice"):
        change_set(twice, [], source=SOURCE, match_id=MATCH)


def test_contents_of_a_match_are_its_payloads_without_revision_in_canonical_order():
    match = synthetic_match(events=4)
    contents = contents_of(match)
    assert [eid for eid, _ in contents] == [e.event_id for e in match.events]
    assert [orjson.loads(c)["index"] for _, c in contents] == [0, 1, 2, 3]
    assert all(strip_revision(c) == c for _, c in contents)


_BODIES = st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=8).flatmap(
    lambda ids: st.tuples(
        st.just(ids), st.lists(st.sampled_from("xyz"), min_size=len(ids), max_size=len(ids))
    )
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_BODIES, min_size=1, max_size=5), st.lists(st.booleans(), min_size=5, max_size=5))
def test_folding_every_published_record_gives_the_latest_normalization(versions, fulls):
    """Whatever sequence of provider versions: the fold of all records equals the last one."""
    log: list[bytes] = []
    manifest = None
    for (ids, bodies), full in zip(versions, fulls, strict=False):
        contents = _contents(*zip(ids, bodies, strict=True))
        changes = change_set(manifest, contents, source=SOURCE, match_id=MATCH, full=full)
        log.extend(record.payload for record in changes.records)
        manifest = _after(changes)
        folded = fold(log)
        assert [strip_revision(p) for p in folded] == [c for _, c in contents]
        revisions = [orjson.loads(p)["revision"] for p in folded]
        assert revisions == [e.revision for e in changes.events]
        # One (event_id, revision) is one content (a ce_id never names two versions).
        versions_seen: dict[tuple[str, int], bytes] = {}
        for payload in log:
            record = orjson.loads(payload)
            key = (record["event_id"], record["revision"])
            assert versions_seen.setdefault(key, strip_revision(payload)) == strip_revision(payload)
