"""An event's outline: the slide titles, read from the file the user gives.

``--outline FILE`` gives the titles: plain text (one a line, or a deck saved as
text: its slide titles, see :func:`text_titles`), a PowerPoint deck (.pptx, each
slide's title, the title slide left out) or a PDF (each page's first line).
``chapters.outline`` aligns them to what was said.  The vocabulary reads the
same file with :func:`outline_lines`: every line of a text outline (names and
terms sit in a slide's body too), a deck's titles.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from .errors import UserError

MONTHS = tuple("january february march april may june july august september october november december".split())
BULLET = r"(?:[-*•›>]+\s*)+"  # "- ", "• ", "- > ", "›": the marks that open a bullet line

_BULLET = re.compile(rf"^\s*{BULLET}")


class OutlineError(UserError, ValueError):
    """The outline file cannot be read."""


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


def outline_lines(path: str | Path) -> tuple[str, ...]:
    """What the vocabulary reads from an outline: every line of a text file (blank lines, leading
    bullets, numbers and times dropped), or a deck's slide titles (.pptx, .pdf)."""
    path = Path(path)
    if path.suffix.lower() in (".pptx", ".pdf"):
        return tuple(read_outline(path))
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise OutlineError(f"{path}: cannot read the outline ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise OutlineError(f"{path}: not UTF-8 text (give a .txt, .pptx or .pdf outline)") from None
    lines = []
    for line in text.splitlines():
        line = re.sub(rf"^\s*(?:{BULLET}|\d+[.)]|\d{{1,2}}:\d{{2}}(?::\d{{2}})?)\s*", "", line).strip()
        if line:
            lines.append(line)
    return tuple(lines)


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
    import pptx  # python-pptx only for a .pptx outline
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
    import pypdf  # pypdf only for a .pdf outline

    try:
        reader = pypdf.PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except pypdf.errors.PdfReadError as exc:
        raise OutlineError(f"{path}: not a readable PDF ({exc})") from None
    return [next((line for line in text.splitlines() if line.strip()), "") for text in pages]
