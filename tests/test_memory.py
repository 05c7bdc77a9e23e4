"""Memory given back between stages."""
from __future__ import annotations

import sys

import numpy as np
import pytest

from transcribe_kit import memory


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_trim_returns_freed_heap_memory_to_the_system():
    # many 64 KiB blocks (under glibc's mmap threshold, so they come from the heap, as the
    # recogniser's and torch's buffers do), the last one kept so that the heap cannot shrink by itself
    blocks = [np.ones(8192) for _ in range(4000)]  # about 250 MB
    keep = blocks[-1]
    grown = rss_mb()
    del blocks
    before = rss_mb()
    memory.trim()
    after = rss_mb()
    assert grown - after > 150, (grown, before, after)
    assert keep.sum() == 8192
