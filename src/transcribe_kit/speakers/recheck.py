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
    first = np.round(grid.starts * 1000 / FRAME_MS).astype(int)
    span = round(grid.length * 1000 / FRAME_MS)
    frames = max(int(first[-1]) + span, max(s.end_ms for s in segments) // FRAME_MS + 1)
    label = np.full(frames, -1)
    for s in segments:
        label[s.start_ms // FRAME_MS: s.end_ms // FRAME_MS] = voices.index(s.speaker)
    centroids, known = [], []
    for k in range(len(voices)):
        inside = np.concatenate([[0], np.cumsum(label == k)])
        own = (inside[np.minimum(first + span, frames)] - inside[first]) / span >= min_share
        if own.sum() >= MIN_PARTIALS:
            c = vectors[own].mean(axis=0)
            centroids.append(c / np.linalg.norm(c))
            known.append(k)
    if len(known) < 2:
        return segments, overlaps
    sim = _frame_means(vectors @ np.stack(centroids).T, first, span, frames)  # frames x known voices
    index = {k: j for j, k in enumerate(known)}
    current = np.array([index.get(int(k), -1) for k in label])
    best = np.argmax(sim, axis=1)
    rows = np.arange(frames)
    gain = sim[rows, best] - np.where(current >= 0, sim[rows, np.maximum(current, 0)], np.inf)
    move = np.where((current >= 0) & (best != current) & (gain > margin), best, -1)
    runs = [(a, b, known[int(move[a])]) for a, b in _runs(move) if move[a] >= 0 and (b - a) * FRAME_MS >= min_ms]
    if not runs:
        return segments, overlaps
    for a, b, k in runs:
        segments, overlaps = _move(segments, overlaps, a * FRAME_MS, b * FRAME_MS, voices[k])
    return segments, overlaps


def _frame_means(scores: np.ndarray, first: np.ndarray, span: int, frames: int) -> np.ndarray:
    """Per frame, the mean of the rows of ``scores`` (one a partial) whose partial covers it;
    frames no partial covers take the nearest covered frame's."""
    ends = np.minimum(first + span, frames)
    total = np.zeros((frames + 1, scores.shape[1]))
    count = np.zeros(frames + 1)
    np.add.at(total, first, scores)
    np.add.at(total, ends, -scores)
    np.add.at(count, first, 1)
    np.add.at(count, ends, -1)
    total, count = np.cumsum(total, axis=0)[:frames], np.cumsum(count)[:frames]
    covered = np.flatnonzero(count > 0)
    mean = total / np.maximum(count, 1)[:, None]
    if len(covered):
        nearest = np.clip(np.searchsorted(covered, np.arange(frames)), 0, len(covered) - 1)
        mean = np.where((count > 0)[:, None], mean, mean[covered[nearest]])
    return mean


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
