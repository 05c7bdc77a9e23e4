"""Word edges where the speech starts and stops: out of the silences (``refine``), up to them (``close_gaps``).

Whisper's word timestamps often stretch a word across the pause before or
after it ("ask" lasting 1.6 s because it absorbed a 1.2 s pause), which
makes captions appear early and linger.  Like stable-ts' silence
suppression, we find stretches that are clearly quieter than the speech
around them and move any word edge that lies inside one to the edge of the
silence.  The other way round, they often leave a gap between two words
where nothing is quiet ("Someone" lasting 60 ms, a word the recogniser left
out): that sound is speech, so the words beside the gap grow to the silence
in it, or meet half-way when it holds none (``fill_max_ms`` at most each).
Nothing is filled where no silence can be told from speech (too little
contrast).  Words never move past their neighbours and never lose their text.
"""
from __future__ import annotations

import bisect
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
    # A word grows at most this far into a gap with sound in it: Whisper's word edges are
    # mostly within a few hundred ms of the speech, and sound farther away may be something
    # the recogniser did not transcribe (music, another voice).  0: gaps stay as recognised.
    fill_max_ms: int = 300


def silences(audio: Audio, options: TimingOptions = TimingOptions()) -> list[tuple[int, int]]:
    """``(start_ms, end_ms)`` of every silent stretch of at least ``min_silence_ms``."""
    return _silences(audio, options) or []


def silences_or_none(audio: Audio, options: TimingOptions) -> list[tuple[int, int]] | None:
    """The silences, or None when the recording has too little contrast to tell them from speech
    (the ``silences`` side stage, which the ``timing`` and ``edges`` stages both read)."""
    return _silences(audio, options)


def _silences(audio: Audio, options: TimingOptions) -> list[tuple[int, int]] | None:
    """The silences, or None when the recording has too little contrast to tell them from speech."""
    db = audio.frame_db(options.frame_ms)
    if db.size == 0:
        return None
    floor, speech = np.percentile(db, 10), np.percentile(db, 95)
    if speech - floor < options.min_contrast_db:
        return None
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


def fill_gaps(words: list[Word], runs: list[tuple[int, int]], fill_max_ms: int) -> list[Word]:
    """Each gap between two words closed up to the silences in it (``runs``, in time order),
    or half-way when it holds none; no edge moves more than ``fill_max_ms``."""
    ends = [b for _, b in runs]
    out = list(words)
    for i in range(len(out) - 1):
        left, right = out[i], out[i + 1]
        if right.start_ms <= left.end_ms or fill_max_ms <= 0:
            continue
        j = bisect.bisect_right(ends, left.end_ms)  # the first silence ending after the left word
        inside = []
        while j < len(runs) and runs[j][0] < right.start_ms:
            inside.append(runs[j])
            j += 1
        if inside:
            end, start = inside[0][0], inside[-1][1]
        else:
            end = start = (left.end_ms + right.start_ms) // 2
        end = max(left.end_ms, min(end, left.end_ms + fill_max_ms))
        start = min(right.start_ms, max(start, right.start_ms - fill_max_ms))
        if end != left.end_ms:
            out[i] = replace(left, end_ms=end)
        if start != right.start_ms:
            out[i + 1] = replace(right, start_ms=start)
    return out


def refine(doc: Transcript, audio: Audio | None, options: TimingOptions = TimingOptions(),
           found: list[tuple[int, int]] | None | bool = False) -> Transcript:
    """Word edges out of the silences (the ``timing`` stage); ``found``: the silences of
    :func:`silences_or_none`, already found (False: find them in ``audio``)."""
    if not options.enabled or not doc.words:
        return doc
    runs = silences(audio, options) if found is False else found or []
    words: list[Word] = []
    for w in doc.words:
        w = snap_word(w, runs, options.min_word_ms)
        if words and w.start_ms < words[-1].end_ms:  # never overlap the previous word
            w = replace(w, start_ms=max(w.start_ms, words[-1].start_ms))
        words.append(w)
    return replace(doc, words=tuple(words))


def close_gaps(doc: Transcript, audio: Audio | None, options: TimingOptions = TimingOptions(),
               found: list[tuple[int, int]] | None | bool = False) -> Transcript:
    """Word edges up to the silences: the ``edges`` stage, the last before the writers.  The stages
    before it read the recogniser's gaps, sound or silence, as pauses: where a voice may change
    (speakers), a paragraph or a topic may end (turns, chapters); their settings were chosen on them."""
    if not options.enabled or not doc.words:
        return doc
    runs = _silences(audio, options) if found is False else found
    if runs is None:  # no silence can be told from speech: the recogniser's gaps stand
        return doc
    return replace(doc, words=tuple(fill_gaps(list(doc.words), runs, options.fill_max_ms)))
