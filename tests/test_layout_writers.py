"""Layout writers (txt, md, html, docx) against golden files, on a small in-memory episode."""
from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from transcribe_kit.document import Chapter, EpisodeMeta, Participant, Speaker
from transcribe_kit.writers import WriterOptions, get

from synthetic import transcript_from

GOLDEN = Path(__file__).parent / "golden"


def episode():
    speakers = (Speaker(id="S1", name="Ann Lee", label="Ann", role="Host", is_host=True),
                Speaker(id="S2", name="Dr Bo Kim", label="Bo", role="Researcher"))
    doc = transcript_from([
        ("S1", "Hello and welcome. I'm Ann Lee and I'm joined by Bo Kim."),
        ("S2", "I'm Bo Kim, I study <data> & *evidence* at 1. the [university]."),
        ("S1", "What does the evidence say about services?"),
        ("S2", "It says a lot. We looked at ten years of reports. Here is a second paragraph about results."),
    ], speakers=speakers)
    # Bo's second turn has two paragraphs, the second opening at "Here"
    turns = list(doc.turns)
    here = next(i for i, w in enumerate(doc.words) if w.text == "Here")
    turns[3] = replace(turns[3], paragraphs=(here,))
    meta = EpisodeMeta(title="Evidence & services", published=dt.date(2022, 2, 10), summary="A short test episode.",
                       participants=(Participant("Ann Lee", "Host", True), Participant("Dr Bo Kim", "Researcher")),
                       series_intro="This is a test series.", closing="Standards\n\nPCF - Reflection")
    chapters = (Chapter(start_ms=doc.words[0].start_ms, source="opening"),
                Chapter(start_ms=doc.words[turns[2].start].start_ms, heading="What the evidence says <about> services"))
    return replace(doc, turns=tuple(turns), meta=meta, chapters=chapters)


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt,timestamps,golden", [
    ("txt", False, "layout.txt"), ("txt", True, "layout_timestamps.txt"),
    ("md", False, "layout.md"), ("md", True, "layout_timestamps.md"),
    ("html", False, "layout.html"), ("html", True, "layout_timestamps.html"),
])
def test_text_layouts_match_golden(fmt, timestamps, golden):
    check_golden(golden, get(fmt).render(episode(), WriterOptions(timestamps=timestamps)))


def test_txt_names_the_speaker_only_at_a_turns_first_paragraph():
    lines = get("txt").render(episode(), WriterOptions()).split("\n\n")
    assert "Here is a second paragraph about results." in lines
    assert "[What the evidence says <about> services]" in lines


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.paragraphs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "p" and "data-speaker" in dict(attrs):
            self.paragraphs.append(dict(attrs))


def test_html_is_semantic_and_escaped():
    html = get("html").render(episode(), WriterOptions())
    parser = _Collect()
    parser.feed(html)
    assert parser.tags.count("h1") == 1 and parser.tags.count("h2") == 1
    assert [p["data-speaker"] for p in parser.paragraphs] == ["Ann", "Bo", "Ann", "Bo", "Bo"]
    assert all(int(p["data-start"]) < int(p["data-end"]) for p in parser.paragraphs)
    assert "&lt;data&gt; &amp; *evidence*" in html and "<data>" not in html


def test_docx_has_headings_and_bold_speakers():
    import docx

    document = docx.Document(io.BytesIO(get("docx").render(episode(), WriterOptions(timestamps=True))))
    rows = [(p.style.name, p.text) for p in document.paragraphs]
    check_golden("layout.docx.txt", "".join(f"{style}\t{text}\n" for style, text in rows))
    speaker_runs = [p.runs[1] for p in document.paragraphs if p.text.startswith("[") and len(p.runs) == 3]
    assert speaker_runs and all(r.bold for r in speaker_runs)


def test_process_formats_include_every_layout():
    from transcribe_kit.pipeline import DEFAULT_FORMATS
    from transcribe_kit.writers import writers

    assert {"txt", "md", "html", "docx"} <= set(DEFAULT_FORMATS)
    assert {writers()[f].filename for f in ("txt", "md", "html", "docx")} == {
        "transcript.txt", "transcript.md", "transcript.html", "transcript.docx"}


def test_docx_bytes_are_reproducible():
    first = get("docx").render(episode(), WriterOptions())
    import time

    time.sleep(2.1)  # zip entry times have a 2-second resolution
    assert get("docx").render(episode(), WriterOptions()) == first
