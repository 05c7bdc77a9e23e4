"""Recognition a part at a time, the parts side by side, so it uses every core and its memory
does not grow with the recording.

A long recording is cut into parts of about ``window_s`` seconds (as many as the length holds,
of equal aim), each cut in the middle of the quietest half second near its aim.  Each part is
recognised on its own with ``margin_s`` seconds of the audio either side, and keeps the words
whose middle lies in it: the seam is a pause, the decoder comes to it with the half minute
before as context and passes it with the half minute after, so it neither starts nor ends
there (Whisper drops clauses near the end of what it is given: five-minute windows with no
margin put podcast_004_full's WER at 5.4-6.3 % against 3.9 % in one pass).

Because no part waits for the text of the one before, the parts run at the same time: CTranslate2's
beam search keeps about 1.3 cores busy whatever threads it is given, and spends much of the rest
waking its threads (system time), while one thread per part keeps each core busy with work
(bench/README.md "Recognition in parts").  The parts do not depend on how many run at once, so
the words are the same on any machine.  A language to detect is found on the first part, before
the others start.
"""
from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from .. import cores, memory
from ..audio import SAMPLE_RATE, Audio
from ..document import Word
from .base import AsrOptions, AsrResult, Progress, monotonic

FRAME_MS = 100
QUIET_MS = 500  # the cut goes in the middle of the quietest stretch this long

Engine = Callable[[Audio, AsrOptions, "Progress | None"], AsrResult]


def cuts(audio: Audio, window_s: int, search_s: int) -> list[int]:
    """Sample positions where the parts meet: as many parts as ``window_s`` goes into the length
    (rounded, so a part is never under about two thirds of ``window_s``), their seams aimed evenly.

    Each cut is the middle of the quietest ``QUIET_MS`` within ``search_s`` seconds either side of
    its aim."""
    if window_s <= 0:
        return []
    db = audio.frame_db(FRAME_MS)
    per_window = window_s * 1000 // FRAME_MS
    count = int(len(db) / per_window + 0.5) if per_window else 1
    if count <= 1:
        return []
    width = max(1, QUIET_MS // FRAME_MS)
    smooth = np.convolve(db, np.ones(width) / width, mode="same") if len(db) >= width else db
    search = search_s * 1000 // FRAME_MS
    frames = [0]
    for i in range(1, count):
        aim = len(db) * i // count
        a, b = max(aim - search, frames[-1] + 1), min(len(db) - 1, aim + search)
        frames.append(a + int(np.argmin(smooth[a:b])) if b > a else aim)
    return [f * FRAME_MS * SAMPLE_RATE // 1000 for f in frames[1:]]


def transcribe_windows(engine: Engine, audio: Audio, options: AsrOptions, seams: list[int],
                       progress: Progress | None = None, streams: int = 1, margin_s: int = 30) -> AsrResult:
    """``engine`` run part by part over ``audio`` (parts meeting at ``seams``, from :func:`cuts`), up
    to ``streams`` parts at once; the words in the recording's time."""
    edges = [0, *seams, len(audio.samples)]
    if len(edges) == 2:
        return engine(audio, options, _dropping(audio, progress))
    total, margin = audio.duration_ms, margin_s * SAMPLE_RATE
    done = [0] * (len(edges) - 1)
    lock = threading.Lock()

    def part(i: int, language: str | None) -> AsrResult:
        a, b = edges[i], edges[i + 1]
        lo, hi = max(0, a - margin), min(len(audio.samples), b + margin)
        offset = lo * 1000 // SAMPLE_RATE
        span = (hi - lo) * 1000 // SAMPLE_RATE

        def inner(ms: int, _total: int) -> None:  # after each segment the engine decoded:
            audio.drop_pages()  # a spilled recording's pages were copied (VAD) or are read again when needed
            memory.give_back()  # the decoders free large buffers all along; glibc would keep them
            if progress is None:
                return
            with lock:  # each part's share of the recording, by how far into its audio the engine is
                done[i] = (b - a) * 1000 // SAMPLE_RATE * min(ms, span) // max(span, 1)
                now = sum(done)
            progress(min(total, now), total)

        audio.drop_pages()  # a spilled recording: only the parts' pages being read are in
        result = engine(Audio(samples=audio.samples[lo:hi], path=audio.path), replace(options, language=language),
                        inner)
        start, end = a * 1000 // SAMPLE_RATE, b * 1000 // SAMPLE_RATE
        kept = [replace(w, start_ms=w.start_ms + offset, end_ms=w.end_ms + offset) for w in result.words]
        kept = [w for w in kept if start <= (w.start_ms + w.end_ms) // 2 < end]
        return replace(result, words=tuple(kept))

    results: list[AsrResult | None] = [None] * (len(edges) - 1)
    language = options.language
    if language is None:  # the first part finds it, the others are told
        results[0] = part(0, None)
        language = results[0].language
    todo = [i for i, r in enumerate(results) if r is None]
    if streams <= 1:
        for i in todo:
            results[i] = part(i, language)
    else:
        _side_by_side(lambda i: part(i, language), todo, streams, results)
    words = [w for r in results for w in r.words]
    if progress:
        progress(total, total)
    return AsrResult(words=tuple(monotonic(words)), language=language, engine=results[-1].engine)


def _side_by_side(run: Callable[[int], AsrResult], todo: list[int], streams: int, results: list) -> None:
    """``run`` each part of ``todo`` in order, up to ``streams`` at once, and fewer while side stages
    hold cores (``cores.free``): the diarisation beside recognition holds its models and the
    recording's chunks, and two decoders beside it would add theirs (on the hour, a peak of 1770 MB
    instead of 1506); a part starts as soon as cores come free."""
    pending, running = list(todo), {}
    with concurrent.futures.ThreadPoolExecutor(min(streams, len(todo)), thread_name_prefix="asr-part") as pool:
        try:
            while pending or running:
                while pending and len(running) < min(streams, cores.free()):
                    i = pending.pop(0)
                    running[pool.submit(run, i)] = i
                done, _ = concurrent.futures.wait(running, timeout=1.0,
                                                  return_when=concurrent.futures.FIRST_COMPLETED)
                for future in done:
                    results[running.pop(future)] = future.result()
        finally:
            pending.clear()  # an error: the parts running end, no other starts


def _dropping(audio: Audio, progress: Progress | None) -> Progress | None:
    if progress is None:
        return None

    def inner(done: int, total: int) -> None:  # after each segment the engine decoded:
        audio.drop_pages()  # a spilled recording's pages were copied (VAD) or are read again when needed
        progress(done, total)
    return inner
