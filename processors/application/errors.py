"""One classification of the errors a job can end with: a stable code, and whether to retry.

Adapters raise domain errors (``domain.PitchstreamError`` and its kinds); the Kafka adapter
turns a Kafka error into ``BrokerError`` where Kafka is used. Anything else is a bug:
``internal_error``, never retried.
"""

from __future__ import annotations

from domain import PitchstreamError


class UnknownSource(PitchstreamError):
    """A request names a source no adapter is configured for (the same code on every path)."""

    code = "unknown_source"


class PublicationMismatch(PitchstreamError):
    """A resumed job finds a different number of its records on match-events than its own
    manifest says it wrote: never retried, never published again."""

    code = "publication_mismatch"


def error_code(error: BaseException) -> str:
    return error.code if isinstance(error, PitchstreamError) else "internal_error"


def is_transient(error: BaseException) -> bool:
    return isinstance(error, PitchstreamError) and error.transient
