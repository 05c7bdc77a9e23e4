"""How sure an estimated speaker count is (counting.count_range), on made-up embeddings."""
import numpy as np

from transcribe_kit.speakers.counting import count_range


def _voices(centres, n=30, spread=0.05, seed=0):
    rng = np.random.default_rng(seed)
    return np.vstack([c + spread * rng.standard_normal((n, len(c))) for c in centres])


def test_voices_far_apart_give_one_clear_count():
    eye = np.eye(8)
    assert count_range(_voices([eye[0], eye[1], eye[2]]), threshold=0.7, min_cluster_size=12, margin=0.1) == (3, 3)


def test_two_voices_near_the_threshold_make_the_count_unsure():
    a = np.eye(8)[0]
    b = a + 0.55 * np.eye(8)[1]  # centroids about 0.5 apart once unit-normalised
    low, high = count_range(_voices([a, b], spread=0.01), threshold=0.5, min_cluster_size=12, margin=0.1)
    assert (low, high) == (1, 2)


def test_nan_rows_and_tiny_inputs_are_handled():
    x = _voices([np.eye(4)[0]], n=5)
    x[0] = np.nan
    assert count_range(x, threshold=0.7, min_cluster_size=12, margin=0.1) == (1, 1)
    assert count_range(x[:1], threshold=0.7, min_cluster_size=12, margin=0.1) == (0, 0)
