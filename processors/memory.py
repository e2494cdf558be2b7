"""Giving freed heap memory back to the operating system between jobs.

A job allocates tens of MB of Python objects at its peak (a parsed match, its payloads, the
change set) and frees them at its end. glibc keeps most freed memory in its heaps and in
per-thread arenas, so the worker's resident size settles far above what it holds
(bench/README.md: the Faust process held ~75 MB more than it used after 20 jobs).
``trim_heap`` asks glibc to return it (``malloc_trim``); elsewhere it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
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
