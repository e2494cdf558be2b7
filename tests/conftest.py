"""Session-wide fixtures: the real Kafka broker for integration tests; the fault suite first."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.kafka_fixture import bootstrap_servers_for_tests


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    with bootstrap_servers_for_tests() as bootstrap:
        yield bootstrap


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The fault suite first: it is the longest file by far, and with ``make test``'s two
    processes (pytest-xdist, ``--dist loadfile``) it then runs beside all the others instead
    of after them."""
    items.sort(key=lambda item: "faults" not in item.nodeid.split("/")[:2])
