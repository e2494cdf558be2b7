"""Each integration test gets fresh topics (``settings``) and, when it asks, a worker on them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from processors.settings import Settings
from tests.integration.harness import WorkerProcess
from tests.integration.harness import fresh_settings
from tests.integration.harness import worker


@pytest.fixture
def settings(kafka_bootstrap: str, tmp_path) -> Settings:
    return fresh_settings(kafka_bootstrap, tmp_path)


@pytest.fixture
def running_worker(settings: Settings, tmp_path) -> Iterator[WorkerProcess]:
    yield from worker(settings, tmp_path)
