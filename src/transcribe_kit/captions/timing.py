"""Timing operations on caption cues: each maps a list of cues to a new list.

``extend_for_reading`` chooses every cue's start and end together within the
sync limits; ``clamp_duration`` and ``close_small_gaps`` make sure of the
duration and gap rules.  The cues and settings are ``model.Cue`` and
``model.Words``.
"""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from .model import CaptionOptions, Cue, Words


def extend_for_reading(words: Words, cues: list[Cue]) -> list[Cue]:
    """Give each cue the time its text needs, taking it from the silences around it.

    Each cue may start up to ``max_lead_ms`` before its first word (never
    after it) and stay until the next cue starts, at most ``max_linger_ms``
    after its last word.  The starts are chosen together (dynamic programming
    on a ``lead_step_ms`` grid) so that first as few cues as possible read
    faster than ``max_cps`` or last under ``min_duration_ms``, then as few as
    possible read faster than ``target_cps``; ties go to the start nearest
    the first word.  Each cue is counted as SubRip shows it (its ``NAME:``
    label read too) and as WebVTT does (without), half the cost each.

    A new voice's cue waits for the last voice, unless only appearing earlier
    keeps a hard rule (``turn_borrow``): then it may take the end of the cue
    before, once its last word has begun, as long as that cue keeps every
    hard rule (only a neighbour's slack is taken).
    """
    if not cues:
        return []
    grids = [np.array(g, dtype=np.int64) for g in _start_grid(words, cues)]
    cost = np.zeros(len(grids[0]))  # best cost so far of each start of the current cue
    steps = []
    for k, cue in enumerate(cues):
        nxt = grids[k + 1] if k + 1 < len(cues) else None
        total = cost[:, None] + _timing_costs(words, cue, grids[k], nxt)
        best = np.argmin(total, axis=0)  # the first minimum: ties go to the earliest start
        steps.append(best)
        cost = total[best, np.arange(total.shape[1])]
    starts: list[int] = []
    column = 0
    for k in range(len(cues) - 1, -1, -1):
        row = int(steps[k][column])
        starts.append(int(grids[k][row]))
        column = row
    starts.reverse()
    ends = [_end(words, c, s, starts[k + 1] if k + 1 < len(cues) else None)
            for k, (c, s) in enumerate(zip(cues, starts))]
    return [replace(c, start_ms=s, end_ms=e) for c, s, e in zip(cues, starts, ends)]


def _timing_costs(words: Words, cue: Cue, starts: np.ndarray, next_starts: np.ndarray | None) -> np.ndarray:
    """:func:`_timing_cost` of each start (rows) before each start of the next cue (columns).

    The same arithmetic as ``_end`` and ``_timing_cost``, in the same order, so the
    sums are the same floats; a pair where the next cue would not start later is ``inf``.
    """
    o = words.options
    s = starts[:, None]
    if next_starts is None:
        end = np.minimum(np.minimum(words.ends[cue.last_word] + o.max_linger_ms, s + o.max_duration_ms),
                         words.end_of_media)
    else:
        nxt = next_starts[None, :]
        chained = nxt - o.chain_gap_ms
        end = np.minimum(np.minimum(words.ends[cue.last_word] + o.max_linger_ms, s + o.max_duration_ms), chained)
        gap = nxt - end
        end = np.where((gap > o.chain_gap_ms) & (gap < o.min_gap_ms), chained, end)  # chain
    length = np.maximum(end, s + 1) - s
    srt, hard = _view_costs(cue.chars, length, o)
    vtt, hard_plain = _view_costs(cue.plain_chars, length, o)
    cost = (srt + vtt + (words.starts[cue.first_word] - s) / 1e5
            + VOICE_OVERLAP_COST * (s < _others_end(words, cue)))
    if next_starts is not None:
        cost = np.where(next_starts[None, :] > s, cost, np.inf)
        cost = np.where(_borrowed(words, cue, next_starts[None, :]) & hard_plain, np.inf, cost)
    return cost


def _view_costs(chars: int, length, o: CaptionOptions):
    """Half the cost of showing ``chars`` characters for ``length`` ms, and whether that breaks a hard
    rule: the timing serves both files, SubRip (its label counted) and WebVTT (without)."""
    short = _time_needed(chars, o.max_cps, o) - length
    hard = (short > 0) | (length > o.max_duration_ms)
    warn = length < _time_needed(chars, o.target_cps, o)
    return 500.0 * hard + np.maximum(0, short) / 100 + 0.5 * warn, hard


def _borrowed(words: Words, cue: Cue, next_start):
    """Does the next cue, appearing before its first word, cut this one short of its last word's end?
    It may take only a neighbour's slack: never when the neighbour (as WebVTT shows it) then breaks
    a hard rule."""
    k = cue.last_word
    if k + 1 >= len(words):
        return next_start < 0
    return (next_start < words.starts[k + 1]) & (next_start - words.options.chain_gap_ms < words.ends[k])


LEAD_STEP_MS = 50
# a new voice's cue appearing while the diarised speech of the last voice goes on: worse than a
# cue read a little fast (1), much better than a broken rule (1000)
VOICE_OVERLAP_COST = 10.0


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
            if words.options.turn_borrow:  # costed VOICE_OVERLAP_COST: taken only to keep a hard rule
                lowest = min(lowest, max(taken_over(words, cue.first_word - 1), first - lead))
        if cue.two_speakers:  # its second line shows no earlier than the sync rule lets it
            lowest = min(first, max(lowest, words.starts[cue.second_word] - lead))
        grid = {max(first - j, lowest) for j in range(0, lead + 1, LEAD_STEP_MS)} | {first}
        grid = {s for s in grid if s > floor} or {floor + 1}  # word times out of order
        grids.append(sorted(grid))
        floor = min(grid)
    return grids


def anchor(words: Words, k: int) -> int:
    """The instant that places word ``k`` in a cue: just after it begins (``check`` finds a cue's words so)."""
    return words.starts[k] + 1 if words.ends[k] > words.starts[k] else words.starts[k]


def taken_over(words: Words, k: int) -> int:
    """The earliest the next voice's cue may take over from the cue ending with word ``k``: once that
    word has begun (``turn_borrow``); it has been on screen all along."""
    return anchor(words, k) + 1


def _end(words: Words, cue: Cue, start: int, next_start: int | None) -> int:
    o = words.options
    end = min(words.ends[cue.last_word] + o.max_linger_ms, start + o.max_duration_ms,
              words.end_of_media if next_start is None else next_start - o.chain_gap_ms)
    if next_start is not None and o.chain_gap_ms < next_start - end < o.min_gap_ms:
        end = next_start - o.chain_gap_ms  # chain rather than leave a gap too short to see
    return max(end, start + 1)


def _timing_cost(words: Words, cue: Cue, start: int, end: int, next_start: int | None = None) -> float:
    """The cost of one start and end (``_timing_costs`` computes it for all pairs at once)."""
    o = words.options
    length = end - start
    srt, _ = _view_costs(cue.chars, length, o)
    vtt, hard_plain = _view_costs(cue.plain_chars, length, o)
    if hard_plain and next_start is not None and _borrowed(words, cue, next_start):
        return math.inf
    # a cue that must break the limit should not be squeezed further to help another
    return float(srt + vtt + (words.starts[cue.first_word] - start) / 1e5
                 + VOICE_OVERLAP_COST * (start < _others_end(words, cue)))


def _others_end(words: Words, cue: Cue) -> int:
    """Before this, a new voice's cue would show while the last voice still speaks (diarised speech)."""
    a = cue.first_word
    if a and words.speakers[a - 1] != words.speakers[a]:
        return words.others_end(a)
    return -1


def _time_needed(chars: int, cps: float, o: CaptionOptions) -> int:
    """Whole ms for ``chars`` characters to read strictly under ``cps`` (a reader's float sum may round up)."""
    return max(o.min_duration_ms, math.floor(chars * 1000 / cps) + 1)


def close_small_gaps(words: Words, cues: list[Cue]) -> list[Cue]:
    """Chain cues closer than the minimum gap, and never let one overlap the next."""
    out = list(cues)
    for k in range(len(out) - 1):
        cue, nxt = out[k], out[k + 1]
        gap = nxt.start_ms - cue.end_ms
        if gap < words.options.min_gap_ms:
            chained = nxt.start_ms - words.options.chain_gap_ms
            if chained > cue.end_ms and chained - cue.start_ms > words.options.max_duration_ms:
                continue  # chaining would make the cue too long: a short gap is only a warning
            if nxt.start_ms <= cue.start_ms:  # word times out of order: keep the order
                out[k + 1] = nxt = replace(nxt, start_ms=cue.start_ms + 1,
                                           end_ms=max(nxt.end_ms, cue.start_ms + 2))
            out[k] = replace(cue, end_ms=max(chained, cue.start_ms + 1))
    return out


def clamp_duration(words: Words, cues: list[Cue]) -> list[Cue]:
    limit = words.options.max_duration_ms
    return [replace(c, end_ms=c.start_ms + limit) if c.end_ms - c.start_ms > limit else c for c in cues]
