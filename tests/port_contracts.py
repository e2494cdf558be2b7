"""Abstract test suites for the domain's ports: one suite, run against every implementation.

A subclass named ``Test...`` provides the ``publisher`` fixture; the suite's tests then run
against it (``tests/unit/test_event_publisher_contract.py`` for the in-memory fake,
``tests/integration/test_event_publisher_contract.py`` for the transactional publisher on
the real broker). The ``MatchRepository`` suite is parametrised over a case list instead:
``tests/adapters/test_match_repository_contract.py``.
"""

from __future__ import annotations

import uuid

from domain import EventPublisher
from tests.unit.samples import synthetic_match

TRACE = "0af7651916cd43dd8448eb211c80319c"


def _fresh_match(events: int = 3, *, info: bool = False):
    return synthetic_match(f"contract-{uuid.uuid4().hex[:8]}", events=events, info=info)


class EventPublisherContract:
    """Every ``EventPublisher``: a match's events all at once, counted per job from a mark."""

    def test_publish_returns_how_many_events_it_published(self, publisher: EventPublisher):
        match = _fresh_match(events=5)
        progress: list[int] = []
        published = publisher.publish(
            match, job_id=f"job-{uuid.uuid4().hex}", trace_id=TRACE, on_progress=progress.append
        )
        assert published == len(match.events) == 5
        assert progress[-1] == 5

    def test_published_since_counts_only_the_jobs_events_after_the_checkpoint(
        self, publisher: EventPublisher
    ):
        match = _fresh_match()
        first, second = f"job-{uuid.uuid4().hex}", f"job-{uuid.uuid4().hex}"
        mark = publisher.checkpoint(match.key)
        publisher.publish(match, job_id=first, trace_id=TRACE)
        publisher.publish(match, job_id=second, trace_id=TRACE)
        assert publisher.published_since(mark, job_id=first) == 3
        assert publisher.published_since(mark, job_id=second) == 3
        assert publisher.published_since(mark, job_id="job-that-never-ran") == 0

    def test_a_checkpoint_taken_after_a_publish_does_not_count_it(self, publisher: EventPublisher):
        match = _fresh_match()
        job = f"job-{uuid.uuid4().hex}"
        publisher.publish(match, job_id=job, trace_id=TRACE)
        later = publisher.checkpoint(match.key)
        assert publisher.published_since(later, job_id=job) == 0

    def test_an_empty_match_publishes_nothing(self, publisher: EventPublisher):
        match = _fresh_match(events=0)
        job = f"job-{uuid.uuid4().hex}"
        mark = publisher.checkpoint(match.key)
        assert publisher.publish(match, job_id=job, trace_id=TRACE) == 0
        assert publisher.published_since(mark, job_id=job) == 0

    def test_a_job_given_its_input_partition_is_counted_as_that_partitions_job(
        self, publisher: EventPublisher
    ):
        """The input partition (where the request arrived) may be any, not the one the job
        id hashes to: fenced, published and counted as that partition's job."""
        match = _fresh_match()
        job = f"job-{uuid.uuid4().hex}"
        mark = publisher.checkpoint(match.key)
        assert publisher.published_since(mark, job_id=job, input_partition=3) == 0
        assert publisher.publish(match, job_id=job, trace_id=TRACE, input_partition=3) == 3
        assert publisher.published_since(mark, job_id=job, input_partition=3) == 3

    def test_a_match_has_no_manifest_before_its_first_publication(self, publisher: EventPublisher):
        assert publisher.latest_manifest(_fresh_match().key) is None

    def test_publish_writes_the_matchs_manifest_with_its_segment_and_events(
        self, publisher: EventPublisher
    ):
        match = _fresh_match(events=4, info=True)
        job = f"job-{uuid.uuid4().hex}"
        publisher.publish(
            match, job_id=job, trace_id=TRACE, checkpoint=publisher.checkpoint(match.key)
        )
        manifest = publisher.latest_manifest(match.key)
        assert manifest is not None
        assert (manifest.source, manifest.match_id, manifest.job_id) == (
            match.source, match.match_id, job,
        )  # fmt: skip
        assert (manifest.revision, manifest.full) == (1, True)
        (segment,) = manifest.segments
        assert (segment.job_id, segment.records) == (job, 4)
        assert [e.event_id for e in manifest.events] == [e.event_id for e in match.events]
        assert all(len(e.digest) == 32 and e.revision == 1 for e in manifest.events)
        assert manifest.data_version == match.info.data_version
        assert manifest.info_digest is not None and len(manifest.info_digest) == 64

    def test_each_publication_is_the_next_revision_and_unchanged_events_keep_theirs(
        self, publisher: EventPublisher
    ):
        match = _fresh_match(events=3, info=True)
        first, second = f"job-{uuid.uuid4().hex}", f"job-{uuid.uuid4().hex}"
        publisher.publish(match, job_id=first, trace_id=TRACE)
        before = publisher.latest_manifest(match.key)
        mark = publisher.checkpoint(match.key)
        publisher.publish(match, job_id=second, trace_id=TRACE, checkpoint=mark)
        after = publisher.latest_manifest(match.key)
        assert before is not None and after is not None
        assert (after.revision, after.job_id) == (2, second)
        assert [s.job_id for s in after.segments] == [second]  # a full publication resets them
        assert after.segments[0].records == 3
        assert [(e.event_id, e.digest, e.revision) for e in after.events] == [
            (e.event_id, e.digest, 1) for e in before.events
        ]
        assert after.info_digest == before.info_digest
        assert publisher.published_since(mark, job_id=second) == 3  # info, manifest not counted

    def test_a_change_set_publishes_only_its_records_and_appends_its_segment(
        self, publisher: EventPublisher
    ):
        from processors.application.revisions import change_set
        from processors.application.revisions import contents_of

        match = _fresh_match(events=4)
        first = f"job-{uuid.uuid4().hex}"
        publisher.publish(match, job_id=first, trace_id=TRACE)
        base = publisher.latest_manifest(match.key)
        fewer = type(match).assemble(
            source=match.source, match_id=match.match_id, home=match.home, away=match.away,
            events=match.events[:3], raw_event_count=3,
        )  # fmt: skip
        changes = change_set(base, contents_of(fewer), source=match.source, match_id=match.match_id)
        assert (changes.counts.retracted, changes.counts.unchanged, changes.size) == (1, 3, 1)
        second = f"job-{uuid.uuid4().hex}"
        mark = publisher.checkpoint(match.key)
        written = publisher.publish(
            fewer, job_id=second, trace_id=TRACE, checkpoint=mark, changes=changes
        )
        assert written == 1 == publisher.published_since(mark, job_id=second)
        after = publisher.latest_manifest(match.key)
        assert (after.revision, after.full, after.job_id) == (2, False, second)
        assert [(s.job_id, s.records) for s in after.segments] == [(first, 4), (second, 1)]
        assert [e.event_id for e in after.events] == [e.event_id for e in fewer.events]
        assert after.retracted_events == ((match.events[3].event_id, 2),)

        nothing = change_set(
            after, contents_of(fewer), source=match.source, match_id=match.match_id
        )
        third = f"job-{uuid.uuid4().hex}"
        mark = publisher.checkpoint(match.key)
        assert publisher.publish(fewer, job_id=third, trace_id=TRACE, changes=nothing) == 0
        assert publisher.published_since(mark, job_id=third) == 0
        assert publisher.latest_manifest(match.key) == after
