"""Chapters from an event's outline: slide titles aligned to what was said.

The titles (read by ``transcribe_kit.outline``) are aligned to the transcript in
order (a monotonic alignment that maximises similarity); a title that matches
nothing well enough is skipped, not forced, and no title is placed where the
speaker reads the agenda aloud (:func:`overviews`).  Each aligned title opens a
chapter and is its heading (``source="outline"``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from ..document import Chapter, Transcript
from .topics import open_paragraphs
from .signals import embed, stopwords
from .units import OPENING, ChapterOptions, Unit, units


@dataclass(frozen=True)
class OutlineOptions:
    window_words: int = 60  # words from a place compared with a title
    min_score: float = 0.4  # a title is placed only where it scores at least this (0..1)
    use_embeddings: bool = True
    overview_titles: int = 3  # words that say this many whole titles are an agenda, where no slide starts
    overview_words: int = 30  # ...within this many words


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in stopwords() and len(w) > 1}


def similarity(titles: list[str], us: list[Unit], options: OutlineOptions) -> np.ndarray:
    """titles x units, 0..1: how well each title matches the sentence and the words that follow it.

    Lexical: the share of the title's content words said; averaged over the sentence itself and
    the ``window_words`` from it (so the sentence that names the slide wins over the one before),
    then averaged with the embedding cosine when embeddings are on."""
    windows = []
    for i in range(len(us)):
        j = i
        while j + 1 < len(us) and us[j].end - us[i].start < options.window_words:
            j += 1
        windows.append(" ".join(u.text for u in us[i:j + 1]))
    wanted = [_content_words(t) for t in titles]

    def coverage(texts: list[str]) -> np.ndarray:
        bags = [_content_words(x) for x in texts]
        return np.array([[len(w & b) / max(len(w), 1) for b in bags] for w in wanted])

    sentences = [u.text for u in us]
    lexical = (coverage(sentences) + coverage(windows)) / 2
    if options.use_embeddings:
        vt = embed(titles)
        semantic = (np.clip(vt @ embed(sentences).T, 0, 1) + np.clip(vt @ embed(windows).T, 0, 1)) / 2
        lexical = (lexical + semantic) / 2
    lexical[:, overviews(titles, us, options)] = 0.0
    return lexical


def overviews(titles: list[str], us: list[Unit], options: OutlineOptions) -> np.ndarray:
    """Units where the speaker reads the agenda: the next ``overview_words`` words say every content
    word of ``overview_titles`` titles or more ("I'll talk about the project, then who came... and
    the next steps, leaving time for questions").  No slide starts there: each starts later, where
    it is talked about."""
    wanted = [_content_words(t) for t in titles]
    said = [_content_words(u.text) for u in us]
    out = np.zeros(len(us), dtype=bool)
    for i in range(len(us)):
        j, bag = i, set()
        while j < len(us) and us[j].start - us[i].start < options.overview_words:
            bag |= said[j]
            j += 1
        out[i] = sum(bool(w) and w <= bag for w in wanted) >= options.overview_titles
    return out


def align(scores: np.ndarray, min_score: float) -> list[int | None]:
    """Monotonic alignment: each title gets a unit (strictly increasing) or None (skipped),
    maximising the sum of (score - min_score) over the titles placed."""
    n_titles, n_units = scores.shape
    gain = scores - min_score
    best = np.zeros((n_titles + 1, n_units + 1))  # best[t, u]: titles[:t] placed among units[:u]
    for t in range(1, n_titles + 1):
        for u in range(1, n_units + 1):
            place = best[t - 1, u - 1] + gain[t - 1, u - 1] if gain[t - 1, u - 1] > 0 else -np.inf
            best[t, u] = max(best[t - 1, u], best[t, u - 1], place)
    placed: list[int | None] = [None] * n_titles
    t, u = n_titles, n_units
    while t > 0 and u > 0:
        if gain[t - 1, u - 1] > 0 and best[t, u] == best[t - 1, u - 1] + gain[t - 1, u - 1]:
            placed[t - 1] = u - 1
            t, u = t - 1, u - 1
        elif best[t, u] == best[t - 1, u]:
            t -= 1
        else:
            u -= 1
    return placed


def outline_chapters(doc: Transcript, titles: list[str], options: OutlineOptions = OutlineOptions()) -> Transcript:
    """A new Transcript with one chapter per title that was spoken, headed by the title."""
    if not doc.words:
        return replace(doc, chapters=())
    us = units(doc, ChapterOptions())
    placed = align(similarity(titles, us, options), options.min_score)
    found = [(us[u], title) for u, title in zip(placed, titles) if u is not None]
    doc = open_paragraphs(doc, [unit.start for unit, _ in found])
    chapters = [Chapter(start_ms=unit.start_ms, heading=title, source="outline") for unit, title in found]
    if not chapters or chapters[0].start_ms > doc.words[0].start_ms:
        chapters.insert(0, Chapter(start_ms=doc.words[0].start_ms, source=OPENING))
    return replace(doc, chapters=tuple(chapters))
