"""Short test clips, cut from the shared evaluation corpus or synthesised with PyAV."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


SHARED = Path(os.environ.get("TRANSCRIBE_KIT_SHARED", ROOT.parent / "shared"))


def corpus_dir() -> Path:
    """shared/corpus beside the repository (as in CI), or under $TRANSCRIBE_KIT_SHARED."""
    path = SHARED / "corpus"
    if not path.is_dir():
        raise FileNotFoundError(f"{path} is not available (../shared is missing; set TRANSCRIBE_KIT_SHARED)")
    return path


def corpus_or_skip() -> Path:
    import pytest

    try:
        return corpus_dir()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))


def decode(path: Path, rate: int = 16_000) -> np.ndarray:
    import av

    with av.open(str(path)) as container:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
        chunks = [out.to_ndarray().reshape(-1) for frame in container.decode(container.streams.audio[0])
                  for out in resampler.resample(frame)]
    return np.concatenate(chunks)


def write(samples: np.ndarray, path: Path, rate: int = 16_000) -> Path:
    """Write int16 mono samples as WAV (PCM) or MP3 (libmp3lame), by the path's suffix."""
    import av

    codec = "pcm_s16le" if path.suffix == ".wav" else "libmp3lame"
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=rate, layout="mono")
        frame = av.AudioFrame.from_ndarray(samples.astype(np.int16).reshape(1, -1), format="s16", layout="mono")
        frame.rate = rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def cut(source: Path, start_s: float, end_s: float, target: Path, rate: int = 16_000) -> Path:
    samples = decode(source, rate)
    return write(samples[int(start_s * rate):int(end_s * rate)], target, rate)
