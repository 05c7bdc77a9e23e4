"""Chunk embeddings from GE2E partials computed once over the whole recording.

pyannote embeds every (chunk, local speaker) from the chunk's audio under that
speaker's mask.  At the 1 s hop over 10 s chunks every second of speech goes
through the voice model about ten times: half the diarisation's time
(bench/README.md).  A GE2E d-vector is itself the mean of the d-vectors of
1.6 s partials, so the partials are laid here once over the recording, one
every ``HOP_S``, and a chunk's speaker is the mean of the partials inside the
chunk where that speaker talks alone for at least ``MIN_SHARE`` of the frames,
weighted by that share: the d-vector's counterpart of the mask-weighted
statistics pooling of pyannote's own (WeSpeaker) embedding.  A speaker with no
such partial (about a second alone, or less) is embedded from the masked audio,
as pyannote does (``chunkwise.embeddings``).
"""
from __future__ import annotations

import numpy as np

from .voiceprint import PARTIAL_FRAMES, SAMPLE_RATE, VoiceEncoder

# Partials start every 0.4 s (a quarter of a partial): a two-second question holds two whole ones.
HOP_S = 0.4
# A partial speaks for a chunk's speaker when that speaker talks alone in three quarters of it.  Half
# let partials that are mostly another voice or a pause in: against pyannote's per-chunk vectors
# (cosine, 5th percentile) 0.86 -> 0.96 on the pyannote sample and 0.77 -> 0.83 on AMI tst00, and at
# half the sample's count (two, by pyannote's vectors) became three (bench/README.md).
MIN_SHARE = 0.75
WINDOW = PARTIAL_FRAMES * 160  # samples of one partial (1.6 s at the 10 ms mel hop)
BATCH = 64  # partials through the voice model at once (256: the LSTM's gates alone 168 MB)


def batches(count: int) -> int:
    """How many batches ``count`` partials take."""
    return -(-count // BATCH)


def supported(embedding) -> bool:
    """The embedding is GE2E's, whose chunk vectors are means of partials."""
    return type(getattr(embedding, "encoder", None)) is VoiceEncoder


class PartialGrid:
    """The GE2E d-vectors of 1.6 s partials every ``HOP_S`` over a waveform ``[N]``.

    ``progress(done, total)`` is called after each batch (a spilled recording's pages are
    given back there)."""

    def __init__(self, encoder: VoiceEncoder, waveform, progress=lambda done, total: None) -> None:
        import torch  # with the voice model

        hop = round(HOP_S * SAMPLE_RATE)
        starts = np.arange(0, max(waveform.shape[-1] - WINDOW + 1, 0), hop)
        self.starts = starts / SAMPLE_RATE
        self.length = WINDOW / SAMPLE_RATE
        self.vectors = np.empty((len(starts), encoder.dimension), dtype=np.float32)
        total = batches(len(starts))
        for b, first in enumerate(range(0, len(starts), BATCH), 1):
            windows = torch.stack([waveform[s: s + WINDOW] for s in starts[first: first + BATCH]])
            self.vectors[first: first + len(windows)] = encoder.window_vectors(windows)
            progress(b, total)

    def vector(self, start: float, duration: float, mask: np.ndarray) -> np.ndarray | None:
        """The speaker's vector in the chunk ``[start, start + duration]`` whose frames ``mask`` marks
        where the speaker talks alone; None when no partial inside the chunk is theirs."""
        lo = int(np.searchsorted(self.starts, start - 1e-6))
        hi = int(np.searchsorted(self.starts, start + duration - self.length + 1e-6, side="right"))
        if hi <= lo:
            return None
        frame = duration / len(mask)
        ends = np.concatenate([[0.0], np.cumsum(mask, dtype=np.float64)])
        first = np.clip(np.round((self.starts[lo:hi] - start) / frame).astype(int), 0, len(mask))
        last = np.clip(np.round((self.starts[lo:hi] + self.length - start) / frame).astype(int), 0, len(mask))
        share = (ends[last] - ends[first]) / np.maximum(last - first, 1)
        keep = share >= MIN_SHARE
        if not keep.any():
            return None
        total = share[keep] @ self.vectors[lo:hi][keep]
        return total / max(float(np.linalg.norm(total)), 1e-8)


class Frames:
    """A grid's partials on a timeline of ``frame_ms`` frames (at least ``min_frames`` of them),
    for the steps that read the partials after pyannote (``split``, ``recheck``)."""

    def __init__(self, grid: PartialGrid, frame_ms: int, min_frames: int = 0) -> None:
        self.first = np.round(np.asarray(grid.starts) * 1000 / frame_ms).astype(int)
        self.span = round(grid.length * 1000 / frame_ms)
        self.count = max(int(self.first[-1]) + self.span if len(self.first) else 0, min_frames)
        self.last = np.minimum(self.first + self.span, self.count)

    def shares(self, mask: np.ndarray) -> np.ndarray:
        """For each partial, the share of its frames that ``mask`` (one value a frame) marks."""
        inside = np.concatenate([[0.0], np.cumsum(mask, dtype=np.float64)])
        return (inside[self.last] - inside[self.first]) / self.span

    def means(self, scores: np.ndarray) -> np.ndarray:
        """Per frame, the mean of the rows of ``scores`` (one a partial, any columns) over the
        partials covering it; a frame none covers (the recording's last moments) takes the
        mean of the last covered frame before it (the first frames: of the first covered one)."""
        scores = np.asarray(scores, dtype=np.float64).reshape(len(self.first), -1)
        total = np.zeros((self.count + 1, scores.shape[1]))
        covering = np.zeros(self.count + 1)
        np.add.at(total, self.first, scores)
        np.add.at(total, self.last, -scores)
        np.add.at(covering, self.first, 1)
        np.add.at(covering, self.last, -1)
        total, covering = np.cumsum(total, axis=0)[:self.count], np.cumsum(covering)[:self.count]
        mean = total / np.maximum(covering, 1)[:, None]
        covered = covering > 0
        if covered.any():  # carry the last covered frame's mean forward (and the first one's back)
            index = np.maximum.accumulate(np.where(covered, np.arange(self.count), -1))
            mean = mean[np.where(index < 0, int(np.argmax(covered)), index)]
        return mean
