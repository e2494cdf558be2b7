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


def _fresh_match(events: int = 3):
    return synthetic_match(f"contract-{uuid.uuid4().hex[:8]}", events=events)


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
