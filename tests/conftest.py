"""Session-wide fixtures: the real Kafka broker for integration tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.kafka_fixture import bootstrap_servers_for_tests


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    with bootstrap_servers_for_tests() as bootstrap:
        yield bootstrap
