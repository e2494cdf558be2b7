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

from collections.abc import Iterable
from collections.abc import Sequence

import orjson

from contracts.v1.match_event import content_digest
from contracts.v1.match_event import encode_match_event_content
from contracts.v1.match_event import encode_retraction
from contracts.v1.match_event import with_revision
from contracts.v1.match_info import encode_match_info
from contracts.v1.match_published import info_digest
from domain import ChangeCounts
from domain import ChangeSet
from domain import EventRecord
from domain import ManifestEvent
from domain import Match
from domain import MatchManifest

__all__ = ["ChangeSet", "change_set", "changes_against", "contents_of", "encoded_info", "fold"]


def contents_of(match: Match) -> list[tuple[str, bytes]]:
    """``(event_id, content)`` of every event in canonical order (content: the payload
    without ``revision``)."""
    return [
        (event.event_id, encode_match_event_content(match, event, position))
        for position, event in enumerate(match.events)
    ]


def encoded_info(match: Match) -> tuple[bytes | None, str | None]:
    """The match's MatchInfo as published and its digest; ``(None, None)`` without one."""
    if match.info is None:
        return None, None
    value = encode_match_info(match.info)
    return value, info_digest(value)


def changes_against(base: MatchManifest | None, match: Match, *, full: bool) -> ChangeSet:
    """``change_set`` of a fresh normalization ``match`` against the manifest ``base``."""
    return change_set(
        base,
        contents_of(match),
        source=match.source,
        match_id=match.match_id,
        full=full,
        info_digest=encoded_info(match)[1],
    )


def change_set(
    base: MatchManifest | None,
    contents: Sequence[tuple[str, bytes]],
    *,
    source: str,
    match_id: str,
    full: bool = False,
    info_digest: str | None = None,
) -> ChangeSet:
    """The change set from the manifest ``base`` (None: never published, so this is a full
    first publication) to ``contents`` (``contents_of`` the new normalization, whose info
    has ``info_digest``)."""
    full = full or base is None
    before = _index(base.events if base is not None else ())
    retired_before = dict(base.retracted_events) if base is not None else {}
    current = {event_id for event_id, _ in contents}
    records: list[EventRecord] = []
    retired_now = {k: v for k, v in retired_before.items() if k not in current}
    for event_id, (_, revision) in before.items():
        if event_id not in current:
            payload = encode_retraction(
                source=source, match_id=match_id, event_id=event_id, revision=revision + 1
            )
            records.append(EventRecord(event_id, revision + 1, "retracted", payload))
            retired_now[event_id] = revision + 1
    counts = {"added": 0, "changed": 0, "unchanged": 0}
    events: list[ManifestEvent] = []
    for event_id, content in contents:
        digest = content_digest(content)
        known = before.get(event_id)
        if known is None:
            kind, revision = "added", retired_before.get(event_id, 0) + 1
        elif known[0] != digest:
            kind, revision = "changed", known[1] + 1
        else:
            kind, revision = "unchanged", known[1]
        counts[kind] += 1
        events.append(ManifestEvent(event_id, digest, revision))
        if kind != "unchanged" or full:
            records.append(EventRecord(event_id, revision, kind, with_revision(content, revision)))
    info_changed = info_digest is not None and (base is None or base.info_digest != info_digest)
    return ChangeSet(
        base=base,
        records=tuple(records),
        events=tuple(events),
        retracted_events=tuple(sorted(retired_now.items())),
        full=full,
        counts=ChangeCounts(
            added=counts["added"],
            changed=counts["changed"],
            retracted=sum(1 for record in records if record.retracted),
            unchanged=counts["unchanged"],
        ),
        info_changed=info_changed,
    )


def _index(previous: Iterable[ManifestEvent]) -> dict[str, tuple[str, int]]:
    index: dict[str, tuple[str, int]] = {}
    for entry in previous:
        if entry.event_id in index:
            raise ValueError(f"the manifest names event {entry.event_id} twice")
        index[entry.event_id] = (entry.digest, entry.revision)
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
