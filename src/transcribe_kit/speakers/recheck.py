"""A second look at who speaks: stretches the partials clearly give to another voice change voice.

The segmentation model decides who speaks in each 10 s chunk, and the
clustering names its local speakers; a question asked over the end of
someone's sentence can stay with the voice that was talking (the NASA
interview: "It's close to Langley, right?" inside the guest's speech).  The
GE2E partials laid over the recording (``partials.PartialGrid``, 1.6 s every
0.4 s) are a finer view: each voice's centroid is the mean of the partials
lying in its own speech, every 10 ms gets the mean similarity of the partials
covering it to each centroid, and a run of at least ``min_ms`` where another
voice is ``margin`` more alike than the one the diarisation gave goes to that
voice.  A voice heard over the stretch (an overlap) swaps with it: the voice
that was the main one is now the one heard over it.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .partials import Frames
from .split import FRAME_MS

MIN_PARTIALS = 3  # a voice with fewer partials of its own has no centroid: it is neither moved to nor from


def recheck(segments: list, overlaps: list, grid, margin: float, min_ms: int, min_share: float) -> tuple[list, list]:
    """``segments`` (exclusive, in time order) and ``overlaps`` with the clear disagreements moved.

    ``grid`` is a ``partials.PartialGrid``; a partial is a voice's own when that voice's segments
    cover ``min_share`` of it."""
    voices = sorted({s.speaker for s in segments})
    if len(voices) < 2 or len(grid.starts) == 0:
        return segments, overlaps
    vectors = grid.vectors / np.maximum(np.linalg.norm(grid.vectors, axis=1, keepdims=True), 1e-8)
    frames = Frames(grid, FRAME_MS, max(s.end_ms for s in segments) // FRAME_MS + 1)
    label = np.full(frames.count, -1)
    for s in segments:
        label[s.start_ms // FRAME_MS: s.end_ms // FRAME_MS] = voices.index(s.speaker)
    centroids, known = [], []
    for k in range(len(voices)):
        own = frames.shares(label == k) >= min_share
        if own.sum() >= MIN_PARTIALS:
            c = vectors[own].mean(axis=0)
            centroids.append(c / np.linalg.norm(c))
            known.append(k)
    if len(known) < 2:
        return segments, overlaps
    sim = frames.means(vectors @ np.stack(centroids).T)  # frames x known voices
    index = {k: j for j, k in enumerate(known)}
    current = np.array([index.get(int(k), -1) for k in label])
    best = np.argmax(sim, axis=1)
    rows = np.arange(frames.count)
    gain = sim[rows, best] - np.where(current >= 0, sim[rows, np.maximum(current, 0)], np.inf)
    move = np.where((current >= 0) & (best != current) & (gain > margin), best, -1)
    runs = [(a, b, known[int(move[a])]) for a, b in _runs(move) if move[a] >= 0 and (b - a) * FRAME_MS >= min_ms]
    if not runs:
        return segments, overlaps
    for a, b, k in runs:
        segments, overlaps = _move(segments, overlaps, a * FRAME_MS, b * FRAME_MS, voices[k])
    return segments, overlaps


def _runs(values: np.ndarray) -> list[tuple[int, int]]:
    """``[start, end)`` of every run of equal values."""
    edges = np.flatnonzero(np.diff(values)) + 1
    bounds = np.concatenate([[0], edges, [len(values)]])
    return [(int(a), int(b)) for a, b in zip(bounds, bounds[1:])]


def _move(segments: list, overlaps: list, start: int, end: int, voice: str) -> tuple[list, list]:
    """``[start, end)`` of the exclusive speech given to ``voice``; where ``voice`` was heard over
    it, the voice it replaces is heard over it instead."""
    out, was = [], set()
    for s in segments:
        if s.end_ms <= start or s.start_ms >= end or s.speaker == voice:
            out.append(s)
            continue
        was.add(s.speaker)
        if s.start_ms < start:
            out.append(replace(s, end_ms=start))
        out.append(replace(s, start_ms=max(s.start_ms, start), end_ms=min(s.end_ms, end), speaker=voice))
        if s.end_ms > end:
            out.append(replace(s, start_ms=end))
    heard = []
    for o in overlaps:
        if o.speaker == voice and o.start_ms < end and o.end_ms > start and len(was) == 1:
            (old,) = was
            if o.start_ms < start:
                heard.append(replace(o, end_ms=start))
            heard.append(replace(o, start_ms=max(o.start_ms, start), end_ms=min(o.end_ms, end), speaker=old))
            if o.end_ms > end:
                heard.append(replace(o, start_ms=end))
        else:
            heard.append(o)
    key = lambda s: (s.start_ms, s.end_ms)  # noqa: E731
    return sorted(out, key=key), sorted(heard, key=key)
