"""The episode vocabulary and the engine prompt built from it."""
import pytest
from hypothesis import given, strategies as st

from transcribe_kit.document import EpisodeMeta, Participant
from transcribe_kit.vocabulary.glossary import Entry
from transcribe_kit.outline import OutlineError, outline_lines
from transcribe_kit.vocabulary.terms import KINDS, build, capitalised_phrases, engine_prompt, estimate_tokens, split_role

META = EpisodeMeta(
    title="The evidence base around domestic abuse",
    summary="This podcast looks at the Home Office review and what RCTs tell us.",
    participants=(Participant("Dez Holmes", "Director of Research in Practice", True),
                  Participant("Dr Olumide Adisa", "Senior Research Fellow, Centre for Abuse Research at the "
                                                  "University of Suffolk")),
)


@pytest.mark.parametrize("role, expected", [
    ("Chief Executive of Respect", ("Chief Executive", ["Respect"])),
    ("Director of the Drive Partnership", ("Director", ["Drive Partnership"])),
    ("Senior Research Fellow, Centre for Abuse Research at the University of Suffolk",
     ("Senior Research Fellow", ["Centre for Abuse Research", "University of Suffolk"])),
    ("Head of Policy for SafeLives", ("Head", ["Policy for SafeLives"])),
    ("freelance journalist", (None, [])),
])
def test_split_role(role, expected):
    assert split_role(role) == expected


def test_terms_most_specific_first_with_kinds():
    vocab = build(META, (Entry("SafeLives", ("Safe Lives",)),), ("1. Project Mirabal and the Duluth Model",))
    texts = [t.text for t in vocab.terms]
    assert texts[:6] == ["Dez Holmes", "Dez", "Holmes", "Olumide Adisa", "Olumide", "Adisa"]  # no "Dr"
    kinds = [t.kind for t in vocab.terms]
    assert kinds == sorted(kinds, key=KINDS.index)
    assert {"Research in Practice", "Centre for Abuse Research", "University of Suffolk", "SafeLives", "RCTs",
            "Home Office", "Duluth Model"} <= set(texts)
    assert next(t for t in vocab.terms if t.text == "SafeLives").variants == ("Safe Lives",)


def test_capitalised_phrases_skip_sentence_starts_and_split_at_commas():
    assert capitalised_phrases("The talk, with Jo Todd, Kyla Kirkpatrick and the Home Office.") == [
        "Jo Todd", "Kyla Kirkpatrick", "Home Office"]


def test_prompt_fits_the_budget_names_first():
    vocab = build(META)
    prompt, hot = engine_prompt(vocab)
    assert prompt.startswith("Dez Holmes, Olumide Adisa, Research in Practice")
    assert "Senior Research Fellow" not in prompt  # job titles are not terms to listen for
    assert "Home Office" in prompt and "podcast" not in prompt  # terms only, no prose
    short, hot_short = engine_prompt(vocab, max_tokens=12, hotword_tokens=6)
    assert estimate_tokens(" " + short) <= 12 and estimate_tokens(" " + hot_short) <= 6
    assert short.startswith("Dez Holmes")
    assert engine_prompt(build(EpisodeMeta())) == (None, None)


@given(st.lists(st.text(st.characters(min_codepoint=65, max_codepoint=122), min_size=1, max_size=12),
                min_size=1, max_size=60), st.integers(5, 224))
def test_prompt_never_exceeds_the_limit(names, budget):
    meta = EpisodeMeta(participants=tuple(Participant(n) for n in names if n.strip()))
    prompt, hot = engine_prompt(build(meta), max_tokens=budget, hotword_tokens=budget)
    for text in (prompt, hot):
        assert text is None or estimate_tokens(" " + text) <= budget


def test_outline_read_as_plain_titles(tmp_path):
    path = tmp_path / "outline.txt"
    path.write_text("- Welcome\n\n2) The Drive Partnership\n00:12:30 Questions from the NHS\n", encoding="utf-8")
    assert outline_lines(path) == ("Welcome", "The Drive Partnership", "Questions from the NHS")
    with pytest.raises(OutlineError, match="cannot read the outline"):
        outline_lines(tmp_path / "missing.txt")


def test_a_decks_quotes_dates_and_numerals_add_no_ordinary_words():
    deck = ("Launch event, 28th September 2021",
            "- > Part II of the Westmarland review (ONS, 2020; Dobash & Dobash, 2000)",
            "\u201cIt is always on the mother. They never ask the father.\u201d",
            "1. Key messages: Shifting responsibility",
            "- > shifting responsibility to the person who causes harm")
    terms = {t.text for t in build(EpisodeMeta(), outline=deck).terms}
    assert {"ONS", "Dobash & Dobash"} <= terms and any("Westmarland" in t for t in terms)
    assert not {"It", "They", "September", "II", "Shifting"} & terms, terms


def test_a_name_cut_at_a_sentence_start_is_not_kept_as_a_fragment():
    deck = ("- > Good Things Foundation (2025) Digital Nation. Sheffield: Good Things Foundation.",
            "- > The Children's Commissioner in England reported it, and Wales too.")
    terms = {t.text for t in build(EpisodeMeta(), outline=deck).terms}
    assert "Good Things Foundation" in terms and "Things Foundation" not in terms
    assert {"Wales", "Digital Nation"} <= terms
