"""Places to check: runs of doubtful words, changes of voice, and names given on thin evidence.

A place is what an editor looks at once.  Doubtful words next to each other are
one place (checking one is checking the others), at most ``max_words`` long, so a
short list covers many places rather than a few long ones.
"""
from __future__ import annotations

import hashlib
import math

from ..document import ReviewPlace, Transcript
from . import model

SPEAKER_FEATURES = ("overlap", "short_turn", "close_gap", "small_voice", "inside_overlap")


def place_id(kind: str, doc: Transcript, first: int, last: int) -> str:
    """Stable for the same words at the same times: a hash of the kind, the words' text and their times."""
    words = doc.words[first:last]
    text = " ".join(w.text for w in words)
    start, end = (words[0].start_ms, words[-1].end_ms) if words else (0, 0)
    return hashlib.sha1(f"{kind}\x1f{text}\x1f{start}\x1f{end}".encode("utf-8")).hexdigest()[:12]


def make(doc: Transcript, kind: str, first: int, last: int, score: float, reason: str,
         suggestion: str | None = None) -> ReviewPlace:
    words = doc.words[first:last]
    return ReviewPlace(id=place_id(kind, doc, first, last), kind=kind, words=(first, last),
                       start_ms=words[0].start_ms, end_ms=words[-1].end_ms, score=round(score, 3), reason=reason,
                       suggestion=suggestion)


def runs(doubt: list[float], seed: float, max_words: int) -> list[tuple[int, int]]:
    """[first, last) runs of words with doubt >= ``seed``; a longer run is cut before its least doubtful word."""
    out, i, n = [], 0, len(doubt)
    while i < n:
        if doubt[i] < seed:
            i += 1
            continue
        j = i
        while j < n and doubt[j] >= seed:
            j += 1
        out += _cut(doubt, i, j, max_words)
        i = j
    return out


def _cut(doubt: list[float], first: int, last: int, max_words: int) -> list[tuple[int, int]]:
    if last - first <= max_words:
        return [(first, last)]
    k = min(range(first + 1, last), key=lambda j: doubt[j])  # the least doubtful word starts the second part
    return _cut(doubt, first, k, max_words) + _cut(doubt, k, last, max_words)


def word_places(doc: Transcript, doubt: list[float], suggestions: dict[int, str], reasons: list[str],
                seed: float, max_words: int) -> list[ReviewPlace]:
    out = []
    for first, last in runs(doubt, seed, max_words):
        strongest = max(range(first, last), key=lambda j: doubt[j])
        score = model.predict("place", (model.logit(doubt[strongest]), math.log(last - first)))
        suggestion = next((suggestions[j] for j in range(first, last) if j in suggestions), None)
        out.append(make(doc, "words", first, last, score, reasons[strongest], suggestion))
    return out


def _overlaps(doc: Transcript) -> list[tuple[int, int]]:
    """Stretches where the diarisation heard two voices at once."""
    segs = sorted(doc.segments, key=lambda s: s.start_ms)
    out = []
    for a, s in enumerate(segs):
        for t in segs[a + 1:]:
            if t.start_ms >= s.end_ms:
                break
            if t.speaker != s.speaker:
                out.append((t.start_ms, min(s.end_ms, t.end_ms)))
    return out


def _in(spans: list[tuple[int, int]], start: int, end: int, margin: int = 0) -> bool:
    return any(a < end + margin and b > start - margin for a, b in spans)


def speaker_rows(doc: Transcript) -> list[tuple[int, int, tuple[float, ...]]]:
    """Candidate speaker places: (first, last, SPEAKER_FEATURES) at every change of voice and inside overlaps."""
    words = doc.words
    if len({w.speaker for w in words}) < 2:
        return []
    overlaps = _overlaps(doc)
    counts: dict[str | None, int] = {}
    for w in words:
        counts[w.speaker] = counts.get(w.speaker, 0) + 1
    turn_len = {}
    for t in doc.turns:
        for k in range(t.start, t.end):
            turn_len[k] = t.end - t.start
    out = []
    for j in range(1, len(words)):
        a, b = words[j - 1], words[j]
        if a.speaker == b.speaker:
            if _in(overlaps, b.start_ms, b.end_ms):
                out.append((j, j + 1, (0.0, 0.0, 0.0, 0.0, 1.0)))
            continue
        short = float(min(turn_len.get(j - 1, 99), turn_len.get(j, 99)) <= 2)
        small = float(min(counts[a.speaker], counts[b.speaker]) < 0.05 * len(words))
        row = (float(_in(overlaps, a.start_ms, b.end_ms, 500)), short, float(b.start_ms - a.end_ms < 150), small, 0.0)
        out.append((j - 1, j + 1, row))
    edges = {k for first, last, row in out if not row[4] for k in range(first, last)}
    inside = [r for r in out if r[2][4] and r[0] not in edges]  # a word in overlap beside a change is in its place
    return [r for r in out if not r[2][4]] + _joined(inside)


def _joined(rows: list[tuple[int, int, tuple[float, ...]]], max_words: int = 4) -> list[tuple[int, int, tuple[float, ...]]]:
    """Words in overlap next to each other as one place (at most ``max_words``): they are checked together."""
    out: list[tuple[int, int, tuple[float, ...]]] = []
    for first, last, row in rows:
        if out and out[-1][1] == first and out[-1][1] - out[-1][0] < max_words:
            out[-1] = (out[-1][0], last, row)
        else:
            out.append((first, last, row))
    return out


def speaker_places(doc: Transcript) -> list[ReviewPlace]:
    out = []
    for first, last, row in sorted(speaker_rows(doc)):
        if row[4]:
            reason = "two voices at once; these words may be the other person's"
        elif row[0]:
            reason = "two voices at once at this change of speaker; these words may be the other person's"
        elif row[1]:
            reason = "a one- or two-word turn: it may belong to the voice around it"
        else:
            reason = "a change of speaker: check the words on each side belong to the right voice"
        out.append(make(doc, "speaker", first, last, model.predict("speaker", row), reason))
    return out


def name_places(doc: Transcript, weak: float) -> list[ReviewPlace]:
    """A place for each voice named without introducing themself: the name rests on others' words."""
    out = []
    for s in doc.speakers:
        if not s.name or any(e.startswith("introduces themself") for e in s.evidence):
            continue
        first = next((i for i, w in enumerate(doc.words) if w.speaker == s.id), None)
        if first is None:
            continue
        why = "; ".join(s.evidence) if s.evidence else "no evidence recorded"
        single = len(s.evidence) <= 1
        out.append(make(doc, "name", first, first + 1, weak if single else weak / 2,
                        f"named {s.full} from {'one cue' if single else 'what others say'}: {why}"))
    return out
