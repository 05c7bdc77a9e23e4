"""Chunk embeddings from GE2E partials computed once over the recording (speakers/partials.py).

The voice model runs on the pyannote sample (two real voices, a phone call):
each partial's vector is the one the encoder gives that piece of audio alone,
a chunk's speaker is made only from the partials where that speaker talks
alone, and the diarisation finds the same two voices as with pyannote's
per-chunk embeddings.
"""
from __future__ import annotations

import numpy as np
import pytest

from conftest import CORPUS, rttm

SAMPLE = CORPUS / "real" / "pyannote_sample.wav"
pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason=f"{SAMPLE} is not available (../shared is missing)")


@pytest.fixture(scope="module")
def sample():
    from transcribe_kit import audio

    return audio.load(SAMPLE)


@pytest.fixture(scope="module")
def grid(sample):
    import torch

    from transcribe_kit.speakers import partials
    from transcribe_kit.speakers.voiceprint import VoiceEncoder

    seen = []
    made = partials.PartialGrid(VoiceEncoder(), torch.from_numpy(np.ascontiguousarray(sample.samples[:16000 * 12])),
                                lambda done, total: seen.append((done, total)))
    return made, seen


def test_each_partial_is_the_encoders_vector_of_that_piece_alone(sample, grid):
    from transcribe_kit.speakers import partials
    from transcribe_kit.speakers.voiceprint import PARTIAL_FRAMES, VoiceEncoder

    made, seen = grid
    # 12 s: partials start every 0.4 s while a whole 1.6 s fits
    assert len(made.starts) == int((12 - 1.6) / partials.HOP_S) + 1
    assert seen[-1] == (partials.batches(len(made.starts)),) * 2
    encoder = VoiceEncoder()
    for k in (0, 7, len(made.starts) - 1):
        a = round(made.starts[k] * 16000)
        piece = np.asarray(sample.samples[a: a + partials.WINDOW])
        alone = encoder.embed_frames([encoder.mel(piece)[:PARTIAL_FRAMES]])[0]
        np.testing.assert_allclose(made.vectors[k], alone, atol=1e-5)


def test_a_speakers_vector_comes_only_from_the_partials_where_they_talk_alone(grid):
    made, _ = grid
    frames = 589  # segmentation-3.0's frames in a 10 s chunk
    everything = made.vector(0.0, 10.0, np.ones(frames))
    inside = made.starts + made.length <= 10.0 + 1e-6
    expected = made.vectors[inside].sum(axis=0)
    np.testing.assert_allclose(everything, expected / np.linalg.norm(expected), atol=1e-5)

    assert made.vector(0.0, 10.0, np.zeros(frames)) is None
    burst = np.zeros(frames)
    burst[100:160] = 1  # 1 s alone: less than three quarters of any partial
    assert made.vector(0.0, 10.0, burst) is None

    first = np.zeros(frames)
    first[: int(frames * 0.3)] = 1  # the chunk at 2 s: alone from 2 s to 5 s
    got = made.vector(2.0, 10.0, first)
    used = (made.starts >= 2.0 - 1e-6) & (made.starts + made.length <= 5.0 + 1e-6)
    assert used.sum() >= 4
    near = made.vectors[used].sum(axis=0)
    assert float(got @ (near / np.linalg.norm(near))) > 0.99  # and those reaching a little past 5 s


def test_diarisation_with_shared_partials_is_as_good_and_counts_the_same(sample):
    pytest.importorskip("pyannote.audio")
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    from transcribe_kit.speakers import diarize

    reference = rttm(SAMPLE.with_suffix(".rttm"))
    error, found = {}, {}
    for shared in (False, True):
        found[shared] = diarize.diarize(sample, diarize.DiarizeOptions(shared_partials=shared))  # count estimated
        hypothesis = Annotation()
        for s in found[shared].segments + found[shared].overlaps:
            hypothesis[Segment(s.start_ms / 1000, s.end_ms / 1000), len(hypothesis)] = s.speaker
        error[shared] = DiarizationErrorRate(collar=0.25, skip_overlap=False)(reference, hypothesis)
    assert len(found[True].speakers) == len(found[False].speakers) == 2
    assert error[True] <= error[False] + 0.01 and error[True] < 0.05
