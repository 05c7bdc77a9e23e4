"""Automatic word changes that keep timings and leave a record an editor can undo.

Passes (glossary, spelling, fillers, style) describe what they want changed as
:class:`Edit` values; :func:`apply_edits` makes the new Transcript, moves turn,
paragraph and earlier correction indices to the new word positions, and adds one
:class:`~transcribe_kit.document.Correction` per edit.  :func:`undo` puts the
recognised words back, with their own times.

Timing rules: a word replaced one-for-one keeps its times exactly; several words
merged into one ("Kirk Patrick" -> "Kirkpatrick") span the first start to the
last end; removing a word leaves every other word's times untouched; one word
split into several shares its time evenly and is marked ``estimated``.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace

from ..document import Correction, Transcript, Turn, Word


@dataclass(frozen=True)
class Edit:
    """Replace ``words[start:end]`` by ``texts`` (empty to remove them)."""

    start: int
    end: int
    texts: tuple[str, ...]
    rule: str
    term: str | None = None


def apply_edits(doc: Transcript, edits: list[Edit] | tuple[Edit, ...]) -> Transcript:
    """A new Transcript with ``edits`` made; edits touching an earlier correction are skipped."""
    taken = _corrected_positions(doc)
    chosen: list[Edit] = []
    last_end = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < last_end or any(i in taken for i in range(e.start, e.end)) or e.start >= e.end:
            continue
        chosen.append(e)
        last_end = e.end
    if not chosen:
        return doc
    splices = [(e.start, e.end, _new_words(doc.words[e.start:e.end], e.texts)) for e in chosen]
    new_doc, position = _splice(doc, splices)
    added = tuple(Correction(index=position(e.start), count=len(e.texts), before=doc.words[e.start:e.end],
                             after=" ".join(e.texts), rule=e.rule, term=e.term) for e in chosen)
    merged = sorted(new_doc.corrections + added, key=lambda c: (c.index, c.count))
    return replace(new_doc, corrections=tuple(merged))


def undo(doc: Transcript, which: int) -> Transcript:
    """Undo ``doc.corrections[which]``: the recognised words come back with their times."""
    c = doc.corrections[which]
    new_doc, position = _splice(replace(doc, corrections=()), [(c.index, c.index + c.count, c.before)])
    # a removal listed before this one at the same place stays before the words put back
    moved = tuple(replace(o, index=o.index if (j < which and o.index == c.index) else position(o.index))
                  for j, o in enumerate(doc.corrections) if j != which)
    return replace(new_doc, corrections=moved)


def _corrected_positions(doc: Transcript) -> set[int]:
    return {i for c in doc.corrections for i in range(c.index, c.index + c.count)}


def _new_words(old: tuple[Word, ...], texts: tuple[str, ...]) -> tuple[Word, ...]:
    if not texts:
        return ()
    if len(texts) == len(old):
        return tuple(replace(w, text=t) for w, t in zip(old, texts))
    first, last = old[0], old[-1]
    if len(texts) < len(old):  # merge: each new word takes a run of old words
        n, k = len(old), len(texts)
        runs = [old[j * n // k:(j + 1) * n // k] for j in range(k)]
        probs = [w.probability for w in old if w.probability is not None]
        return tuple(Word(t, r[0].start_ms, r[-1].end_ms, min(probs) if probs else None, first.speaker,
                          any(w.estimated for w in r)) for t, r in zip(texts, runs))
    span = last.end_ms - first.start_ms
    bounds = [first.start_ms + span * j // len(texts) for j in range(len(texts) + 1)]
    return tuple(Word(t, bounds[j], bounds[j + 1], first.probability, first.speaker, True)
                 for j, t in enumerate(texts))


def _splice(doc: Transcript, splices: list[tuple[int, int, tuple[Word, ...]]]):
    """Replace word ranges; returns the new Transcript and the old->new position map."""
    words: list[Word] = []
    cursor = 0
    starts, shifts = [], []  # shifts[j]: words added minus removed by splices before starts[j]
    shift = 0
    for start, end, new in splices:
        words.extend(doc.words[cursor:start])
        words.extend(new)
        cursor = end
        starts.append(start)
        shifts.append(shift)
        shift += len(new) - (end - start)
    words.extend(doc.words[cursor:])

    def position(old: int) -> int:
        j = bisect_right(starts, old) - 1
        if j < 0:
            return old
        start, end, new = splices[j]
        inside = old - start
        if inside < end - start:  # at or inside a splice: its first new word, or later ones
            return start + shifts[j] + min(inside, len(new))
        return old + shifts[j] + len(new) - (end - start)

    turns = []
    for t in doc.turns:
        start, end = position(t.start), position(t.end)
        if end > start:
            paragraphs = tuple(sorted({q for p in t.paragraphs if start < (q := position(p)) < end}))
            turns.append(Turn(t.speaker, start, end, paragraphs))
    moved = tuple(replace(c, index=position(c.index)) for c in doc.corrections)
    return replace(doc, words=tuple(words), turns=tuple(turns), corrections=moved), position


def carry(doc: Transcript, words: tuple[Word, ...], new_of_old: dict[int, int]) -> tuple[Correction, ...]:
    """The corrections that still hold after an editor's edit, at their new word positions.

    ``new_of_old`` maps each surviving old word index to its new one.  A correction
    whose words all survive, in a row and with the same text, moves with them; a
    removal moves with the word after it; any other was overridden by the editor
    and is dropped.
    """
    kept = []
    for c in doc.corrections:
        if c.count == 0:
            if c.index == len(doc.words):
                kept.append(replace(c, index=len(words)))
            elif c.index in new_of_old:
                kept.append(replace(c, index=new_of_old[c.index]))
            continue
        olds = range(c.index, c.index + c.count)
        news = [new_of_old.get(i) for i in olds]
        if None in news or news != list(range(news[0], news[0] + c.count)):
            continue
        if all(words[j].text == doc.words[i].text for i, j in zip(olds, news)):
            kept.append(replace(c, index=news[0]))
    return tuple(kept)
