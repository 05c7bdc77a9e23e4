"""Chapters from an event's outline: slide titles aligned to what was said.

``--outline FILE`` gives the titles: plain text (one a line), a PowerPoint deck
(.pptx, each slide's title) or a PDF (each page's first line).  The titles are
aligned to the transcript in order (a monotonic alignment that maximises
similarity); a title that matches nothing well enough is skipped, not forced.
Each aligned title opens a chapter and is its heading (``source="outline"``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from . import chapters as ch
from .document import Chapter, Transcript

_BULLET = re.compile(r"^\s*(?:[-*•›>]+\s*)+")


class OutlineError(ValueError):
    """The outline file cannot be read."""


@dataclass(frozen=True)
class OutlineOptions:
    window_words: int = 60  # words from a place compared with a title
    min_score: float = 0.4  # a title is placed only where it scores at least this (0..1)
    use_embeddings: bool = True


def read_outline(path: str | Path) -> list[str]:
    """Titles from a .txt (one a line), .pptx (slide titles) or .pdf (first line of each page)."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".pptx":
            titles = _pptx_titles(path)
        elif suffix == ".pdf":
            titles = _pdf_titles(path)
        else:
            titles = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise OutlineError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise OutlineError(f"{path}: not UTF-8 text (give a .txt, .pptx or .pdf outline)") from None
    titles = [_BULLET.sub("", t).strip() for t in titles]
    titles = [t for t in titles if t]
    if not titles:
        raise OutlineError(f"{path}: no titles found")
    return titles


def _pptx_titles(path: Path) -> list[str]:
    import pptx
    from pptx.exc import PackageNotFoundError

    try:
        deck = pptx.Presentation(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise OutlineError(f"{path}: not a PowerPoint deck ({exc})") from None
    titles = []
    for slide in deck.slides:
        shape = slide.shapes.title
        if shape is None:
            shape = next((s for s in slide.shapes if s.has_text_frame and s.text_frame.text.strip()), None)
        if shape is not None:
            titles.append(shape.text_frame.text.strip().splitlines()[0])
    return titles


def _pdf_titles(path: Path) -> list[str]:
    import pypdf

    try:
        reader = pypdf.PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except pypdf.errors.PdfReadError as exc:
        raise OutlineError(f"{path}: not a readable PDF ({exc})") from None
    return [next((line for line in text.splitlines() if line.strip()), "") for text in pages]


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in ch.stopwords() and len(w) > 1}


def similarity(titles: list[str], us: list[ch.Unit], options: OutlineOptions) -> np.ndarray:
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
    if not options.use_embeddings:
        return lexical
    vt = ch.embed(titles)
    semantic = (np.clip(vt @ ch.embed(sentences).T, 0, 1) + np.clip(vt @ ch.embed(windows).T, 0, 1)) / 2
    return (lexical + semantic) / 2


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
    us = ch.units(doc, ch.ChapterOptions())
    placed = align(similarity(titles, us, options), options.min_score)
    found = [(us[u], title) for u, title in zip(placed, titles) if u is not None]
    doc = ch.open_paragraphs(doc, [unit.start for unit, _ in found])
    chapters = [Chapter(start_ms=unit.start_ms, heading=title, source="outline") for unit, title in found]
    if not chapters or chapters[0].start_ms > doc.words[0].start_ms:
        chapters.insert(0, Chapter(start_ms=doc.words[0].start_ms, source=ch.OPENING))
    return replace(doc, chapters=tuple(chapters))
