"""The array forms of the caption builder's costs give the very numbers of the scalar ones."""
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from transcribe_kit.captions import split, timing
from transcribe_kit.captions import GROUPING, CaptionOptions, Words
from transcribe_kit.captions.grouping import place_on_words
from transcribe_kit.document import Speaker, Transcript, Word

NO_TAGS = CaptionOptions(pos_tags=False)


@st.composite
def transcripts(draw):
    """Words of any length (some longer than a line), two speakers, times sometimes out of order."""
    texts = draw(st.lists(st.sampled_from(
        ["a", "the", "of", "and", "we", "go.", "talking,", "organisation", "wonderful!", "ok?",
         "x" * 45, "internationalisation-and-more"]), min_size=1, max_size=60))
    words, t, speaker = [], draw(st.integers(0, 3000)), "A"
    for text in texts:
        if draw(st.integers(0, 12)) == 0:
            speaker = "B" if speaker == "A" else "A"
        length = draw(st.integers(0, 1500))
        words.append(Word(text, t, t + length, speaker=speaker))
        t = max(0, t + length + draw(st.integers(-300, 1200)))
    return Transcript(episode="p", duration_ms=t + 500, words=tuple(words),
                      speakers=(Speaker("A", name="Ann"), Speaker("B", name="Bo Bolt")))


@settings(max_examples=60, deadline=None)
@given(transcripts(), st.sampled_from([NO_TAGS, CaptionOptions(pos_tags=False, max_chars_per_line=20),
                                       CaptionOptions(pos_tags=False, max_lines=3)]))
def test_pair_costs_are_the_scalar_fits_and_badness(doc, options):
    words = Words(doc, options)
    widest = 30
    ok, bad = split.pair_costs(words, 0, len(words), widest)
    for row, j in enumerate(range(1, len(words) + 1)):
        for d in range(1, widest + 1):
            i = j - d
            if i < 0:
                assert not ok[row, d - 1]
                continue
            assert ok[row, d - 1] == words.fits(i, j)
            assert bad[row, d - 1] == words.badness(i, j)  # the same float, not just close


@settings(max_examples=60, deadline=None)
@given(transcripts())
def test_timing_costs_are_the_scalar_timing_cost(doc):
    words = Words(doc, NO_TAGS)
    groups = [(0, len(words))]
    for operation in GROUPING:
        groups = operation(words, groups)
    cues = place_on_words(words, groups)
    grids = timing._start_grid(words, cues)
    for k, cue in enumerate(cues):
        following = grids[k + 1] if k + 1 < len(cues) else [None]
        costs = timing._timing_costs(words, cue, np.array(grids[k]),
                                        None if following == [None] else np.array(following))
        for r, start in enumerate(grids[k]):
            for c, nxt in enumerate(following):
                if nxt is not None and nxt <= start:
                    assert costs[r, c] == np.inf
                    continue
                end = timing._end(words, cue, start, nxt)
                assert costs[r, c] == timing._timing_cost(words, cue, start, end, nxt)
