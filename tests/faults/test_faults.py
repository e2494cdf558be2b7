"""The fault-injection suite as part of the test run: nothing lost, doubled or stuck."""

from __future__ import annotations

import os

import pytest

from tests.faults.suite import run_suite

pytestmark = [pytest.mark.integration, pytest.mark.faults]


def test_kills_broker_restarts_and_hostile_requests_lose_and_double_nothing(tmp_path):
    seed = int(os.environ.get("PITCHSTREAM_FAULTS_SEED", "20261126"))
    report = run_suite(kills=20, broker_restarts=2, malformed=1000, seed=seed, workdir=tmp_path)
    print(report.line())
    assert report.kills == 20 and report.broker_restarts == 2 and report.malformed == 1000
    assert report.events > 0 and report.jobs > 20
    assert (report.lost, report.duplicated, report.stuck_jobs) == (0, 0, 0), report.problems
    assert report.unaccounted_requests == 0
    assert report.revision_jobs > 0 and report.revision_kills > 0  # revisions were killed too
    assert report.miscounted == 0, report.problems
    # The CDF lane, killed too: exactly one committed batch per publication (unchanged
    # re-ingests write none), nothing missing.
    assert report.lane_kills == 10
    assert (report.cdf_lost, report.cdf_duplicated) == (0, 0), report.problems
    assert report.cdf_batches == report.publications and report.cdf_records > 0
