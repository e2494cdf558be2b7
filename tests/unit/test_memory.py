"""The heap helpers: the collector is paused for one unit of work and restored as it was."""

from __future__ import annotations

import gc
import platform

import pytest

from processors.memory import collection_paused
from processors.memory import trim_heap


@pytest.fixture(autouse=True)
def _collector_as_it_was():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_the_collector_is_paused_inside_and_enabled_again_after():
    gc.enable()
    with collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_restores_the_collector():
    gc.enable()
    with pytest.raises(RuntimeError), collection_paused():
        raise RuntimeError("mapping failed")
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled():
    gc.disable()
    with collection_paused():
        pass
    assert not gc.isenabled()


def test_the_heap_is_trimmed_where_the_c_library_is_glibc():
    assert trim_heap() is (platform.libc_ver()[0] == "glibc")
