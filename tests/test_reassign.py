"""Let the names fix the voices: labelled stretches repair a merged cluster."""
import numpy as np

from transcribe_kit.audio import SAMPLE_RATE, Audio
from transcribe_kit.document import EpisodeMeta, Participant, Speaker, Transcript, Word
from transcribe_kit.speakers.refine import RefineOptions, refine, seed_spans
from transcribe_kit.speakers.naming import collect_evidence, people_of
from transcribe_kit.turns import build_turns

VOICES = {1: np.array([1.0, 0.2, 0.0]), 2: np.array([0.2, 1.0, 0.0]), 3: np.array([0.0, 0.3, 1.0])}


class ToneEncoder:
    """Stands in for the d-vector model: the audio's level says whose voice it is."""

    def embed_many(self, stretches):
        out = []
        for samples in stretches:
            who = int(round(float(np.median(samples)) * 10))
            v = VOICES[who] + np.random.default_rng(len(samples)).normal(0, 0.05, 3)
            out.append(v / np.linalg.norm(v))
        return np.array(out)


def episode(turns):
    """(true voice, cluster label, text) turns; a word every 400 ms, 1 s between turns."""
    words, audio, t = [], [], 0
    for voice, label, text in turns:
        for token in text.split():
            words.append(Word(token, t, t + 380, speaker=label))
            t += 400
        t += 1000
        audio.append((voice, words[-1].end_ms))
    samples = np.zeros(t * SAMPLE_RATE // 1000, dtype=np.float32)
    for (voice, end), (_, _, text) in zip(audio, turns):
        first = end - 400 * len(text.split()) + 20
        samples[first * 16:end * 16] = voice / 10
    return words, Audio(samples)


def test_introductions_split_a_cluster_that_merged_two_guests():
    meta = EpisodeMeta(participants=(Participant("Dez Holmes", host=True), Participant("Jo Todd"),
                                     Participant("Kyla Kirkpatrick")))
    long = "and we talk about the evidence and what it says about practice and research today."
    words, source = episode([
        (1, "A", "Hello, my name is Dez Holmes. Let me introduce my guests."),
        (2, "B", "I'm Jo Todd. I lead a charity. " + long),
        (3, "B", "I'm Kyla Kirkpatrick. I direct a partnership. " + long),
        (1, "A", "Thank you both. Kyla, would you like to start?"),
        (3, "B", "Yes. " + long + " " + long),
        (1, "A", "Jo, over to you."),
        (2, "B", "Thanks. " + long + " " + long),
    ])
    doc = build_turns(Transcript("t", source.duration_ms, meta=meta, words=tuple(words),
                                 speakers=(Speaker("A"), Speaker("B"))))
    evidence = collect_evidence(doc, people_of(meta))
    assert {p for _, _, p in seed_spans(doc, evidence, 2.0)} == {"Dez Holmes", "Jo Todd", "Kyla Kirkpatrick"}
    fixed, centroids = refine(doc, source, ToneEncoder(), evidence, {}, RefineOptions(min_stretch_ms=1000))
    fixed = build_turns(fixed)
    by_turn = [{w.speaker for w in fixed.words[t.start:t.end]} for t in fixed.turns]
    assert len(fixed.speakers) == 3 and len(by_turn) == 7
    assert all(len(s) == 1 for s in by_turn)
    jo, kyla = by_turn[1], by_turn[2]
    assert jo != kyla and by_turn[4] == kyla and by_turn[6] == jo
    assert set(centroids) == {s.id for s in fixed.speakers}


def test_without_names_clusters_stay_as_they_are_when_consistent():
    words, source = episode([(1, "A", "one two three four five six seven eight nine ten."),
                             (2, "B", "eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen.")])
    doc = build_turns(Transcript("t", source.duration_ms, words=tuple(words), speakers=(Speaker("A"), Speaker("B"))))
    fixed, _ = refine(doc, source, ToneEncoder(), (), {}, RefineOptions(min_stretch_ms=1000))
    assert [w.speaker for w in fixed.words] == ["S1"] * 10 + ["S2"] * 8
