"""The ingestion service without Kafka: fakes for the repository and the publisher."""

from __future__ import annotations

import dataclasses
from datetime import UTC
from datetime import datetime

import pytest

from contracts.v1 import IngestRequest
from contracts.v1 import JobStatus
from domain import InvalidSourceData
from domain import MatchNotFound
from domain import SourceUnauthorized
from domain import SourceUnavailable
from processors.adapters.kafka.errors import BrokerError
from processors.application.ingest import IngestionService
from processors.application.retry import RetryPolicy
from processors.metrics import Metrics
from tests.fakes import Crash
from tests.fakes import InMemoryPublisher
from tests.fakes import InMemoryRepository
from tests.unit.samples import synthetic_match

REQUEST = IngestRequest(job_id="job-1", source="statsbomb", match_id="m1")


def make_service(repository=None, publisher=None, **kwargs):
    repository = repository or InMemoryRepository({"m1": synthetic_match()})
    publisher = publisher or InMemoryPublisher()
    sleeps: list[float] = []
    service = IngestionService(
        {"statsbomb": repository},
        publisher,
        metrics=Metrics(),
        clock=lambda: datetime(2026, 1, 1, tzinfo=UTC),
        sleep=sleeps.append,
        **kwargs,
    )
    return service, repository, publisher, sleeps


def metric(service, name, **labels) -> float:
    return service.metrics.registry.get_sample_value(name, labels or None) or 0.0


def run(service, request=REQUEST, previous=None):
    running = service.start(request, trace_id="a" * 32, previous=previous)
    return running, service.run(request, running)


def test_a_job_publishes_every_event_and_reports_its_tally():
    service, _, publisher, _ = make_service()
    running, state = run(service)
    assert running.status is JobStatus.RUNNING and running.attempt == 1
    assert running.checkpoint == "0"
    assert state.status is JobStatus.SUCCEEDED
    assert (state.raw_events_read, state.events_emitted) == (4, 3)
    assert state.events_dropped == {"unreadable_event": 1}
    assert len(publisher.events_of("job-1")) == 3
    assert metric(service, "ingestion_jobs_total", source="statsbomb", status="succeeded") == 1
    assert metric(service, "ingestion_events_emitted_total", source="statsbomb") == 3
    assert (
        metric(
            service, "ingestion_events_dropped_total", source="statsbomb", reason="unreadable_event"
        )
        == 1
    )


def test_a_job_reports_the_provider_values_no_table_maps_by_field():
    unmapped = {("type", "Others on the ball/Touch"): 2, ("tag", "1401"): 5, ("tag", "2001"): 1}
    match = dataclasses.replace(
        synthetic_match(), unmapped=tuple(sorted((f, v, n) for (f, v), n in unmapped.items()))
    )
    service, _, _, _ = make_service(InMemoryRepository({"m1": match}))
    _, state = run(service)
    assert state.status is JobStatus.SUCCEEDED
    assert state.unmapped == {"tag": 6, "type": 2}


def test_a_job_that_maps_everything_reports_nothing_unmapped():
    service, _, _, _ = make_service()
    _, state = run(service)
    assert state.unmapped == {}


def test_an_unknown_match_fails_at_once_with_its_code():
    service, repository, _, sleeps = make_service()
    _, state = run(service, dataclasses.replace(REQUEST, match_id="nope"))
    assert state.status is JobStatus.FAILED
    assert state.error_code == "match_not_found"
    assert "nope" in (state.error_message or "")
    assert repository.calls == 1 and sleeps == []


@pytest.mark.parametrize(
    "error, code",
    [
        (SourceUnauthorized("HTTP 401"), "source_unauthorized"),
        (InvalidSourceData("row 7: period is 'x'"), "invalid_source_data"),
        (MatchNotFound("gone"), "match_not_found"),
    ],
)
def test_permanent_source_errors_are_not_retried(error, code):
    service, repository, _, sleeps = make_service()
    repository.failures = [error]
    _, state = run(service)
    assert (state.status, state.error_code) == (JobStatus.FAILED, code)
    assert sleeps == []


def test_transient_source_errors_are_retried_with_bounded_backoff():
    service, repository, _, sleeps = make_service(retry=RetryPolicy(attempts=4, first_delay=0.5))
    repository.failures = [SourceUnavailable("HTTP 503"), SourceUnavailable("timeout")]
    _, state = run(service)
    assert state.status is JobStatus.SUCCEEDED
    assert sleeps == [0.5, 1.0]
    assert metric(service, "ingestion_retries_total", code="source_unavailable") == 2


def test_retries_stop_after_the_last_attempt():
    service, repository, _, sleeps = make_service(
        retry=RetryPolicy(attempts=3, first_delay=1.0, max_delay=1.5)
    )
    repository.failures = [SourceUnavailable("503")] * 5
    _, state = run(service)
    assert (state.status, state.error_code) == (JobStatus.FAILED, "source_unavailable")
    assert sleeps == [1.0, 1.5]


def test_a_broker_error_while_publishing_is_retried_without_doubling_events():
    publisher = InMemoryPublisher()
    publisher.fail_next = [BrokerError("broker gone", transient=True)]
    service, _, _, sleeps = make_service(publisher=publisher)
    _, state = run(service)
    assert state.status is JobStatus.SUCCEEDED
    assert len(publisher.events_of("job-1")) == 3
    assert len(sleeps) == 1


def test_a_resumed_job_whose_events_were_committed_is_not_published_again():
    publisher = InMemoryPublisher()
    publisher.crash_after_commit = True
    service, _, _, _ = make_service(publisher=publisher)
    running = service.start(REQUEST, trace_id="a" * 32, previous=None)
    with pytest.raises(Crash):
        service.run(REQUEST, running)  # the worker dies after the commit, before recording it

    resumed = service.start(REQUEST, trace_id="a" * 32, previous=running)
    assert resumed.attempt == 2 and resumed.checkpoint == running.checkpoint
    state = service.run(REQUEST, resumed)
    assert state.status is JobStatus.SUCCEEDED and state.events_emitted == 3
    assert len(publisher.events_of("job-1")) == 3  # not 6
    assert publisher.fenced == ["job-1"]


def test_a_resumed_job_that_never_published_publishes_once():
    service, _, publisher, _ = make_service()
    running = service.start(REQUEST, trace_id="a" * 32, previous=None)
    resumed = service.start(REQUEST, trace_id="a" * 32, previous=running)
    state = service.run(REQUEST, resumed)
    assert state.status is JobStatus.SUCCEEDED
    assert len(publisher.events_of("job-1")) == 3


def test_an_unconfigured_source_fails_the_job():
    service, _, _, _ = make_service()
    _, state = run(service, dataclasses.replace(REQUEST, source="metrica"))
    assert (state.status, state.error_code) == (JobStatus.FAILED, "unknown_source")


def test_a_backfill_request_given_to_the_match_service_fails_without_asking_the_provider():
    service, repository, _, sleeps = make_service()
    backfill = IngestRequest(job_id="job-2", source="statsbomb", competition_id=1, season_id=2)
    _, state = run(service, backfill)
    assert (state.status, state.error_code) == (JobStatus.FAILED, "invalid_request")
    assert "match_id" in (state.error_message or "")
    assert repository.calls == 0 and sleeps == []


def test_an_unexpected_error_fails_the_job_instead_of_crashing():
    service, repository, _, _ = make_service()
    repository.failures = [RuntimeError("boom")]
    _, state = run(service)
    assert (state.status, state.error_code) == (JobStatus.FAILED, "internal_error")
    assert state.error_message == "boom"


def test_secrets_never_reach_job_state_error_messages():
    service, repository, _, _ = make_service(secrets=("hunter2-secret",))
    repository.failures = [SourceUnauthorized("login hunter2-secret refused")]
    _, state = run(service)
    assert "hunter2-secret" not in (state.error_message or "")
    assert "***" in (state.error_message or "")


def test_retry_policy_delays_are_bounded():
    assert RetryPolicy(attempts=6, first_delay=0.5, max_delay=4).delays() == [0.5, 1, 2, 4, 4]


def test_a_broker_hiccup_while_taking_the_checkpoint_is_retried():
    class FlakyCheckpoint(InMemoryPublisher):
        def __init__(self) -> None:
            super().__init__()
            self.failures = 2

        def checkpoint(self, match_key: str) -> str:
            if self.failures:
                self.failures -= 1
                raise BrokerError("unknown partition", transient=True)
            return super().checkpoint(match_key)

    service, _, _, sleeps = make_service(publisher=FlakyCheckpoint())
    running = service.start(REQUEST, trace_id="a" * 32, previous=None)
    assert running.checkpoint == "0"
    assert len(sleeps) == 2


def test_a_lasting_broker_error_while_taking_the_checkpoint_is_raised():
    class DeadCheckpoint(InMemoryPublisher):
        def checkpoint(self, match_key: str) -> str:
            raise BrokerError("gone", transient=True)

    service, _, _, sleeps = make_service(publisher=DeadCheckpoint(), retry=RetryPolicy(attempts=3))
    with pytest.raises(BrokerError):
        service.start(REQUEST, trace_id="a" * 32, previous=None)
    assert len(sleeps) == 2


def test_a_home_team_id_that_fits_the_match_is_accepted_and_one_that_does_not_fails():
    service, _, publisher, sleeps = make_service()
    _, state = run(service, dataclasses.replace(REQUEST, home_team_id="1"))
    assert state.status is JobStatus.SUCCEEDED
    for wrong, says in (("9", "is not a team"), ("2", "says '1' played at home")):
        job = dataclasses.replace(REQUEST, job_id=f"job-{wrong}", home_team_id=wrong)
        _, state = run(service, job)
        assert (state.status, state.error_code) == (JobStatus.FAILED, "invalid_request")
        assert says in (state.error_message or "")
        assert publisher.events_of(job.job_id) == []
    assert sleeps == []


def test_a_job_publishes_the_info_and_a_manifest_pointing_at_its_checkpoint():
    service, _, publisher, _ = make_service(InMemoryRepository({"m1": synthetic_match(info=True)}))
    running, state = run(service)
    manifest = publisher.latest_manifest("statsbomb:m1")
    assert manifest is not None and manifest.job_id == "job-1" and manifest.revision == 1
    assert manifest.segments[0].from_offset == int(running.checkpoint)
    assert manifest.segments[0].records == state.events_emitted == 3
    assert publisher.infos["statsbomb:m1"].kick_off is None


def test_a_resumed_job_that_had_committed_publishes_no_second_manifest():
    publisher = InMemoryPublisher()
    publisher.crash_after_commit = True
    service, *_ = make_service(
        InMemoryRepository({"m1": synthetic_match(info=True)}), publisher=publisher
    )
    running = service.start(REQUEST, trace_id="a" * 32, previous=None)
    with pytest.raises(Crash):
        service.run(REQUEST, running)
    again = service.start(REQUEST, trace_id="a" * 32, previous=running)
    state = service.run(REQUEST, again)
    assert state.status is JobStatus.SUCCEEDED and state.events_emitted == 3
    assert [m.revision for m in publisher.manifests["statsbomb:m1"]] == [1]


def test_the_requests_kick_off_and_neutral_venue_are_stamped_into_the_published_info():
    from domain import KickOff

    match = synthetic_match(info=True)
    provider = dataclasses.replace(
        match.info, kick_off=KickOff("2021-06-11T19:00:00Z", None, None, "provider gives UTC")
    )
    service, _, publisher, _ = make_service(
        InMemoryRepository({"m1": dataclasses.replace(match, info=provider)})
    )
    request = dataclasses.replace(REQUEST, kick_off_utc="2021-06-11T19:05:00Z", neutral_venue=True)
    _, state = run(service, request)
    assert state.status is JobStatus.SUCCEEDED
    info = publisher.infos["statsbomb:m1"]
    assert info.kick_off.utc == "2021-06-11T19:05:00Z"  # the request wins (a correction)
    assert info.kick_off.derivation == (
        "supplied by the ingest request; the provider said 2021-06-11T19:00:00Z "
        "(provider gives UTC)"
    )
    assert (info.neutral_venue.value, info.neutral_venue.derivation) == (
        True,
        "supplied by the ingest request",
    )


def test_a_request_without_facts_leaves_the_providers_info_as_it_is():
    match = synthetic_match(info=True)
    service, _, publisher, _ = make_service(InMemoryRepository({"m1": match}))
    run(service)
    assert publisher.infos["statsbomb:m1"] == match.info


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"kick_off_utc": "2021-06-11 19:00"}, "kick_off_utc"),
        ({"kick_off_utc": "2021-13-11T19:00:00Z"}, "not a valid time"),
        ({"kick_off_utc": "2021-06-11T19:00:00+02:00"}, "kick_off_utc"),
        (
            {"match_id": None, "all_matches": True, "source": "metrica", "neutral_venue": True},
            "neutral_venue: only with match_id",
        ),
    ],
)
def test_request_facts_are_checked_by_the_contract(fields, says):
    from contracts import ContractError
    from contracts.codec import from_dict
    from contracts.codec import to_dict

    with pytest.raises(ContractError, match=says):
        from_dict(IngestRequest, {**to_dict(REQUEST), **fields})
