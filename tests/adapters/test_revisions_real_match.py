"""Revisions on a real StatsBomb match and its edited re-release (no Kafka): the change set
says exactly what the edits did, and folding the records equals a fresh normalization."""

from __future__ import annotations

import orjson
import pytest

from contracts.v1 import encode_match_event
from contracts.v1.match_event import strip_revision
from contracts.v1.match_info import encode_match_info
from domain import event_id_for
from domain import next_manifest
from processors.adapters.statsbomb import OpenDataMirror
from processors.adapters.statsbomb import StatsBombRepository
from processors.application.revisions import change_set
from processors.application.revisions import contents_of
from processors.application.revisions import fold
from tests.revision_data import BUMPED_LAST_UPDATED
from tests.revision_data import MATCH_ID
from tests.revision_data import RevisionMirror


def _read(root):
    return StatsBombRepository(OpenDataMirror(root)).get_match(MATCH_ID)


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    mirror = RevisionMirror(tmp_path_factory.mktemp("mirror")).write_original()
    original = _read(mirror.root)
    edits = mirror.write_edited()
    edited = _read(mirror.root)
    first_bytes = (mirror.data / "events" / f"{MATCH_ID}.json").read_bytes()
    mirror.write_edited()
    assert (mirror.data / "events" / f"{MATCH_ID}.json").read_bytes() == first_bytes
    return original, edited, edits


def _after(changes):
    return next_manifest(
        changes,
        source="statsbomb",
        match_id=MATCH_ID,
        job_id="j",
        partition=0,
        from_offset=0,
        data_version=None,
        info_digest=None,
    )


def _ids(match):
    return [event.event_id for event in match.events]


def test_the_edited_copy_differs_by_exactly_the_edits(versions):
    original, edited, edits = versions
    sid = lambda source_id: event_id_for("statsbomb", MATCH_ID, source_id)  # noqa: E731
    assert set(_ids(original)) - set(_ids(edited)) == {sid(edits.deleted)}
    assert set(_ids(edited)) - set(_ids(original)) == {sid(edits.added)}
    assert len(edited.events) == len(original.events)
    corrected = next(e for e in edited.events if e.event_id == sid(edits.player_corrected))
    assert corrected.player_id == str(edits.new_player_id)
    assert edited.info is not None and original.info is not None
    assert BUMPED_LAST_UPDATED in edited.info.data_version.value
    assert encode_match_info(edited.info) != encode_match_info(original.info)


def test_the_change_set_names_the_edits_and_the_fold_is_a_fresh_normalization(versions):
    original, edited, edits = versions
    first = change_set(None, contents_of(original), source="statsbomb", match_id=MATCH_ID)
    assert first.counts.added == len(original.events) and first.full
    second = change_set(_after(first), contents_of(edited), source="statsbomb", match_id=MATCH_ID)
    counts = second.counts
    assert (counts.added, counts.retracted) == (1, 1)
    changed = {r.event_id for r in second.records if r.kind == "changed"}
    sid = lambda source_id: event_id_for("statsbomb", MATCH_ID, source_id)  # noqa: E731
    assert {sid(edits.moved), sid(edits.player_corrected)} <= changed
    # The events between the deleted and the added one moved up one place: index changed.
    assert 2 < counts.changed < 60, counts.summary()
    assert counts.unchanged == len(edited.events) - 1 - counts.changed
    log = [r.payload for r in first.records] + [r.payload for r in second.records]
    fresh = [encode_match_event(edited, e, i) for i, e in enumerate(edited.events)]
    folded = fold(log)
    assert [orjson.loads(p)["event_id"] for p in folded] == _ids(edited)
    # Equal byte for byte but for the revision numbers (publication history, not content).
    assert [strip_revision(p) for p in folded] == [strip_revision(p) for p in fresh]
    revisions = {orjson.loads(p)["event_id"]: orjson.loads(p)["revision"] for p in folded}
    assert {eid for eid, revision in revisions.items() if revision == 2} == changed

    third = change_set(_after(second), contents_of(edited), source="statsbomb", match_id=MATCH_ID)
    assert not third.records and third.counts.summary() == f"unchanged {len(edited.events)}"


def test_one_repository_sees_a_re_released_matches_file(tmp_path):
    """A running worker keeps one repository: a season re-released with a new last_updated
    must reach the match's info (its data_version), or the info would never be republished."""
    mirror = RevisionMirror(tmp_path / "mirror").write_original()
    repository = StatsBombRepository(OpenDataMirror(mirror.root))
    before = repository.get_match(MATCH_ID).info.data_version.value
    mirror.write_edited()
    after = repository.get_match(MATCH_ID).info.data_version.value
    assert BUMPED_LAST_UPDATED not in before and BUMPED_LAST_UPDATED in after
