"""A second look at who speaks: stretches the partials clearly give to another voice change voice.

The segmentation model decides who speaks in each 10 s chunk, and the
clustering names its local speakers; a question asked over the end of
someone's sentence can go to the voice about to talk (the NASA interview: the
host's "Did you stay?" given to the guest, whose answer follows).  The
GE2E partials laid over the recording (``partials.PartialGrid``, 1.6 s every
0.4 s) are a finer view: each voice's centroid is the mean of the partials
lying in its own speech, every 100 ms gets the mean similarity of the partials
covering it to each centroid, and a run of at least ``min_ms`` where another
voice is ``margin`` more alike than the one the diarisation gave goes to that
voice.  A voice heard over the stretch (an overlap) swaps with it: the voice
that was the main one is now the one heard over it.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from .partials import HOP_S, Frames

# The partials start every 0.4 s and last 1.6 s, so the mean over the partials covering a moment
# changes only every 0.4 s: 100 ms frames lose nothing of it, and three hours take 3 MB a voice
# (at 10 ms the step held 168 MB at its peak; now 15 MB).
FRAME_MS = 100
assert round(HOP_S * 1000) % FRAME_MS == 0
MIN_PARTIALS = 3  # a voice with fewer partials of its own has no centroid: it is neither moved to nor from


def recheck(segments: list, overlaps: list, grid, margin: float, min_ms: int, min_share: float) -> tuple[list, list]:
    """``segments`` (exclusive, in time order) and ``overlaps`` with the clear disagreements moved.

    ``grid`` is a ``partials.PartialGrid``; a partial is a voice's own when that voice's segments
    cover ``min_share`` of it."""
    voices = sorted({s.speaker for s in segments})
    if len(voices) < 2 or len(grid.starts) == 0:
        return segments, overlaps
    # cosines without a copy of the grid (np.linalg.norm squares the whole array first)
    norms = np.maximum(np.sqrt(np.einsum("ij,ij->i", grid.vectors, grid.vectors)), 1e-8)
    frames = Frames(grid, FRAME_MS, max(s.end_ms for s in segments) // FRAME_MS + 1)
    label = np.full(frames.count, -1)
    for s in segments:
        label[s.start_ms // FRAME_MS: s.end_ms // FRAME_MS] = voices.index(s.speaker)
    centroids, known = [], []
    for k in range(len(voices)):
        own = frames.shares(label == k) >= min_share
        if own.sum() >= MIN_PARTIALS:
            c = (grid.vectors[own] / norms[own, None]).mean(axis=0)
            centroids.append(c / np.linalg.norm(c))
            known.append(k)
    if len(known) < 2:
        return segments, overlaps
    sim = frames.means((grid.vectors @ np.stack(centroids).T) / norms[:, None])  # frames x known voices
    lookup = np.full(len(voices) + 1, -1)  # voice index -> its column among the known (-1: none)
    lookup[known] = np.arange(len(known))
    current = lookup[label]  # label -1 (no speech) reads the last entry: -1
    best = np.argmax(sim, axis=1)
    rows = np.arange(frames.count)
    gain = sim[rows, best] - np.where(current >= 0, sim[rows, np.maximum(current, 0)], np.inf)
    move = np.where((current >= 0) & (best != current) & (gain > margin), best, -1)
    for a, b in _runs(move):
        if move[a] >= 0 and (b - a) * FRAME_MS >= min_ms:
            segments, overlaps = _move(segments, overlaps, a * FRAME_MS, b * FRAME_MS, voices[known[int(move[a])]])
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
        else:
            was.add(s.speaker)
            out += _cut(s, start, end, voice)
    heard = []
    for o in overlaps:
        if o.speaker == voice and o.start_ms < end and o.end_ms > start and len(was) == 1:
            heard += _cut(o, start, end, next(iter(was)))
        else:
            heard.append(o)
    key = lambda s: (s.start_ms, s.end_ms)  # noqa: E731
    return sorted(out, key=key), sorted(heard, key=key)


def _cut(segment, start: int, end: int, speaker: str) -> list:
    """``segment`` with its part inside ``[start, end)`` given to ``speaker``."""
    inside = replace(segment, start_ms=max(segment.start_ms, start), end_ms=min(segment.end_ms, end), speaker=speaker)
    before = [replace(segment, end_ms=start)] if segment.start_ms < start else []
    after = [replace(segment, start_ms=end)] if segment.end_ms > end else []
    return before + [inside] + after
