"""Reading edited pages back: the text layout (property test against the writer), markdown, docx."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from edit_helpers import sample_transcript
from hypothesis import given, settings
from hypothesis import strategies as st

from transcribe_kit.document import Chapter, Speaker, Transcript, Word
from transcribe_kit.editing.episode import read_edited
from transcribe_kit.editing.readback import EditError, Heading, Paragraph, parse_body, plain_markdown, text_blocks
from transcribe_kit.turns import build_turns
from transcribe_kit.writers import WriterOptions, get

WORD = st.text(st.characters(categories=("L", "N"), include_characters="',.?!-’"), min_size=1, max_size=10) \
    .filter(lambda w: not w.startswith(("[", "-")) and ":" not in w)
SPEAKERS = (Speaker("S1", "Ann Lee", "Ann"), Speaker("S2", None, "Speaker 2"))


@st.composite
def transcripts(draw) -> Transcript:
    turns = draw(st.lists(st.tuples(st.sampled_from(["S1", "S2"]), st.lists(WORD, min_size=1, max_size=8)),
                          min_size=1, max_size=6))
    words, at = [], 0
    for speaker, texts in turns:
        for text in texts:
            words.append(Word(text, at, at + 100, None, speaker))
            at += 150
    doc = build_turns(Transcript("ep", at, speakers=SPEAKERS, words=tuple(words)))
    starts = draw(st.lists(st.sampled_from([w.start_ms for w in words]), max_size=3, unique=True))
    headings = draw(st.lists(st.text("abcdef XYZ", min_size=1, max_size=12).map(str.strip).filter(bool),
                             min_size=len(starts), max_size=len(starts)))
    return replace(doc, chapters=tuple(Chapter(s, h) for s, h in zip(sorted(starts), headings)))


@settings(max_examples=60, deadline=None)
@given(transcripts(), st.booleans())
def test_text_layout_reads_back_as_written(doc, marks):
    text = get("txt").render(doc, WriterOptions(timestamps=marks))
    page = parse_body(text_blocks(text), {"Ann", "Speaker 2"})
    paragraphs = [p for p in page.items if isinstance(p, Paragraph)]
    assert [w for p in paragraphs for w in p.words] == [w.text for w in doc.words]
    labels = [p.speaker for p in paragraphs]
    assert set(labels) <= {"Ann", "Speaker 2"}
    written = [line[1:-1] for line in text.split("\n\n") if line.startswith("[") and not line[1].isdigit()]
    assert [h.text for h in page.items if isinstance(h, Heading)] == written
    assert page.timestamps == marks


def test_blank_line_splits_a_paragraph_of_the_same_speaker():
    page = parse_body(text_blocks("Ann: one two.\n\nthree four\n\nBob: five"), {"Ann", "Bob"})
    assert [(p.line, p.speaker, p.words) for p in page.items] == [
        (1, "Ann", ("one", "two.")), (3, None, ("three", "four")), (5, "Bob", ("five",))]


def test_a_colon_in_a_continued_paragraph_is_not_a_speaker():
    page = parse_body(text_blocks("Ann: one.\n\nSo the answer: yes\n\nDr Cy de Vries: hi"), {"Ann"})
    assert [p.speaker for p in page.items] == ["Ann", None, "Dr Cy de Vries"]


def test_wrapped_lines_join_and_heading_lines_stand_alone():
    blocks = text_blocks("Ann: one\ntwo\n[Next]\nBob: three")
    assert [(b.line, b.text) for b in blocks] == [(1, "Ann: one two"), (3, "[Next]"), (4, "Bob: three")]


@pytest.mark.parametrize("text, line", [("[Oops\n\nAnn: hi", 1), ("Ann: hi\n\nOops]", 3),
                                        ("Ann: hi\n\n[]\n\nAnn: yo", 3), ("just some text", 1)])
def test_bad_blocks_name_their_line(text, line):
    with pytest.raises(EditError, match=rf"^line {line}: "):
        parse_body(text_blocks(text), {"Ann"})


def test_markdown_marks_are_removed():
    assert plain_markdown("## The Thames") == "[The Thames]"
    assert plain_markdown("# Rivers of England") == "Rivers of England"
    assert plain_markdown("**Ann:** it *is* \\*true\\*") == "Ann: it is *true*"
    assert plain_markdown("\\1990. was \\[a\\] year \\& \\<b\\>") == "1990. was [a] year & <b>"


def test_docx_round_trip(tmp_path: Path):
    docx = pytest.importorskip("docx")
    doc = sample_transcript()
    document = docx.Document()
    document.add_heading(doc.meta.title, level=1)
    document.add_paragraph(doc.meta.summary)
    document.add_paragraph("Ann Lee, Host, talks to Bob Marsh, Hydrologist and Cy Dunn, Farmer about rivers.")
    text = get("txt").render(doc, WriterOptions())
    body = text.split("about rivers.\n\n", 1)[1].split("\n\nThanks for listening.")[0]
    for block in body.split("\n\n"):
        if block.startswith("["):
            document.add_heading(block[1:-1], level=2)
        else:
            name, words = block.split(": ", 1)
            paragraph = document.add_paragraph()
            paragraph.add_run(name + ":").bold = True
            paragraph.add_run(" " + words.replace("Cotswolds", "Chilterns"))
    path = tmp_path / "edited.docx"
    document.save(str(path))
    page = read_edited(doc, path)
    words = [w for p in page.items if isinstance(p, Paragraph) for w in p.words]
    assert "Chilterns" in words and len(words) == len(doc.words)
    assert [h.text for h in page.items if isinstance(h, Heading)] == ["Welcome", "The Thames"]


def test_a_file_that_is_not_docx(tmp_path: Path):
    path = tmp_path / "edited.docx"
    path.write_text("not a zip")
    with pytest.raises(EditError, match="not a readable .docx"):
        read_edited(sample_transcript(), path)
