"""Kafka errors as domain errors, classified where Kafka is used."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec
from typing import TypeVar

from confluent_kafka import KafkaException

from domain import PitchstreamError

P = ParamSpec("P")
T = TypeVar("T")


class BrokerError(PitchstreamError):
    """Kafka failed us; ``transient`` unless librdkafka says the error is fatal and not
    retriable (a broker restarting, a lost connection, an unknown partition are transient)."""

    code = "kafka_error"

    def __init__(self, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.transient = transient


def broker_error(error: KafkaException) -> BrokerError:
    kafka_error = error.args[0] if error.args else None
    retriable = getattr(kafka_error, "retriable", None)
    fatal = getattr(kafka_error, "fatal", None)
    transient = bool(retriable and retriable()) or not bool(fatal and fatal())
    return BrokerError(str(error), transient=transient)


def raises_broker_errors(method: Callable[P, T]) -> Callable[P, T]:
    """Run ``method``; a ``KafkaException`` out of it leaves as a ``BrokerError``."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(*args, **kwargs)
        except KafkaException as error:
            raise broker_error(error) from error

    return wrapper
