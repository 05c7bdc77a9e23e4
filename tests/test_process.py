"""End to end: the CLI on real audio with real models."""
from __future__ import annotations

import json
import re

import pytest
import srt
import webvtt
from click.testing import CliRunner

from conftest import ROOT, write_video
from transcribe_kit.cli import cli
from transcribe_kit.document import Transcript

META = '''title = "Asking what you can do"
published = 2022-02-10
summary = "This podcast examines public service and civic duty."
series_intro = "This is a test podcast supporting evidence-informed practice."
closing = """
Professional Standards

PCF - Critical reflection and analysis
"""

[[participants]]
name = "John Kennedy"
role = "President"
host = true
'''


def process(*args):
    return CliRunner().invoke(cli, ["process", "-q", "--fast", *map(str, args)], catch_exceptions=False)


def test_process_writes_the_default_files(tmp_path, jfk_wav, jfk_text):
    meta = tmp_path / "jfk.toml"
    meta.write_text(META)
    result = process(jfk_wav, "--meta", meta, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "jfk"
    assert sorted(p.name for p in folder.iterdir()) == [
        "captions.srt", "captions.vtt", "chapters.json", "chapters.txt", "chapters.vtt", "review.json", "speakers.rttm",
        "transcript.docx", "transcript.html", "transcript.json", "transcript.md", "transcript.podcast.json", "transcript.txt"]

    doc = Transcript.load(folder / "transcript.json")
    assert len(doc.words) == len(jfk_text.split())
    assert doc.meta.title == "Asking what you can do" and doc.history[-1].kind == "process"
    assert {w.speaker for w in doc.words} == {"S1"} and doc.speakers[0].name == "John Kennedy"

    page = (folder / "transcript.txt").read_text()
    assert "\n\n\nThis is a test podcast" in page  # the page's double blank before the series line
    blocks = re.split(r"\n\n+", page.strip())
    assert blocks[0] == "Asking what you can do"
    assert blocks[1] == "Published: 10/02/2022"
    assert blocks[2].startswith("This podcast examines")
    assert blocks[3] == "John Kennedy, President, talks about public service and civic duty."
    assert blocks[4].startswith("This is a test podcast")
    assert re.match(r"John: And so,? my fellow Americans", blocks[5])
    assert blocks[-1] == "PCF - Critical reflection and analysis"

    cues = list(webvtt.read(str(folder / "captions.vtt")))
    subs = list(srt.parse((folder / "captions.srt").read_text()))
    assert len(cues) == len(subs) > 0
    words_in_cues = " ".join(c.text.replace("\n", " ") for c in cues).split()
    assert words_in_cues == [w.text for w in doc.words]
    assert subs[0].start.total_seconds() * 1000 == pytest.approx(doc.words[0].start_ms, abs=1)


def test_without_metadata_it_still_works_and_says_what_is_missing(tmp_path, jfk_wav):
    result = process(jfk_wav, "-o", tmp_path)
    assert result.exit_code == 0
    assert "does not give: title, published, summary" in result.output
    page = (tmp_path / "jfk" / "transcript.txt").read_text()
    assert re.match(r"Speaker 1: And so,? my fellow Americans", page)


def test_video_uses_its_audio_track(tmp_path, jfk_wav):
    video = write_video(tmp_path / "speech.mp4", with_audio_from=jfk_wav)
    result = process(video, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    doc = Transcript.load(tmp_path / "out" / "speech" / "transcript.json")
    assert "Americans" in doc.text()


def test_timestamps_option_marks_paragraphs(tmp_path, jfk_wav):
    process(jfk_wav, "-o", tmp_path, "--timestamps")
    page = (tmp_path / "jfk" / "transcript.txt").read_text()
    assert re.match(r"\[00:00\] Speaker 1: And so", page)


def test_rerun_replaces_outputs_atomically(tmp_path, jfk_wav):
    process(jfk_wav, "-o", tmp_path)
    first = (tmp_path / "jfk" / "transcript.json").read_text()
    process(jfk_wav, "-o", tmp_path)
    assert not [p for p in (tmp_path / "jfk").iterdir() if p.name.startswith(".")]
    assert json.loads(first)["words"] == json.loads((tmp_path / "jfk" / "transcript.json").read_text())["words"]


def test_bundled_sample_processes(tmp_path):
    sample = ROOT / "audio" / "sample.mp3"
    result = process(sample, "-o", tmp_path)
    assert result.exit_code == 0, result.output
    doc = Transcript.load(tmp_path / "sample" / "transcript.json")
    assert doc.meta.title and doc.meta.participants
    assert 60_000 <= doc.duration_ms <= 120_000
    assert len(doc.words) > 100
    page = (tmp_path / "sample" / "transcript.txt").read_text()
    assert page.startswith(doc.meta.title + "\n\nPublished: ")


def test_help_for_every_command():
    for name, command in cli.commands.items():
        assert command.help, f"command {name} has no help"
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output


def test_a_rerun_takes_the_stages_from_the_cache_unless_told_not_to(tmp_path, jfk_wav):
    first = process(jfk_wav, "-o", tmp_path)
    assert first.exit_code == 0 and "from the cache" not in first.output
    doc = Transcript.load(tmp_path / "jfk" / "transcript.json")
    again = process(jfk_wav, "-o", tmp_path, "--timestamps")  # a writer setting: no stage changes
    assert again.exit_code == 0
    assert re.search(r"from the cache: recognise\b", again.output), again.output
    assert [w.text for w in Transcript.load(tmp_path / "jfk" / "transcript.json").words] == [w.text for w in doc.words]
    assert "[00:00]" in (tmp_path / "jfk" / "transcript.txt").read_text()  # the new writer setting took effect
    fresh = process(jfk_wav, "-o", tmp_path, "--no-cache")
    assert fresh.exit_code == 0 and "from the cache" not in fresh.output
