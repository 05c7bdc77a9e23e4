"""The published page as plain text, laid out exactly as the page is.

Blocks are separated by one blank line, except that the series line follows
two (the page's own spacing).  Whitespace the page has and this writer does
not reproduce (it is left over from the page's HTML, not part of the layout):

- the no-break spaces at the ends of lines (``\\xa0``; the page ends most
  paragraphs with two, headings with one);
- no-break spaces inside a paragraph, which become ordinary spaces once the
  text has been split into words;
- a stray empty paragraph (an extra blank line) the page has before its last
  turn;
- the page has no newline after its last line; this file ends with one.
"""
from __future__ import annotations

from ..document import Transcript
from ..layout import build_page, paragraph_mark
from . import WriterOptions, register


@register("txt", "transcript.txt", "the published page's plain-text layout")
def render(doc: Transcript, options: WriterOptions) -> str:
    page = build_page(doc)
    head = [b for b in (page.title, page.published and f"Published: {page.published}",
                        page.summary, page.participants) if b]
    blocks = ["\n\n".join(head)] if head else []
    if page.series_intro:
        blocks.append(("\n" if head else "") + page.series_intro)
    for section in page.sections:
        if section.heading:
            blocks.append(f"[{section.heading}]")
        for p in section.paragraphs:
            mark = f"{paragraph_mark(p)} " if options.timestamps else ""
            label = f"{p.speaker}: " if p.opens_turn else ""
            blocks.append(f"{mark}{label}{p.text}")
    if page.closing:
        blocks.append(page.closing.strip())
    return "\n\n".join(blocks) + "\n"
