"""Kafka errors are classified where Kafka is used: a domain error with the kafka_error code."""

from __future__ import annotations

import pytest
from confluent_kafka import KafkaError
from confluent_kafka import KafkaException

from processors.adapters.kafka.errors import BrokerError
from processors.adapters.kafka.errors import broker_error
from processors.adapters.kafka.errors import raises_broker_errors
from processors.application.errors import error_code
from processors.application.errors import is_transient


@pytest.mark.parametrize(
    "kafka_error, transient",
    [
        (KafkaError(KafkaError._TRANSPORT, "broker gone"), True),
        (KafkaError(KafkaError._UNKNOWN_PARTITION, "metadata"), True),
        (KafkaError(KafkaError._FENCED, "fenced", fatal=True), False),
        (KafkaError(KafkaError._FENCED, "fenced", fatal=True, retriable=True), True),
    ],
)
def test_a_kafka_error_is_transient_unless_fatal_and_not_retriable(kafka_error, transient):
    error = broker_error(KafkaException(kafka_error))
    assert (error_code(error), is_transient(error)) == ("kafka_error", transient)
    assert str(error) == str(KafkaException(kafka_error))


def test_a_kafka_exception_leaves_an_adapter_method_as_a_broker_error():
    @raises_broker_errors
    def produce() -> None:
        raise KafkaException(KafkaError(KafkaError._TRANSPORT, "gone"))

    with pytest.raises(BrokerError) as raised:
        produce()
    assert isinstance(raised.value.__cause__, KafkaException)


def test_other_errors_are_internal_and_never_retried():
    assert (error_code(RuntimeError("x")), is_transient(RuntimeError("x"))) == (
        "internal_error",
        False,
    )
