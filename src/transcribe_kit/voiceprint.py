"""Speaker embeddings (d-vectors) from the GE2E encoder shipped in the resemblyzer wheel.

``import resemblyzer`` needs librosa and webrtcvad, so the package is only a
source of its weight file (``resemblyzer/pretrained.pt``, sha256-checked
here).  The network (3-layer LSTM 40 -> 256, linear 256 -> 256, ReLU, L2 norm)
and its front end are rebuilt below: a power mel spectrogram (16 kHz, 25 ms
window, 10 ms hop, 40 Slaney bands), level raised to -30 dBFS, partials of
1.6 s with 50 % overlap, averaged and L2-normalised.

``VoiceEncoder`` embeds stretches of audio; ``PyannoteEmbedding`` is the
object pyannote's diarisation pipeline calls on masked chunks.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from .fileio import sha256_file
from .models import ModelError

SAMPLE_RATE = 16_000
DIMENSION = 256
PARTIAL_FRAMES = 160  # 1.6 s of 10 ms mel frames
MIN_FRAMES = 50  # under 0.5 s of speech the embedding is not trusted (NaN)
TARGET_DBFS = -30.0
WEIGHTS_SHA256 = "39373b86598fa3da9fcddee6142382efe09777e8d37dc9c0561f41f0070f134e"
INSTALL_HINT = "pip install --no-deps resemblyzer==0.1.4 (see the Makefile's diarize extra)"


def weights_path() -> Path:
    """The encoder's weight file inside the resemblyzer wheel, hash-checked."""
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the speaker-embedding weights are missing: {INSTALL_HINT}")
    path = Path(spec.submodule_search_locations[0]) / "pretrained.pt"
    if not path.is_file():
        raise ModelError(f"{path} is missing: {INSTALL_HINT}")
    if sha256_file(path) != WEIGHTS_SHA256:
        raise ModelError(f"{path} is damaged (sha256 mismatch): reinstall with {INSTALL_HINT}")
    return path


class VoiceEncoder:
    """A d-vector for any stretch of 16 kHz mono speech."""

    def __init__(self) -> None:
        import torch
        import torchaudio

        self._torch = torch
        self.lstm = torch.nn.LSTM(40, 256, 3, batch_first=True)
        self.linear = torch.nn.Linear(256, DIMENSION)
        state = torch.load(weights_path(), map_location="cpu", weights_only=True)["model_state"]
        self.lstm.load_state_dict({k[5:]: v for k, v in state.items() if k.startswith("lstm.")})
        self.linear.load_state_dict({k[7:]: v for k, v in state.items() if k.startswith("linear.")})
        self.lstm.eval()
        self.fbank = torchaudio.functional.melscale_fbanks(
            201, 0.0, 8000.0, 40, SAMPLE_RATE, norm="slaney", mel_scale="slaney")
        self.window = torch.hann_window(400)

    def mel(self, samples: np.ndarray | object) -> object:
        """Power mel frames ``(n_frames, 40)`` of a waveform, level raised to -30 dBFS."""
        torch = self._torch
        wave = torch.as_tensor(samples, dtype=torch.float32)
        rms = float(torch.sqrt(torch.mean(wave ** 2))) if wave.numel() else 0.0
        if rms > 0:
            gain_db = TARGET_DBFS - 20 * np.log10(rms)
            if gain_db > 0:
                wave = wave * 10 ** (gain_db / 20)
        spec = torch.stft(wave, 400, 160, window=self.window, center=True, pad_mode="constant",
                          return_complex=True).abs() ** 2
        return spec.T @ self.fbank

    def embed_frames(self, frames_list: list) -> np.ndarray:
        """One L2-normalised d-vector per mel-frame sequence; NaN where it is too short."""
        torch = self._torch
        out = np.full((len(frames_list), DIMENSION), np.nan, dtype=np.float32)
        partials, owners = [], []
        for i, frames in enumerate(frames_list):
            if len(frames) < MIN_FRAMES:
                continue
            for piece in _partials(frames):
                partials.append(piece)
                owners.append(i)
        if not partials:
            return out
        with torch.inference_mode():
            vectors = self._forward(partials)
        for i in set(owners):
            rows = vectors[[k for k, o in enumerate(owners) if o == i]].mean(axis=0)
            out[i] = rows / max(np.linalg.norm(rows), 1e-8)
        return out

    def _forward(self, partials: list) -> np.ndarray:
        torch = self._torch
        by_length: dict[int, list[int]] = {}
        for k, p in enumerate(partials):
            by_length.setdefault(len(p), []).append(k)
        result = np.zeros((len(partials), DIMENSION), dtype=np.float32)
        for idx in by_length.values():
            for start in range(0, len(idx), 256):
                chunk = idx[start:start + 256]
                _, (hidden, _) = self.lstm(torch.stack([partials[k] for k in chunk]))
                raw = torch.relu(self.linear(hidden[-1]))
                result[chunk] = (raw / raw.norm(dim=1, keepdim=True).clamp_min(1e-8)).numpy()
        return result

    def embed(self, samples: np.ndarray) -> np.ndarray:
        """The d-vector of one stretch of speech (NaN when under 0.5 s)."""
        return self.embed_frames([self.mel(samples)])[0]

    def embed_many(self, stretches: list[np.ndarray]) -> np.ndarray:
        return self.embed_frames([self.mel(s) for s in stretches])


def _partials(frames) -> list:
    """Windows of 1.6 s with 50 % overlap; a shorter sequence is one window."""
    n = len(frames)
    if n <= PARTIAL_FRAMES:
        return [frames]
    step = PARTIAL_FRAMES // 2
    starts = list(range(0, n - PARTIAL_FRAMES + 1, step))
    if starts[-1] + PARTIAL_FRAMES < n:
        starts.append(n - PARTIAL_FRAMES)
    return [frames[s:s + PARTIAL_FRAMES] for s in starts]


class PyannoteEmbedding:
    """What pyannote's SpeakerDiarization calls: ``(waveforms[B,1,N], masks[B,F]) -> [B,256]``."""

    sample_rate = SAMPLE_RATE
    dimension = DIMENSION
    metric = "cosine"
    min_num_samples = 640

    def __init__(self, encoder: VoiceEncoder | None = None) -> None:
        self.encoder = encoder or VoiceEncoder()

    def to(self, device) -> PyannoteEmbedding:
        return self

    def __call__(self, waveforms, masks=None) -> np.ndarray:
        import torch

        frames_list = []
        for b in range(waveforms.shape[0]):
            wave = waveforms[b, 0]
            if masks is not None:
                n_mel = wave.shape[0] // 160 + 1
                keep = torch.nn.functional.interpolate(
                    masks[b][None, None].float(), size=n_mel, mode="nearest")[0, 0] > 0.5
                sample_keep = keep.repeat_interleave(160)[: wave.shape[0]]
                speech = wave[sample_keep[: wave.shape[0]]] if sample_keep.any() else wave[:0]
            else:
                speech = wave
            enough = speech.numel() >= 160 * MIN_FRAMES
            frames_list.append(self.encoder.mel(speech) if enough else [])
        return self.encoder.embed_frames(frames_list)
