"""Diarisation's last step, pyannote's reconstruction, without an array that grows with chunks x frames."""
from __future__ import annotations

import numpy as np


def reconstruct(segmentations, hard_clusters: np.ndarray, count):
    """pyannote's ``SpeakerDiarization.reconstruct`` (and ``to_diarization``), one chunk at a time.

    pyannote builds every chunk's frames per cluster as one float64 array (chunks x
    frames x clusters: 200 MB for three hours) and then sums it into frames; the sum
    is made here directly, with the same result (a test compares the two)."""
    from pyannote.core import SlidingWindow, SlidingWindowFeature  # with pyannote

    num_chunks, num_frames, _ = segmentations.data.shape
    num_clusters = int(np.max(hard_clusters)) + 1
    chunks = segmentations.sliding_window
    frames = SlidingWindow(start=chunks.start, duration=count.sliding_window.duration, step=count.sliding_window.step)
    total = frames.closest_frame(chunks.start + chunks.duration + (num_chunks - 1) * chunks.step
                                 + 0.5 * frames.duration) + 1
    summed = np.zeros((total, max(num_clusters, int(np.max(count.data)))), dtype=np.float32)
    for cluster, (chunk, segmentation) in zip(hard_clusters, segmentations):
        start = frames.closest_frame(chunk.start + 0.5 * frames.duration)
        for k in np.unique(cluster):
            if k == -2:
                continue
            best = np.max(segmentation[:, cluster == k], axis=1)
            summed[start: start + num_frames, k] += np.nan_to_num(best, nan=0.0)[: total - start]
    activations = SlidingWindowFeature(summed, frames)
    extent = activations.extent & count.extent
    activations = activations.crop(extent, return_data=False)
    count = count.crop(extent, return_data=False)
    order = np.argsort(-activations.data, axis=-1)
    binary = np.zeros_like(activations.data)
    chosen = np.arange(binary.shape[1])[None, :] < count.data.reshape(-1, 1)
    np.put_along_axis(binary, order, chosen.astype(binary.dtype), axis=-1)
    return SlidingWindowFeature(binary, activations.sliding_window)
