"""The published page as Markdown: ``#`` title, ``##`` per chapter, ``**Name:**`` paragraphs."""
from __future__ import annotations

import re

from ..document import Transcript
from ..layout import build_page, paragraph_mark
from . import WriterOptions, register

_INLINE = re.compile(r"([\\`*_\[\]<>|&])")
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+[.)])(?=\s|$)")


def escape_md(text: str) -> str:
    """Backslash-escape what Markdown would read as markup, inline and at the start of a line."""
    text = _INLINE.sub(r"\\\1", text)
    return "\n".join(_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line)
                     for line in text.split("\n"))


@register("md", "transcript.md", "the published page as Markdown")
def render(doc: Transcript, options: WriterOptions) -> str:
    page = build_page(doc)
    blocks: list[str] = []
    if page.title:
        blocks.append(f"# {escape_md(page.title)}")
    if page.published:
        blocks.append(f"Published: {page.published}")
    blocks += [escape_md(b) for b in (page.summary, page.participants, page.series_intro) if b]
    for section in page.sections:
        if section.heading:
            blocks.append(f"## {escape_md(section.heading)}")
        for p in section.paragraphs:
            mark = f"{escape_md(paragraph_mark(p))} " if options.timestamps else ""
            label = f"**{escape_md(p.speaker)}:** " if p.opens_turn else ""
            blocks.append(f"{mark}{label}{escape_md(p.text)}")
    if page.closing:
        blocks += [escape_md(b.strip()) for b in re.split(r"\n\s*\n", page.closing) if b.strip()]
    return "\n\n".join(blocks) + "\n"
