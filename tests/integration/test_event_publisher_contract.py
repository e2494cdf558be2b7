"""The EventPublisher contract against the transactional publisher on the real broker."""

from __future__ import annotations

import pytest

from processors.adapters.kafka.errors import BrokerError
from processors.adapters.kafka.publisher import TransactionalEventPublisher
from processors.adapters.kafka.publisher import partition_for
from tests.integration.harness import fresh_settings
from tests.integration.harness import wait_for
from tests.port_contracts import EventPublisherContract

pytestmark = pytest.mark.integration


def _answers(publisher: TransactionalEventPublisher, key: str) -> bool:
    try:
        publisher.checkpoint(key)
        publisher.latest_manifest(key)  # match-published's partitions too
    except BrokerError:  # a fresh topic's partition may have no leader yet
        return False
    return True


class TestTransactionalEventPublisher(EventPublisherContract):
    @pytest.fixture
    def publisher(self, kafka_bootstrap, tmp_path) -> TransactionalEventPublisher:
        settings = fresh_settings(kafka_bootstrap, tmp_path)
        publisher = TransactionalEventPublisher(settings)
        keys = {partition_for(f"k{n}", settings.partitions): f"k{n}" for n in range(64)}
        for key in keys.values():
            wait_for(lambda key=key: _answers(publisher, key), timeout=30, what="partition leaders")
        return publisher
