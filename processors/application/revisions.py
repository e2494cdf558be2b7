"""Revisions (issue 16): what a job publishes when its match was published before. Pure.

The last manifest of the match (``match-published``) lists its current events as
``[event_id, digest, revision]`` in canonical order, the digest being ``content_digest`` of
the event's payload without ``revision``. A new normalization is compared with it event by
event:

- an event id that is new is **added** (revision 1, or one past its retraction when it was
  retracted before and comes back: revisions of an event id never repeat);
- an event whose content digest differs is **changed**: published again, revision + 1;
- an event id that is gone is **retracted**: a ``MatchEventRetraction`` with revision + 1;
- everything else is **unchanged** and not published again.

``index`` (the position in the match's canonical order) is part of the content, so an event
added or removed shifts the positions of the events between it and the next removal or
addition, and those are published again as revisions. We keep it that way on purpose: the
canonical order is (period, seconds, the provider's own sequence number), the payload has no
field that reproduces it (providers renumber their sequence when they add or delete an event
anyway), so the fold can only be exact, byte for byte and in the same order, when every
current record carries its current position. What it costs is bounded: one added and one
removed event republish the events between the two, not the match.

A consumer's fold (``fold`` below is the reference, README has it in ten lines): read every
record of the match in offset order, keep per ``event_id`` the latest, drop retractions,
order by ``index``. It equals the latest normalization whatever sequence of versions and
``full`` republications was published (tests/unit/application/test_revisions.py).

``full`` publishes every current event (unchanged ones again, at their revision) plus the
retractions, so the fold from the beginning stays exact and a reader that starts at a full
publication (the manifest's segments reset to it) has the whole match.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

import orjson

from contracts.v1.match_event import (
    content_digest,
    encode_match_event_content,
    encode_retraction,
    with_revision,
)
from domain import Match

ManifestEvent = tuple[str, str, int]
"""``(event_id, digest, revision)``: one entry of a manifest's ``events`` list."""

RecordKind = Literal["added", "changed", "retracted", "unchanged"]
KINDS: Final[tuple[RecordKind, ...]] = ("added", "changed", "retracted", "unchanged")


@dataclass(frozen=True, slots=True)
class Record:
    """One record a job writes to ``match-events``."""

    event_id: str
    revision: int
    kind: RecordKind
    payload: bytes

    @property
    def retracted(self) -> bool:
        return self.kind == "retracted"


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """What one job publishes for its match, and the manifest it leaves behind."""

    records: tuple[Record, ...]
    """Retractions first, then the published events in canonical order."""
    events: tuple[ManifestEvent, ...]
    """The new manifest's ``events``: every current event in canonical order."""
    retired: tuple[tuple[str, int], ...]
    """Every event id retracted and not back, with its retraction's revision (sorted)."""
    full: bool
    added: int
    changed: int
    retracted: int
    unchanged: int

    @property
    def size(self) -> int:
        """Records this job writes to ``match-events`` (what a resume expects to find)."""
        return len(self.records)

    @property
    def empty(self) -> bool:
        return not self.records

    def counts(self) -> dict[str, int]:
        return {kind: getattr(self, kind) for kind in KINDS}

    def summary(self) -> str:
        """``added 1, changed 3, retracted 1, unchanged 3799``; zero counts left out."""
        parts = [f"{kind} {count}" for kind, count in self.counts().items() if count]
        return ", ".join(parts) if parts else "no events"


def contents_of(match: Match) -> list[tuple[str, bytes]]:
    """``(event_id, content)`` of every event in canonical order (content: the payload
    without ``revision``)."""
    return [
        (event.event_id, encode_match_event_content(match, event, position))
        for position, event in enumerate(match.events)
    ]


def change_set(
    previous: Sequence[Sequence[object]] | None,
    contents: Sequence[tuple[str, bytes]],
    *,
    source: str,
    match_id: str,
    full: bool = False,
    retired: Mapping[str, int] | None = None,
) -> ChangeSet:
    """The change set from the last manifest's ``events`` (None: never published, so this
    is a full first publication) to ``contents`` (``contents_of`` the new normalization).

    ``retired``: the last manifest's retracted event ids and their retraction revisions.
    """
    full = full or previous is None
    before = _index(previous or ())
    retired_before = dict(retired or {})
    current = {event_id for event_id, _ in contents}
    records: list[Record] = []
    retired_now = {k: v for k, v in retired_before.items() if k not in current}
    for event_id, (_, revision) in before.items():
        if event_id not in current:
            payload = encode_retraction(
                source=source, match_id=match_id, event_id=event_id, revision=revision + 1
            )
            records.append(Record(event_id, revision + 1, "retracted", payload))
            retired_now[event_id] = revision + 1
    counts = {"added": 0, "changed": 0, "unchanged": 0}
    events: list[ManifestEvent] = []
    for event_id, content in contents:
        digest = content_digest(content)
        known = before.get(event_id)
        kind: RecordKind
        if known is None:
            kind, revision = "added", retired_before.get(event_id, 0) + 1
        elif known[0] != digest:
            kind, revision = "changed", known[1] + 1
        else:
            kind, revision = "unchanged", known[1]
        counts[kind] += 1
        events.append((event_id, digest, revision))
        if kind != "unchanged" or full:
            records.append(Record(event_id, revision, kind, with_revision(content, revision)))
    return ChangeSet(
        records=tuple(records),
        events=tuple(events),
        retired=tuple(sorted(retired_now.items())),
        full=full,
        added=counts["added"],
        changed=counts["changed"],
        retracted=sum(1 for record in records if record.retracted),
        unchanged=counts["unchanged"],
    )


def _index(previous: Iterable[Sequence[object]]) -> dict[str, tuple[str, int]]:
    index: dict[str, tuple[str, int]] = {}
    for entry in previous:
        event_id, digest, revision = str(entry[0]), str(entry[1]), int(entry[2])  # type: ignore[call-overload]
        if event_id in index:
            raise ValueError(f"the manifest names event {event_id} twice")
        index[event_id] = (digest, revision)
    return index


def fold(payloads: Iterable[bytes]) -> list[bytes]:
    """The reference consumer fold: ``payloads`` in offset order; per ``event_id`` the
    latest record, retractions dropped, ordered by ``index``."""
    latest: dict[str, tuple[dict[str, object], bytes]] = {}
    for payload in payloads:
        record = orjson.loads(payload)
        latest[record["event_id"]] = (record, payload)
    kept = [(r, p) for r, p in latest.values() if not r.get("retracted")]
    kept.sort(key=lambda pair: pair[0]["index"])  # type: ignore[arg-type, return-value]
    return [payload for _, payload in kept]
