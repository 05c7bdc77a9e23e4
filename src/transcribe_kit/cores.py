"""How many threads each library may start: the one place that decides.

The process may run on the cores its affinity allows (``os.sched_getaffinity``: ``taskset``, a
container's cpuset), at most ``jobs`` of them when a cap is set (``--jobs N``,
``ProcessOptions.jobs``).  That budget is shared out between what runs at the same time:
recognition (CTranslate2's ``cpu_threads``), the diarisation beside it (torch's intra-op
threads), the sound detector's pieces.  A library left to itself starts a thread per core it
sees (torch) or four (CTranslate2), whatever else runs, and the threads that find no core
spin and wait: system time, not work.

Thread counts never enter a stage's cache key: the results do not depend on them (CTranslate2
int8 gave the same words and times with 1, 2 and 4 threads, bench/README.md), so a run on
another machine or with another ``--jobs`` reuses the cache.
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator

_state = threading.local()
_cap: list[int] = []  # the innermost ``limit`` of this process (a stack: nested runs restore theirs)
_lock = threading.Lock()
_beside = [0]  # threads the side stages running now were given


def available() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def budget() -> int:
    """The cores the process may use: its affinity, capped by the innermost :func:`limit`."""
    cores = available()
    with _lock:
        return min(cores, _cap[-1]) if _cap else cores


@contextlib.contextmanager
def limit(jobs: int | None) -> Iterator[int]:
    """Cap the budget at ``jobs`` cores (None or 0: no cap) for the block; yields the budget."""
    with _lock:
        _cap.append(jobs if jobs and jobs > 0 else 1 << 16)
    try:
        yield budget()
    finally:
        with _lock:
            _cap.pop()


def beside(lanes: int) -> tuple[int, int]:
    """Threads for recognition and for one stage running beside it, out of the budget.

    Recognition's beam search keeps about 1.3 cores busy whatever it is given (BASELINE.md), so
    on two cores it keeps both and the stage beside it takes one: the core recognition leaves
    idle part of the time.  On more cores they split it, recognition taking the larger part."""
    cores = budget()
    if lanes <= 1:
        return cores, cores
    side = max(1, cores // (lanes + 1))
    return max(1, cores - side) if cores > 2 else cores, side


@contextlib.contextmanager
def side_stage(threads: int) -> Iterator[None]:
    """A side stage runs in the block, on ``threads`` threads (counted in :func:`free`)."""
    with _lock:
        _beside[0] += threads
    try:
        yield
    finally:
        with _lock:
            _beside[0] -= threads


def free() -> int:
    """The budget's cores not given to a side stage running now (at least one)."""
    with _lock:
        beside = _beside[0]
    return max(1, budget() - beside)


def asr_threads(requested: int = 0) -> int:
    """CTranslate2's ``cpu_threads``: the option when the user set one, else this thread's share."""
    if requested:
        return requested
    return getattr(_state, "asr", 0) or budget()


def torch_threads() -> int:
    """torch's intra-op threads for the calling thread's stage."""
    return getattr(_state, "torch", 0) or budget()


@contextlib.contextmanager
def share(asr: int = 0, torch: int = 0) -> Iterator[None]:
    """Give the stages run by the calling thread ``asr`` and ``torch`` threads (0: the budget)."""
    saved = getattr(_state, "asr", 0), getattr(_state, "torch", 0)
    _state.asr, _state.torch = asr, torch
    try:
        yield
    finally:
        _state.asr, _state.torch = saved


def widen() -> None:
    """The calling thread's stage takes the whole budget from now on (nothing runs beside it any more)."""
    _state.asr = _state.torch = 0
    set_torch_threads()


def set_torch_threads() -> int:
    """Size torch's thread pool for the calling stage, when torch is loaded; returns the count."""
    n = torch_threads()
    torch = sys.modules.get("torch")
    get, put = getattr(torch, "get_num_threads", None), getattr(torch, "set_num_threads", None)
    if get is None or put is None:  # not loaded, or still being imported by another stage's thread:
        return n  # the stage that imports it sizes it once it is in (diarize.py)
    if get() != n:
        put(n)
    return n
