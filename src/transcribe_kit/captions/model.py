"""What every caption operation works on: the settings, a cue, and the words.

``CaptionOptions`` holds every limit, with its default from
``shared/reference/caption-rules.md``; ``Cue`` is one caption; ``Words`` is the
transcript's words as the operations see them, with every question they ask
about a range of words answered from tables built once (``Arrays`` holds the
same tables as numpy arrays for ``split``'s dynamic programme).
"""
from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate

import numpy as np

from ..document import Transcript
from . import linebreak

Group = tuple[int, int]  # words [start, end)
EXCHANGE_DASH = "- "  # opens each line of a two-speaker cue (Netflix, BBC; house style for SubRip)


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
    # ...and, when nothing else keeps the hard rules, once the last voice's last word has begun
    # (its cue then ends within that word: the sync rule lets a cue end within 1.5 s of its last word)
    turn_borrow: bool = True
    pause_split_ms: int = 500  # a silence this long always ends a cue (stable-ts split_by_gap .5)
    pos_tags: bool = True  # ask the spaCy tagger about ambiguous words at line breaks
    speaker_labels: bool = True  # keep room for "NAME: " (SubRip) on a new speaker's first cue
    # sounds (captions/sounds.py): sound that matters is described in square brackets (caption-rules.md,
    # Accessibility); speech heard but not recognised by the house rule for speech that cannot be made out
    music_label: str = "[music]"
    unrecognised_label: str = "[inaudible]"
    music_under_speech: bool = True  # label music that starts under speech too (a show's intro bed), at its start
    # a turn too short to stand alone shares a cue with the next or previous speaker's, one speaker a
    # line, each line opened by a hyphen (Netflix dual speakers; BBC 5.1); False: a new cue at every change
    exchanges: bool = True


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
    second_speaker: str | None = None  # a quick exchange: the second line is this speaker's...
    second_word: int = -1  # ...from this word on (the first line is ``speaker``'s)

    @property
    def text(self) -> str:
        return " ".join(self.lines)

    @property
    def two_speakers(self) -> bool:
        return self.second_speaker is not None

    @property
    def shown_lines(self) -> tuple[str, ...]:
        """The lines as a SubRip viewer reads them: the label before the first, or a hyphen before
        each line of a two-speaker cue (which has no label)."""
        if self.two_speakers:
            return tuple(EXCHANGE_DASH + line for line in self.lines)
        if self.label:
            return (f"{self.label} {self.lines[0]}",) + self.lines[1:]
        return self.lines

    @property
    def chars(self) -> int:
        """Characters a viewer reads: lines joined by a space, label or hyphens included."""
        return len(" ".join(self.shown_lines))

    @property
    def plain_chars(self) -> int:
        """Characters a viewer reads without the label (WebVTT names the speaker in a voice span)."""
        return self.chars - (len(self.label) + 1 if self.label and not self.two_speakers else 0)

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
    def arrays(self) -> Arrays:
        return Arrays(self)

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
        bad = self.reading_badness(self.chars(a, b), self.screen_time(a, b))
        bad += self.layout_cost(a, b)  # a line forced to end on "the", "and", "of"...
        mixed = self.sentence_ends_within(a, b - 1)
        if mixed and not (self.sentence_end[b - 1]
                          or self.pause_after(b - 1) >= o.pause_split_ms):
            bad += 2.0  # the end of one sentence and the start of the next, running on
        return bad

    def reading_badness(self, chars: int, time: int) -> float:
        """How far ``chars`` characters shown for ``time`` ms strain the reading speed and minimum duration."""
        o = self.options
        cps = chars * 1000 / time if time > 0 else math.inf
        bad = max(0.0, cps - o.target_cps) + 50.0 * max(0.0, min(cps, 1e6) - o.max_cps)
        return bad + 0.25 * max(0, o.min_duration_ms - time)  # 200 ms short weighs as 1 cps too fast

    def stands_alone(self, a: int, b: int) -> bool:
        """Can words [a, b) be a cue of their own within the hard rules, with their share of the silences?"""
        o, time = self.options, self.screen_time(a, b)
        return time >= o.min_duration_ms and self.chars(a, b) * 1000 <= o.max_cps * time

    def change_within(self, a: int, b: int) -> int | None:
        """The first word of words [a, b) whose speaker is not the one before it (None: one speaker)."""
        return next((m for m in range(a + 1, b) if self.speakers[m] != self.speakers[m - 1]), None)

    def exchange_chars(self, a: int, m: int, b: int) -> int:
        """Characters read in a two-speaker cue: words [a, m) and [m, b) on two lines, each after a hyphen."""
        return self.width(a, m) + self.width(m, b) + 1 + 2 * len(EXCHANGE_DASH)

    def exchange_fits(self, a: int, m: int, b: int) -> bool:
        """Can words [a, m) and [m, b) (two speakers) share a cue, a line each, within the rules?

        The second line appears with the first, so it may not show more than ``max_lead_ms``
        before its first word is said (the sync rule, line by line)."""
        o, dash, before = self.options, len(EXCHANGE_DASH), self.length_before
        return (o.max_lines >= 2 and before[a] < before[m] < before[b]  # both lines have text
                and self.width(a, m) + dash <= o.max_chars_per_line
                and self.width(m, b) + dash <= o.max_chars_per_line
                and self.ends[b - 1] - self.starts[a] <= o.max_duration_ms
                and self.starts[m] - self.starts[a] <= o.max_lead_ms)

    def exchange_badness(self, a: int, m: int, b: int) -> float:
        return self.reading_badness(self.exchange_chars(a, m, b), self.screen_time(a, b))


def _labels(doc: Transcript) -> dict[str | None, str]:
    if len(doc.speakers) < 2:
        return {}
    return {s.id: " ".join(s.display.split()).upper() + ":" for s in doc.speakers}



class Arrays:
    """What ``pair_costs`` reads about each word, as numpy arrays (built once per ``Words``)."""

    def __init__(self, words: Words):
        o, n = words.options, len(words)
        self.starts = np.array(words.starts, dtype=np.int64)
        self.ends = np.array(words.ends, dtype=np.int64)
        self.before = np.array(words.length_before, dtype=np.int64)
        self.reserves = np.array([words.reserve(k) for k in range(n)], dtype=np.int64)
        self.reach = np.array(words.reach, dtype=np.int64)
        self.sentence_ends_before = np.array(words.sentence_ends_before, dtype=np.int64)
        # Words.screen_time's start of a cue whose first word is k, and end of one whose last word is k
        self.screen_start = self.starts - np.array([words.room_before(k) for k in range(n)], dtype=np.int64)
        self.screen_end = self.ends + np.array([words.room_after(k) for k in range(n)], dtype=np.int64)
        pause = np.append(self.starts[1:] - self.ends[:-1], o.max_linger_ms)  # Words.pause_after
        self.cue_may_end = np.array(words.sentence_end, dtype=bool) | (pause >= o.pause_split_ms)
        self.first_width = self.before[1:] + np.arange(n)  # before[k + 1] + k: grows with k
        self._mins = _sparse_table(np.array(words.costs, dtype=np.float64))
        self._level = np.array([max(x.bit_length() - 1, 0) for x in range(n + 2)], dtype=np.int64)

    def range_min(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """The least cost in each inclusive interval ``[lo, hi]`` (non-empty)."""
        level = self._level[hi - lo + 1]
        span = np.left_shift(1, level)
        return np.minimum(self._mins[level, lo], self._mins[level, hi - span + 1])


def _sparse_table(values: np.ndarray) -> np.ndarray:
    """``table[l, x]`` is the least of ``values[x : x + 2**l]`` (inf past the end)."""
    rows = [values]
    while (1 << len(rows)) <= len(values):
        prev, step = rows[-1], 1 << (len(rows) - 1)
        rows.append(np.minimum(prev, np.append(prev[step:], np.full(step, np.inf))))
    return np.array(rows)
