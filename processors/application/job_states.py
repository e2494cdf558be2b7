"""Every change of a job's state: the one module that builds a ``JobState``.

Pure functions over ``contracts.v1.JobState``: a request becomes ``queued``, ``running`` (with
progress), then ``succeeded``, ``failed`` or, for an unchanged backfill child, ``skipped``
(status ``succeeded`` with ``skipped`` set). A backfill parent is ``running`` with its
children's statuses, and folds each child's notice into its counts until all have ended.
Timestamps are RFC 3339 strings given by the caller (``rfc3339(clock())``).
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable
from collections.abc import Mapping
from datetime import UTC
from datetime import datetime
from typing import Any
from typing import Final
from typing import TypedDict

from contracts.v1 import CdfSummary
from contracts.v1 import FailedChild
from contracts.v1 import IngestRequest
from contracts.v1 import JobChildren
from contracts.v1 import JobState
from contracts.v1 import JobStatus
from contracts.v1.ingest_request import JOB_ID_PATTERN
from processors.application.errors import error_code
from processors.logs import scrub

QUEUED: Final = "queued"
RUNNING: Final = "running"
SUCCEEDED: Final = "succeeded"
FAILED: Final = "failed"
SKIPPED: Final = "skipped"
_RANK: Final = {QUEUED: 0, RUNNING: 1, SUCCEEDED: 2, FAILED: 2, SKIPPED: 2}
"""How far a job (or a parent's view of a child) has got; a state never moves back."""
_JOB_ID: Final = re.compile(JOB_ID_PATTERN[1:-1])


def utc_now() -> datetime:
    return datetime.now(UTC)


def rfc3339(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def is_job_id(text: str) -> bool:
    """True for a usable job id (the contract's ``JOB_ID_PATTERN``)."""
    return _JOB_ID.fullmatch(text) is not None


def is_final_rank(status: str) -> bool:
    return _RANK[status] >= _RANK[SUCCEEDED]


# -- one job ---------------------------------------------------------------------------------


def queued(request: IngestRequest, *, trace_id: str, now: str | None = None) -> JobState:
    """The ``queued`` state a submitter records for any request, single match or backfill
    (``now``: the current time when not given)."""
    base = _new(request.job_id, request.source, request.match_id or "", trace_id, now)
    return dataclasses.replace(
        base,
        queue=request.queue,
        parent_job_id=request.parent_job_id,
        competition_id=request.competition_id,
        season_id=request.season_id,
    )


def _new(job_id: str, source: str, match_id: str, trace_id: str, now: str | None) -> JobState:
    """A job's first state: ``queued``, naming only the job and its match."""
    updated_at = now or rfc3339(utc_now())
    return JobState(job_id, JobStatus.QUEUED, source, match_id, trace_id, updated_at)


def rejected_base(job_id: str, *, trace_id: str, now: str, current: JobState | None) -> JobState:
    """What a dead-lettered request's job was before it failed: all that is known of it."""
    if current is None:
        return _new(job_id, "", "", trace_id, now)
    return _new(job_id, current.source, current.match_id, trace_id, now)


def running(
    request: IngestRequest, *, trace_id: str, now: str, previous: JobState | None, checkpoint: str
) -> JobState:
    """The ``running`` state recorded before any output; counts the attempt."""
    return dataclasses.replace(
        queued(request, trace_id=trace_id, now=now),
        status=JobStatus.RUNNING,
        started_at=now,
        attempt=_attempts(previous) + 1,
        checkpoint=checkpoint,
    )


def _attempts(previous: JobState | None) -> int:
    return previous.attempt if previous is not None else 0


def progressed(state: JobState, *, events_emitted: int, now: str) -> JobState:
    return dataclasses.replace(state, events_emitted=events_emitted, updated_at=now)


def succeeded(
    state: JobState,
    *,
    raw_events_read: int,
    events_emitted: int,
    events_dropped: Mapping[str, int],
    now: str,
    changes: Mapping[str, int] | None = None,
    unmapped: Mapping[str, int] | None = None,
) -> JobState:
    """``changes``: the job's ``added``, ``changed``, ``retracted`` and ``unchanged`` counts;
    ``unmapped``: the provider values no mapping table knows, by field."""
    tally: dict[str, Any] = {
        "raw_events_read": raw_events_read,
        "events_emitted": events_emitted,
        "unmapped": dict(unmapped or {}),
    }
    if changes is not None:
        tally.update({kind: int(changes[kind]) for kind in _CHANGE_KINDS})
    return _ended(state, JobStatus.SUCCEEDED, now, events_dropped=events_dropped, **tally)


_CHANGE_KINDS: Final = ("added", "changed", "retracted", "unchanged")


class _ChangeCounts(TypedDict):
    """``JobState``'s ``_CHANGE_KINDS``, as keywords of ``dataclasses.replace``."""

    added: int | None
    changed: int | None
    retracted: int | None
    unchanged: int | None


def _change_counts(state: JobState | None) -> _ChangeCounts:
    """The state's counts; all None without a state."""
    if state is None:
        return _ChangeCounts(added=None, changed=None, retracted=None, unchanged=None)
    return _ChangeCounts(
        added=state.added,
        changed=state.changed,
        retracted=state.retracted,
        unchanged=state.unchanged,
    )


def _added_up(one: _ChangeCounts, other: _ChangeCounts) -> _ChangeCounts:
    """Count by count, a None as 0."""
    return _ChangeCounts(
        added=(one["added"] or 0) + (other["added"] or 0),
        changed=(one["changed"] or 0) + (other["changed"] or 0),
        retracted=(one["retracted"] or 0) + (other["retracted"] or 0),
        unchanged=(one["unchanged"] or 0) + (other["unchanged"] or 0),
    )


def failed(
    state: JobState,
    *,
    code: str,
    message: str,
    now: str,
    log: Any | None = None,
    error_type: str = "InvalidRequest",
    secrets: tuple[str, ...] = (),
) -> JobState:
    """A failed final state (secrets masked in the message); with ``log``, writes the job's
    one JSON error line."""
    message = scrub(message, secrets)
    if log is not None:
        log.error(
            "job failed", **log_fields(state), error_type=error_type, error_code=code, error=message
        )
    return _ended(state, JobStatus.FAILED, now, error_code=code, error_message=message)


def _ended(state: JobState, status: JobStatus, now: str, **fields: Any) -> JobState:
    return dataclasses.replace(state, status=status, updated_at=now, finished_at=now, **fields)


def log_fields(state: JobState) -> dict[str, str]:
    """What every log line about a job names."""
    return {k: getattr(state, k) for k in ("trace_id", "job_id", "source", "match_id")}


def failed_by(
    state: JobState,
    error: BaseException,
    *,
    now: str,
    log: Any | None = None,
    secrets: tuple[str, ...] = (),
) -> JobState:
    """Failed with the error's stable code (``processors.application.errors``)."""
    return failed(
        state,
        code=error_code(error),
        message=str(error) or type(error).__name__,
        now=now,
        log=log,
        error_type=type(error).__name__,
        secrets=secrets,
    )


def skipped(request: IngestRequest, *, trace_id: str, reason: str, now: str) -> JobState:
    """A backfill child whose match has not changed since its last successful ingest."""
    return dataclasses.replace(
        queued(request, trace_id=trace_id, now=now),
        status=JobStatus.SUCCEEDED,
        started_at=now,
        finished_at=now,
        skipped=True,
        skip_reason=reason,
    )


def supersedes(update: JobState, current: JobState | None) -> bool:
    """True when ``update`` (from job-updates) moves the job on; a state never goes back."""
    return current is None or _RANK[update.status] > _RANK[current.status]


def most_advanced(states: Iterable[JobState]) -> JobState | None:
    """The state to show when a job id shows up in more than one changelog partition (a
    producer sent the same job id to two partitions): the furthest status, then the newest."""
    return max(states, key=lambda s: (_RANK[s.status], s.updated_at), default=None)


# -- the CDF lane's notice ------------------------------------------------------------------


def cdf_summary_text(written: int, withheld: Mapping[str, int], error: str | None = None) -> str:
    """``cdf: written N, withheld M (reason n, ...)``, reasons by count, largest first."""
    if error is not None:
        return f"cdf: not written ({error})"
    total = sum(withheld.values())
    text = f"cdf: written {written}, withheld {total}"
    if total:
        reasons = sorted(withheld.items(), key=lambda item: (-item[1], item[0]))
        text += " (" + ", ".join(f"{reason} {count}" for reason, count in reasons) + ")"
    return text


def cdf_notice(
    *,
    job_id: str,
    source: str,
    match_id: str,
    trace_id: str,
    now: str,
    revision: int,
    events_written: int = 0,
    events_withheld: Mapping[str, int] | None = None,
    match_sheet_withheld: str | None = None,
    meta_withheld: str | None = None,
    error: str | None = None,
) -> JobState:
    """The CDF lane's notice on job-updates (key: the job id): the job's publication turned
    into CDF. Only its ``cdf`` is folded into the job's state (``fold_cdf``)."""
    withheld = dict(sorted((events_withheld or {}).items()))
    text = cdf_summary_text(events_written, withheld, error)
    cdf = CdfSummary(
        revision, events_written, withheld, match_sheet_withheld, meta_withheld, error, text
    )
    # SUCCEEDED: a manifest exists only for a publication that committed.
    notice = _new(job_id, source, match_id, trace_id, now)
    return dataclasses.replace(notice, status=JobStatus.SUCCEEDED, cdf=cdf)


def is_cdf_notice(update: JobState) -> bool:
    return update.cdf is not None


def fold_cdf(current: JobState | None, notice: JobState) -> JobState | None:
    """The job's state with the lane's CDF summary; None when nothing changes (no such job
    here, a repeat, or a summary of an earlier revision than the one it holds)."""
    if current is None or notice.cdf is None:
        return None
    held = current.cdf
    if held is not None and (held == notice.cdf or held.revision > notice.cdf.revision):
        return None
    return dataclasses.replace(current, cdf=notice.cdf)


def keep_cdf(final: JobState, current: JobState | None) -> JobState:
    """``final`` keeping a CDF summary folded in while the job was still finishing."""
    if current is None or current.cdf is None or final.cdf is not None:
        return final
    return dataclasses.replace(final, cdf=current.cdf)


# -- a backfill parent and its children ------------------------------------------------------


def notice_for_parent(child: JobState, parent_job_id: str) -> JobState:
    """The child's state as sent to its parent on job-updates (keyed by the parent)."""
    return dataclasses.replace(child, parent_job_id=parent_job_id)


def is_parent_notice(key: bytes | None, update: JobState) -> bool:
    """A child's state sent to its parent: keyed by the parent's id, about another job."""
    return (
        key is not None
        and update.parent_job_id is not None
        and update.job_id != update.parent_job_id
        and key == update.parent_job_id.encode()
    )


def child_status(state: JobState) -> str:
    if state.status is JobStatus.SUCCEEDED:
        return SKIPPED if state.skipped else SUCCEEDED
    return state.status.value


def summarize(statuses: Mapping[str, str]) -> JobChildren:
    counts = Counter(statuses.values())
    return JobChildren(
        total=len(statuses),
        queued=counts[QUEUED],
        running=counts[RUNNING],
        succeeded=counts[SUCCEEDED],
        failed=counts[FAILED],
        skipped=counts[SKIPPED],
    )


def parent_running(
    request: IngestRequest,
    match_ids: list[str],
    *,
    trace_id: str,
    now: str,
    previous: JobState | None,
) -> JobState:
    """The parent's ``running`` state with every listed child; keeps what an earlier run of
    the same parent already learnt about its children."""
    known = dict(previous.child_statuses) if previous is not None else {}
    statuses = {match_id: known.get(match_id, QUEUED) for match_id in match_ids}
    statuses.update(known)
    return dataclasses.replace(
        queued(request, trace_id=trace_id, now=now),
        status=JobStatus.RUNNING,
        started_at=previous.started_at if previous and previous.started_at else now,
        attempt=_attempts(previous) + 1,
        events_emitted=previous.events_emitted if previous is not None else 0,
        raw_events_read=previous.raw_events_read if previous is not None else 0,
        children=summarize(statuses),
        child_statuses=statuses,
        failed_children=previous.failed_children if previous is not None else (),
        **_change_counts(previous),
    )


def finish_if_done(parent: JobState, now: str) -> JobState:
    """``succeeded`` once every child succeeded or was skipped; ``failed`` when any failed."""
    counts = parent.children
    if parent.status.is_final or counts is None or counts.queued or counts.running:
        return parent
    if counts.failed == 0:
        return _ended(parent, JobStatus.SUCCEEDED, now)
    reasons = Counter(child.error_code for child in parent.failed_children)
    summary = ", ".join(f"{count} {code}" for code, count in reasons.most_common())
    return failed(
        parent,
        code="children_failed",
        message=(
            f"{counts.failed} of {counts.total} matches failed ({summary}); see failed_children"
        ),
        now=now,
    )


def fold_child(parent: JobState, child: JobState, now: str) -> JobState | None:
    """The parent after one child's state; None when nothing changes (a repeat, a step back)."""
    if parent.children is None or parent.status.is_final:
        return None
    new = child_status(child)
    old = parent.child_statuses.get(child.match_id)
    if old is not None and _RANK[new] <= _RANK[old]:
        return None
    statuses = {**parent.child_statuses, child.match_id: new}
    failed_children = parent.failed_children
    if new == FAILED:
        failed_children = (
            *failed_children,
            FailedChild(
                job_id=child.job_id,
                match_id=child.match_id,
                error_code=child.error_code or "",
                error_message=child.error_message or "",
            ),
        )
    emitted, raw = parent.events_emitted, parent.raw_events_read
    changes = _change_counts(parent)
    if new == SUCCEEDED:
        emitted += child.events_emitted
        raw += child.raw_events_read
        if child.unchanged is not None:  # the child compared its match with its last publication
            changes = _added_up(changes, _change_counts(child))
    folded = dataclasses.replace(
        parent,
        **changes,
        child_statuses=statuses,
        children=summarize(statuses),
        failed_children=failed_children,
        events_emitted=emitted,
        raw_events_read=raw,
        updated_at=now,
    )
    return finish_if_done(folded, now)
