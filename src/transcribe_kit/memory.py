"""Memory given back between stages.

A stage's heavy model is dropped when the stage ends (each stage module offers a
``release()``), and then ``trim`` collects Python's garbage and asks the C heap
to return its free pages: the recogniser's and torch's large buffers, once
freed, otherwise stay in the process (glibc keeps them for reuse), so every
later stage would start from the highest point an earlier one reached
(bench/README.md, "Memory and speed").
"""
from __future__ import annotations

import ctypes
import functools
import gc
import sys


@functools.cache
def _malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return getattr(ctypes.CDLL("libc.so.6"), "malloc_trim", None)  # glibc; musl has none
    except OSError:
        return None


M_ARENA_MAX = -8  # glibc's mallopt parameter
ARENAS = 2  # C heaps for all threads together (glibc's default: eight per core)


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Let the C heap keep at most ``arenas`` arenas, shared by all threads; call it first thing.

    Recognition, the diarisation and the sound detector run in threads of their own, and glibc
    gives each a heap that keeps its freed pages apart: on the hour, two arenas put the highest
    point at 1605 MB instead of 1712, at the same speed (bench/README.md "Memory and speed").
    True when the C library took it (glibc only)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = getattr(ctypes.CDLL("libc.so.6"), "mallopt", None)
    except OSError:
        return False
    return bool(mallopt and mallopt(M_ARENA_MAX, arenas) == 1)


def trim() -> None:
    """Collect garbage, then return the C heap's free memory to the system where the C library can."""
    gc.collect()
    fn = _malloc_trim()
    if fn is not None:
        fn(0)
