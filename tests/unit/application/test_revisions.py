"""The change set of a re-ingested match (issue 16): pure, no Kafka.

A job compares the new normalization (each event's content, in canonical order) with the
last manifest's ``events`` list ([event_id, digest, revision]) and publishes only what
changed; folding every record ever published for the match by ``event_id`` (latest wins,
retractions drop) gives exactly the new normalization.
"""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.v1.match_event import content_digest, strip_revision
from processors.application.revisions import (
    ChangeSet,
    change_set,
    contents_of,
    fold,
)
from tests.unit.samples import synthetic_match

SOURCE, MATCH = "statsbomb", "m1"


def _content(event_id: str, index: int, body: str = "x") -> bytes:
    return orjson.dumps({"event_id": event_id, "index": index, "body": body})


def _contents(*bodies: tuple[str, str]) -> list[tuple[str, bytes]]:
    return [(eid, _content(eid, i, body)) for i, (eid, body) in enumerate(bodies)]


def _first(contents) -> ChangeSet:
    return change_set(None, contents, source=SOURCE, match_id=MATCH)


def test_a_first_publication_adds_every_event_at_revision_1_and_is_full():
    contents = _contents(("a", "1"), ("b", "2"))
    first = _first(contents)
    assert first.full
    assert (first.added, first.changed, first.retracted, first.unchanged) == (2, 0, 0, 0)
    assert [(r.event_id, r.revision, r.kind) for r in first.records] == [
        ("a", 1, "added"),
        ("b", 1, "added"),
    ]
    assert first.records[0].payload == contents[0][1][:-1] + b',"revision":1}'
    assert first.events == (
        ("a", content_digest(contents[0][1]), 1),
        ("b", content_digest(contents[1][1]), 1),
    )


def test_the_same_data_again_changes_nothing_and_publishes_nothing():
    contents = _contents(("a", "1"), ("b", "2"))
    again = change_set(_first(contents).events, contents, source=SOURCE, match_id=MATCH)
    assert again.empty and again.records == () and not again.full
    assert (again.added, again.changed, again.retracted, again.unchanged) == (0, 0, 0, 2)
    assert again.events == _first(contents).events
    assert again.summary() == "unchanged 2"


def test_a_changed_event_gets_the_next_revision_a_gone_one_a_retraction_a_new_one_revision_1():
    before = _contents(("a", "1"), ("b", "2"), ("c", "3"))
    first = _first(before)
    second = change_set(
        first.events,
        _contents(("a", "1"), ("c", "3 corrected"), ("d", "4")),
        source=SOURCE,
        match_id=MATCH,
    )
    # b is gone, so c and d moved up: c's content changed anyway (and its index did).
    assert (second.added, second.changed, second.retracted, second.unchanged) == (1, 1, 1, 1)
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
    assert [e[0] for e in second.events] == ["a", "c", "d"]
    assert [e[2] for e in second.events] == [1, 2, 1]
    assert second.retired == (("b", 2),)
    third = change_set(
        second.events,
        _contents(("c", "3 corrected")),
        source=SOURCE,
        match_id=MATCH,
        retired=dict(second.retired),
    )
    assert third.retired == (("a", 2), ("b", 2), ("d", 2))
    assert second.summary() == "added 1, changed 1, retracted 1, unchanged 1"


def test_a_position_shift_alone_is_a_change_because_index_is_content():
    first = _first(_contents(("a", "1"), ("b", "2"), ("c", "3")))
    later = change_set(
        first.events, _contents(("b", "2"), ("c", "3")), source=SOURCE, match_id=MATCH
    )
    assert (later.added, later.changed, later.retracted, later.unchanged) == (0, 2, 1, 0)


def test_full_republishes_every_event_with_its_revision_and_still_retracts_the_gone():
    first = _first(_contents(("a", "1"), ("b", "2"), ("c", "3")))
    full = change_set(
        first.events,
        _contents(("a", "1"), ("b", "2 corrected")),
        source=SOURCE,
        match_id=MATCH,
        full=True,
    )
    assert full.full
    assert (full.added, full.changed, full.retracted, full.unchanged) == (0, 1, 1, 1)
    assert [(r.event_id, r.revision, r.kind) for r in full.records] == [
        ("c", 2, "retracted"),
        ("a", 1, "unchanged"),
        ("b", 2, "changed"),
    ]
    assert full.size == 3


def test_an_event_retracted_earlier_and_back_continues_its_revisions():
    first = _first(_contents(("a", "1"), ("b", "2")))
    gone = change_set(first.events, _contents(("a", "1")), source=SOURCE, match_id=MATCH)
    back = change_set(
        gone.events,
        _contents(("a", "1"), ("b", "2")),
        source=SOURCE,
        match_id=MATCH,
        retired=dict(gone.retired),
    )
    assert [(r.event_id, r.revision, r.kind) for r in back.records] == [("b", 3, "added")]
    assert back.retired == ()


def test_a_manifest_naming_an_event_twice_is_refused():
    with pytest.raises(ValueError, match="twice"):
        change_set((("a", "d", 1), ("a", "d", 1)), [], source=SOURCE, match_id=MATCH)


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
    events, retired = None, {}
    for (ids, bodies), full in zip(versions, fulls, strict=False):
        contents = _contents(*zip(ids, bodies, strict=True))
        changes = change_set(
            events, contents, source=SOURCE, match_id=MATCH, full=full, retired=retired
        )
        log.extend(record.payload for record in changes.records)
        events, retired = changes.events, dict(changes.retired)
        folded = fold(log)
        assert [strip_revision(p) for p in folded] == [c for _, c in contents]
        revisions = [orjson.loads(p)["revision"] for p in folded]
        assert revisions == [r for _, _, r in changes.events]
