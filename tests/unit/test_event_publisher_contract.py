"""The EventPublisher contract against the in-memory fake the unit tests rely on."""

from __future__ import annotations

import pytest

from tests.fakes import InMemoryPublisher
from tests.port_contracts import EventPublisherContract


class TestInMemoryPublisher(EventPublisherContract):
    @pytest.fixture
    def publisher(self) -> InMemoryPublisher:
        return InMemoryPublisher()
