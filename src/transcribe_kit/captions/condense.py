"""Cues no timing can save: speech faster than anyone can read, left for an editor to condense.

A cue may take every silence around it, within the sync rules (appear at most
``max_lead_ms`` before its first word, stay at most ``max_linger_ms`` after its
last, never over the speech before or after it).  When its text still reads
faster than ``max_cps`` in that time, the machine keeps it verbatim (it never
drops words) and it stays a hard break; a subtitler would condense the text,
and that is an editor's decision.  ``captions.cues_to_condense`` lists those
cues (for a review queue); ``check`` marks them in its report with the same
figure (``WordSpans`` finds a file's cue's words).
"""
from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass

from .model import Cue, Words
from .timing import anchor, taken_over

SPEED_RULES = ("reading-speed-max", "too-short")  # the rules more time would mend


@dataclass(frozen=True)
class Condense:
    """A cue whose speech is faster than anyone can read, with the figure that says so."""

    start_ms: int
    end_ms: int
    first_word: int
    last_word: int  # inclusive
    text: str
    figure: str  # "speech at 24.1 characters a second" with all the time the cue may take


def speech_figure(cps: float) -> str:
    return f"speech at {cps:.1f} characters a second"


Shown = tuple[int, int, int]  # a cue as words [a, b) and the characters it shows


def earliest_start(words: Words, a: int) -> int:
    """The earliest a cue opening at word ``a`` may appear: ``max_lead_ms`` early, once the word before
    it has begun (``turn_borrow``; else once it has ended)."""
    o = words.options
    before = (taken_over(words, a - 1) if o.turn_borrow else words.ends[a - 1] + o.chain_gap_ms) if a else 0
    return min(words.starts[a], max(words.starts[a] - o.max_lead_ms, before))


def latest_end(words: Words, b: int) -> int:
    """The latest a cue ending with word ``b - 1`` may stay: ``max_linger_ms``, before the speech after."""
    o = words.options
    after = words.starts[b] - o.chain_gap_ms if b < len(words) else words.end_of_media
    return max(words.ends[b - 1], min(after, words.ends[b - 1] + o.max_linger_ms))


def needed(words: Words, chars: int) -> int:
    """The time ``chars`` characters need on screen: the minimum duration, and no faster than ``max_cps``."""
    o = words.options
    return max(o.min_duration_ms, math.ceil(chars * 1000 / o.max_cps))


def kept(words: Words, cue: Shown) -> int:
    """What a neighbour keeps of the time around it: what it needs, or (when no timing gives it that)
    the time of its own words, since it will break the rules anyway."""
    a, b, chars = cue
    need = needed(words, chars)
    return need if need <= latest_end(words, b) - earliest_start(words, a) else words.ends[b - 1] - words.starts[a]


def most_time(words: Words, cues: list[Shown], k: int, reach: int = 4) -> int:
    """The longest cue ``k`` could stay on screen, taking every silence it may within the sync rules
    and all its neighbours' slack (up to ``reach`` cues either side keep what they need)."""
    best = None
    for i in range(max(0, k - reach), k + 1):
        for j in range(k, min(len(cues), k + reach + 1)):
            span = latest_end(words, cues[j][1]) - earliest_start(words, cues[i][0])
            time = span - sum(kept(words, cues[m]) for m in range(i, j + 1) if m != k)
            best = time if best is None else min(best, time)
    return max(best, 1)


def unavoidable(words: Words, cues: list[Shown], k: int) -> str:
    """Why cue ``k`` cannot keep the reading speed or the minimum duration however it is timed
    (its figure, e.g. "speech at 24.1 characters a second"), or "" when some timing can."""
    time, chars = most_time(words, cues, k), cues[k][2]
    cps = chars * 1000 / time
    if cps > words.options.max_cps:
        return speech_figure(cps)
    if time < words.options.min_duration_ms:
        return f"at most {time} ms on screen"
    return ""


def to_condense(words: Words, cues: list[Cue]) -> list[Condense]:
    """The built ``cues`` that break the reading speed or duration however they are timed, in order
    (``captions.cues_to_condense`` builds the cues of a transcript first).  Sound cues (``[music]``,
    no words) have nothing to condense and take no part."""
    cues = [c for c in cues if c.first_word >= 0]
    shown = [(c.first_word, c.last_word + 1, c.chars) for c in cues]
    out = []
    for k, cue in enumerate(cues):
        if set(cue.flags) & set(SPEED_RULES):
            why = unavoidable(words, shown, k)
            if why:
                out.append(Condense(cue.start_ms, cue.end_ms, cue.first_word, cue.last_word, cue.text, why))
    return out


class WordSpans:
    """Which words a cue read from a file shows: those that begin while it is on screen
    (``timing.anchor``: just after a word's start, so a cue that took over from the word's
    own cue does not show it)."""

    def __init__(self, words: Words):
        self.words = words
        self._anchors = [anchor(words, k) for k in range(len(words))]
        self._sorted = all(x <= y for x, y in zip(self._anchors, self._anchors[1:]))

    def span(self, start_ms: int, end_ms: int) -> tuple[int, int] | None:
        if self._sorted:
            a, b = bisect_left(self._anchors, start_ms), bisect_left(self._anchors, end_ms)
        else:
            inside = [k for k, m in enumerate(self._anchors) if start_ms <= m < end_ms]
            a, b = (inside[0], inside[-1] + 1) if inside else (0, 0)
        return (a, b) if b > a else None

    def unavoidable(self, cues: list[tuple[int, int, int]], k: int) -> str:
        """:func:`unavoidable` for cue ``k`` of ``(start_ms, end_ms, chars)`` read from a file; its
        neighbours count as far as the cues next to it show words ("" when it shows none)."""
        spans = [self.span(start, end) for start, end, _ in cues]
        if spans[k] is None:
            return ""
        lo, hi = k, k
        while lo > 0 and spans[lo - 1] is not None and spans[lo - 1][1] <= spans[lo][0]:
            lo -= 1
        while hi + 1 < len(cues) and spans[hi + 1] is not None and spans[hi + 1][0] >= spans[hi][1]:
            hi += 1
        run = [(*spans[m], cues[m][2]) for m in range(lo, hi + 1)]
        return unavoidable(self.words, run, k - lo)
