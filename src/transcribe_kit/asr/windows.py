"""Recognition a few minutes at a time, so its memory does not grow with the recording.

Both engines hold copies of everything they are given (faster-whisper its VAD's
speech and the features; openai-whisper the log-mel of it all at once), so a
long recording is cut into windows of about ``window_s`` seconds, each cut at
the quietest half second near its aim, and each window is recognised on its own.
Nothing is lost or repeated at a seam: the windows do not overlap and the cut
lies in the quietest stretch around it, where nobody is mid-word.  Whisper's
own context crosses the seam as it crosses its 30-second segments: the
previous window's last words are the next window's prompt (what
``condition_on_previous_text`` would have given it), and the language the first
window found is kept.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from ..audio import SAMPLE_RATE, Audio
from ..document import Word
from .base import AsrOptions, AsrResult, Progress

FRAME_MS = 100
QUIET_MS = 500  # the cut goes in the middle of the quietest stretch this long
# Whisper's prompt holds at most 223 tokens; 60 words (about 80 tokens) is the context a
# 30-second segment normally gets from the one before it.
PROMPT_WORDS = 60

Engine = Callable[[Audio, AsrOptions, "Progress | None"], AsrResult]


def cuts(audio: Audio, window_s: int, search_s: int) -> list[int]:
    """Sample positions where the windows meet: one near every ``window_s`` seconds.

    Each cut is the middle of the quietest ``QUIET_MS`` within ``search_s`` seconds
    either side of its aim; a last window shorter than half a window is joined to
    the one before."""
    if window_s <= 0:
        return []
    db = audio.frame_db(FRAME_MS)
    width = max(1, QUIET_MS // FRAME_MS)
    smooth = np.convolve(db, np.ones(width) / width, mode="same") if len(db) >= width else db
    per_window, search = window_s * 1000 // FRAME_MS, search_s * 1000 // FRAME_MS
    out, last = [], 0
    while len(db) - last > per_window * 3 // 2:
        aim = last + per_window
        a, b = max(last + per_window // 2, aim - search), min(len(db) - per_window // 2, aim + search)
        frame = a + int(np.argmin(smooth[a:b])) if b > a else aim
        out.append(frame * FRAME_MS * SAMPLE_RATE // 1000)
        last = frame
    return out


def transcribe_windows(engine: Engine, audio: Audio, options: AsrOptions, window_s: int, search_s: int,
                       progress: Progress | None = None) -> AsrResult:
    """``engine`` run window by window over ``audio``; the words in the recording's time."""
    edges = [0, *cuts(audio, window_s, search_s), len(audio.samples)]
    if progress is not None:
        outer = progress

        def progress(done: int, total: int) -> None:  # after each segment the engine decoded:
            audio.drop_pages()  # a spilled recording's pages were copied (VAD) or are read again when needed
            outer(done, total)
    if len(edges) == 2:
        return engine(audio, options, progress)
    total = audio.duration_ms
    words: list[Word] = []
    language, engine_record = options.language, {}
    for a, b in zip(edges, edges[1:]):
        offset = a * 1000 // SAMPLE_RATE
        audio.drop_pages()  # a spilled recording: only this window's pages are read in
        window = Audio(samples=audio.samples[a:b], path=audio.path)
        prompt = " ".join(w.text for w in words[-PROMPT_WORDS:]) or options.initial_prompt
        inner = None if progress is None else (lambda done, _total, o=offset: progress(min(total, o + done), total))
        result = engine(window, replace(options, language=language, initial_prompt=prompt), inner)
        language = language or result.language
        engine_record = result.engine
        words += [replace(w, start_ms=w.start_ms + offset, end_ms=w.end_ms + offset) for w in result.words]
    if progress:
        progress(total, total)
    return AsrResult(words=tuple(words), language=language, engine=engine_record)
