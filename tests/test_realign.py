"""Re-timing new words: Whisper alignment on a real clip (tiny.en), and the fallbacks."""
from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import CORPUS

from transcribe_kit.document import Speaker, Transcript
from transcribe_kit.editing.apply import EditOptions, apply_page
from transcribe_kit.editing.readback import parse_body, text_blocks
from transcribe_kit.asr.alignment import ForcedAlignOptions, clamp, regroup, spread
from transcribe_kit.turns import build_turns

CLIP = CORPUS / "podcast_004_short" / "podcast_004_short.mp3"


@given(st.lists(st.tuples(st.integers(-500, 5000), st.integers(0, 800)), max_size=8),
       st.integers(0, 2000), st.integers(0, 3000))
def test_clamp_keeps_words_inside_the_gap_and_in_order(times, lo, width):
    hi = lo + width
    out = clamp([(a, a + d) for a, d in times], lo, hi)
    assert len(out) == len(times)
    assert all(lo <= a <= b <= hi for a, b in out)
    assert [a for a, _ in out] == sorted(a for a, _ in out)


@given(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=10), st.integers(0, 10_000), st.integers(0, 5000))
def test_spread_fills_the_gap(words, lo, width):
    out = spread(words, lo, lo + width)
    assert out[0][0] == lo and out[-1][1] == lo + width
    assert all(b == c for (_, b), (c, _) in zip(out, out[1:]))


def test_regroup_merges_whisper_punctuation_pieces():
    pieces = [(" Hello", 0, 100), (",", 100, 120), (" world", 150, 300), (".", 300, 310)]
    assert regroup(["Hello,", "world."], pieces) == [(0, 120), (150, 310)]
    assert regroup(["Hello,", "there", "world."], pieces) is None


@pytest.fixture(scope="module")
def recognised():
    """Twelve seconds of a real recording and tiny.en's timed words for it."""
    if not CLIP.exists():
        pytest.skip("the corpus recording is not on this machine")
    from transcribe_kit import asr, audio

    clip = audio.load(CLIP)
    clip = replace(clip, samples=clip.slice_ms(0, 12_000))
    words = asr.transcribe(clip, asr.AsrOptions(model="tiny.en", beam_size=1)).words
    doc = Transcript("clip", clip.duration_ms, "en", speakers=(Speaker("S1", label="Dez"),),
                     words=tuple(replace(w, speaker="S1") for w in words))
    return clip, build_turns(doc)


def page_of(words) -> object:
    return parse_body(text_blocks("Dez: " + " ".join(words)), {"Dez"})


def test_new_words_are_aligned_against_the_audio(recognised):
    clip, doc = recognised
    texts = [w.text for w in doc.words]
    k = len(texts) // 2
    garbled = replace(doc, words=tuple(replace(w, text="zzyzx") if i in (k, k + 1) else w
                                       for i, w in enumerate(doc.words)))
    dropped = build_turns(replace(doc, words=doc.words[:k + 4] + doc.words[k + 5:]))
    options = EditOptions(ForcedAlignOptions(model="tiny.en"))
    for start, fixed in ((garbled, [k, k + 1]), (dropped, [k + 4])):
        result = apply_page(start, page_of(texts), lambda: clip, options)
        assert result.aligned == len(fixed) and result.estimated == 0
        for i in fixed:
            new = result.transcript.words[i]
            assert not new.estimated and abs(new.start_ms - doc.words[i].start_ms) <= 300, (new, doc.words[i])
        unchanged = [i for i in range(len(texts)) if i not in fixed]
        times = {(w.start_ms, w.end_ms) for w in start.words}
        assert all((result.transcript.words[i].start_ms, result.transcript.words[i].end_ms) in times for i in unchanged)


def test_without_audio_new_words_are_spread_and_marked(recognised):
    _, doc = recognised
    texts = [w.text for w in doc.words]
    texts[3] = "zzyzx"
    result = apply_page(doc, page_of(texts), lambda: None, EditOptions())
    new = result.transcript.words[3]
    assert new.estimated and result.estimated == 1
    assert doc.words[2].end_ms <= new.start_ms <= new.end_ms <= doc.words[4].start_ms
