"""publish without a browser: files, escaping, podcast formats, the RSS item, errors, the CLI."""
from __future__ import annotations

import dataclasses
import html
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
import webvtt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from clips import write
from click.testing import CliRunner

from transcribe_kit.cli import cli
from transcribe_kit.document import Chapter, EpisodeMeta, Participant, Speaker, Transcript, Turn, Word
from transcribe_kit.fileio import atomic_write_many
from transcribe_kit.publish import PublishError, PublishOptions, publish
from transcribe_kit.writers import render_all

PODCAST = "{https://podcastindex.org/namespace/1.0}"
EVIL = "<script>alert('x')</script>"


def _doc(audio: Path) -> Transcript:
    texts = ["Hello", "&", "welcome.", EVIL, "Thanks", "for", "having", "me."]
    words = tuple(Word(t, 500 + 400 * i, 800 + 400 * i, speaker="S1" if i < 3 else "S2")
                  for i, t in enumerate(texts))
    return Transcript(
        episode="ep1", duration_ms=4000, language="en",
        meta=EpisodeMeta(title=f"Ep <b>1</b> {EVIL}", summary="About & around.",
                         participants=(Participant("Ann Lee", "Host", True), Participant("Bo <i>Diaz</i>"))),
        speakers=(Speaker("S1", "Ann Lee", "Ann"), Speaker("S2", "Bo <i>Diaz</i>", "Bo")),
        words=words, turns=(Turn("S1", 0, 3), Turn("S2", 3, 8)),
        chapters=(Chapter(0, None), Chapter(1700, f"Thanks {EVIL}")), source=str(audio),
    )


@pytest.fixture
def episode(tmp_path) -> Path:
    audio = write((np.sin(np.arange(4 * 16000) / 9) * 8000).astype(np.int16), tmp_path / "ep1.mp3")
    out = tmp_path / "outputs" / "ep1"
    atomic_write_many(render_all(_doc(audio), out))
    return out


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_page_and_files(episode, tmp_path):
    page = publish(episode, tmp_path / "site")
    site = page.parent
    assert site == tmp_path / "site" / "ep1"
    assert sorted(p.name for p in site.iterdir()) == sorted(
        ["index.html", "ep1.mp3", "captions.vtt", "chapters.vtt", "chapters.json", "transcript.podcast.json",
         "rss-item.xml"])
    assert (site / "ep1.mp3").read_bytes() == (tmp_path / "ep1.mp3").read_bytes()
    assert (site / "index.html").stat().st_mode & 0o044 == 0o044  # a web server can read it
    parser = _Collect()
    parser.feed(page.read_text())
    scripts = [a for t, a in parser.tags if t == "script"]
    assert len(scripts) == 1  # only the page's own
    tracks = {a["kind"]: a for t, a in parser.tags if t == "track"}
    assert "default" in tracks["captions"] and tracks["captions"]["src"].startswith("data:text/vtt")
    assert tracks["chapters"]["src"].startswith("data:text/vtt")
    assert not [a for t, a in parser.tags if t in ("link", "img") or (t == "script" and "src" in a)]


def test_markup_in_any_text_is_escaped(episode, tmp_path):
    page = publish(episode, tmp_path / "site").read_text()
    assert EVIL not in page and "<b>1</b>" not in page and "<i>Diaz</i>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "Ep &lt;b&gt;1&lt;/b&gt;" in page


def test_chapters_in_both_formats(episode, tmp_path):
    site = publish(episode, tmp_path / "site").parent
    cues = webvtt.read(str(site / "chapters.vtt"))
    assert [(c.start, c.end, html.unescape(c.text)) for c in cues] == [
        ("00:00:00.000", "00:00:01.700", "Introduction"), ("00:00:01.700", "00:00:04.000", f"Thanks {EVIL}")]
    assert "<script>" not in (site / "chapters.vtt").read_text()
    chapters = json.loads((site / "chapters.json").read_text())
    assert chapters["version"] == "1.2.0"
    assert [(c["startTime"], c["title"]) for c in chapters["chapters"]] == [(0.0, "Introduction"), (1.7, f"Thanks {EVIL}")]


def test_episode_chapter_files_are_used_when_present(episode, tmp_path):
    (episode / "chapters.vtt").write_text("WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nAll of it\n")
    site = publish(episode, tmp_path / "site").parent
    assert "All of it" in (site / "chapters.vtt").read_text()


def test_podcast_json_transcript(episode, tmp_path):
    data = json.loads((publish(episode, tmp_path / "site").parent / "transcript.podcast.json").read_text())
    assert data["version"] == "1.0.0"
    first = data["segments"][0]
    assert (first["speaker"], first["body"]) == ("Ann", "Hello & welcome.")
    # the caption layout may lead and linger a little, and the next voice's cue may take over once the
    # last word ("welcome.", 1.3-1.6 s) has begun when it needs the time (CaptionOptions.turn_borrow)
    assert first["startTime"] <= 0.5 < 1.3 < first["endTime"]
    assert data["segments"][-1]["speaker"] == "Bo"


def test_an_episode_without_chapters_has_no_chapter_list_or_track(episode, tmp_path):
    doc = Transcript.load(episode / "transcript.json")
    for name in ("chapters.vtt", "chapters.json"):
        (episode / name).unlink(missing_ok=True)
    atomic_write_many({episode / "transcript.json": dataclasses.replace(doc, chapters=()).to_json()})
    site = publish(episode, tmp_path / "site").parent
    page = (site / "index.html").read_text()
    assert 'kind="chapters"' not in page and 'class="chapters"' not in page
    assert not (site / "chapters.json").exists()
    assert "podcast:chapters" not in (site / "rss-item.xml").read_text()


def test_rss_item(episode, tmp_path):
    site = publish(episode, tmp_path / "site", PublishOptions(base_url="https://example.org/ep1/")).parent
    item = ET.parse(site / "rss-item.xml").getroot()
    assert item.tag == "item"
    assert item.findtext("title") == f"Ep <b>1</b> {EVIL}"
    enclosure = item.find("enclosure").attrib
    assert enclosure == {"url": "https://example.org/ep1/ep1.mp3", "type": "audio/mpeg",
                         "length": str((site / "ep1.mp3").stat().st_size)}
    transcripts = {t.get("type"): t.get("url") for t in item.iter(f"{PODCAST}transcript")}
    assert transcripts == {"text/vtt": "https://example.org/ep1/captions.vtt",
                           "application/json": "https://example.org/ep1/transcript.podcast.json"}
    assert item.find(f"{PODCAST}chapters").attrib == {"url": "https://example.org/ep1/chapters.json",
                                                      "type": "application/json+chapters"}


def test_audio_browsers_cannot_play_is_converted_to_mp3(episode, tmp_path):
    video = write((np.sin(np.arange(3 * 16000) / 7) * 8000).astype(np.int16), tmp_path / "talk.mkv")
    site = publish(episode, tmp_path / "site", PublishOptions(audio=video)).parent
    assert (site / "talk.mp3").read_bytes()[:3] in (b"ID3", b"\xff\xfb", b"\xff\xf3")
    assert 'src="talk.mp3"' in (site / "index.html").read_text()


def test_audio_that_cannot_be_converted_is_a_clear_error(episode, tmp_path):
    broken = tmp_path / "talk.mkv"
    broken.write_bytes(b"not a matroska file at all" * 40)
    with pytest.raises(PublishError, match="cannot convert the audio to MP3"):
        publish(episode, tmp_path / "site", PublishOptions(audio=broken))


def test_missing_audio_is_a_clear_error(episode, tmp_path):
    (tmp_path / "ep1.mp3").unlink()
    with pytest.raises(PublishError, match="cannot find the episode's audio.*--audio"):
        publish(episode, tmp_path / "site")


def test_cli_publish(episode, tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["publish", str(episode), "-o", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "ep1" / "index.html").is_file()
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(cli, ["publish", str(empty)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "no transcript.json" in result.output
    assert "Traceback" not in result.output


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(st.sampled_from(list("<>&\"'/=ab -!") + ["<script>", "</p>", "-->", "{{", "{%", "]]>"]),
                     min_size=1, max_size=12).map("".join).filter(str.strip))
def test_no_text_can_add_markup(text, episode, tmp_path):
    doc = Transcript.load(episode / "transcript.json")
    pages = {}
    for name, value in (("plain", "plain words"), ("evil", text)):
        atomic_write_many(render_all(_every_text(doc, value), episode))
        pages[name] = publish(episode, tmp_path / name).read_text()
    assert _tags(pages["evil"]) == _tags(pages["plain"])
    ET.fromstring((tmp_path / "evil" / "ep1" / "rss-item.xml").read_text().split("?>", 1)[1])


def _every_text(doc: Transcript, text: str) -> Transcript:
    return dataclasses.replace(
        doc, words=tuple(dataclasses.replace(w, text=text) for w in doc.words),
        meta=dataclasses.replace(doc.meta, title=text, summary=text, closing=text),
        speakers=tuple(dataclasses.replace(s, label=text) for s in doc.speakers),
        chapters=tuple(dataclasses.replace(c, heading=text) for c in doc.chapters))


def _tags(page: str) -> list[str]:
    parser = _Collect()
    parser.feed(page)
    return [tag for tag, _ in parser.tags]
