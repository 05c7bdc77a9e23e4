"""Read an edited page (.txt, .md or .docx) back into headings and speaker paragraphs.

The layout writers print a header (title, ``Published: DD/MM/YYYY``, summary,
participants, series line), then ``[Heading]`` lines and ``Name: text``
paragraphs (optionally led by a ``[mm:ss]`` mark), then the closing block.
This module is a lenient reader of that layout, independent of the writers'
code: it only needs the header and closing text the page is expected to have,
and it fails with an ``EditError`` naming the line for anything it cannot read.

A block without ``Name:`` that follows a paragraph continues the same speaker
as a new paragraph, so splitting a paragraph is just a blank line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..captions.rules import CONTROL
from ..errors import UserError
from ..timecode import TimecodeError, parse as parse_clock


class EditError(UserError, ValueError):
    """The edited file cannot be applied; the message names the line."""


@dataclass(frozen=True)
class Block:
    line: int  # 1-based line of the edited file where the block starts
    text: str


@dataclass(frozen=True)
class Heading:
    line: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    line: int
    speaker: str | None  # the name before the colon; None continues the previous speaker
    words: tuple[str, ...]
    mark_ms: int | None = None  # a [mm:ss] mark before the name


@dataclass(frozen=True)
class EditedPage:
    items: tuple[Heading | Paragraph, ...]
    timestamps: bool  # the file carried [mm:ss] marks


_MARK = r"\[((?:\d+:)?\d{1,2}:\d{2})\]"
_PARAGRAPH = re.compile(rf"^(?:{_MARK}\s*)?([^\s:\[\]][^:\[\]]{{0,79}}?):(?:\s+(\S.*))?$", re.S)
_HEADING = re.compile(r"^\[([^\[\]]*)\]$")
_MARK_ONLY = re.compile(rf"^{_MARK}\s*(.*)$", re.S)


def read_blocks(path: Path) -> list[Block]:
    """The file's blocks (runs of non-blank lines), whatever the format."""
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return docx_blocks(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise EditError(f"{path}: not UTF-8 text; save it as UTF-8 (or as .docx)") from None
    except OSError as exc:
        raise EditError(f"{path}: cannot read ({exc.strerror})") from None
    blocks = text_blocks(text)
    if suffix in (".md", ".markdown"):
        blocks = [Block(b.line, plain_markdown(b.text)) for b in blocks]
    return [b for b in blocks if b.text]


def docx_blocks(path: Path) -> list[Block]:
    """One block per non-empty paragraph, headings as ``[Heading]``.  Word has no lines, so the
    number an error names is the paragraph's position in the document (1-based), which Word
    shows when you search for the text."""
    try:
        import docx  # python-docx loads only for a .docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError:
        raise EditError("reading .docx needs python-docx: pip install python-docx") from None
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise EditError(f"{path}: not a readable .docx ({exc})") from None
    blocks = []
    for number, paragraph in enumerate(document.paragraphs, 1):
        refuse_control_characters(paragraph.text, number)
        text = " ".join(paragraph.text.split())
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if style.startswith("Heading") and style not in ("Heading 1",) and not text.startswith("["):
            text = f"[{text}]"
        blocks.append(Block(number, text))
    return blocks


def text_blocks(text: str) -> list[Block]:
    """Split on blank lines; a ``[Heading]`` line is always a block of its own."""
    blocks: list[Block] = []
    current: list[str] = []
    start = 0
    refuse_control_characters(text, 1)
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or _HEADING.match(line) and not _MARK_ONLY.match(line):
            if current:
                blocks.append(Block(start, " ".join(current)))
            current = []
            if line:
                blocks.append(Block(number, line))
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append(Block(start, " ".join(current)))
    return blocks


def refuse_control_characters(text: str, first_line: int) -> None:
    """An ``EditError`` naming the line when ``text`` (starting at ``first_line``) holds a control
    character (tab, newline and carriage return aside): written into captions and pages, they
    break players and readers."""
    found = CONTROL.search(text)
    if found:
        line = first_line + text.count("\n", 0, found.start())
        raise EditError(f"line {line}: a control character (U+{ord(found.group()):04X}) is not text; "
                        "delete it and save again")


_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<&])")


def plain_markdown(text: str) -> str:
    """Markdown's emphasis, heading marks and escapes removed: ``## Intro`` -> ``[Intro]``."""
    heading = re.match(r"^(#{1,6})\s+(.*?)\s*#*$", text)
    if heading:
        inner = _plain_inline(heading.group(2))
        return inner if len(heading.group(1)) == 1 else f"[{inner.strip('[]')}]"
    return _plain_inline(re.sub(r"^\\(\d+[.)])", r"\1", text))


def _plain_inline(text: str) -> str:
    escaped: list[str] = []

    def hide(match: re.Match) -> str:
        escaped.append(match.group(1))
        return f"\uE000{len(escaped) - 1}\uE001"

    text = _MD_ESCAPE.sub(hide, text)
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])[*_](\S.*?)[*_](?![\w*])", r"\1", text)
    return re.sub("\uE000(\\d+)\uE001", lambda m: escaped[int(m.group(1))], text).strip()


def _norm(text: str) -> str:
    return " ".join(text.split())


def strip_frame(blocks: list[Block], header: list[str], closing: str | None,
                episode: str) -> list[Block]:
    """Remove the generated header and closing; fail when the header is another episode's."""
    wanted = [_norm(h) for h in header]
    i = 0
    for expected in wanted:
        if i < len(blocks) and _norm(blocks[i].text) == expected:
            i += 1
        elif expected is wanted[0] and i < len(blocks) and not _looks_like_body(blocks[i].text):
            raise EditError(
                f"line {blocks[i].line}: {blocks[i].text[:60]!r} is not the title of episode {episode} "
                f"({header[0][:60]!r}); is this the file of another episode?")
    body = blocks[i:]
    if closing:
        ending = [_norm(c) for c in closing.split("\n\n") if c.strip()]
        for k, block in enumerate(body):
            if _norm(block.text) == ending[0]:
                return body[:k]
        while body and _norm(body[-1].text) in ending:
            body = body[:-1]
    return body


def _looks_like_body(text: str) -> bool:
    return bool(text.startswith("[") or text.endswith("]") or _PARAGRAPH.match(text))


def parse_body(blocks: list[Block], known_speakers: set[str]) -> EditedPage:
    """Headings and paragraphs, in order; every problem names its line."""
    items: list[Heading | Paragraph] = []
    marks = False
    for block in blocks:
        item = _parse_block(block, known_speakers, seen_paragraph=any(isinstance(x, Paragraph) for x in items))
        marks |= isinstance(item, Paragraph) and item.mark_ms is not None
        items.append(item)
    if not any(isinstance(x, Paragraph) for x in items):
        raise EditError("the edited file has no `Name: text` paragraphs; nothing to apply")
    return EditedPage(tuple(items), marks)


def _parse_block(block: Block, known: set[str], seen_paragraph: bool) -> Heading | Paragraph:
    text = block.text
    heading = _HEADING.match(text)
    if heading:
        title = heading.group(1).strip()
        if not title:
            raise EditError(f"line {block.line}: empty heading `[]`; write a heading or delete the line")
        return Heading(block.line, title)
    mark_ms = None
    mark = _MARK_ONLY.match(text)
    if mark:
        mark_ms = _clock(mark.group(1), block.line)
        text = mark.group(2)
    _check_brackets(text, block.line)
    para = _PARAGRAPH.match(text)
    if para and (para.group(2).strip() in known or _name_like(para.group(2))):
        return Paragraph(block.line, para.group(2).strip(), tuple((para.group(3) or "").split()), mark_ms)
    if not seen_paragraph:
        raise EditError(f"line {block.line}: expected `Name: text` or `[Heading]`, found {text[:60]!r}")
    return Paragraph(block.line, None, tuple(text.split()), mark_ms)


_PARTICLES = {"de", "van", "von", "der", "den", "da", "di", "la", "le", "du", "bin", "al", "el", "of"}


def _name_like(name: str) -> bool:
    """A speaker name: a few capitalised words, not a sentence that happens to hold a colon."""
    words = name.split()
    return 0 < len(words) <= 5 and words[0][:1].isupper() and all(
        w[:1].isupper() or w[:1].isdigit() or w.casefold() in _PARTICLES for w in words)


def _check_brackets(text: str, line: int) -> None:
    if text.startswith("[") or text.endswith("]") and "[" not in text:
        raise EditError(f"line {line}: broken heading brackets in {text[:60]!r}; "
                        "a heading is one line `[Heading]`")


def _clock(text: str, line: int) -> int:
    try:
        return parse_clock(text)
    except TimecodeError:
        raise EditError(f"line {line}: {text!r} is not a [mm:ss] mark") from None
