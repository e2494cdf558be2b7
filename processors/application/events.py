"""What one use case tells another: events, handled by whoever was wired to them."""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass

from contracts.v1 import IngestRequest
from contracts.v1 import JobState


@dataclass(frozen=True, slots=True)
class ChildChanged:
    """A backfill child's job state changed (running, succeeded, skipped or failed): its
    parent must hear of it. ``request`` is the child's request (parent id, match version);
    ``parent_partition`` where the parent's state lives (None: not known)."""

    request: IngestRequest
    state: JobState
    parent_partition: int | None


ChildChangedHandler = Callable[[ChildChanged], Awaitable[None]]
SkipCheck = Callable[[IngestRequest], Awaitable[str | None]]
"""Why a request need not run (its match is unchanged), or None."""
