"""Giving freed heap memory back to the operating system between jobs, and pausing the cyclic
garbage collector while one unit of work builds a match's records.

A job allocates tens of MB of Python objects at its peak (a parsed match, its payloads, the
change set) and frees them at its end. glibc keeps most freed memory in its heaps and in
per-thread arenas, so the worker's resident size settles far above what it holds
(bench/README.md: the Faust process held ~75 MB more than it used after 20 jobs).
``trim_heap`` asks glibc to return it (``malloc_trim``); elsewhere it does nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
from collections.abc import Callable
from collections.abc import Iterator
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim  # releases the GIL while it runs
    except (OSError, AttributeError):
        return None
    return trim


def trim_heap() -> bool:
    """Return freed heap memory to the OS; False where the C library cannot (not glibc)."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True


@contextlib.contextmanager
def collection_paused() -> Iterator[None]:
    """The cyclic collector paused for one unit of work, then restored as it was.

    Building a match's CDF records allocates tens of thousands of short-lived containers
    that hold no cycles; every 700 allocations a generation-0 pass walks them and frees
    nothing (4-9 % of the CDF lane's CPU per match, bench/README.md). Reference counting
    still frees them; a cycle made meanwhile is collected after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
