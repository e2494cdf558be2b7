"""The EventPublisher contract against the transactional publisher on the real broker."""

from __future__ import annotations

import pytest

from processors.adapters.kafka.publisher import TransactionalEventPublisher
from tests.integration.harness import fresh_settings
from tests.port_contracts import EventPublisherContract

pytestmark = pytest.mark.integration


class TestTransactionalEventPublisher(EventPublisherContract):
    @pytest.fixture
    def publisher(self, kafka_bootstrap, tmp_path) -> TransactionalEventPublisher:
        return TransactionalEventPublisher(fresh_settings(kafka_bootstrap, tmp_path))
