"""bench/attribution.py: who said what, scored by aligning words by text to untimed turns."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

ROOT = Path(__file__).resolve().parent.parent


def _load():
    if "attribution" not in sys.modules:
        spec = importlib.util.spec_from_file_location("attribution", ROOT / "bench" / "attribution.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["attribution"] = module
        spec.loader.exec_module(module)
    return sys.modules["attribution"]


@pytest.fixture(scope="module")
def attribution():
    return _load()


REF = [
    {"speaker": "Kenna", "text": "Lisa, thanks for joining us on the podcast today."},
    {"speaker": "Lisa", "text": "Well, thank you so much for having me."},
    {"speaker": "Kenna", "text": "Can you tell our listeners where you grew up?"},
]


def _words(turns, voices):
    return [(w, voice) for t, voice in zip(turns, voices) for w in t["text"].split()]


def test_perfect_unnamed_voices_map_but_are_not_named(attribution):
    result = attribution.attribute(REF, _words(REF, ["Speaker 1", "Speaker 2", "Speaker 1"]))
    assert result.aligned == result.ref_words == 26
    assert result.mapped_share == 1.0
    assert result.named_right == 0
    assert result.mapping == {"Speaker 1": "Kenna", "Speaker 2": "Lisa"}
    assert result.turns_right == 3


def test_a_reply_swallowed_by_the_host_is_a_wrong_turn(attribution):
    hyp = _words(REF, ["Kenna", "Kenna", "Kenna"])
    result = attribution.attribute(REF, hyp)
    assert result.named_right == result.mapped_right == 26 - 8  # Lisa's 8 words went to Kenna
    assert result.wrong_turns == (1,)


def test_recognition_errors_reduce_coverage_not_accuracy(attribution):
    hyp = _words(REF, ["Kenna", "Lisa", "Kenna"])
    hyp[2] = ("joinin", "Kenna")  # misrecognised: not aligned
    hyp.insert(5, ("um", "Kenna"))  # inserted: ignored
    result = attribution.attribute(REF, hyp)
    assert result.aligned == 25
    assert result.named_share == 1.0
    assert result.coverage == pytest.approx(25 / 26)


def test_one_voice_cannot_stand_for_two_people(attribution):
    result = attribution.attribute(REF, _words(REF, ["Speaker 1", "Speaker 1", "Speaker 1"]))
    assert list(result.mapping.values()) == ["Kenna"]
    assert result.mapped_right == 18


@given(st.lists(st.sampled_from(["A", "B", "C"]), min_size=1, max_size=3))
def test_shares_stay_between_zero_and_one(voices):
    result = _load().attribute(REF, _words(REF[:len(voices)], voices))
    assert 0.0 <= result.mapped_share <= 1.0
    assert result.named_right <= result.aligned <= result.ref_words
    assert result.turns_right <= result.turns <= len(REF)
