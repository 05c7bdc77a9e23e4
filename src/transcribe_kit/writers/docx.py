"""The published page as a Word document (python-docx), for editors who work in Word.

Title as Heading 1, each chapter heading as Heading 2, one Word paragraph per
transcript paragraph with the speaker's name in bold.
"""
from __future__ import annotations

import io
import re
import zipfile

from ..document import Transcript
from ..layout import build_page, paragraph_mark
from . import WriterOptions, register


@register("docx", "transcript.docx", "the published page as a Word document")
def render(doc: Transcript, options: WriterOptions) -> bytes:
    import docx  # python-docx only when a .docx is written

    page = build_page(doc)
    out = docx.Document()
    out.core_properties.title = page.title or doc.episode
    out.core_properties.author = "transcribe_kit"
    if page.title:
        out.add_heading(page.title, level=1)
    if page.published:
        out.add_paragraph(f"Published: {page.published}")
    for text in (page.summary, page.participants, page.series_intro):
        if text:
            out.add_paragraph(text)
    for section in page.sections:
        if section.heading:
            out.add_heading(section.heading, level=2)
        for p in section.paragraphs:
            para = out.add_paragraph()
            if options.timestamps:
                para.add_run(f"{paragraph_mark(p)} ")
            if p.opens_turn:
                para.add_run(f"{p.speaker}: ").bold = True
            _text_with_comments(out, para, doc, p)
    for block in re.split(r"\n\s*\n", page.closing or ""):
        if block.strip():
            out.add_paragraph(block.strip())
    buffer = io.BytesIO()
    out.save(buffer)
    return _reproducible(buffer.getvalue())




def _listed(doc: Transcript) -> list:
    """The review's places on the list an editor is given (as ``review`` and the editor list them)."""
    from ..review.queue import listed

    return listed(doc.review, len(doc.words), span=lambda p: p.words, score=lambda p: p.score)


def _text_with_comments(out, para, doc: Transcript, p) -> None:
    """The paragraph's text; each place of the review in it (unchecked, worth checking) as a Word comment
    on its words, saying why.  Comments are not text: reading the document back never sees them."""
    from docx.oxml.ns import qn
    words = p.text.split(" ")
    places = {}
    for place in _listed(doc):
        first, last = place.words
        if not place.checked and p.first_word <= first < p.first_word + len(words):
            places.setdefault(first - p.first_word, (min(last - p.first_word, len(words)), place))
    if not places or len(words) != len(p.text.split()):
        para.add_run(p.text)
        return
    k, plain = 0, []
    while k < len(words):
        if k not in places:
            plain.append(words[k])
            k += 1
            continue
        end, place = places[k]
        if plain:
            para.add_run(" ".join(plain) + " ")
            plain = []
        run = para.add_run(" ".join(words[k:end]))
        suggestion = f" (perhaps: {place.suggestion})" if place.suggestion else ""
        comment = out.add_comment(run, text=f"Check ({place.score:.0%}): {place.reason}{suggestion}",
                                  author="transcribe_kit", initials="TK")
        comment._comment_elm.attrib.pop(qn("w:date"), None)  # no time of writing: the same transcript, the same bytes
        k = end
        if k < len(words):
            para.add_run(" ")
    if plain:
        para.add_run(" ".join(plain))


def _reproducible(data: bytes) -> bytes:
    """The same package with fixed entry times, so the same transcript gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            package.writestr(entry, source.read(info.filename))
    return buffer.getvalue()
