"""Memory given back between stages."""
from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

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


def test_the_huge_pages_environment_adds_glibcs_tunable_once(tmp_path):
    madvise = tmp_path / "enabled"
    madvise.write_text("always [madvise] never\n")
    env = memory.huge_pages_environment({"PATH": "/bin", "GLIBC_TUNABLES": "glibc.malloc.arena_max=2"}, madvise)
    if env is None:
        pytest.skip("not glibc 2.35 or later")
    assert env == {"PATH": "/bin", "GLIBC_TUNABLES": "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1"}
    assert memory.huge_pages_environment({}, madvise) == {"GLIBC_TUNABLES": "glibc.malloc.hugetlb=1"}
    assert memory.huge_pages_environment(env, madvise) is None  # set already: not again
    assert memory.huge_pages_environment({"GLIBC_TUNABLES": "glibc.malloc.hugetlb=0"}, madvise) is None  # turned off
    madvise.write_text("always madvise [never]\n")
    assert memory.huge_pages_environment({}, madvise) is None  # the system has them off
    madvise.write_text("[always] madvise never\n")
    assert memory.huge_pages_environment({}, madvise) is None  # or gives them to every mapping anyway
    assert memory.huge_pages_environment({}, tmp_path / "missing") is None


FAULTS = """
import ctypes, resource
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):  # one encoder layer's attention scores, from C's malloc as CTranslate2 takes it (numpy
    block = libc.malloc(72 * 2**20)  # asks for huge pages itself): mapped afresh every time
    ctypes.memset(block, 1, 72 * 2**20)
    libc.free(ctypes.c_void_p(block))
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def test_the_command_starts_again_before_loading_the_command_line():
    # the first of the two processes should cost an interpreter's start, not the commands' imports
    probe = "import sys, transcribe_kit.launch; print(sorted({'click', 'numpy', 'transcribe_kit.cli'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out


def test_the_command_starts_again_once_on_huge_pages_and_faults_far_less():
    if memory.huge_pages_environment() is None:
        pytest.skip("no transparent huge pages for glibc here")
    probe = ("import os, sys; print(os.environ.get('GLIBC_TUNABLES'), flush=True); sys.argv = ['transcribe-kit', "
             "'--version']; from transcribe_kit.launch import main; main()")
    env = {k: v for k, v in os.environ.items() if k != "GLIBC_TUNABLES"}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    assert lines[0] == "None" and lines[1] == "glibc.malloc.hugetlb=1" and "transcribe-kit" in lines[2], lines
    plain = int(subprocess.run([sys.executable, "-c", FAULTS], env=env, capture_output=True, text=True,
                               check=True).stdout)
    huge = int(subprocess.run([sys.executable, "-c", FAULTS], env=memory.huge_pages_environment(env),
                              capture_output=True, text=True, check=True).stdout)
    assert plain > 20 * 18000 * 0.9 and huge < plain / 10, (plain, huge)


def _threads_importing(tmp_path, names: list[str]) -> None:
    """Import ``names`` (modules written into ``tmp_path``) inside :func:`memory.importing`, one thread each,
    the first staying inside until the second has left."""
    import threading

    for name in names:
        (tmp_path / f"{name}.py").write_text("import json\nTABLE = {i: [i] for i in range(1000)}\n")
    sys.path.insert(0, str(tmp_path))
    inside, second_done = threading.Event(), threading.Event()
    seen = {}

    def first():
        with memory.importing():
            __import__(names[0])
            inside.set()
            second_done.wait(10)
            seen["first, after the second left"] = gc.isenabled()

    def second():
        inside.wait(10)
        with memory.importing():
            __import__(names[1])
        seen["second, left"] = gc.isenabled()
        second_done.set()

    try:
        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
    finally:
        sys.path.remove(str(tmp_path))
    assert seen == {"first, after the second left": False, "second, left": False}, seen


def test_heavy_imports_run_without_collections_and_set_what_they_made_aside(tmp_path):
    """No collection while any thread imports; the collector is on again after the last import, and what
    the imports left is frozen (out of later full collections) only when a module came in."""
    gc.unfreeze()
    try:
        assert gc.isenabled()
        _threads_importing(tmp_path, ["tk_heavy_one", "tk_heavy_two"])
        assert gc.isenabled()
        frozen = gc.get_freeze_count()
        assert frozen > 0 and isinstance(sys.modules["tk_heavy_one"].TABLE, dict)
        with memory.importing():  # nothing new: nothing more is frozen
            import tk_heavy_one  # noqa: F401
        assert gc.get_freeze_count() == frozen
        gc.disable()  # a caller that had the collector off keeps it off
        with memory.importing():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
        for name in ("tk_heavy_one", "tk_heavy_two"):
            sys.modules.pop(name, None)
