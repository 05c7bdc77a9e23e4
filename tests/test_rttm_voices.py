"""The RTTM writer (golden file) and the voice library's storage."""
from pathlib import Path

import numpy as np

from transcribe_kit.document import Speaker, SpeechSegment, Transcript, Word
from transcribe_kit.speakers.library import add_voice, load_library, voice_scores
from transcribe_kit.writers import WriterOptions, get

GOLDEN = Path(__file__).parent / "golden"


def two_voices(segments=True) -> Transcript:
    return Transcript(
        episode="my episode", duration_ms=4000,
        speakers=(Speaker("S1", name="Dr Olumide Adisa", label="Olumide"), Speaker("S2", label="Speaker 2")),
        words=(Word("Hello", 100, 500, speaker="S1"), Word("there.", 500, 900, speaker="S1"),
               Word("Hi.", 1500, 1800, speaker="S2")),
        segments=(SpeechSegment(80, 950, "S1"), SpeechSegment(1450, 1900, "S2")) if segments else ())


def test_rttm_matches_the_golden_file():
    assert get("rttm").render(two_voices(), WriterOptions()) == (GOLDEN / "speakers.rttm").read_text()


def test_rttm_falls_back_to_runs_of_words():
    lines = get("rttm").render(two_voices(segments=False), WriterOptions()).splitlines()
    assert [line.split()[3:5] + [line.split()[7]] for line in lines] == [
        ["0.100", "0.800", "Dr_Olumide_Adisa"], ["1.500", "0.300", "Speaker_2"]]


def test_adding_a_voice_twice_averages_it(tmp_path):
    path = tmp_path / "voices.json"
    a, b = np.eye(4)[0], np.eye(4)[1]
    add_voice("Dez", a, 3000, path)
    add_voice("Dez", b, 1000, path)
    stored = load_library(path)["Dez"]
    assert np.isclose(np.linalg.norm(stored), 1.0, atol=1e-5) and stored[0] > stored[1] > 0


def test_voice_scores_only_count_similar_voices():
    library = {"Dez": np.array([1.0, 0.0]), "Jo": np.array([0.0, 1.0])}
    scores = voice_scores({"S1": np.array([0.99, 0.14])}, library, threshold=0.8, weight=4.0)
    assert list(scores) == [("S1", "Dez")] and 0 < scores[("S1", "Dez")] <= 4.0
