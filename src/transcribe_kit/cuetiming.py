"""Timing operations on caption cues: each maps a list of cues to a new list.

``extend_for_reading`` chooses every cue's start and end together within the
sync limits; ``clamp_duration`` and ``close_small_gaps`` make sure of the
duration and gap rules.  The cues and settings are ``captions.Cue`` and
``captions.Words``.
"""
from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .captions import CaptionOptions, Cue, Words


def extend_for_reading(words: Words, cues: list[Cue]) -> list[Cue]:
    """Give each cue the time its text needs, taking it from the silences around it.

    Each cue may start up to ``max_lead_ms`` before its first word (never
    after it) and stay until the next cue starts, at most ``max_linger_ms``
    after its last word.  The starts are chosen together (dynamic programming
    on a ``lead_step_ms`` grid) so that first as few cues as possible read
    faster than ``max_cps`` or last under ``min_duration_ms``, then as few as
    possible read faster than ``target_cps``; ties go to the start nearest
    the first word.
    """
    if not cues:
        return []
    grids = _start_grid(words, cues)
    layer: dict[int | None, tuple[float, int | None]] = {s: (0.0, None) for s in grids[0]}
    steps = []
    for k, cue in enumerate(cues):
        new = {}
        for nxt in (grids[k + 1] if k + 1 < len(cues) else [None]):
            choices = [(cost + _timing_cost(words, cue, s, _end(words, cue, s, nxt)), s)
                       for s, (cost, _) in layer.items() if nxt is None or nxt > s]
            if choices:
                new[nxt] = min(choices)
        steps.append(new)
        layer = new
    starts: list[int] = []
    nxt = None
    for k in range(len(cues) - 1, -1, -1):
        starts.append(steps[k][nxt][1])
        nxt = starts[-1]
    starts.reverse()
    ends = [_end(words, c, s, starts[k + 1] if k + 1 < len(cues) else None)
            for k, (c, s) in enumerate(zip(cues, starts))]
    return [replace(c, start_ms=s, end_ms=e) for c, s, e in zip(cues, starts, ends)]


LEAD_STEP_MS = 50


def _start_grid(words: Words, cues: list[Cue]) -> list[list[int]]:
    """Candidate starts of each cue: its first word, then earlier in steps."""
    lead = words.options.max_lead_ms
    grids, floor = [], -1
    for cue in cues:
        first = words.starts[cue.first_word]
        lowest = 0
        if cue.first_word and words.speakers[cue.first_word - 1] != words.speakers[cue.first_word]:
            # a new voice waits for the last one, give or take a moment too short to notice
            lowest = min(first, words.ends[cue.first_word - 1] - words.options.turn_lead_ms)
        grid = {max(first - j, lowest) for j in range(0, lead + 1, LEAD_STEP_MS)} | {first}
        grid = {s for s in grid if s > floor} or {floor + 1}  # word times out of order
        grids.append(sorted(grid))
        floor = min(grid)
    return grids


def _end(words: Words, cue: Cue, start: int, next_start: int | None) -> int:
    o = words.options
    end = min(words.ends[cue.last_word] + o.max_linger_ms, start + o.max_duration_ms,
              words.end_of_media if next_start is None else next_start)
    if next_start is not None and 0 < next_start - end < o.min_gap_ms:
        end = next_start  # chain rather than leave a gap too short to see
    return max(end, start + 1)


def _timing_cost(words: Words, cue: Cue, start: int, end: int) -> float:
    o = words.options
    length = end - start
    short = _time_needed(cue, o.max_cps, o) - length
    hard = short > 0 or length > o.max_duration_ms
    warn = length < _time_needed(cue, o.target_cps, o)
    # a cue that must break the limit should not be squeezed further to help another
    return (1000.0 * hard + max(0, short) / 50 + 1.0 * warn
            + (words.starts[cue.first_word] - start) / 1e5)


def _time_needed(cue: Cue, cps: float, o: CaptionOptions) -> int:
    """Whole ms for the cue to read strictly under ``cps`` (a reader's float sum may round up)."""
    return max(o.min_duration_ms, math.floor(cue.chars * 1000 / cps) + 1)


def close_small_gaps(words: Words, cues: list[Cue]) -> list[Cue]:
    """Chain cues closer than the minimum gap, and never let one overlap the next."""
    out = list(cues)
    for k in range(len(out) - 1):
        cue, nxt = out[k], out[k + 1]
        gap = nxt.start_ms - cue.end_ms
        if gap < words.options.min_gap_ms:
            if gap > 0 and nxt.start_ms - cue.start_ms > words.options.max_duration_ms:
                continue  # chaining would make the cue too long: a short gap is only a warning
            if nxt.start_ms <= cue.start_ms:  # word times out of order: keep the order
                out[k + 1] = nxt = replace(nxt, start_ms=cue.start_ms + 1,
                                           end_ms=max(nxt.end_ms, cue.start_ms + 2))
            out[k] = replace(cue, end_ms=nxt.start_ms)
    return out


def clamp_duration(words: Words, cues: list[Cue]) -> list[Cue]:
    limit = words.options.max_duration_ms
    return [replace(c, end_ms=c.start_ms + limit) if c.end_ms - c.start_ms > limit else c for c in cues]
