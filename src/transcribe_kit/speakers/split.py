"""Two voices heard as one: split a voice by its partials when the count says more speak.

The segmentation model can give two voices one local label in every chunk (AMI
dev00: two people, one voice found, whatever count the clustering is asked
for).  Chunk embeddings cannot undo that: each mixes both voices.  The GE2E
d-vectors of 1.6 s partials laid over the recording (``partials.PartialGrid``)
are short enough to hold one voice each.  When a count (the user's, the
metadata's or the introductions') says more voices speak than were found, the
partials inside the most-heard voice's speech are cut in two by Ward
clustering; every 10 ms of that voice then goes to the side whose centroid the
partials covering it are nearer to on average.  The split is kept only when
both sides are voices of their own (``two_sides``).  Phrases of words were
split this way before; a phrase often holds both voices (bench/README.md).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

import numpy as np

from .partials import Frames

FRAME_MS = 10


def two_sides(x: np.ndarray, margin: float, min_size: int) -> np.ndarray | None:
    """Unit vectors in two groups (True: the smaller), or None when no clear split exists.

    Ward's criterion on unit vectors (average linkage cut one odd vector off on its own).
    The smaller side must hold ``min_size`` vectors and be on average ``margin`` more alike
    among itself than to the other side, and the other side no less alike among itself
    than across (it may be a voice heard from afar, less alike, but not more like the new one).
    """
    from scipy.cluster.hierarchy import fcluster, linkage

    if len(x) < 2 * min_size:
        return None
    groups = fcluster(linkage(x, method="ward"), 2, criterion="maxclust")
    sizes = Counter(groups.tolist())
    if len(sizes) < 2 or min(sizes.values()) < min_size:
        return None
    small = min(sizes, key=lambda g: (sizes[g], g))
    side = groups == small
    sim = x @ x.T
    within = [sim[np.ix_(m, m)][~np.eye(int(m.sum()), dtype=bool)].mean() for m in (side, ~side)]
    across = sim[np.ix_(side, ~side)].mean()
    if within[0] - across < margin or within[1] < across:
        return None
    return side


def split_voices(segments: list, overlaps: list, grid, wanted: int, margin: float, min_partials: int,
                 min_share: float) -> tuple[list, list]:
    """``segments`` (exclusive, in time order) and ``overlaps`` with the most-heard voice cut in two,
    as long as fewer than ``wanted`` voices are heard and a clear split exists.

    Segments are objects with ``start_ms``, ``end_ms`` and ``speaker`` (``segments.Segment``);
    ``grid`` is a ``partials.PartialGrid`` over the recording.  A partial belongs to a voice
    when the voice's segments cover ``min_share`` of it."""
    if len(grid.starts) == 0:
        return segments, overlaps
    vectors = grid.vectors / np.maximum(np.linalg.norm(grid.vectors, axis=1, keepdims=True), 1e-8)
    frames = Frames(grid, FRAME_MS, max((s.end_ms for s in segments), default=0) // FRAME_MS + 1)
    used = {s.speaker for s in segments} | {s.speaker for s in overlaps}
    while len({s.speaker for s in segments}) < wanted:
        heard: Counter = Counter()
        for s in segments:
            heard[s.speaker] += s.end_ms - s.start_ms
        if not heard:
            break
        voice = max(heard, key=lambda v: (heard[v], v))
        mask = np.zeros(frames.count, dtype=bool)
        for s in segments:
            if s.speaker == voice:
                mask[s.start_ms // FRAME_MS: s.end_ms // FRAME_MS] = True
        members = np.flatnonzero(frames.shares(mask) >= min_share)
        side = two_sides(vectors[members], margin, min_partials) if len(members) else None
        if side is None:
            break
        centroids = [vectors[members[m]].mean(axis=0) for m in (~side, side)]
        score = vectors @ (centroids[1] / np.linalg.norm(centroids[1]) - centroids[0] / np.linalg.norm(centroids[0]))
        new = next(f"SPEAKER_{n:02d}" for n in range(len(used) + 1) if f"SPEAKER_{n:02d}" not in used)
        used.add(new)
        to_new = frames.means(score)[:, 0] > 0  # the mean score of the partials covering each frame
        segments = _relabel(segments, voice, new, to_new)
        overlaps = _relabel(overlaps, voice, new, to_new)
    return segments, overlaps


def _relabel(segments: list, voice: str, new: str, to_new: np.ndarray) -> list:
    """The voice's segments cut where ``to_new`` changes, the pieces on its True side given to ``new``."""
    out = []
    for s in segments:
        if s.speaker != voice:
            out.append(s)
            continue
        a, b = s.start_ms // FRAME_MS, min(-(-s.end_ms // FRAME_MS), len(to_new))
        if b <= a:
            out.append(s)
            continue
        side = to_new[a:b]
        cuts = np.flatnonzero(np.diff(side.astype(np.int8))) + 1
        edges = [s.start_ms] + [int((a + c) * FRAME_MS) for c in cuts] + [s.end_ms]
        for (start, end), k in zip(zip(edges, edges[1:]), np.concatenate([[0], cuts])):
            if end > start:
                out.append(replace(s, start_ms=start, end_ms=end, speaker=new if side[k] else voice))
    return sorted(out, key=lambda s: (s.start_ms, s.end_ms))
