"""``split_by_length``'s dynamic programme, with every candidate cue scored at once.

The programme asks, for every word ``j`` of a group too long for one cue and
every start ``i`` up to ``widest`` words back, whether words ``[i, j)`` fit in
one cue (``Words.fits``) and how badly they read (``Words.badness``).  Here
those same formulas are evaluated as numpy arrays (rows: cue ends ``j``;
columns: cue lengths ``j - i``), with the same float operations in the same
order, so every number is the one the scalar methods give; only the choice
between candidates stays in Python.  ``tests/test_caption_arrays.py`` checks the
arrays against the scalar methods.
"""
from __future__ import annotations

import numpy as np

from .model import Group, Words


def best_split(words: Words, a: int, b: int) -> list[Group]:
    """Words ``[a, b)`` cut into cues that each fit, with the least total badness plus edge costs."""
    o = words.options
    widest = o.max_chars_per_line * o.max_lines // 2 + 1
    ok, bad = pair_costs(words, a, b, widest)
    ok_rows, bad_rows = ok.tolist(), bad.tolist()
    best: dict[int, tuple[float, int]] = {a: (0.0, a)}
    for row, j in enumerate(range(a + 1, b + 1)):
        edge = words.costs[j - 1] if j < b else 0.0
        fit, badness = ok_rows[row], bad_rows[row]
        # a one-word cue always fits, so every earlier word already has its best
        best[j] = min((best[j - d][0] + 1.0 + badness[d - 1] + edge, j - d)
                      for d in range(1, widest + 1) if fit[d - 1])
    cuts, j = [], b
    while j > a:
        i = best[j][1]
        cuts.append((i, j))
        j = i
    return cuts[::-1]


def pair_costs(words: Words, a: int, b: int, widest: int) -> tuple[np.ndarray, np.ndarray]:
    """``fits(i, j)`` and ``badness(i, j)`` for ``j`` in ``(a, b]`` (rows), ``i = j - d``, ``d`` in ``[1, widest]``."""
    o, arr = words.options, words.arrays
    j = np.arange(a + 1, b + 1)[:, None]
    d = np.arange(1, widest + 1)[None, :]
    inside = j - d >= a
    i = np.where(inside, j - d, a)  # any valid index where there is no candidate
    last = j - 1
    fits = (d == 1) | ((arr.ends[last] - arr.starts[i] <= o.max_duration_ms) & (j <= arr.reach[i]))
    time = np.minimum(arr.screen_end[last] - arr.screen_start[i], o.max_duration_ms)
    chars = arr.before[j] - arr.before[i] + (j - i - 1) + arr.reserves[i]
    with np.errstate(divide="ignore"):
        cps = np.where(time > 0, chars * 1000 / np.where(time > 0, time, 1), np.inf)
    bad = np.maximum(0.0, cps - o.target_cps) + 50.0 * np.maximum(0.0, np.minimum(cps, 1e6) - o.max_cps)
    bad = bad + 0.25 * np.maximum(0, o.min_duration_ms - time)
    bad = bad + _layout_costs(words, i, j, chars)
    mixed = arr.sentence_ends_before[last] > arr.sentence_ends_before[i]
    bad = np.where(mixed & ~arr.cue_may_end[last], bad + 2.0, bad)
    return inside & fits, bad


def _layout_costs(words: Words, i: np.ndarray, j: np.ndarray, width: np.ndarray) -> np.ndarray:
    """``Words.layout_cost``: the least break cost after word ``k`` that leaves both lines short enough.

    The first line of words ``[i, j)`` broken after ``k`` is ``reserve + before[k + 1] - before[i] + k - i``
    wide, which grows with ``k``, so the allowed ``k`` form one interval; its least cost is
    a range minimum.
    """
    o, arr = words.options, words.arrays
    if o.max_lines != 2:
        return np.zeros(width.shape)
    offset = arr.reserves[i] - arr.before[i] - i  # first line width = offset + first_width[k]
    hi = np.minimum(np.searchsorted(arr.first_width, o.max_chars_per_line - offset, "right") - 1, j - 2)
    lo = np.maximum(np.searchsorted(arr.first_width, width - 1 - o.max_chars_per_line - offset, "left"), i)
    some = (width > o.max_chars_per_line) & (lo <= hi)
    least = arr.range_min(np.where(some, lo, 0), np.where(some, hi, 0))
    return np.where(some, np.maximum(0.0, least), 0.0)
