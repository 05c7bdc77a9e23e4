"""A later stage's heavy imports, started in the background while an earlier stage runs.

Importing pyannote.audio (with torch and lightning) takes about four seconds; on a short
clip that was a third of the run, spent after recognition had finished.  When the
pipeline computes a stage, it starts the warm-ups of the stages after it
(:attr:`stagecache.Stage.warmup`), each once, in a daemon thread.  CTranslate2 releases
the GIL while it decodes, so the import mostly runs beside the recogniser.  For any length
when a side stage runs beside the row (the diarisation, which loads torch and pyannote during
recognition anyway); else only for recordings of up to two minutes
(``stagecache.WARMUP_MAX_MS``): on longer ones the import saved nothing worth its cost (it
holds the GIL while audio is decoded, and torch's and spaCy's memory sat on top of the
recogniser's peak).

A warm-up only imports; it never decides anything.  Its errors are swallowed: the stage
imports again itself and reports its own error.  Code that changes the import machinery
for a moment (:func:`nlp.load` hides torch from thinc) calls :func:`wait` first, and so
does the stage that needs the modules, so no module is ever imported twice at once.
"""
from __future__ import annotations

import threading
from typing import Callable

_threads: dict[str, threading.Thread] = {}
_lock = threading.Lock()


def start(name: str, fn: Callable[[], object]) -> None:
    """Run ``fn`` in the background, once per ``name`` per process."""
    with _lock:
        if name in _threads:
            return
        thread = _threads[name] = threading.Thread(target=_quietly, args=(fn,), name=f"warmup-{name}", daemon=True)
    thread.start()


def wait(name: str | None = None) -> None:
    """Until the warm-up ``name`` (every warm-up when None) has finished; at once if none started."""
    with _lock:
        threads = [t for n, t in _threads.items() if name is None or n == name]
    for thread in threads:
        if thread is not threading.current_thread():
            thread.join()


def _quietly(fn: Callable[[], object]) -> None:
    try:
        fn()
    except BaseException:  # noqa: BLE001  (the stage imports again and reports the error itself)
        pass
