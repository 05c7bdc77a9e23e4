"""A count that says more voices speak than the diarisation found: a voice that holds two is split.

The segments are podcast_004_short's reference (a synthetic episode with four voices) and
AMI dev00's diarisation, whose segmentation hears its two people as one voice; the split
runs on the real voice model's partials."""
from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

import numpy as np
import pytest

from transcribe_kit import audio
from transcribe_kit.speakers import diarize, partials, split, voiceprint

from conftest import CORPUS, REAL, need, rttm

EPISODE = CORPUS / "podcast_004_short"
SPAN_MS = 150_000  # the first two and a half minutes: Dez opens, guests answer
OPTIONS = diarize.DiarizeOptions()


@lru_cache(maxsize=1)
def _episode():
    truth = [(a, b, who) for a, b, who in _ms(rttm(need(EPISODE / "podcast_004_short.rttm"))) if b <= SPAN_MS]
    samples = audio.load(need(EPISODE / "podcast_004_short.mp3")).samples[: SPAN_MS * 16]
    import torch

    return truth, partials.PartialGrid(voiceprint.VoiceEncoder(), torch.tensor(samples, dtype=torch.float32))


def _ms(annotation) -> list[tuple[int, int, str]]:
    return [(round(seg.start * 1000), round(seg.end * 1000), who)
            for seg, _, who in annotation.itertracks(yield_label=True)]


def _heard(truth, voices) -> list[diarize.Segment]:
    return [diarize.Segment(a, b, "SPEAKER_00") for a, b, who in truth if who in voices]


def _split(segments, wanted):
    _, grid = _episode()
    return split.split_voices(segments, [], grid, wanted, OPTIONS.split_margin, OPTIONS.split_min_partials,
                              partials.MIN_SHARE)


def _ms_by_voice(truth):
    total: dict[str, int] = {}
    for a, b, who in truth:
        total[who] = total.get(who, 0) + b - a
    return sorted(total, key=total.get, reverse=True)


def _right_share(segments, truth, voices) -> float:
    """Share of the time given to the right voice, the two labels paired the better way."""
    frames = SPAN_MS // 10
    ref, hyp = np.full(frames, -1), np.full(frames, -1)
    for a, b, who in truth:
        if who in voices:
            ref[a // 10: b // 10] = voices.index(who)
    labels = sorted({s.speaker for s in segments})
    for s in segments:
        hyp[s.start_ms // 10: s.end_ms // 10] = labels.index(s.speaker)
    spoken = ref >= 0
    same = np.mean(ref[spoken] == hyp[spoken])
    return max(same, np.mean(ref[spoken] == 1 - hyp[spoken]))


def test_two_voices_heard_as_one_are_split_when_the_count_says_two():
    truth, _ = _episode()
    voices = _ms_by_voice(truth)[:2]
    heard = _heard(truth, voices)
    segments, overlaps = _split(heard, wanted=2)
    assert len({s.speaker for s in segments}) == 2 and overlaps == []
    # the same stretches of time are spoken, only their voices changed
    assert sum(s.end_ms - s.start_ms for s in segments) == sum(s.end_ms - s.start_ms for s in heard)
    assert _right_share(segments, truth, voices) >= 0.9


def test_one_voice_is_not_split_even_when_the_count_says_two():
    truth, _ = _episode()
    host = _ms_by_voice(truth)[0]
    heard = _heard(truth, [host])
    assert _split(heard, wanted=2) == (heard, [])


def test_nothing_changes_when_the_count_is_reached():
    truth, _ = _episode()
    heard = _heard(truth, _ms_by_voice(truth)[:2])
    assert _split(heard, wanted=1) == (heard, [])


def test_a_voice_with_too_few_partials_is_not_split():
    x = np.eye(4)[[0, 0, 0, 1, 1]].astype(float)
    assert split.two_sides(x, margin=0.1, min_size=3) is None
    assert split.two_sides(np.eye(4)[[0, 0, 0, 1, 1, 1]].astype(float), margin=0.1, min_size=3) is not None


def test_a_segment_is_cut_where_the_nearer_side_changes():
    to_new = np.zeros(100, dtype=bool)
    to_new[40:70] = True
    out = split._relabel([diarize.Segment(100, 900, "A"), diarize.Segment(900, 950, "B")], "A", "N", to_new)
    assert out == [diarize.Segment(100, 400, "A"), diarize.Segment(400, 700, "N"), diarize.Segment(700, 900, "A"),
                   diarize.Segment(900, 950, "B")]


def test_frames_no_partial_covers_follow_their_neighbours():
    # two partials of 3 frames at frames 2 and 6: the first nearer the old side, the second the new
    grid = SimpleNamespace(starts=np.array([0.02, 0.06]), length=0.03)  # frames of 10 ms
    near = partials.Frames(grid, split.FRAME_MS, 12).means(np.array([-1.0, 1.0]))[:, 0] > 0
    assert near.tolist() == [False] * 6 + [True] * 6


@pytest.mark.slow
def test_ami_dev00_two_people_heard_as_one_are_two_with_the_count():
    source = audio.load(need(REAL / "pyannote_test_dev00.wav"))
    found = diarize.diarize(source, diarize.DiarizeOptions(num_speakers=2))
    assert len(found.speakers) == 2
    ref = rttm(REAL / "pyannote_test_dev00.rttm")
    # most of the second person's time (MEE012, from 13 s) now has a voice of its own
    second = [(a, b) for a, b, who in _ms(ref) if who == "MEE012"]
    first_voice = found.segments[0].speaker
    own = sum(max(0, min(b, s.end_ms) - max(a, s.start_ms)) for a, b in second for s in found.segments
              if s.speaker != first_voice)
    assert own / sum(b - a for a, b in second) >= 0.6
