"""Whisper's features a block at a time are faster-whisper's features (to float32 rounding: the FFT
and the mel product may round the last bit differently for another number of frames)."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from transcribe_kit.asr.features import BlockFeatures


def extractor():
    from faster_whisper.feature_extractor import FeatureExtractor

    return FeatureExtractor()


@settings(max_examples=40, deadline=None)
@given(samples=st.integers(200, 16000 * 4), block=st.integers(1, 500), padding=st.sampled_from([0, 160]),
       seed=st.integers(0, 2**16))
def test_block_features_equal_the_one_pass_features(samples, block, padding, seed):
    wave = (np.random.default_rng(seed).standard_normal(samples) * 0.1).astype(np.float32)
    expected = extractor()(wave, padding=padding)
    got = BlockFeatures(extractor(), block_frames=block)(wave, padding=padding)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)


def test_the_loud_end_of_a_long_recording_sets_the_floor_of_its_start():
    # the clamp 8 below the loudest value is over the whole input, not per block
    wave = np.concatenate([np.full(16000 * 3, 1e-4, np.float32), np.ones(16000, np.float32)])
    got = BlockFeatures(extractor(), block_frames=50)(wave)
    np.testing.assert_allclose(got, extractor()(wave), rtol=0, atol=1e-6)
    assert abs(got[:, :100].min() - (got.max() - 2.0)) < 1e-6  # (x + 4) / 4: 8 below the loudest is 2 below
