"""Snap word boundaries out of silences.

Whisper's word timestamps often stretch a word across the pause before or
after it ("ask" lasting 1.6 s because it absorbed a 1.2 s pause), which
makes captions appear early and linger.  Like stable-ts' silence
suppression, we find stretches that are clearly quieter than the speech
around them and move any word edge that lies inside one to the edge of the
silence.  Words never move past their neighbours and never lose their text.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..audio import Audio
from ..document import Transcript, Word


@dataclass(frozen=True)
class TimingOptions:
    enabled: bool = True
    frame_ms: int = 10
    # The clip's noise floor (10th percentile of frame energy) and speech level (95th)
    # set the threshold: silent = within ``floor_share`` of the way from floor to speech,
    # and at least ``min_below_speech_db`` under the speech level.
    floor_share: float = 0.3
    min_below_speech_db: float = 20.0
    min_contrast_db: float = 15.0  # less contrast than this: no reliable silences at all
    min_silence_ms: int = 150  # shorter dips are gaps between syllables, not pauses
    min_word_ms: int = 60  # a word keeps at least this much of its time


def silences(audio: Audio, options: TimingOptions = TimingOptions()) -> list[tuple[int, int]]:
    """``(start_ms, end_ms)`` of every silent stretch of at least ``min_silence_ms``."""
    db = audio.frame_db(options.frame_ms)
    if db.size == 0:
        return []
    floor, speech = np.percentile(db, 10), np.percentile(db, 95)
    if speech - floor < options.min_contrast_db:
        return []
    threshold = min(floor + options.floor_share * (speech - floor), speech - options.min_below_speech_db)
    quiet = np.concatenate(([False], db < threshold, [False]))
    edges = np.flatnonzero(np.diff(quiet.astype(np.int8)))
    runs = []
    for a, b in zip(edges[::2], edges[1::2]):
        if (b - a) * options.frame_ms >= options.min_silence_ms:
            runs.append((int(a) * options.frame_ms, int(b) * options.frame_ms))
    return runs


def snap_word(word: Word, runs: list[tuple[int, int]], min_word_ms: int) -> Word:
    start, end = word.start_ms, word.end_ms
    for a, b in runs:
        if b <= start or a >= end:
            continue
        if a <= start < b:  # the word starts inside a silence: start when it ends
            start = min(b, end - min_word_ms)
        elif a < end <= b:  # the word ends inside a silence: end when it starts
            end = max(a, start + min_word_ms)
        elif start < a and b < end and (a - start) < (end - b):
            end = max(a, start + min_word_ms)  # a pause inside: keep the longer side
        elif start < a and b < end:
            start = min(b, end - min_word_ms)
    if end - start < min_word_ms or start < word.start_ms:
        return word
    return replace(word, start_ms=start, end_ms=end)


def refine(doc: Transcript, audio: Audio, options: TimingOptions = TimingOptions()) -> Transcript:
    if not options.enabled or not doc.words:
        return doc
    runs = silences(audio, options)
    words: list[Word] = []
    for w in doc.words:
        w = snap_word(w, runs, options.min_word_ms)
        if words and w.start_ms < words[-1].end_ms:  # never overlap the previous word
            w = replace(w, start_ms=max(w.start_ms, words[-1].start_ms))
        words.append(w)
    return replace(doc, words=tuple(words))
