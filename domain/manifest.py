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
    """The event's own revision, as in its last published MatchEvent: 1 when first
    published, one higher for each later published change of it (issue 16)."""


@dataclass(frozen=True, slots=True)
class ChangeCounts:
    """What one job did to a match's events compared with the manifest before it."""

    added: int = 0
    changed: int = 0
    retracted: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "added": self.added,
            "changed": self.changed,
            "retracted": self.retracted,
            "unchanged": self.unchanged,
        }

    def summary(self) -> str:
        """``added 1, changed 3, retracted 1, unchanged 3799``; zero counts left out."""
        parts = [f"{kind} {count}" for kind, count in self.as_dict().items() if count]
        return ", ".join(parts) if parts else "no events"


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
    retracted_events: tuple[tuple[str, int], ...] = ()
    """Event ids retracted and not back, with their retraction's revision (sorted), so an
    event that comes back continues its revisions instead of starting again at 1."""
    changes: ChangeCounts | None = None
    """What the job that wrote this manifest changed (None: written before revisions)."""

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
        if known is None:
            since = 1
        else:
            since = known.revision if known.digest == digest else known.revision + 1
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


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One record a job writes to ``match-events``: an event's payload at ``revision`` (its
    wire bytes), or, ``retracted``, the retraction of the event."""

    event_id: str
    revision: int
    kind: str
    """``added``, ``changed``, ``retracted``, or ``unchanged`` (republished by a full job)."""
    payload: bytes

    @property
    def retracted(self) -> bool:
        return self.kind == "retracted"


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """What one job publishes for its match, computed against ``base`` (the manifest it read
    before publishing; None: the match was never published)."""

    base: MatchManifest | None
    records: tuple[EventRecord, ...]
    """Retractions first, then the published events in canonical order."""
    events: tuple[ManifestEvent, ...]
    """The next manifest's ``events``: every current event in canonical order."""
    retracted_events: tuple[tuple[str, int], ...]
    full: bool
    counts: ChangeCounts
    info_changed: bool = False
    """The match's info differs from what ``base`` says was published (or it has none)."""

    @property
    def size(self) -> int:
        """Records this job writes to ``match-events`` (what a resume expects to find)."""
        return len(self.records)

    @property
    def publishes_anything(self) -> bool:
        return bool(self.records) or self.full or self.info_changed


def next_manifest(
    changes: ChangeSet,
    *,
    source: str,
    match_id: str,
    job_id: str,
    partition: int,
    from_offset: int,
    data_version: DataVersion | None,
    info_digest: str | None,
) -> MatchManifest:
    """The manifest after a job that published ``changes``: the next revision; a full job's
    segment alone, else the base's segments and this job's (when it wrote any record)."""
    base = changes.base
    segment = Segment(job_id, partition, from_offset, changes.size)
    if changes.full or base is None:
        segments: tuple[Segment, ...] = (segment,)
    else:
        segments = base.segments + ((segment,) if changes.size else ())
    return MatchManifest(
        source=source,
        match_id=match_id,
        job_id=job_id,
        revision=1 if base is None else base.revision + 1,
        full=changes.full or base is None,
        segments=segments,
        events=changes.events,
        data_version=data_version,
        info_digest=info_digest,
        retracted_events=changes.retracted_events,
        changes=changes.counts,
    )
