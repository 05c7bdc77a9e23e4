"""Shared fixtures: real clips from ../shared/corpus, made-up media, isolated user dirs."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TRANSCRIBE_KIT_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
REAL = CORPUS / "real"


def rttm(path: Path):
    """A reference RTTM file as a pyannote Annotation (to score a diarisation with pyannote.metrics)."""
    from pyannote.core import Annotation, Segment

    ann = Annotation()
    for line in path.read_text().splitlines():
        f = line.split()
        if f and f[0] == "SPEAKER":
            ann[Segment(float(f[3]), float(f[3]) + float(f[4]))] = f[7]
    return ann


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared is missing)")
    return path


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Point user data (not the model cache, which is slow to rebuild) at a temp dir."""
    data = tmp_path_factory.mktemp("userdata")
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def jfk_wav() -> Path:
    return need(REAL / "jfk.wav")


@pytest.fixture(scope="session")
def jfk_text() -> str:
    return need(REAL / "jfk.txt").read_text().strip()


def write_wav(path: Path, samples: np.ndarray, rate: int = 16000) -> Path:
    """Write float samples in [-1, 1] as 16-bit PCM WAV."""
    from clips import write

    return write((np.clip(samples, -1, 1) * 32767).astype(np.int16), path, rate)


def write_video(path: Path, with_audio_from: Path | None = None, seconds: float = 2.0) -> Path:
    """A tiny MP4 with a moving test pattern, and optionally an AAC track from a WAV."""
    import av

    from transcribe_kit.audio import load

    with av.open(str(path), "w") as out:
        video = out.add_stream("mpeg4", rate=10)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        audio_stream = None
        if with_audio_from is not None:
            samples = load(with_audio_from).samples
            seconds = len(samples) / 16000
            audio_stream = out.add_stream("aac", rate=16000, layout="mono")
        for i in range(int(seconds * 10)):
            img = np.full((48, 64, 3), (i * 20) % 255, dtype=np.uint8)
            for packet in video.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in video.encode(None):
            out.mux(packet)
        if audio_stream is not None:
            frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1).astype(np.float32), format="flt", layout="mono")
            frame.sample_rate = 16000
            resampler = av.AudioResampler(format="fltp", layout="mono", rate=16000)
            for chunk in resampler.resample(frame) + resampler.resample(None):
                for packet in audio_stream.encode(chunk):
                    out.mux(packet)
            for packet in audio_stream.encode(None):
                out.mux(packet)
    return path
