"""Chapters from an event's outline: slide titles aligned to what was said.

``--outline FILE`` gives the titles: plain text (one a line, or a deck saved as
text: its slide titles, see :func:`text_titles`), a PowerPoint deck (.pptx, each
slide's title, the title slide left out) or a PDF (each page's first line).  The
titles are aligned to the transcript in order (a monotonic alignment that
maximises similarity); a title that matches nothing well enough is skipped, not
forced, and no title is placed where the speaker reads the agenda aloud
(:func:`overviews`).  Each aligned title opens a chapter and is its heading
(``source="outline"``).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .errors import UserError
from . import chapters as ch
from .topicsignals import embed, stopwords
from .document import Chapter, Transcript
from .vocabulary import BULLET, MONTHS

_BULLET = re.compile(rf"^\s*{BULLET}")


class OutlineError(UserError, ValueError):
    """The outline file cannot be read."""


@dataclass(frozen=True)
class OutlineOptions:
    window_words: int = 60  # words from a place compared with a title
    min_score: float = 0.4  # a title is placed only where it scores at least this (0..1)
    use_embeddings: bool = True
    overview_titles: int = 3  # words that say this many whole titles are an agenda, where no slide starts
    overview_words: int = 30  # ...within this many words


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
            titles = text_titles(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise OutlineError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise OutlineError(f"{path}: not UTF-8 text (give a .txt, .pptx or .pdf outline)") from None
    titles = [_BULLET.sub("", t).strip() for t in titles]
    titles = [t for t in titles if t]
    if not titles:
        raise OutlineError(f"{path}: no titles found")
    return titles


TITLE_MAX_WORDS = 14  # a line longer than this is slide text, not a title
_QUOTE = re.compile(r"^\s*[\"“”‘’'«]")
_DATE = re.compile(rf"^\s*(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:{'|'.join(MONTHS)})\s+\d{{4}}\s*$"
                   rf"|^\s*\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}\s*$", re.I)


def text_titles(text: str) -> list[str]:
    """Titles from a text outline: every line of a plain list, or the slide titles of a deck's text.

    A plain list (short lines, bullets or not) gives one title a line.  A deck
    saved as text (see ``shared/reference/event_slides.txt``) also holds the
    slides' bullets, quotations and footers; there the titles are the lines that
    are not bullets, quotations or their attributions, sentences longer than a
    title, dates, or lines repeated on three slides or more ("research in
    practice", "Lived experience group") and the pieces of such lines.  The title
    slide (the lines before the first slide with bullets) names the whole talk,
    not a chapter of it.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not any(_is_body(line) for line in lines):
        return lines  # a plain list of titles
    furniture = _repeated(lines)
    attributions = _attributions(text)
    # the title slide (the talk's title, the speaker, the date) comes before the first slide with bullets
    first = next((k for k in range(len(lines) - 1) if not _BULLET.match(lines[k]) and _BULLET.match(lines[k + 1])), 0)
    titles = []
    for k, line in enumerate(lines[first:], start=first):
        if _BULLET.match(line) or _is_body(line) or _DATE.match(line) or k in attributions:
            continue
        key = _key(line)
        if key in furniture or any(_part_of(key, f) for f in furniture):
            continue
        titles.append(line.replace("**", "").strip())
    return titles


def _attributions(text: str, max_words: int = 6) -> set[int]:
    """Indices (among the non-blank lines) of the short lines right after a quotation, up to the
    next blank line: who said it ("Professionals group", or "Lived experience" / "group")."""
    out: set[int] = set()
    k, after_quote, started = -1, False, False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            if started:  # the attribution's block has ended (blanks before it are skipped)
                after_quote = started = False
            continue
        k += 1
        if _QUOTE.match(line):
            after_quote, started = True, False
        elif after_quote and len(line.split()) <= max_words:
            out.add(k)
            started = True
        else:
            after_quote = started = False
    return out


def _is_body(line: str) -> bool:
    return bool(_QUOTE.match(line)) or len(_BULLET.sub("", line).split()) > TITLE_MAX_WORDS


def _key(line: str) -> str:
    """A line as a footer repeats it: lower case, no slide number at the end."""
    return re.sub(r"\s+\d+$", "", " ".join(line.replace("**", "").casefold().split()))


def _repeated(lines: list[str], times: int = 3) -> set[str]:
    counts = Counter(_key(line) for line in lines if not _BULLET.match(line))
    return {k for k, n in counts.items() if n >= times}


def _part_of(key: str, furniture: str) -> bool:
    """A footer broken over two lines ("Lived experience" / "group")."""
    words, whole = key.split(), furniture.split()
    return len(words) < len(whole) and (whole[:len(words)] == words or whole[-len(words):] == words)


def _pptx_titles(path: Path) -> list[str]:
    import pptx
    from pptx.exc import PackageNotFoundError

    try:
        deck = pptx.Presentation(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise OutlineError(f"{path}: not a PowerPoint deck ({exc})") from None
    titles = []
    for slide in deck.slides:
        if slide.slide_layout.name.strip().lower() == "title slide":
            continue  # the talk's title, the speaker and the date: the untitled opening, not a chapter
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
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in stopwords() and len(w) > 1}


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
    if options.use_embeddings:
        vt = embed(titles)
        semantic = (np.clip(vt @ embed(sentences).T, 0, 1) + np.clip(vt @ embed(windows).T, 0, 1)) / 2
        lexical = (lexical + semantic) / 2
    lexical[:, overviews(titles, us, options)] = 0.0
    return lexical


def overviews(titles: list[str], us: list[ch.Unit], options: OutlineOptions) -> np.ndarray:
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
    us = ch.units(doc, ch.ChapterOptions())
    placed = align(similarity(titles, us, options), options.min_score)
    found = [(us[u], title) for u, title in zip(placed, titles) if u is not None]
    doc = ch.open_paragraphs(doc, [unit.start for unit, _ in found])
    chapters = [Chapter(start_ms=unit.start_ms, heading=title, source="outline") for unit, title in found]
    if not chapters or chapters[0].start_ms > doc.words[0].start_ms:
        chapters.insert(0, Chapter(start_ms=doc.words[0].start_ms, source=ch.OPENING))
    return replace(doc, chapters=tuple(chapters))
