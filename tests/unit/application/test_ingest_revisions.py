"""The ingest use case with revisions (issue 16), on the in-memory publisher.

A known match ingested again publishes only its change set against the latest manifest;
an unchanged one publishes nothing; ``full`` republishes everything; a job resumed after a
kill neither half-applies nor doubles its revision.
"""

from __future__ import annotations

import dataclasses

import orjson
import pytest

from contracts.v1 import IngestRequest
from contracts.v1 import JobStatus
from contracts.v1.match_event import strip_revision
from domain import Match
from processors.application.revisions import contents_of
from processors.application.revisions import fold
from tests.fakes import Crash
from tests.fakes import InMemoryPublisher
from tests.fakes import InMemoryRepository
from tests.unit.application.test_ingest import make_service
from tests.unit.samples import info_of
from tests.unit.samples import reassembled
from tests.unit.samples import synthetic_match

TRACE = "a" * 32


def request(job_id: str, **changes) -> IngestRequest:
    return IngestRequest(job_id=job_id, source="statsbomb", match_id="m1", **changes)


def ingest(service, job_id: str, **changes):
    req = request(job_id, **changes)
    running = service.start(req, trace_id=TRACE, previous=None)
    return service.run(req, running)


def corrected(match: Match) -> Match:
    """The match with its second event moved, its third gone and a new one at the end."""
    events = list(match.events)
    moved = dataclasses.replace(events[1], start=dataclasses.replace(events[1].start, x=60.0))
    new = dataclasses.replace(
        events[0],
        event_id="00000000-0000-5000-8000-000000000001",
        source_event_id="new",
        index=99,
        seconds=99.0,
    )
    return reassembled(match, events=[events[0], moved, *events[3:], new])


def setup(events: int = 5):
    original = synthetic_match(events=events)
    repository = InMemoryRepository({"m1": original})
    publisher = InMemoryPublisher()
    service, _, _, _ = make_service(repository=repository, publisher=publisher)
    return service, repository, publisher, original


def counts(state):
    return (state.added, state.changed, state.retracted, state.unchanged)


def test_the_first_ingest_adds_every_event():
    service, _, publisher, _ = setup()
    state = ingest(service, "first")
    assert state.status is JobStatus.SUCCEEDED
    assert counts(state) == (5, 0, 0, 0) and state.events_emitted == 5
    assert publisher.latest_manifest("statsbomb:m1").full


def test_a_corrected_match_publishes_only_its_changes_and_the_fold_is_the_new_match():
    service, repository, publisher, original = setup()
    ingest(service, "first")
    repository.matches["m1"] = corrected(original)
    state = ingest(service, "second")
    # moved: 1, gone: 1, new: 1, and the events after the gone one moved up a place (index).
    assert counts(state) == (1, 3, 1, 1)
    assert state.events_emitted == 5 == len(publisher.events_of("second"))
    manifest = publisher.latest_manifest("statsbomb:m1")
    assert (manifest.revision, manifest.full, manifest.job_id) == (2, False, "second")
    assert [s.job_id for s in manifest.segments] == ["first", "second"]
    assert manifest.segments[1].records == 5
    folded = fold(publisher.payloads("statsbomb:m1"))
    assert [strip_revision(p) for p in folded] == [c for _, c in contents_of(corrected(original))]


def test_an_unchanged_match_publishes_nothing_and_says_so():
    service, _, publisher, _ = setup()
    ingest(service, "first")
    transactions = publisher.transactions
    state = ingest(service, "again")
    assert state.status is JobStatus.SUCCEEDED
    assert counts(state) == (0, 0, 0, 5) and state.events_emitted == 0
    assert publisher.transactions == transactions  # no transaction at all
    assert publisher.latest_manifest("statsbomb:m1").job_id == "first"


def test_full_republishes_the_whole_match_and_resets_the_segments():
    service, repository, publisher, original = setup()
    ingest(service, "first")
    repository.matches["m1"] = corrected(original)
    state = ingest(service, "full", full=True)
    assert counts(state) == (1, 3, 1, 1)
    assert state.events_emitted == 5 + 1  # every current event and the retraction
    manifest = publisher.latest_manifest("statsbomb:m1")
    assert manifest.full and [s.job_id for s in manifest.segments] == ["full"]
    folded = fold(publisher.payloads("statsbomb:m1"))
    assert [strip_revision(p) for p in folded] == [c for _, c in contents_of(corrected(original))]
    # Reading only the full job's segment gives the whole match too.
    segment = [r.payload for r in publisher.events_of("full")]
    assert [strip_revision(p) for p in fold(segment)] == [strip_revision(p) for p in folded]


def _with_info(match: Match, version_note: str) -> Match:
    from domain import DataVersion

    version = DataVersion(version_note, "statsbomb_last_updated")
    return dataclasses.replace(match, info=info_of(match, data_version=version))


def test_a_changed_info_alone_is_published_with_a_new_manifest_and_no_event():
    service, repository, publisher, original = setup()
    repository.matches["m1"] = _with_info(original, "v1")
    ingest(service, "first")
    repository.matches["m1"] = _with_info(original, "v2")
    state = ingest(service, "info")
    assert counts(state) == (0, 0, 0, 5) and state.events_emitted == 0
    manifest = publisher.latest_manifest("statsbomb:m1")
    assert (manifest.job_id, manifest.revision) == ("info", 2)
    assert [s.job_id for s in manifest.segments] == ["first"]  # no records, no segment
    assert publisher.infos["statsbomb:m1"].data_version.value == "v2"


# -- exactly once across a kill --------------------------------------------------------------


def correction_killed_after_its_commit():
    """A first ingest, then job ``second`` publishing ``corrected`` killed right after its
    transaction committed: (service, publisher, the request, its running state)."""
    service, repository, publisher, original = setup()
    ingest(service, "first")
    repository.matches["m1"] = corrected(original)
    req = request("second")
    running = service.start(req, trace_id=TRACE, previous=None)
    publisher.crash_after_commit = True
    with pytest.raises(Crash):
        service.run(req, running)
    return service, publisher, req, running


def test_a_revision_killed_after_its_commit_is_not_applied_twice_and_keeps_its_counts():
    service, publisher, req, running = correction_killed_after_its_commit()
    resumed = service.start(req, trace_id=TRACE, previous=running)
    state = service.run(req, resumed)
    assert state.status is JobStatus.SUCCEEDED
    assert counts(state) == (1, 3, 1, 1) and state.events_emitted == 5
    assert len(publisher.events_of("second")) == 5  # not 10, and not a diff against itself
    assert publisher.fenced == ["second"]
    assert len(publisher.manifests["statsbomb:m1"]) == 2


def test_a_revision_killed_before_its_commit_diffs_against_the_manifest_before_it():
    """Resume needed and nothing committed: after fencing, the latest manifest is still the
    one before the job (the killed attempt can no longer commit), so the resumed attempt
    publishes the same change set, once."""
    service, repository, publisher, original = setup()
    ingest(service, "first")
    repository.matches["m1"] = corrected(original)
    req = request("second")
    running = service.start(req, trace_id=TRACE, previous=None)  # killed here: nothing sent
    resumed = service.start(req, trace_id=TRACE, previous=running)
    state = service.run(req, resumed)
    assert counts(state) == (1, 3, 1, 1)
    assert len(publisher.events_of("second")) == 5
    assert publisher.latest_manifest("statsbomb:m1").revision == 2


def test_an_unchanged_reingest_resumed_stays_unchanged():
    service, _, _, _ = setup()
    ingest(service, "first")
    req = request("again")
    running = service.start(req, trace_id=TRACE, previous=None)
    resumed = service.start(req, trace_id=TRACE, previous=running)
    state = service.run(req, resumed)
    assert counts(state) == (0, 0, 0, 5) and state.events_emitted == 0


def test_a_resume_finding_fewer_records_than_its_manifest_says_fails_loudly():
    service, publisher, req, running = correction_killed_after_its_commit()
    publisher.log.pop()  # a record of the committed transaction went missing
    resumed = service.start(req, trace_id=TRACE, previous=running)
    state = service.run(req, resumed)
    assert state.status is JobStatus.FAILED
    assert "4 of its records" in (state.error_message or "") and "5" in state.error_message


def test_the_request_contract_carries_full_and_old_requests_default_to_false():
    from contracts.v1 import decode_ingest_request

    old = b'{"job_id":"j","source":"statsbomb","match_id":"1"}'
    assert decode_ingest_request(old).full is False
    new = orjson.dumps({"job_id": "j", "source": "statsbomb", "match_id": "1", "full": True})
    assert decode_ingest_request(new).full is True
