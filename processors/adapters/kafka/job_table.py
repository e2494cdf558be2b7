"""The Faust table ``jobs`` as the ``JobStore``: plain JSON values under raw job-id keys,
so the changelog (``<app id>-jobs-changelog``) reads as plain job ids and JobState v1 JSON."""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import MutableMapping
from typing import Any

from contracts.v1 import JobState
from contracts.v1 import decode_job_state
from contracts.v1.job_state import job_state_to_dict
from processors.application.ports import JobStore


class FaustJobTable(JobStore):
    """Writes only inside the agent's stream iteration (Faust writes the changelog of the
    partition in hand); ``flush`` waits for the app's producer, which carries the changelog."""

    def __init__(
        self, table: MutableMapping[bytes, Any], flush: Callable[[], Awaitable[None]]
    ) -> None:
        self.table = table
        self._flush = flush

    def get(self, job_id: str) -> JobState | None:
        value = self.table.get(job_id.encode())
        return None if value is None else decode_job_state(value)

    def put(self, state: JobState) -> None:
        self.table[state.job_id.encode()] = job_state_to_dict(state)

    async def flush(self) -> None:
        await self._flush()
