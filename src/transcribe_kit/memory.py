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


def trim() -> None:
    """Collect garbage, then return the C heap's free memory to the system where the C library can."""
    gc.collect()
    fn = _malloc_trim()
    if fn is not None:
        fn(0)
