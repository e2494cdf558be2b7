"""Errors that end a job, each with a stable code that operators can filter on."""

from __future__ import annotations


class PitchstreamError(Exception):
    """Base of every error that fails a job with a reason; ``code`` is stable and short."""

    code = "internal_error"
    transient = False


class MatchNotFound(PitchstreamError):
    """The source has no such match (or season)."""

    code = "match_not_found"


class InvalidSourceData(PitchstreamError):
    """A provider file or row that cannot be read as what it claims to be."""

    code = "invalid_source_data"


class SourceUnavailable(PitchstreamError):
    """The provider could not be reached; worth retrying."""

    code = "source_unavailable"
    transient = True


class SourceUnauthorized(PitchstreamError):
    """The source refused our credentials (HTTP 401/403); retrying will not help."""

    code = "source_unauthorized"


class InvalidRequest(PitchstreamError):
    """An ingest request that names an unknown source, queue or a malformed match id."""

    code = "invalid_request"
