"""Chapters in the pipeline and on the command line."""
from __future__ import annotations

from click.testing import CliRunner

from transcribe_kit.chapters import OPENING, ChapterPlan, add_chapters
from transcribe_kit.cli import cli
from transcribe_kit.writers import render_all

from test_outline import TITLES, SPOKEN, talk


def test_pipeline_stage_follows_the_outline_and_writes_every_layout(tmp_path):
    doc, _ = talk()
    out = add_chapters(doc, ChapterPlan(outline=tuple(TITLES)))
    assert [c.heading for c in out.chapters if c.source != OPENING] == [t for t in TITLES if t in SPOKEN]
    files = render_all(out, tmp_path, ["txt", "md", "html", "docx"])
    assert {p.name for p in files} == {"transcript.txt", "transcript.md", "transcript.html", "transcript.docx"}
    assert "\n\n[Themes from the focus groups]\n\n" in files[tmp_path / "transcript.txt"]


def test_no_chapters_when_switched_off():
    doc, _ = talk()
    assert add_chapters(doc, ChapterPlan(chapters=None)).chapters == ()


def test_unreadable_outline_is_one_error_line(tmp_path):
    audio = tmp_path / "talk.wav"
    audio.write_bytes(b"")
    deck = tmp_path / "deck.pptx"
    deck.write_bytes(b"not a deck")
    result = CliRunner().invoke(cli, ["process", str(audio), "--outline", str(deck), "-q", "-o", str(tmp_path)])
    assert result.exit_code != 0
    assert result.output.startswith("Error: ") and "deck.pptx" in result.output
    assert "Traceback" not in result.output


def test_process_help_documents_chapter_options():
    result = CliRunner().invoke(cli, ["process", "--help"])
    assert "--chapters" in result.output and "--outline" in result.output
