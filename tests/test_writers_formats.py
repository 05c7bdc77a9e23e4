"""Golden files for the caption, chapter and Podcasting 2.0 writers, read back by independent parsers.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 pytest tests/test_writers_formats.py``.
"""
import io
import json
import os
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
import srt
import webvtt
from hypothesis import given, settings
from hypothesis import strategies as st

from transcribe_kit.document import Chapter, EpisodeMeta, Speaker, Transcript, Word
from transcribe_kit.writers import WriterOptions, get

GOLDEN = Path(__file__).parent / "golden"
FORMATS = ("vtt", "srt", "chapters-vtt", "chapters-json", "chapters-txt", "podcast-json")


def timed(words, start, speaker, step=320):
    return [Word(w, start + i * step, start + i * step + step - 40, speaker=speaker) for i, w in enumerate(words.split())]


def episode() -> Transcript:
    words = (timed("Hello and welcome. Today we look at how services & families work together.", 500, "S1")
             + timed("Thanks. I'd say <script>alert(1)</script> --> is not a caption.", 6000, "S2")
             + timed("Let's move on to the research agenda, and who sets it.", 12000, "S1"))
    speakers = (Speaker("S1", name="Dez Holmes", label="Dez"),
                Speaker("S2", name="Jo <script>x</script> --> Todd", label="Jo-->"))
    chapters = (Chapter(500, None), Chapter(12000, "Who sets the research agenda?"))
    meta = EpisodeMeta(title="Services & families")
    return Transcript(episode="ep", duration_ms=30000, meta=meta, speakers=speakers, words=tuple(words),
                      chapters=chapters)


@pytest.mark.parametrize("name", FORMATS)
def test_golden(name):
    writer = get(name)
    text = writer.render(episode(), WriterOptions())
    path = GOLDEN / writer.filename
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_vtt_reads_back_with_voices_and_no_raw_markup():
    text = get("vtt").render(episode(), WriterOptions())
    captions = webvtt.from_buffer(io.StringIO(text)).captions
    assert {c.voice for c in captions} == {"Dez Holmes", "Jo &lt;script&gt;x&lt;/script&gt; --&gt; Todd"}
    assert "<script>" not in text and "-->" not in text.replace(" --> ", "")
    assert "&amp;" in text
    words = " ".join(c.text for c in captions).split()
    assert len(words) == len(episode().words)


def test_srt_reads_back_with_names_at_speaker_changes():
    text = get("srt").render(episode(), WriterOptions())
    subs = list(srt.parse(text))
    assert subs[0].content.startswith("DEZ: ")
    assert any(s.content.startswith("JO--›:") for s in subs)
    assert "<" not in text and "-->" not in "".join(s.content for s in subs)


def test_podcasting_json_field_names_and_types():
    chapters = json.loads(get("chapters-json").render(episode(), WriterOptions()))
    assert chapters["version"] == "1.2.0"
    assert [c["startTime"] for c in chapters["chapters"]] == [0.0, 12.0]
    assert all(isinstance(c["title"], str) and isinstance(c["endTime"], float) for c in chapters["chapters"])
    transcript = json.loads(get("podcast-json").render(episode(), WriterOptions()))
    assert transcript["version"] == "1.0.0"
    for segment in transcript["segments"]:
        assert set(segment) == {"speaker", "startTime", "endTime", "body"}
        assert segment["startTime"] < segment["endTime"]


def test_a_transcript_without_chapters_gives_one_chapter_named_after_the_episode():
    doc = replace(episode(), chapters=())
    assert get("chapters-txt").render(doc, WriterOptions()) == "00:00 Services & families\n"
    data = json.loads(get("chapters-json").render(doc, WriterOptions()))
    assert data["chapters"] == [{"startTime": 0.0, "endTime": 30.0, "title": "Services & families"}]
    track = webvtt.from_buffer(io.StringIO(get("chapters-vtt").render(doc, WriterOptions()))).captions
    assert [c.text for c in track] == ["Services &amp; families"]


def test_youtube_list_folds_chapters_under_ten_seconds():
    doc = replace(episode(), chapters=(Chapter(0, "Start"), Chapter(5000, "Too short"), Chapter(8000, "Main")))
    # the short ones fold together; a short opening takes the title of what follows it
    assert get("chapters-txt").render(doc, WriterOptions()) == "00:00 Main\n"
    doc = replace(episode(), duration_ms=4_000_000,
                  chapters=(Chapter(0, "A"), Chapter(600_000, "B"), Chapter(3_700_000, "C")))
    assert get("chapters-txt").render(doc, WriterOptions()) == "00:00 A\n10:00 B\n1:01:40 C\n"


def test_empty_transcript_gives_valid_files():
    doc = Transcript(episode="silent", duration_ms=5000)
    for name in FORMATS:
        text = get(name).render(doc, WriterOptions())
        assert text or name == "srt"  # an empty SubRip file is a valid one
    assert list(srt.parse(get("srt").render(doc, WriterOptions()))) == []
    assert webvtt.from_buffer(io.StringIO(get("vtt").render(doc, WriterOptions()))).captions == []


def test_markup_and_arrows_in_chapter_titles_cannot_break_the_files():
    doc = replace(episode(), chapters=(Chapter(0, "Intro <script>x</script>"), Chapter(15000, "A --> B\nC")))
    track = get("chapters-vtt").render(doc, WriterOptions())
    cues = webvtt.from_buffer(io.StringIO(track)).captions
    assert [c.text for c in cues] == ["Intro &lt;script&gt;x&lt;/script&gt;", "A --&gt; B C"]
    assert get("chapters-txt").render(doc, WriterOptions()).splitlines() == [
        "00:00 Intro <script>x</script>", "00:15 A --> B C"]
    assert json.loads(get("chapters-json").render(doc, WriterOptions()))["chapters"][1]["title"] == "A --> B C"


WORD = st.text(alphabet=st.sampled_from(list("abcXYZ<>&-;'\"é")), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(WORD, st.sampled_from(["S1", "S2"])), min_size=1, max_size=40),
       st.sampled_from(["Jo <b>", "Dez --> Holmes", "A & B"]))
def test_what_we_write_reads_back_word_for_word(items, name):
    from transcribe_kit.captions import CaptionOptions, build_cues
    from transcribe_kit.captions.check import read_cues

    words = tuple(Word(text, 1000 + i * 400, 1000 + i * 400 + 300, speaker=s) for i, (text, s) in enumerate(items))
    doc = Transcript(episode="p", duration_ms=2000 + len(words) * 400, words=words,
                     speakers=(Speaker("S1", name=name), Speaker("S2", name="Bo")))
    options = WriterOptions(captions=CaptionOptions(pos_tags=False))
    cues = build_cues(doc, CaptionOptions(pos_tags=False))
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, suffix in (("vtt", ".vtt"), ("srt", ".srt")):
            path = Path(tmp) / f"c{suffix}"
            path.write_text(get(fmt).render(doc, options), encoding="utf-8")
            back = read_cues(path)
            assert [(c.start_ms, c.end_ms) for c in back] == [(c.start_ms, c.end_ms) for c in cues]
            if fmt == "vtt":  # a two-speaker cue's lines open with a hyphen: layout, not a word
                said = [line.removeprefix("- ") if cue.two_speakers else line
                        for c, cue in zip(back, cues) for line in c.lines]
                assert " ".join(said).split() == [w.text for w in words]
