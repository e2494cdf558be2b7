"""A match's manifest: what was last published for it, and where its events are.

The manifest of a match is written with the job's events and its info, in one transaction. Its
``segments`` name the ranges of ``match-events`` whose records, folded by event id in offset
order (latest wins, a retraction drops the event), give the match as it stands now; ``events``
list the current events in canonical order with a digest of each payload and the revision in
which that payload last changed. Readers (the CDF lane, a revision's diff) read the match
through it. Pure values; the wire form is ``contracts.v1.match_published``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.match_info import DataVersion


@dataclass(frozen=True, slots=True)
class Segment:
    """``records`` records of ``job_id`` on ``match-events[partition]`` from ``from_offset``
    (the job's checkpoint: other jobs' records may sit between them)."""

    job_id: str
    partition: int
    from_offset: int
    records: int


@dataclass(frozen=True, slots=True)
class ManifestEvent:
    event_id: str
    digest: str
    """sha256 hex (first 32 digits) of the event's payload bytes without ``revision``."""
    revision: int
    """The revision in which this payload was last published changed."""


@dataclass(frozen=True, slots=True)
class MatchManifest:
    source: str
    match_id: str
    job_id: str
    revision: int
    full: bool
    segments: tuple[Segment, ...]
    events: tuple[ManifestEvent, ...]
    data_version: DataVersion | None = None
    info_digest: str | None = None
    """sha256 hex of the published MatchInfo payload bytes; None when none was published."""

    def __post_init__(self) -> None:
        if self.revision < 1:
            raise ValueError(f"manifest of {self.key}: revision must be 1 or more")
        if not self.segments:
            raise ValueError(f"manifest of {self.key}: needs at least one segment")

    @property
    def key(self) -> str:
        return f"{self.source}:{self.match_id}"


def full_publication(
    previous: MatchManifest | None,
    *,
    source: str,
    match_id: str,
    job_id: str,
    partition: int,
    from_offset: int,
    digests: Sequence[tuple[str, str]],
    data_version: DataVersion | None,
    info_digest: str | None,
) -> MatchManifest:
    """The manifest after a job that republished the whole match (``digests``: its events'
    (event_id, digest) in order): the next revision, one segment (this job's), and each
    event's revision kept from ``previous`` while its digest is unchanged."""
    revision = 1 if previous is None else previous.revision + 1
    before = {} if previous is None else {e.event_id: e for e in previous.events}
    events = []
    for event_id, digest in digests:
        known = before.get(event_id)
        since = known.revision if known is not None and known.digest == digest else revision
        events.append(ManifestEvent(event_id, digest, since))
    return MatchManifest(
        source=source,
        match_id=match_id,
        job_id=job_id,
        revision=revision,
        full=True,
        segments=(Segment(job_id, partition, from_offset, len(digests)),),
        events=tuple(events),
        data_version=data_version,
        info_digest=info_digest,
    )
