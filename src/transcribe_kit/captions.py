"""Caption cues from timed words, as a chain of small named operations.

Words are first grouped (every operation maps a list of ``[start, end)`` word
ranges to a new list, so no word is ever lost, repeated or reordered):

    split_at_speaker_change -> split_at_sentence_end -> split_at_pause
    -> split_by_length -> merge_short_neighbours

then laid out on lines (``linebreak``) and timed (``cuetiming``; every
operation maps a list of cues to a new list):

    place_on_words -> extend_for_reading -> clamp_duration -> close_small_gaps
    -> flag_violations

Every limit is a :class:`CaptionOptions` setting whose default comes from
``shared/reference/caption-rules.md``.  When a cue cannot reach the reading
speed without cutting words, it takes time from the silence around it first,
and is then flagged; words are never dropped.
"""
from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import accumulate

from . import cuesplit, linebreak
from .cuetiming import clamp_duration, close_small_gaps, extend_for_reading
from .document import Transcript

Group = tuple[int, int]  # words [start, end)


@dataclass(frozen=True)
class CaptionOptions:
    max_chars_per_line: int = 42  # Netflix English; BBC uses 37
    max_lines: int = 2  # Netflix; BBC 3.3
    target_cps: float = 17.0  # reading speed to aim for; cues above it are flagged "warn"
    max_cps: float = 20.0  # never above (a hard limit)
    min_duration_ms: int = 1000  # Netflix
    max_duration_ms: int = 7000  # Netflix
    min_gap_ms: int = 80  # two frames between cues that are not chained (Netflix)
    chain_gap_ms: int = 0  # chained cues (no pause to show) end this long before the next starts; Netflix-strict: 80
    max_linger_ms: int = 1500  # a cue may stay up this long after its last word (BBC 5.4)
    max_lead_ms: int = 1500  # ...and appear this long before its first word (BBC 5.2)
    turn_lead_ms: int = 0  # a new speaker's cue may appear this long before the last one stops
    pause_split_ms: int = 500  # a silence this long always ends a cue (stable-ts split_by_gap .5)
    pos_tags: bool = True  # ask the spaCy tagger about ambiguous words at line breaks
    speaker_labels: bool = True  # keep room for "NAME: " (SubRip) on a new speaker's first cue


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    lines: tuple[str, ...]
    speaker: str | None
    first_word: int
    last_word: int  # inclusive
    label: str = ""  # "DEZ:" on the first cue after a change of speaker (SubRip)
    flags: tuple[str, ...] = ()  # rules this cue still breaks, e.g. "reading-speed"

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    @property
    def chars(self) -> int:
        """Characters a viewer reads: lines joined by a space, label included."""
        return len(self.text) + (len(self.label) + 1 if self.label else 0)

    @property
    def cps(self) -> float:
        duration = self.end_ms - self.start_ms
        return self.chars * 1000 / duration if duration > 0 else math.inf


class Words:
    """The transcript's words as the operations see them, with the settings."""

    def __init__(self, doc: Transcript, options: CaptionOptions,
                 tagger: linebreak.Tagger | None = None):
        self.options = options
        self.texts = tuple(" ".join(w.text.split()) for w in doc.words)  # no newlines in a cue
        self.starts = tuple(w.start_ms for w in doc.words)
        self.ends = tuple(max(w.end_ms, w.start_ms) for w in doc.words)
        self.speakers = tuple(w.speaker for w in doc.words)
        # per speaker: segment starts in order, and the latest end among the segments up to each
        self._speech: dict[str, tuple[list[int], list[int]]] = {}
        for seg in sorted(doc.segments, key=lambda g: g.start_ms):
            starts, ends = self._speech.setdefault(seg.speaker, ([], []))
            starts.append(seg.start_ms)
            ends.append(max(seg.end_ms, ends[-1] if ends else 0))
        self.end_of_media = max([doc.duration_ms, *self.ends]) if self.ends else doc.duration_ms
        self.labels = _labels(doc) if options.speaker_labels else {}
        self._tagger = tagger
        # everything the operations ask about a range [a, b), precomputed once so each answer is O(1)
        self.lengths = tuple(len(t) for t in self.texts)
        self.length_before = tuple(accumulate(self.lengths, initial=0))
        self.sentence_end = tuple(linebreak.ends_sentence(t) for t in self.texts)
        self.sentence_ends_before = tuple(accumulate(self.sentence_end, initial=0))
        self._labels_at = tuple(self._label_at(a) for a in range(len(self.texts)))
        self._reserves = tuple(len(label) + 1 if label else 0 for label in self._labels_at)
        self.reach = linebreak.line_reach(self.lengths, options.max_chars_per_line, options.max_lines,
                                           self._reserves)

    @cached_property
    def costs(self) -> list[float]:
        return linebreak.break_costs(self.texts, self._tagger)

    @cached_property
    def arrays(self) -> cuesplit.Arrays:
        return cuesplit.Arrays(self)

    def __len__(self) -> int:
        return len(self.texts)

    def _label_at(self, a: int) -> str:
        new_speaker = a == 0 or self.speakers[a] != self.speakers[a - 1]
        return self.labels.get(self.speakers[a], "") if new_speaker else ""

    def label(self, a: int) -> str:
        return self._labels_at[a]

    def reserve(self, a: int) -> int:
        return self._reserves[a]

    def width(self, a: int, b: int) -> int:
        """Characters of words [a, b) joined by spaces (no label)."""
        return self.length_before[b] - self.length_before[a] + (b - a - 1)

    def chars(self, a: int, b: int) -> int:
        return self.width(a, b) + self._reserves[a]

    def sentence_ends_within(self, a: int, b: int) -> bool:
        """Does a sentence end after any of words [a, b)?"""
        return self.sentence_ends_before[b] > self.sentence_ends_before[a]

    def pause_after(self, i: int) -> int:
        return self.starts[i + 1] - self.ends[i] if i + 1 < len(self) else self.options.max_linger_ms

    def fits(self, a: int, b: int) -> bool:
        """Can words [a, b) be one cue without breaking a layout or duration rule?"""
        if b - a == 1:
            return True
        return self.ends[b - 1] - self.starts[a] <= self.options.max_duration_ms and b <= self.reach[a]

    def screen_time(self, a: int, b: int) -> int:
        """About how long words [a, b) can stay on screen, using the silences around them.

        A silence between two words is shared by the cue before it (lingering) and
        the cue after it (appearing early): each may count on half of it, so two
        neighbouring groups never both count on the whole of one pause."""
        o = self.options
        return min(self.ends[b - 1] + self.room_after(b - 1) - self.starts[a] + self.room_before(a),
                   o.max_duration_ms)

    def others_end(self, a: int) -> int:
        """When the speech of anyone but word ``a``'s speaker ends before word ``a`` starts.

        The recognised words' edges can be a few hundred milliseconds early, so the
        diarised speech (``Transcript.segments``) has the last word on it when a new
        voice's cue may appear; without segments, the previous word's end."""
        end = self.ends[a - 1] if a else 0
        first, speaker = self.starts[a], self.speakers[a]
        for who, (starts, ends) in self._speech.items():
            k = bisect_left(starts, first)
            if who != speaker and k:
                end = max(end, min(ends[k - 1], first))
        return end

    def longest_time(self, a: int, b: int) -> int:
        """The longest words [a, b) could stay on screen: every silence around them taken."""
        o = self.options
        start = max(self.ends[a - 1] if a else 0, self.starts[a] - o.max_lead_ms)
        end = min(self.starts[b] - o.min_gap_ms if b < len(self) else self.end_of_media,
                  self.ends[b - 1] + o.max_linger_ms)
        return max(end, self.ends[b - 1]) - start

    def room_before(self, a: int) -> int:
        """How early a cue opening at word ``a`` may count on appearing: half the silence before it."""
        o = self.options
        if a == 0:
            return min(self.starts[0], o.max_lead_ms)
        before = self.others_end(a) if self.speakers[a] != self.speakers[a - 1] else self.ends[a - 1]
        return min(max(0, (self.starts[a] - before - o.min_gap_ms) // 2), o.max_lead_ms)

    def room_after(self, k: int) -> int:
        """How long a cue ending with word ``k`` may count on staying: half the silence after it."""
        o = self.options
        if k + 1 == len(self):
            return max(0, min(self.end_of_media - self.ends[k], o.max_linger_ms))
        return min(max(0, (self.starts[k + 1] - self.ends[k] - o.min_gap_ms) // 2), o.max_linger_ms)

    def layout_cost(self, a: int, b: int) -> float:
        """How bad the best place to break words [a, b) into two lines is (0 if none is bad)."""
        o = self.options
        width = self.chars(a, b)
        if width <= o.max_chars_per_line or o.max_lines != 2:
            return 0.0
        best, left = math.inf, self._reserves[a] - 1
        lengths, costs = self.lengths, self.costs
        for k in range(a, b - 1):  # a break after word k
            left += lengths[k] + 1
            if left > o.max_chars_per_line:
                break
            if width - left - 1 <= o.max_chars_per_line and costs[k] < best:
                best = costs[k]
        return max(0.0, best) if best < math.inf else 0.0

    def badness(self, a: int, b: int) -> float:
        """0 for a cue that reads comfortably; grows with each rule it strains."""
        o = self.options
        time = self.screen_time(a, b)
        cps = self.chars(a, b) * 1000 / time if time > 0 else math.inf
        bad = max(0.0, cps - o.target_cps) + 50.0 * max(0.0, min(cps, 1e6) - o.max_cps)
        bad += 0.25 * max(0, o.min_duration_ms - time)  # 200 ms short weighs as 1 cps too fast
        bad += self.layout_cost(a, b)  # a line forced to end on "the", "and", "of"...
        mixed = self.sentence_ends_within(a, b - 1)
        if mixed and not (self.sentence_end[b - 1]
                          or self.pause_after(b - 1) >= o.pause_split_ms):
            bad += 2.0  # the end of one sentence and the start of the next, running on
        return bad


def _labels(doc: Transcript) -> dict[str | None, str]:
    if len(doc.speakers) < 2:
        return {}
    return {s.id: " ".join(s.display.split()).upper() + ":" for s in doc.speakers}


# ---- grouping operations: list of word ranges -> list of word ranges ---------------

def _split_where(groups: list[Group], cut: Callable[[int], bool]) -> list[Group]:
    """Split each group after every word ``i`` for which ``cut(i)`` holds."""
    out: list[Group] = []
    for a, b in groups:
        start = a
        for i in range(a, b - 1):
            if cut(i):
                out.append((start, i + 1))
                start = i + 1
        out.append((start, b))
    return out


def split_at_speaker_change(words: Words, groups: list[Group]) -> list[Group]:
    return _split_where(groups, lambda i: words.speakers[i] != words.speakers[i + 1])


def split_at_sentence_end(words: Words, groups: list[Group]) -> list[Group]:
    return _split_where(groups, lambda i: linebreak.ends_sentence(words.texts[i]))


def split_at_pause(words: Words, groups: list[Group]) -> list[Group]:
    return _split_where(groups, lambda i: words.pause_after(i) >= words.options.pause_split_ms)


def split_by_length(words: Words, groups: list[Group]) -> list[Group]:
    """Split groups too long for one cue where the cues read best (dynamic programming, ``cuesplit``)."""
    out: list[Group] = []
    for a, b in groups:
        out += [(a, b)] if words.fits(a, b) else cuesplit.best_split(words, a, b)
    return out


def merge_short_neighbours(words: Words, groups: list[Group]) -> list[Group]:
    """Join neighbouring cues of one speaker when together they read better."""
    groups = list(groups)
    changed = True
    while changed:
        changed = False
        k = 0
        while k + 1 < len(groups):
            if _merge_gain(words, groups[k], groups[k + 1]) > 0:
                groups[k:k + 2] = [(groups[k][0], groups[k + 1][1])]
                changed = True
            k += 1
    return groups


def _merge_gain(words: Words, left: Group, right: Group) -> float:
    (a, m), (_, b) = left, right
    o = words.options
    # a pause ends a cue, unless the cue before it could not stay up for the minimum time
    pause = words.pause_after(m - 1) >= o.pause_split_ms and words.screen_time(a, m) >= o.min_duration_ms
    if words.speakers[m - 1] != words.speakers[m] or pause or not words.fits(a, b):
        return 0.0
    return words.badness(a, m) + words.badness(m, b) - words.badness(a, b)


def rebalance_short(words: Words, groups: list[Group]) -> list[Group]:
    """A cue that cannot stay up for the minimum time and cannot join a whole neighbour (too long
    together) shares words with it instead: the two are split again as one ("You're" | pause |
    "making some really important points..." becomes two cues that both last)."""
    o = words.options
    out = list(groups)
    k = 0
    while k < len(out):
        a, b = out[k]
        if words.longest_time(a, b) < o.min_duration_ms:
            for j in (k + 1, k - 1):  # the sentence it opens, else the one it ends
                if not 0 <= j < len(out):
                    continue
                lo, hi = min(a, out[j][0]), max(b, out[j][1])
                if len(set(words.speakers[lo:hi])) != 1:
                    continue
                again = cuesplit.best_split(words, lo, hi)
                if sum(words.badness(x, y) for x, y in again) < words.badness(a, b) + words.badness(*out[j]):
                    out[min(j, k):max(j, k) + 1] = again
                    k = min(j, k) + len(again) - 1
                    break
        k += 1
    return out


GROUPING = (split_at_speaker_change, split_at_sentence_end, split_at_pause, split_by_length,
            merge_short_neighbours, rebalance_short)


# ---- timing operations: list of cues -> list of cues ---------------------------

def place_on_words(words: Words, groups: list[Group]) -> list[Cue]:
    o = words.options
    cues = []
    for a, b in groups:
        lines = linebreak.split_lines(words.texts[a:b], words.costs[a:b], o.max_chars_per_line,
                                      o.max_lines, words.reserve(a))
        cues.append(Cue(start_ms=words.starts[a], end_ms=max(words.ends[b - 1], words.starts[a] + 1),
                        lines=lines, speaker=words.speakers[a], first_word=a, last_word=b - 1,
                        label=words.label(a)))
    return cues


def flag_violations(words: Words, cues: list[Cue]) -> list[Cue]:
    return [replace(c, flags=violations(c, words.options)) for c in cues]


READING_SPEED_WARN = "reading-speed"


def violations(cue: Cue, o: CaptionOptions) -> tuple[str, ...]:
    """The rules a cue breaks; all but ``reading-speed`` (over the target) are hard."""
    flags = []
    duration = cue.end_ms - cue.start_ms
    first = (len(cue.label) + 1 if cue.label else 0) + len(cue.lines[0])
    if max([first, *(len(line) for line in cue.lines[1:])]) > o.max_chars_per_line:
        flags.append("line-length")
    if len(cue.lines) > o.max_lines:
        flags.append("lines")
    if cue.cps > o.max_cps:
        flags.append("reading-speed-max")
    elif cue.cps > o.target_cps:
        flags.append(READING_SPEED_WARN)
    if duration < o.min_duration_ms:
        flags.append("too-short")
    if duration > o.max_duration_ms:
        flags.append("too-long")
    return tuple(flags)


TIMING = (extend_for_reading, clamp_duration, close_small_gaps, flag_violations)


def build_cues(doc: Transcript, options: CaptionOptions = CaptionOptions(),
               tagger: linebreak.Tagger | None = None) -> list[Cue]:
    """Cues for the whole transcript, every word in exactly one cue, in order.

    ``tagger`` defaults to the spaCy tagger when ``options.pos_tags`` is on.
    """
    if tagger is None and options.pos_tags:
        from .nlp import pos_tags as tagger
    words = Words(doc, options, tagger)
    groups: list[Group] = [(0, len(words))] if len(words) else []
    for operation in GROUPING:
        groups = operation(words, groups)
    cues = place_on_words(words, groups)
    for operation in TIMING:
        cues = operation(words, cues)
    return cues


def hard_flags(cue: Cue) -> tuple[str, ...]:
    return tuple(f for f in cue.flags if f != READING_SPEED_WARN)

