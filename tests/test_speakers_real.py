"""The real speaker stage (pyannote + d-vectors + naming) on short real and corpus clips."""
import dataclasses
import json

import numpy as np
import pytest

from conftest import CORPUS, rttm

SAMPLE = CORPUS / "real" / "pyannote_sample.wav"
SHORT = CORPUS / "podcast_004_short"

pytest.importorskip("pyannote.audio")
pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason=f"{SAMPLE} is not available (../shared is missing)")


@pytest.fixture(scope="module")
def encoder():
    from transcribe_kit.speakers.voiceprint import VoiceEncoder

    return VoiceEncoder()


def test_two_speakers_of_the_pyannote_sample(encoder):
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    from transcribe_kit.speakers import diarize
    from transcribe_kit.speakers import voiceprint
    from transcribe_kit import audio

    options = diarize.DiarizeOptions(num_speakers=2)
    pipeline = diarize.build_pipeline(options, embedding=voiceprint.PyannoteEmbedding(encoder))
    stages = []
    found = diarize.diarize(audio.load(SAMPLE), options, lambda *a: stages.append(a), pipeline=pipeline)
    assert len(found.speakers) == 2 and not found.estimated
    assert all(a.end_ms <= b.start_ms for a, b in zip(found.segments, found.segments[1:]))  # exclusive
    assert stages[-1] == ("diarise", 1000, 1000)
    hyp = Annotation()
    for s in found.segments:
        hyp[Segment(s.start_ms / 1000, s.end_ms / 1000)] = s.speaker
    der = DiarizationErrorRate(collar=0.25, skip_overlap=False)(rttm(SAMPLE.with_suffix(".rttm")), hyp)
    assert der < 0.15  # a sanity bound; bench/speakers.py measures the real figure


@pytest.mark.parametrize("name", ["ge2e", "campplus", "fused"])
def test_same_voice_is_nearer_than_another_voice(name, monkeypatch):
    from transcribe_kit.speakers import voiceprint
    from transcribe_kit import audio

    encoder = voiceprint.encoder(name)

    source = audio.load(SAMPLE)
    ref = [line.split() for line in SAMPLE.with_suffix(".rttm").read_text().splitlines()]
    spans: dict[str, list] = {}
    for f in ref:
        start, dur = float(f[3]), float(f[4])
        if dur >= 2.0:
            spans.setdefault(f[7], []).append(source.slice_ms(int(start * 1000), int((start + dur) * 1000)))
    (a1, a2, *_), (b1, *_) = sorted(spans.values(), key=len, reverse=True)[:2]
    va, va2, vb = encoder.embed_many([a1, a2, b1])
    assert va.shape == (encoder.dimension,)
    assert np.isclose(np.linalg.norm(va), 1.0, atol=1e-4)
    assert va @ va2 > va @ vb
    assert np.isnan(encoder.embed(a1[:4000])).all()  # a quarter of a second is too short to trust
    monkeypatch.setattr(voiceprint, "EMBED_BATCH_S", 1.0)  # one stretch at a time: the same vectors
    assert np.allclose(encoder.embed_many([a1, a2, b1]), [va, va2, vb], atol=1e-5)
    assert encoder.embed_many([]).shape == (0, encoder.dimension)


@pytest.mark.parametrize("segmentation", ["pyannote-3.0", "pyannote-multilabel"])
def test_both_segmentation_models_find_the_two_voices_and_say_how_sure_the_count_is(segmentation):
    from transcribe_kit.speakers import diarize
    from transcribe_kit import audio

    options = diarize.DiarizeOptions(segmentation=segmentation)
    found = diarize.diarize(audio.load(SAMPLE), options)
    assert found.estimated and found.count_range is not None
    low, high = found.count_range
    assert low <= len(found.speakers) <= high
    assert found.count_sure == (low == high)
    given = diarize.diarize(audio.load(SAMPLE), dataclasses.replace(options, num_speakers=2))
    assert given.count_sure and given.count_range is None and len(given.speakers) == 2


def corpus_clip(start_s: float, end_s: float):
    """A piece of podcast_004_short with its reference words (times shifted to the clip)."""
    from transcribe_kit import audio
    from transcribe_kit.document import Word

    source = audio.load(SHORT / "podcast_004_short.mp3")
    clip = audio.Audio(source.slice_ms(int(start_s * 1000), int(end_s * 1000)).copy())
    ref = [w for w in json.loads((SHORT / "podcast_004_short.words.json").read_text())
           if w["start"] >= start_s and w["end"] <= end_s]
    words = tuple(Word(w["word"], round((w["start"] - start_s) * 1000), round((w["end"] - start_s) * 1000))
                  for w in ref)
    return clip, words, [w["speaker"] for w in ref]


def test_a_two_guest_clip_gets_both_names_and_the_right_words(tmp_path, monkeypatch):
    from transcribe_kit import speakers
    from transcribe_kit.document import EpisodeMeta, Participant, Transcript
    from transcribe_kit.turns import build_turns

    monkeypatch.setenv("TRANSCRIBE_KIT_DATA", str(tmp_path))  # an empty voice library
    clip, words, truth = corpus_clip(25.0, 48.0)  # Jo introduces herself, then Kyla
    meta = EpisodeMeta(participants=(Participant("Jo Todd", "Chief Executive of Respect"),
                                     Participant("Kyla Kirkpatrick", "Director of the Drive Partnership")))
    doc = speakers.assign_single_speaker(Transcript("clip", clip.duration_ms, meta=meta, words=words))
    named, notes = speakers.identify_speakers(build_turns(doc), clip, speakers.SpeakerOptions())
    firsts = [named.speaker(w.speaker).label for w in named.words]
    accuracy = sum(a == b for a, b in zip(firsts, truth)) / len(truth)
    assert accuracy > 0.95
    assert [named.speaker(t.speaker).name for t in named.turns] == ["Jo Todd", "Kyla Kirkpatrick"]
    assert named.segments and not notes


def test_an_episode_without_metadata_reports_the_speakers_it_found(tmp_path, monkeypatch):
    from transcribe_kit import speakers
    from transcribe_kit.document import Transcript
    from transcribe_kit.turns import build_turns

    monkeypatch.setenv("TRANSCRIBE_KIT_DATA", str(tmp_path))
    clip, words, _ = corpus_clip(25.0, 48.0)
    doc = speakers.assign_single_speaker(Transcript("clip", clip.duration_ms, words=words))
    named, notes = speakers.identify_speakers(build_turns(doc), clip, speakers.SpeakerOptions())
    assert any(note.startswith(f"found {len(named.speakers)} speaker") for note in notes)


def test_voices_add_stores_a_voice_that_is_then_listed(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from transcribe_kit.cli import cli
    from transcribe_kit.speakers.library import load_library

    monkeypatch.setenv("TRANSCRIBE_KIT_DATA", str(tmp_path))
    result = CliRunner().invoke(cli, ["voices", "add", "Diane", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "Diane" in CliRunner().invoke(cli, ["voices", "list"]).output
    assert load_library()["Diane"].shape == (256,)


def reference_spans(label: str) -> list[tuple[int, int]]:
    spans = []
    for line in SAMPLE.with_suffix(".rttm").read_text().splitlines():
        f = line.split()
        if f[7] == label:
            spans.append((round(float(f[3]) * 1000), round((float(f[3]) + float(f[4])) * 1000)))
    return spans


def test_voices_add_from_an_episode_and_recognise_the_voice(tmp_path, monkeypatch):
    """A stored voice names its speaker in a new run, with the library as the evidence."""
    from click.testing import CliRunner

    from transcribe_kit.cli import cli
    from transcribe_kit.document import Speaker, SpeechSegment, Transcript
    from transcribe_kit.fileio import atomic_write

    monkeypatch.setenv("TRANSCRIBE_KIT_DATA", str(tmp_path / "data"))
    episode = tmp_path / "earlier"
    segments = tuple(SpeechSegment(a, b, "S2") for a, b in reference_spans("speaker91"))
    atomic_write(episode / "transcript.json", Transcript(
        "earlier", 30_000, speakers=(Speaker("S1", label="Speaker 1"), Speaker("S2", name="Sheila Smith")),
        segments=segments).to_json())
    added = CliRunner().invoke(cli, ["voices", "add", "Sheila Smith", str(SAMPLE), "--from-episode", str(episode)])
    assert added.exit_code == 0, added.output

    result = CliRunner().invoke(cli, ["process", "-q", "--fast", "--speakers", "2", str(SAMPLE), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    doc = Transcript.load(tmp_path / "pyannote_sample" / "transcript.json")
    sheila = [s for s in doc.speakers if s.name == "Sheila Smith"]
    assert len(sheila) == 1 and any("voice library" in e for e in sheila[0].evidence)
    theirs = [seg for seg in doc.segments if seg.speaker == sheila[0].id]
    overlap = sum(max(0, min(b, s.end_ms) - max(a, s.start_ms)) for s in theirs for a, b in reference_spans("speaker91"))
    assert overlap > 0.8 * sum(b - a for a, b in reference_spans("speaker91"))


def test_a_speaker_count_given_wins_over_a_single_participant(tmp_path, monkeypatch):
    # an event: the metadata names the speaker on stage; --min-speakers 2 says the audience speaks too
    from transcribe_kit.speakers import diarize
    from transcribe_kit import pipeline, speakers
    from transcribe_kit.document import EpisodeMeta, Participant, Transcript

    monkeypatch.setenv("TRANSCRIBE_KIT_DATA", str(tmp_path))
    clip, words, truth = corpus_clip(25.0, 48.0)  # two voices
    meta = EpisodeMeta(participants=(Participant("Jo Todd", "Chief Executive of Respect"),))
    doc = Transcript("clip", clip.duration_ms, meta=meta, words=words)
    ctx = pipeline.Context(None, source=clip)
    alone = speakers.speakers_stage(doc, speakers.SpeakerOptions(), ctx)
    assert {w.speaker for w in alone.words} == {"S1"} and alone.speakers[0].name == "Jo Todd"
    options = speakers.SpeakerOptions(diarize=diarize.DiarizeOptions(min_speakers=2))
    assert diarize.with_count_from(meta, options.diarize).num_speakers is None
    both = speakers.speakers_stage(doc, options, ctx)
    assert len({w.speaker for w in both.words}) == 2
    assert both.speaker(both.words[0].speaker).name == "Jo Todd"  # she introduces herself first
