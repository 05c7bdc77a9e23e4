"""Word edges and the silences between words (asr/timing.py), on made-up sound."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from transcribe_kit import audio
from transcribe_kit.asr.timing import TimingOptions, close_gaps, fill_gaps
from transcribe_kit.document import Transcript, Word

RATE = audio.SAMPLE_RATE


def _sound(spans_ms: list[tuple[int, int]], total_ms: int, seed: int = 0) -> audio.Audio:
    """Noise-like 'speech' over ``spans_ms``, near-silence elsewhere."""
    rng = np.random.default_rng(seed)
    samples = rng.normal(0, 0.0005, total_ms * RATE // 1000).astype(np.float32)
    for a, b in spans_ms:
        samples[a * RATE // 1000: b * RATE // 1000] += rng.normal(0, 0.1, (b - a) * RATE // 1000).astype(np.float32)
    return audio.Audio(samples)


def test_words_grow_over_the_sound_between_them_but_not_into_a_pause():
    # speech 0-2000 ms, a pause 2000-2600 ms, speech 2600-4000 ms
    source = _sound([(0, 2000), (2600, 4000)], 4000)
    words = (Word("one", 100, 600), Word("two", 800, 1500),  # 300 ms of sound left between them
             Word("three", 1600, 1900), Word("four", 2800, 3500))  # the pause lies between these
    out = close_gaps(Transcript(episode="t", words=words), source).words
    assert [w.text for w in out] == ["one", "two", "three", "four"]
    assert out[0].end_ms == out[1].start_ms == 700  # met half-way: no silence between them
    assert 1990 <= out[2].end_ms <= 2010 and 2590 <= out[3].start_ms <= 2610  # up to the pause, not into it
    assert out[0].start_ms == 100 and out[3].end_ms == 3500  # the outer edges are not gaps


def test_a_word_grows_at_most_fill_max_ms():
    source = _sound([(0, 3500)], 5000)  # sound up to 3.5 s, then silence (which gives the clip contrast)
    words = (Word("far", 100, 500), Word("apart", 2500, 3000))
    out = close_gaps(Transcript(episode="t", words=words), source, TimingOptions(fill_max_ms=300)).words
    assert (out[0].end_ms, out[1].start_ms) == (800, 2200)
    unchanged = close_gaps(Transcript(episode="t", words=words), source, TimingOptions(fill_max_ms=0)).words
    assert unchanged == words


def test_nothing_moves_where_silence_cannot_be_told_from_speech():
    source = _sound([(0, 3000)], 3000)  # sound everywhere: no contrast
    words = (Word("a", 100, 400), Word("b", 900, 1200))
    assert close_gaps(Transcript(episode="t", words=words), source).words == words


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.integers(1, 500)), min_size=1, max_size=30),
       st.lists(st.tuples(st.integers(0, 20_000), st.integers(1, 2_000)), max_size=10),
       st.integers(0, 1_000))
def test_filling_keeps_order_text_and_silences(steps, silence_list, cap):
    words, at = [], 0
    for i, (gap, length) in enumerate(steps):
        words.append(Word(f"w{i}", at + gap, at + gap + length))
        at += gap + length
    runs, last = [], -1
    for start, length in sorted(silence_list):
        if start > last:
            runs.append((start, start + length))
            last = start + length
    out = fill_gaps(words, runs, cap)
    assert [w.text for w in out] == [w.text for w in words]
    for before, after in zip(words, out):
        assert after.start_ms <= before.start_ms and after.end_ms >= before.end_ms  # words only grow
        assert before.start_ms - after.start_ms <= cap and after.end_ms - before.end_ms <= cap
        for a, b in runs:  # ... and never into a silence they were not already in
            grown = [(after.start_ms, before.start_ms), (before.end_ms, after.end_ms)]
            assert all(min(y, b) - max(x, a) <= 0 for x, y in grown)
    assert all(a.end_ms <= b.start_ms for a, b in zip(out, out[1:]))
