"""British spelling by rule: the families breame's list cannot hold, and their exceptions."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transcribe_kit.document import Transcript, Word
from transcribe_kit.vocabulary.spelling import IZE_EXCEPTIONS, L_ROOTS, OUR_ROOTS, british
from transcribe_kit.vocabulary.style import respell
from transcribe_kit.vocabulary.terms import build
from transcribe_kit.document import EpisodeMeta, Participant

STEMS = st.text(alphabet="abcdefghijklmnoprstuvw", min_size=3, max_size=10).filter(
    lambda s: "size" not in s + "ize" and not any((s + "ize").endswith(x) for x in IZE_EXCEPTIONS))
IZE_ENDS = ["ize", "izes", "ized", "izing", "izer", "izers", "ization", "izations", "izational", "izable"]


@given(STEMS, st.sampled_from(IZE_ENDS))
def test_every_ize_form_of_a_long_stem_becomes_ise(stem, end):
    word = stem + end
    assert british(word) == stem + end.replace("iz", "is", 1)
    assert british(british(word)) is None  # British already: nothing more to do


@given(st.sampled_from(sorted(IZE_EXCEPTIONS) + ["oversize", "downsize", "resize"]),
       st.sampled_from(["", "s", "d"]), st.sampled_from(["", "over", "re"]))
def test_the_ize_exceptions_are_never_changed(root, ending, prefix):
    word = prefix + root + (ending if root.endswith("e") else "")
    assert british(word) is None


@given(st.sampled_from(OUR_ROOTS), st.sampled_from(["or", "ors", "ored", "oring", "orful", "orless", "orable"]))
def test_our_roots_take_our_with_their_endings(root, end):
    assert british(root + end) == root + "our" + end[2:]


@given(st.sampled_from(OUR_ROOTS), st.sampled_from(["orous", "orary", "orific", "orize", "ation", "orously"]))
def test_british_keeps_or_in_orous_orary_and_orize(root, end):
    result = british(root + end)
    assert result is None or "our" not in result


@given(st.sampled_from(sorted(set(L_ROOTS))), st.sampled_from(["ed", "ing", "er"]))
def test_a_final_l_doubles_before_a_vowel_ending(root, end):
    assert british(root + end) == root + "l" + end
    assert british(root + "l" + end) is None


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxy", min_size=1, max_size=12))
def test_words_without_an_american_pattern_are_left_alone(word):
    changed = british(word)
    assert changed is None or changed != word


@pytest.mark.parametrize("american, british_form", [
    ("minimization", "minimisation"), ("centering", "centring"), ("operationalize", "operationalise"),
    ("analyzing", "analysing"), ("defense", "defence"), ("counselor", "counsellor"), ("enrollment", "enrolment"),
    ("flavorless", "flavourless"), ("epicenter", "epicentre"), ("savory", "savoury"),
])
def test_words_the_list_misses(american, british_form):
    assert british(american) == british_form


@pytest.mark.parametrize("word", ["size", "prized", "seizing", "capsized", "citizen", "horizon", "bluster", "cluster",
                                  "politer", "limiter", "humorous", "honorary", "laborious", "defensive", "license",
                                  "donor", "tremor", "travelled", "Minimization", "co-operation"])
def test_words_that_are_not_american_spellings(word):
    assert british(word) is None


def test_respell_uses_the_rules_but_never_on_names_or_titles():
    words = [Word(t, i * 500, i * 500 + 400, speaker="S1") for i, t in enumerate(
        "Harm minimization and centering families . Read \"The Minimization Papers\" by Jo Centering".split())]
    doc = Transcript(episode="e", duration_ms=10_000, words=tuple(words))
    vocab = build(EpisodeMeta(participants=(Participant("Jo Centering"),)))
    out = respell(doc, "uk", vocab).text()
    assert out.startswith("Harm minimisation and centring families")
    assert "\"The Minimization Papers\"" in out and out.endswith("Jo Centering")
