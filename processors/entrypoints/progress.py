"""``submit --wait``'s one line per job state: a bar, the counts and the status."""

from __future__ import annotations

from contracts.v1 import JobChildren
from contracts.v1 import JobState
from contracts.v1 import JobStatus


def bar(done: int, total: int, *, final: bool, width: int = 30) -> str:
    """``[####....]`` filled by ``done`` of ``total``; full once final, waves while unknown."""
    if total > 0:
        filled = min(width, round(width * done / total))
        return "[" + "#" * filled + "." * (width - filled) + "]"
    return "[" + ("#" * width if final else "~" * width) + "]"


def with_error(text: str, state: JobState) -> str:
    return f"{text} ({state.error_code})" if state.error_code else text


def children_progress_text(state: JobState, *, width: int = 30) -> str:
    """A backfill: matches done of the total, and how."""
    counts = state.children or JobChildren(total=0)
    text = (
        f"{bar(counts.done, counts.total, final=state.status.is_final, width=width)} "
        f"{counts.done}/{counts.total} matches ({counts.succeeded} ingested, "
        f"{counts.skipped} skipped, {counts.failed} failed, {counts.running} running) "
        f"{state.events_emitted} events emitted; {state.status.value}"
    )
    return with_error(text, state)


def match_progress_text(state: JobState, *, width: int = 30) -> str:
    """One match: the events in words (emitted, merged or dropped, lost) and the status."""
    from processors.entrypoints.console import events_in_words
    from processors.entrypoints.console import unmapped_in_words

    total = state.raw_events_read
    done = state.events_emitted + state.events_dropped_total
    changes = None
    if state.unchanged is not None:  # the job compared the match with its last publication
        changes = {
            "added": state.added or 0,
            "changed": state.changed or 0,
            "retracted": state.retracted or 0,
            "unchanged": state.unchanged,
        }
        current = changes["added"] + changes["changed"] + changes["unchanged"]
        done = current + state.events_dropped_total
    count = events_in_words(
        total,
        state.events_emitted,
        state.events_dropped,
        final=state.status.is_final,
        succeeded=state.status is JobStatus.SUCCEEDED,
        changes=changes,
    )
    shown = bar(done, total, final=state.status.is_final, width=width)
    text = f"{shown} {count}; {state.status.value}"
    if state.unmapped:
        text += f"; {unmapped_in_words(state.unmapped)}"
    return with_error(text, state)
