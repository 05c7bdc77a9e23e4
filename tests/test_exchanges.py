"""Captions of real conversation (issue 37): quick exchanges in two-speaker cues, and speech too
fast for any timing marked unavoidable, for the editor, in the builder and in ``check``."""
import json

from hypothesis import given, settings
from hypothesis import strategies as st
from test_captions import NO_TAGS, assert_partition, assert_speakers_by_line

from transcribe_kit.captions import (CaptionOptions, build_cues, cues_to_condense, hard_flags,
                                     two_speaker_cues)
from transcribe_kit.captions.check import check_file, read_cues
from transcribe_kit.document import Speaker, Transcript, Word
from transcribe_kit.writers import WriterOptions, get

PEOPLE = (Speaker("A", name="Ann Lee", label="Ann"), Speaker("B", name="Bo Chen", label="Bo"))
OPTIONS = WriterOptions(captions=NO_TAGS)


def spoken(turns, end_pad_ms=300):
    """Words from ``(speaker, start_ms, text, ms_per_word)`` turns, each word after the last."""
    words = []
    for speaker, start, text, per_word in turns:
        for k, token in enumerate(text.split()):
            words.append(Word(token, start + k * per_word, start + (k + 1) * per_word, speaker=speaker))
    return Transcript(episode="t", duration_ms=words[-1].end_ms + end_pad_ms, words=tuple(words), speakers=PEOPLE)


def phone_call():
    """Like the pyannote sample's 'Hello.' and 'Hello.': two words 0.5 s in all, between longer
    turns, with 0.3 s of silence before and 0.8 s after."""
    return spoken([("A", 0, "I was calling about the parcel that came this morning.", 300),
                   ("B", 3000, "Hello.", 240), ("A", 3260, "Hello.", 240),
                   ("B", 4300, "Yes, sorry, the line was breaking up there for a moment.", 280)])


def test_a_quick_exchange_shares_one_cue_one_speaker_a_line():
    doc = phone_call()
    cues = build_cues(doc, NO_TAGS)
    assert_partition(doc, cues)
    (both,) = two_speaker_cues(cues)
    assert both.lines == ("Hello.", "Hello.") and (both.speaker, both.second_speaker) == ("B", "A")
    assert not [c for c in cues if hard_flags(c)], cues
    for cue in cues:
        assert_speakers_by_line(doc, cue)


def test_without_exchanges_each_hello_is_a_cue_too_short_to_read():
    cues = build_cues(phone_call(), CaptionOptions(pos_tags=False, exchanges=False))
    assert not two_speaker_cues(cues)
    assert any("too-short" in c.flags for c in cues)


def test_a_turn_that_stands_alone_keeps_its_own_cue():
    doc = spoken([("A", 0, "Hello.", 400), ("B", 2500, "Hello there.", 400)])
    assert not two_speaker_cues(build_cues(doc, NO_TAGS))


def test_a_reply_said_long_after_is_not_shown_before_it_is_said():
    # B's line would appear 1.9 s before B speaks: outside the sync rule, so no shared cue
    doc = spoken([("A", 0, "Right.", 200), ("B", 1900, "Hello.", 200),
                  ("A", 2100, "Now then, shall we begin with the first question on the list?", 250)])
    for cue in build_cues(doc, NO_TAGS):
        if cue.two_speakers:
            assert doc.words[cue.second_word].start_ms - cue.start_ms <= 1500


def test_writers_show_each_speaker_on_their_own_line(tmp_path):
    doc = phone_call()
    vtt, srt = get("vtt").render(doc, OPTIONS), get("srt").render(doc, OPTIONS)
    assert "<v Bo Chen>- Hello.</v>\n<v Ann Lee>- Hello.</v>\n" in vtt
    assert "\n- Hello.\n- Hello.\n" in srt  # SubRip: a hyphen for each speaker, no label
    assert "BO: - Hello." not in srt and "ANN: - Hello." not in srt
    (tmp_path / "c.vtt").write_text(vtt, encoding="utf-8")
    (tmp_path / "c.srt").write_text(srt, encoding="utf-8")
    for name in ("c.vtt", "c.srt"):
        report = check_file(tmp_path / name, transcript=doc)
        assert report.ok, [str(v) for v in report.violations]
    shown = [c.lines for c in read_cues(tmp_path / "c.vtt")]
    assert ("- Hello.", "- Hello.") in shown


def test_podcast_json_keeps_one_segment_per_speaker():
    doc = phone_call()
    segments = json.loads(get("podcast-json").render(doc, OPTIONS))["segments"]
    hellos = [s for s in segments if s["body"] == "Hello."]
    assert [s["speaker"] for s in hellos] == ["Bo", "Ann"]
    second = next(w for w in doc.words if w.text == "Hello." and w.speaker == "A")
    assert hellos[0]["endTime"] == hellos[1]["startTime"] == second.start_ms / 1000
    assert all(a["endTime"] <= b["startTime"] for a, b in zip(segments, segments[1:]))
    assert " ".join(s["body"] for s in segments).split() == [w.text for w in doc.words]


def test_a_word_put_in_shares_a_cue_with_the_first_line_of_a_long_turn():
    # B's "Yeah." comes between two long turns of A with no silence: alone it could not stay up
    # for a second, and A's next turn is too long to share a cue whole
    doc = spoken([("A", 0, "We spent the whole of the spring on the new building.", 320),
                  ("B", 3520, "Yeah.", 300),
                  ("A", 3820, "And that is what we found, in the end, after a great deal of work on it.", 260)])
    cues = build_cues(doc, NO_TAGS)
    assert_partition(doc, cues)
    (both,) = two_speaker_cues(cues)
    assert both.lines[0] == "Yeah." and both.lines[1].endswith(",")  # cut where a line may end
    assert not [c for c in cues if hard_flags(c)], cues
    for cue in cues:
        assert_speakers_by_line(doc, cue)


def quick_reply():
    """A speaks slowly, ending on a long word; B cuts in at once with 29 characters in 1.36 s, and A
    goes on at once: B's words alone (with SubRip's 'BO:') would read at 24 characters a second."""
    return spoken([("A", 0, "Right, so that was the whole plan.", 700),
                   ("B", 4900, "Absolutely, a wonderful idea.", 340),
                   ("A", 6260, "And then we went ahead with the rest of it.", 450)])


def test_a_cue_borrows_the_slack_of_the_cue_before_once_its_last_word_has_begun():
    doc = quick_reply()
    cues = build_cues(doc, NO_TAGS)
    assert not [c for c in cues if hard_flags(c)], cues
    before, reply = next((a, b) for a, b in zip(cues, cues[1:]) if b.speaker == "B")
    last = doc.words[before.last_word]
    assert last.start_ms < reply.start_ms < last.end_ms  # once A's last word has begun
    assert before.end_ms == reply.start_ms


def test_without_borrowing_the_reply_breaks_the_reading_speed():
    cues = build_cues(quick_reply(), CaptionOptions(pos_tags=False, turn_borrow=False, exchanges=False))
    assert any(hard_flags(c) for c in cues if c.speaker == "B")


def fast_talker():
    """B says 70 characters in 2 s between A's turns, with 0.2 s of silence either side."""
    return spoken([("A", 0, "And what did you find?", 300),
                   ("B", 1400, "Statistically significant differences everywhere, particularly there.", 333),
                   ("A", 3600, "Goodness me, that is a lot of differences to explain.", 350)])


def test_speech_faster_than_anyone_can_read_is_kept_and_listed_for_the_editor():
    doc = fast_talker()
    cues = build_cues(doc, NO_TAGS)
    assert_partition(doc, cues)
    (fast,) = cues_to_condense(doc, NO_TAGS, cues)
    assert fast.text.startswith("Statistically")
    assert fast.figure.startswith("speech at ") and float(fast.figure.split()[2]) > 20
    broken = [c for c in cues if hard_flags(c)]
    assert [(c.first_word, c.last_word) for c in broken] == [(fast.first_word, fast.last_word)]


def test_check_marks_the_unavoidable_cue_apart_and_still_counts_it(tmp_path):
    doc = fast_talker()
    path = tmp_path / "captions.srt"
    path.write_text(get("srt").render(doc, OPTIONS), encoding="utf-8")
    plain = check_file(path)
    marked = check_file(path, transcript=doc)
    assert not marked.ok and marked.count("hard") == plain.count("hard")  # still hard breaks
    (number,) = marked.unavoidable_cues()
    assert all(v.unavoidable.startswith("speech at ") for v in marked.violations if v.cue == number
               and v.severity == "hard")
    assert "unavoidable" in marked.summary() and "unavoidable" not in plain.summary()
    assert "an editor may condense it" in str(next(v for v in marked.violations if v.unavoidable))


def test_check_cli_reads_the_transcript_beside_the_file(tmp_path):
    from click.testing import CliRunner

    from transcribe_kit.cli import cli

    doc = fast_talker()
    (tmp_path / "captions.vtt").write_text(get("vtt").render(doc, OPTIONS), encoding="utf-8")
    (tmp_path / "transcript.json").write_text(doc.to_json(), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "captions.vtt")])
    assert result.exit_code == 1 and "unavoidable (speech at" in result.output


@st.composite
def conversations(draw):
    """Two or three people in quick turns of one to a few words, some spoken fast."""
    words, t = [], draw(st.integers(0, 2000))
    speaker = "A"
    for _ in range(draw(st.integers(1, 25))):
        speaker = draw(st.sampled_from([s for s in "ABC" if s != speaker]))
        for _ in range(draw(st.integers(1, 12))):
            text = draw(st.text(alphabet="abcdefghij", min_size=1, max_size=9)) + draw(st.sampled_from(["", ".", ","]))
            length = draw(st.integers(40 * len(text), 90 * len(text) + 200))
            words.append(Word(text, t, t + length, speaker=speaker))
            t += length + draw(st.sampled_from([0, 0, 40, 150, 400, 900]))
        t += draw(st.sampled_from([0, 100, 300, 800]))
    people = (*PEOPLE, Speaker("C", name="Cy Dee"))
    return Transcript(episode="c", duration_ms=t + 1500, words=tuple(words), speakers=people)


@settings(max_examples=80, deadline=None)
@given(conversations())
def test_every_word_once_at_most_two_speakers_a_cue_never_two_on_a_line(doc):
    cues = build_cues(doc, NO_TAGS)
    assert_partition(doc, cues)
    for cue in cues:
        assert_speakers_by_line(doc, cue)
        assert all(len(line) <= 42 for line in cue.shown_lines) and len(cue.lines) <= 2
    assert all(a.end_ms <= b.start_ms for a, b in zip(cues, cues[1:]))
    for cue in cues_to_condense(doc, NO_TAGS, cues):  # listed: cues that do break the rules
        assert cue.figure and (cue.first_word, cue.last_word) in {(c.first_word, c.last_word)
                                                                  for c in cues if hard_flags(c)}


@settings(max_examples=60, deadline=None)
@given(conversations())
def test_check_marks_the_cues_the_builder_lists_for_the_editor(doc):
    import tempfile
    from pathlib import Path

    cues = build_cues(doc, NO_TAGS)
    listed = {(c.start_ms, c.end_ms) for c in cues_to_condense(doc, NO_TAGS, cues)}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "captions.srt"
        path.write_text(get("srt").render(doc, OPTIONS), encoding="utf-8")
        report = check_file(path, transcript=doc)
    shown = [c for c in cues if c.text.strip()]
    assert {(shown[n - 1].start_ms, shown[n - 1].end_ms) for n in report.unavoidable_cues()} == listed
    hard = {v.cue for v in report.violations if v.severity == "hard"}
    assert set(report.unavoidable_cues()) <= hard  # marked, still counted


def test_the_published_page_track_names_both_speakers_of_a_shared_cue(tmp_path):
    """The page's captions track (a data: URL) holds the two-speaker cue with both names.
    (The browser test of the page needs Chromium; this reads the track the browser is given.)"""
    import base64
    import dataclasses
    import io
    import re

    import numpy as np
    import webvtt
    from clips import write

    from transcribe_kit.fileio import atomic_write_many
    from transcribe_kit.publish import publish
    from transcribe_kit.writers import render_all

    audio = write((np.sin(np.arange(9 * 16000) / 9) * 8000).astype(np.int16), tmp_path / "call.mp3")
    doc = dataclasses.replace(phone_call(), episode="call", duration_ms=9000, source=str(audio))
    out = tmp_path / "outputs" / "call"
    atomic_write_many(render_all(doc, out, ["json", "vtt", "srt", "podcast-json"], OPTIONS))
    page = publish(out, tmp_path / "site").read_text(encoding="utf-8")
    src = re.search(r'<track kind="captions"[^>]*src="data:text/vtt;charset=utf-8;base64,([^"]+)"', page).group(1)
    track = base64.b64decode(src).decode("utf-8")
    (shared,) = [c for c in webvtt.from_buffer(io.StringIO(track)).captions if "</v>" in c.raw_text]
    assert re.findall(r"<v ([^>]+)>", shared.raw_text) == ["Bo Chen", "Ann Lee"]
    assert shared.text.splitlines() == ["- Hello.", "- Hello."]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=0, max_size=12), st.integers(0, 800), st.integers(0, 400),
                          st.sampled_from("AB")), max_size=40))
def test_any_words_of_two_voices_give_cues_with_text_on_every_line(items):
    words, t = [], 0
    for text, length, gap, speaker in items:
        words.append(Word(text, t, t + length, speaker=speaker))
        t += length + gap
    doc = Transcript(episode="x", duration_ms=t, words=tuple(words), speakers=PEOPLE)
    cues = build_cues(doc, NO_TAGS)
    assert [i for c in cues for i in range(c.first_word, c.last_word + 1)] == list(range(len(words)))
    for cue in two_speaker_cues(cues):
        assert all(line.strip() for line in cue.lines)
    vtt = get("vtt").render(doc, OPTIONS)
    assert "<v Bo Chen>- </v>" not in vtt and "<v Ann Lee>- </v>" not in vtt


def test_check_cli_reads_the_file_alone_when_the_transcript_beside_it_is_unreadable(tmp_path):
    from click.testing import CliRunner

    from transcribe_kit.cli import cli

    doc = fast_talker()
    (tmp_path / "captions.vtt").write_text(get("vtt").render(doc, OPTIONS), encoding="utf-8")
    (tmp_path / "transcript.json").write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "captions.vtt")])
    assert result.exit_code == 1 and "hard reading-speed-max" in result.output
    assert "unavoidable (" not in result.output and "Warning:" in result.output
