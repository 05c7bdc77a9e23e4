"""House style: British spelling (never in names or quoted titles), fillers, case, numbers."""
from transcribe_kit.document import EpisodeMeta, Participant
from transcribe_kit.vocabulary.glossary import Entry
from transcribe_kit.vocabulary.style import AMBIGUOUS, StyleOptions, apply_style, drop_fillers, glossary_case, respell, spell_numbers, spelling_table
from transcribe_kit.vocabulary.terms import build

from synthetic import text_of, words_of


doc_of, texts = words_of, text_of


def test_british_spelling_with_case_and_punctuation_kept():
    doc = doc_of("Programs for behavior change in organizations, and behavior-change programs. Randomized trials.")
    new = respell(doc, "uk")
    assert texts(new) == ("Programmes for behaviour change in organisations, and behaviour-change programmes. "
                          "Randomised trials.")
    assert [(w.start_ms, w.end_ms) for w in new.words] == [(w.start_ms, w.end_ms) for w in doc.words]
    assert {c.rule for c in new.corrections} == {"spelling"}


def test_spelling_never_touches_names_or_quoted_titles():
    meta = EpisodeMeta(participants=(Participant("Ann Color", "Director of the Center for Behavior Research"),))
    doc = doc_of("Ann Color of the Center for Behavior Research read \"The Color Purple Programs\" "
                 "in the Labor Party's program. Labor matters.")
    new = respell(doc, "uk", build(meta))
    assert texts(new) == ("Ann Color of the Center for Behavior Research read \"The Color Purple Programs\" "
                          "in the Labor Party's programme. Labour matters.")


def test_words_british_english_also_uses_are_left_alone():
    doc = doc_of("good practice needs a license and a gas meter, and you tire")
    assert respell(doc, "uk") == doc
    assert "practice" in AMBIGUOUS and "practice" not in spelling_table("uk")


def test_american_spelling_and_off():
    doc = doc_of("the programme's colour and behaviour")
    assert texts(respell(doc, "us")) == "the program's color and behavior"
    assert respell(doc, "off") is doc


def test_word_list_is_the_package_not_a_handful():
    assert len(spelling_table("uk")) > 1000 and len(spelling_table("us")) > 1000


def test_hesitations_dropped_discourse_fillers_kept_times_untouched():
    doc = doc_of("Um, it's, you know, sort of, uh uh kind of hard. Erm the end")
    new = drop_fillers(doc)
    assert texts(new) == "It's, you know, sort of, kind of hard. The end"
    kept = {(w.start_ms, w.end_ms) for w in new.words}
    assert kept <= {(w.start_ms, w.end_ms) for w in doc.words}
    assert [c.rule for c in new.corrections].count("filler") == 3
    assert drop_fillers(doc, ()) is doc


def test_glossary_sets_case_of_acronyms_and_phrases_but_not_pronouns():
    vocab = build(EpisodeMeta(), (Entry("UK"), Entry("RCT"), Entry("US"), Entry("Chief Exec")))
    doc = doc_of("the Uk and the Rct for us, says the chief exec")
    assert texts(glossary_case(doc, vocab)) == "the UK and the RCT for us, says the Chief Exec"


def test_small_numbers_as_words_but_not_after_names_or_with_units():
    doc = doc_of("5 or 6 years, 12 people, Chapter 3, 2010 and 50% of 7.")
    assert texts(spell_numbers(doc, 10)) == "Five or six years, 12 people, Chapter 3, 2010 and 50% of seven."
    assert spell_numbers(doc, 0) is doc


def test_apply_style_runs_every_pass():
    doc = doc_of("um the behavior of 3 organizations in the Uk")
    new = apply_style(doc, build(EpisodeMeta(), (Entry("UK"),)), StyleOptions())
    assert texts(new) == "The behaviour of three organisations in the UK"


def test_unknown_lower_case_acronym_takes_the_glossary_case():
    vocab = build(EpisodeMeta(), (Entry("RCT"), Entry("US")))
    assert texts(glossary_case(doc_of("an ethical rct for us, more rcts"), vocab)) == "an ethical RCT for us, more RCTs"
