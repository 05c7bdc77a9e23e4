"""A count that says more voices speak than the diarisation found: a voice that holds two is split.

The words and times are podcast_004_short's ground truth (a synthetic episode with four
voices), so the test asks only what the split itself decides, on the real voice model."""
from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache

import pytest

from transcribe_kit import audio
from transcribe_kit.document import Speaker, Transcript, Word
from transcribe_kit.speakers import refine, voiceprint

from conftest import CORPUS, need

EPISODE = CORPUS / "podcast_004_short"
SPAN_MS = 150_000  # the first two and a half minutes: Dez opens, guests answer


@lru_cache(maxsize=1)
def _episode():
    words = json.loads(need(EPISODE / "podcast_004_short.words.json").read_text())
    truth = [(round(w["start"] * 1000), round(w["end"] * 1000), w["word"], w["speaker"]) for w in words
             if w["end"] * 1000 <= SPAN_MS]
    samples = audio.load(need(EPISODE / "podcast_004_short.mp3")).samples[: SPAN_MS * 16]
    return truth, audio.Audio(samples)


@pytest.fixture(scope="module")
def encoder():
    return voiceprint.VoiceEncoder()


def _as_one_voice(truth, keep=lambda speaker: True) -> Transcript:
    words = tuple(Word(text, start, end, speaker="S1") for start, end, text, speaker in truth if keep(speaker))
    return Transcript(episode="split", words=words, speakers=(Speaker(id="S1"),))


def test_two_voices_heard_as_one_are_split_when_the_count_says_two(encoder):
    truth, source = _episode()
    first_two = [s for s, _ in Counter(t[3] for t in truth).most_common(2)]
    doc = _as_one_voice(truth, lambda speaker: speaker in first_two)
    split = refine.split_voices(doc, source, encoder, wanted=2)
    assert {s.id for s in split.speakers} == {"S1", "S2"}
    real = [t[3] for t in truth if t[3] in first_two]
    # each new voice is mostly one real voice, and most words went to the right one
    pairs = Counter(zip((w.speaker for w in split.words), real))
    right = max(pairs[("S1", first_two[0])] + pairs[("S2", first_two[1])],
                pairs[("S1", first_two[1])] + pairs[("S2", first_two[0])])
    assert right / len(real) >= 0.9, pairs


def test_one_voice_is_not_split_even_when_the_count_says_two(encoder):
    truth, source = _episode()
    host = Counter(t[3] for t in truth).most_common(1)[0][0]
    doc = _as_one_voice(truth, lambda speaker: speaker == host)
    assert refine.split_voices(doc, source, encoder, wanted=2) == doc


def test_nothing_changes_when_the_count_is_reached(encoder):
    truth, source = _episode()
    doc = _as_one_voice(truth)
    assert refine.split_voices(doc, source, encoder, wanted=1) == doc
    off = refine.split_voices(doc, source, encoder, wanted=2, options=refine.RefineOptions(enabled=False))
    assert off == doc
