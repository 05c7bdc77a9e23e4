"""Whisper's log-mel features, computed a block of frames at a time.

faster-whisper's ``FeatureExtractor`` takes the STFT of everything it is given
at once: for an hour the complex spectrum alone is over a gigabyte, and with
the magnitudes and mel products recognition peaked at 3.9 GB.  ``BlockFeatures``
gives the same features (the same padding, window, FFT, mel filters and the
same clamp 8 below the recording's loudest value) a minute of frames at a
time, so the only thing that grows with the input is the result (80 floats
per 10 ms, 115 MB an hour).
"""
from __future__ import annotations

import numpy as np

BLOCK_FRAMES = 6000  # a minute of 10 ms frames


class BlockFeatures:
    """A drop-in ``feature_extractor`` for a ``faster_whisper.WhisperModel``."""

    def __init__(self, inner, block_frames: int = BLOCK_FRAMES) -> None:
        self.inner = inner
        self.block_frames = block_frames

    def __getattr__(self, name):  # n_fft, hop_length, nb_max_frames, time_per_frame, ...
        return getattr(self.inner, name)

    def __call__(self, waveform: np.ndarray, padding: int = 160, chunk_length: int | None = None) -> np.ndarray:
        inner = self.inner
        if chunk_length is not None:  # as the original does
            inner.n_samples = chunk_length * inner.sampling_rate
            inner.nb_max_frames = inner.n_samples // inner.hop_length
        n_fft, hop, half = inner.n_fft, inner.hop_length, inner.n_fft // 2
        waveform = np.asarray(waveform, dtype=np.float32)
        length = len(waveform) + padding  # zeros after the samples
        if length <= half + 1:  # too short to reflect once: the original handles it
            return inner(waveform, padding=padding, chunk_length=None)
        frames = 1 + (length + 2 * half - n_fft) // hop  # of the centred (reflect-padded) signal
        window = np.hanning(n_fft + 1)[:-1].astype("float32")
        out = np.empty((inner.mel_filters.shape[0], frames - 1), dtype=np.float32)  # the last frame is dropped
        for f0 in range(0, frames - 1, self.block_frames):
            f1 = min(f0 + self.block_frames, frames - 1)
            piece = _centred(waveform, length, half, f0 * hop, (f1 - 1) * hop + n_fft)
            strided = np.lib.stride_tricks.as_strided(piece, (f1 - f0, n_fft), (hop * piece.strides[0], piece.strides[0]))
            spectrum = np.fft.rfft(strided * window, n=n_fft, axis=-1).astype("complex64")
            out[:, f0:f1] = inner.mel_filters @ (np.abs(spectrum) ** 2).T
        np.maximum(out, 1e-10, out=out)
        np.log10(out, out=out)
        np.maximum(out, out.max() - 8.0, out=out)
        out += 4.0
        out /= 4.0
        return out


def _centred(waveform: np.ndarray, length: int, half: int, start: int, end: int) -> np.ndarray:
    """Samples ``start:end`` of the waveform padded with zeros to ``length``, then reflected by
    ``half`` at both ends (numpy's ``pad(..., mode="reflect")``), without building the whole."""
    index = np.arange(start - half, end - half)
    index = np.abs(index)  # reflection at the start
    index = np.where(index > length - 1, 2 * (length - 1) - index, index)  # and at the end
    out = np.zeros(len(index), dtype=np.float32)
    inside = index < len(waveform)
    out[inside] = waveform[index[inside]]
    return out
