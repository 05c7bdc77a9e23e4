"""The second look at who speaks (speakers/recheck.py), on made-up partials."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from transcribe_kit.speakers.diarize import Segment
from transcribe_kit.speakers.recheck import recheck

HOP, LENGTH = 0.4, 1.6


def _grid(voice_at, seconds: float, noise: float = 1.0, seed: int = 0):
    """Partials every 0.4 s: the voice ``voice_at(mid-point)`` plus noise as large as the voice
    (cosine to their own voice near 0.7, as GE2E partials of one real voice are)."""
    rng = np.random.default_rng(seed)
    base = {v: rng.normal(size=64) for v in "AB"}
    starts = np.arange(0, seconds - LENGTH + 1e-9, HOP)
    vectors = np.stack([base[voice_at(s + LENGTH / 2)] + noise * np.linalg.norm(base["A"]) / 8 * rng.normal(size=64)
                        for s in starts])
    return SimpleNamespace(starts=starts, length=LENGTH, vectors=vectors.astype(np.float32))


def _who(segments, ms):
    return [s.speaker for s in segments if s.start_ms <= ms < s.end_ms]


def test_a_question_inside_the_other_voice_goes_to_its_own_voice():
    # A speaks 0-20 s, B 20-40 s; B truly stops at 30 s for A's 3 s question, which the diarisation missed
    truth = lambda t: "A" if t < 20 or 30 <= t < 33 else "B"  # noqa: E731
    segments = [Segment(0, 20_000, "A"), Segment(20_000, 40_000, "B")]
    overlaps = [Segment(29_500, 30_500, "A")]  # A heard over B at the question's start
    out, heard = recheck(segments, overlaps, _grid(truth, 40), margin=0.1, min_ms=500, min_share=0.75)
    assert _who(out, 31_500) == ["A"]
    assert _who(out, 25_000) == ["B"] and _who(out, 36_000) == ["B"] and _who(out, 10_000) == ["A"]
    moved = [s for s in out if s.speaker == "A" and s.start_ms >= 20_000]
    assert moved and 29_000 <= moved[0].start_ms <= 31_000 and 32_000 <= moved[-1].end_ms <= 34_000
    assert all(b.start_ms >= a.end_ms for a, b in zip(out, out[1:]))  # still one voice at a time
    assert sum(s.end_ms - s.start_ms for s in out) == 40_000  # no speech gained or lost
    assert any(o.speaker == "B" and o.start_ms < 30_500 and o.end_ms > 30_000 for o in heard)  # the swap


def test_nothing_moves_when_the_partials_agree_with_the_diarisation():
    truth = lambda t: "A" if t < 20 else "B"  # noqa: E731
    segments = [Segment(0, 20_000, "A"), Segment(20_000, 40_000, "B")]
    out, heard = recheck(segments, [], _grid(truth, 40), margin=0.1, min_ms=500, min_share=0.75)
    assert out == segments and heard == []


def test_a_stretch_shorter_than_min_ms_stays():
    truth = lambda t: "A" if t < 20 or 30 <= t < 33 else "B"  # noqa: E731
    segments = [Segment(0, 20_000, "A"), Segment(20_000, 40_000, "B")]
    out, _ = recheck(segments, [], _grid(truth, 40), margin=0.1, min_ms=10_000, min_share=0.75)
    assert out == segments


def test_one_voice_or_no_partials_leave_everything_as_it_is():
    one = [Segment(0, 10_000, "A")]
    assert recheck(one, [], _grid(lambda t: "A", 10), 0.1, 500, 0.75) == (one, [])
    empty = SimpleNamespace(starts=np.zeros(0), length=LENGTH, vectors=np.zeros((0, 64), np.float32))
    two = [Segment(0, 5_000, "A"), Segment(5_000, 10_000, "B")]
    assert recheck(two, [], empty, 0.1, 500, 0.75) == (two, [])
