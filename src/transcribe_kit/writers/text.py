from __future__ import annotations

from ..document import Transcript
from ..layout import build_page
from ..timecode import clock
from . import WriterOptions, register


@register("txt", "transcript.txt", "the published page's plain-text layout")
def render(doc: Transcript, options: WriterOptions) -> str:
    page = build_page(doc)
    blocks: list[str] = []
    if page.title:
        blocks.append(page.title)
    if page.published:
        blocks.append(f"Published: {page.published}")
    blocks += [b for b in (page.summary, page.participants, page.series_intro) if b]
    for section in page.sections:
        if section.heading:
            blocks.append(f"[{section.heading}]")
        for p in section.paragraphs:
            mark = f"[{clock(p.start_ms)}] " if options.timestamps else ""
            blocks.append(f"{mark}{p.speaker}: {p.text}")
    if page.closing:
        blocks.append(page.closing.strip())
    return "\n\n".join(blocks) + "\n"
