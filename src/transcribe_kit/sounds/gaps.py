"""Speech that a detector heard and recognition gave no words: found, and decoded again alone.

Whisper can skip a stretch of clear speech (its timestamp tokens jump ahead, or a prompt or
the text before steers it past), and nothing downstream notices: the words are simply missing
from the transcript, the captions and the page.  Here every stretch of detected speech at least
``min_gap_ms`` long that no word covers is decoded again on its own (``asr.faster.transcribe_alone``:
a little context either side, no prompt, no previous text, the temperature fallback), and the
words that fall inside it are put in their place.  What still has no words is reported.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass

from ..audio import Audio
from ..document import Word
from .detect import Span, subtract

Decoder = Callable[[object], list[Word]]  # samples -> words timed from the piece's start


@dataclass(frozen=True)
class Gap:
    start_ms: int
    end_ms: int
    confidence: float
    words: tuple[Word, ...] = ()  # what the second decoding gave, in the recording's time

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms


def covered(words: tuple[Word, ...] | list[Word], pad_ms: int) -> list[tuple[int, int]]:
    """The time the words take, each widened by ``pad_ms`` a side, overlapping stretches merged."""
    out: list[list[int]] = []
    for w in words:
        a, b = w.start_ms - pad_ms, max(w.end_ms, w.start_ms) + pad_ms
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def find(speech: list[Span], words: tuple[Word, ...] | list[Word], min_gap_ms: int, pad_ms: int) -> list[Span]:
    """Stretches between two words (padded) holding at least ``min_gap_ms`` of heard speech.

    The speech there may come in several pieces (a speaker's pauses): the stretch runs from the
    first piece's start to the last one's end, and counts the speech, not the pauses."""
    cover = covered(words, pad_ms)
    ends = [b for _, b in cover]
    groups: dict[int, list[Span]] = {}
    for piece in subtract(speech, cover):
        groups.setdefault(bisect_right(ends, piece.start_ms), []).append(piece)
    out = []
    for pieces in groups.values():
        heard = sum(p.duration_ms for p in pieces)
        if heard >= min_gap_ms:
            confidence = sum(p.confidence * p.duration_ms for p in pieces) / heard
            out.append(Span(pieces[0].start_ms, pieces[-1].end_ms, round(confidence, 3)))
    return out


def _norm(text: str) -> str:
    return re.sub(r"[^\w']", "", text.lower())


def placed(found: list[Word], offset_ms: int, gap: Span, words: list[Word], slack_ms: int) -> tuple[Word, ...]:
    """The words of a second decoding (timed from ``offset_ms``) that belong in ``gap``.

    A word belongs when its middle lies inside the gap (``slack_ms`` either side) and it does
    not run into the words already there; a word repeating the neighbour it would touch (the
    context either side was decoded too) is the neighbour, heard again, and is left out."""
    starts = [w.start_ms for w in words]
    before = words[bisect_left(starts, gap.start_ms) - 1] if bisect_left(starts, gap.start_ms) else None
    k = bisect_right(starts, gap.end_ms)
    after = words[k] if k < len(words) else None
    lo = max(gap.start_ms - slack_ms, before.end_ms if before else 0)
    hi = min(gap.end_ms + slack_ms, after.start_ms if after else gap.end_ms + slack_ms)
    out = []
    for w in found:
        start, end = w.start_ms + offset_ms, w.end_ms + offset_ms
        if lo <= (start + end) // 2 <= hi:
            out.append(Word(w.text, max(start, lo), min(max(end, start), hi), w.probability, estimated=w.estimated))
    if out and before and _norm(out[0].text) == _norm(before.text):
        out = out[1:]
    if out and after and _norm(out[-1].text) == _norm(after.text):
        out = out[:-1]
    return tuple(out)


def recover(audio: Audio, gaps: list[Span], words: tuple[Word, ...], decode: Decoder, context_ms: int,
            slack_ms: int, progress: Callable[[int, int], None] | None = None) -> list[Gap]:
    """Each gap decoded again with ``context_ms`` either side; the words that belong in it."""
    out = []
    ordered = list(words)
    for n, gap in enumerate(gaps):
        a = max(0, gap.start_ms - context_ms)
        b = min(audio.duration_ms, gap.end_ms + context_ms)
        found = decode(audio.slice_ms(a, b))
        out.append(Gap(gap.start_ms, gap.end_ms, gap.confidence, placed(found, a, gap, ordered, slack_ms)))
        if progress:
            progress(n + 1, len(gaps))
    return out


def merged(words: tuple[Word, ...], gaps: list[Gap]) -> tuple[Word, ...]:
    """``words`` with every gap's words put in their place, in time order."""
    extra = [w for g in gaps for w in g.words]
    if not extra:
        return words
    return tuple(sorted((*words, *extra), key=lambda w: (w.start_ms, w.end_ms)))
