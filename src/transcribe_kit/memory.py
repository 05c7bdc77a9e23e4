"""Memory given back between stages.

A stage's heavy model is dropped when the stage ends (each stage module offers a
``release()``), and then ``trim`` collects Python's garbage and asks the C heap
to return its free pages: the recogniser's and torch's large buffers, once
freed, otherwise stay in the process (glibc keeps them for reuse), so every
later stage would start from the highest point an earlier one reached
(bench/README.md, "Memory and speed").
"""
from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import os
import platform
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path


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


HUGE_PAGES = "glibc.malloc.hugetlb"  # glibc 2.35+: malloc asks for transparent huge pages (madvise)
THP_MODE = Path("/sys/kernel/mm/transparent_hugepage/enabled")


def huge_pages_environment(environ: Mapping[str, str] = os.environ, thp_mode: Path = THP_MODE) -> dict | None:
    """The environment to start this process again in, so that the C heap takes transparent huge
    pages; None where that changes nothing (not glibc 2.35+, the system's huge pages not in
    ``madvise`` mode: ``never`` has none, ``always`` gives them anyway; or the tunable already set:
    ``GLIBC_TUNABLES=glibc.malloc.hugetlb=0`` turns this off).

    CTranslate2's Whisper encoder takes 72 MB for each layer's attention scores, over glibc's
    largest heap block, so every layer of every 30 s window maps fresh memory and faults it in
    4 KB at a time: on podcast_004_short 12.9 million page faults, 12 % of the CPU time in the
    kernel.  With huge pages: 1.8 million faults, 7 %, the run 11 % faster at the same peak
    (bench/README.md "Memory and speed").  glibc reads its tunables only at start-up."""
    if not sys.platform.startswith("linux") or HUGE_PAGES in environ.get("GLIBC_TUNABLES", ""):
        return None
    libc, version = platform.libc_ver()
    try:
        if libc != "glibc" or tuple(int(p) for p in version.split(".")[:2]) < (2, 35):
            return None
        if "[madvise]" not in thp_mode.read_text():
            return None
    except (OSError, ValueError):
        return None
    tunables = ":".join(t for t in (environ.get("GLIBC_TUNABLES", ""), f"{HUGE_PAGES}=1") if t)
    return {**environ, "GLIBC_TUNABLES": tunables}


def trim(collect: bool = True) -> None:
    """Collect garbage (unless ``collect`` is False), then return the C heap's free memory to the
    system where the C library can."""
    if collect:
        gc.collect()
    fn = _malloc_trim()
    if fn is not None:
        fn(0)


# imports under way in any thread; whether the collector was on before the first began; the modules loaded then
_importing = [0, False, 0]
_import_lock = threading.Lock()


@contextlib.contextmanager
def importing():
    """A block of heavy imports (torch, pyannote.audio, spaCy and their models): no garbage collection
    while any thread is inside one, and what they left set aside from later collections once the last
    ends, if they loaded a module.

    pyannote.audio's import makes about 550,000 objects that live as long as the process; the collector
    walked them eight times while they were made (1.1 s of a 4.4 s import) and again at every full
    collection after a stage (0.3 s each, finding next to nothing): on an 11 s clip, 2.3 s of the run
    (bench/README.md "Start-up, third pass").  ``gc.freeze`` takes every object alive at the time out of
    the collector's sight; they are still freed when nothing refers to them, but a cycle among them is
    never collected, so the freeze happens only when new modules came in (once per process in a batch).
    """
    with _import_lock:
        if _importing[0] == 0:
            _importing[1:] = [gc.isenabled(), len(sys.modules)]
            gc.disable()
        _importing[0] += 1
    try:
        yield
    finally:
        with _import_lock:
            _importing[0] -= 1
            if _importing[0] == 0:
                if len(sys.modules) != _importing[2]:  # any thread's import since the first began
                    gc.freeze()
                if _importing[1]:
                    gc.enable()


_given_back = [0.0]
_give_lock = threading.Lock()


def give_back(every_s: float = 1.0) -> None:
    """Return the C heap's free memory (no garbage collection), at most once every ``every_s`` seconds
    whichever thread asks: for work that frees large buffers all along, as recognition in parts does.
    Two decoders at once on podcast_004_short peaked at 975 MB, glibc keeping what they freed; a trim
    after every segment: 733 MB at 9 % more time; at most every 3 s: 853 MB, no slower
    (bench/README.md "Recognition in parts")."""
    now = time.monotonic()
    with _give_lock:
        if now - _given_back[0] < every_s:
            return
        _given_back[0] = now
    trim(collect=False)
