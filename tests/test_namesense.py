"""Organisations named by an ordinary word: capitalised where used as a name, never as the word.

Runs the real offline spaCy parser on each sentence.
"""
import pytest

from transcribe_kit.vocabulary.corrections import undo
from transcribe_kit.document import EpisodeMeta, Participant
from transcribe_kit.vocabulary.glossary import Entry
from transcribe_kit.vocabulary.namesense import RULE, capitalise_names, ordinary_word_names
from transcribe_kit.vocabulary.style import StyleOptions, apply_style
from transcribe_kit.vocabulary.terms import build

from synthetic import text_of, words_of

META = EpisodeMeta(participants=(
    Participant("Jo Todd", "Chief Executive of Respect"),
    Participant("Ann Lee", "Director of Mind"),
))
# a glossary of names that are common words
VOCAB = build(META, glossary=(Entry("Shelter"), Entry("Refuge")))


doc_of, texts = words_of, text_of


def test_only_one_word_names_that_are_ordinary_words_are_candidates():
    assert ordinary_word_names(VOCAB) == {"respect": "Respect", "mind": "Mind", "shelter": "Shelter",
                                          "refuge": "Refuge"}
    names = build(EpisodeMeta(participants=(Participant("Jo Todd", "Director of Barnardo's"),)))
    assert ordinary_word_names(names) == {}


@pytest.mark.parametrize("said, written", [
    ("I mean the respect standard is now in its fourth edition.",
     "I mean the Respect standard is now in its fourth edition."),
    ("They looked at about 12 respect accredited programmes.",
     "They looked at about 12 Respect accredited programmes."),
    ("So that's something at respect that we're looking at now.",
     "So that's something at Respect that we're looking at now."),
    ("It is testament to organisations like respect to really understand it.",
     "It is testament to organisations like Respect to really understand it."),
    ("There is work with what some of respect are doing.",
     "There is work with what some of Respect are doing."),
    ("So one being respect with their expertise.", "So one being Respect with their expertise."),
    ("I'm the chief executive of respect.", "I'm the chief executive of Respect."),
    ("I know that within shelter we've been thinking about it.",
     "I know that within Shelter we've been thinking about it."),
    ("She worked at mind for years.", "She worked at Mind for years."),
])
def test_names_in_name_positions_are_capitalised_with_times_kept(said, written):
    doc = doc_of(said)
    new = capitalise_names(doc, VOCAB)
    assert texts(new) == written
    assert [(w.start_ms, w.end_ms) for w in new.words] == [(w.start_ms, w.end_ms) for w in doc.words]
    assert [c.rule for c in new.corrections] == [RULE]
    assert undo(new, 0) == doc


@pytest.mark.parametrize("said", [
    "We treat everyone with respect and care.",
    "With respect to the data, we found little.",
    "In respect of children, the duty is clear.",
    "They deserve respect.",
    "She did it out of respect for her mother.",
    "Mutual respect is key.",
    "I respect that decision.",
    "The respect they showed was remarkable.",
    "It is about respect, dignity and trust.",
    "That shows a lack of respect.",
    "What matters most is respect.",
    "So that's something that we respect that we're looking at.",
    "People respect, no pun intended, work with those who cause harm.",
    "The key thing being respect for survivors.",
    "Keep it in mind when you read it.",
    "Never mind the data.",
    "It was at the back of my mind.",
    "They found shelter in a church.",
    "A place of refuge for families.",
    "They sought refuge from the storm.",
])
def test_the_ordinary_words_are_never_changed(said):
    doc = doc_of(said)
    assert capitalise_names(doc, VOCAB) == doc


def test_a_name_already_capitalised_or_without_such_names_is_left_alone():
    doc = doc_of("I mean the Respect standard, and the respect standard.")
    new = capitalise_names(doc, VOCAB)
    assert texts(new) == "I mean the Respect standard, and the Respect standard."
    assert len(new.corrections) == 1
    plain = build(EpisodeMeta(participants=(Participant("Jo Todd", "Chief Executive of Barnardo's"),)))
    assert capitalise_names(doc_of("the respect standard"), plain) == doc_of("the respect standard")


def test_house_style_runs_it_and_it_can_be_turned_off():
    doc = doc_of("They run the respect standard.")
    assert texts(apply_style(doc, VOCAB)) == "They run the Respect standard."
    assert texts(apply_style(doc, VOCAB, StyleOptions(name_sense=False))) == "They run the respect standard."


DRIVE = build(EpisodeMeta(participants=(Participant("Kyla Kirkpatrick", "Director of the Drive Partnership"),
                                        Participant("Jo Todd", "Chief Executive of Respect"))))


def test_an_organisation_named_word_plus_partnership_is_also_called_by_its_word():
    assert ordinary_word_names(DRIVE) == {"drive": "Drive", "respect": "Respect"}


@pytest.mark.parametrize("said, written", [
    ("So the drive intervention works with high harm perpetrators.",
     "So the Drive intervention works with high harm perpetrators."),
    ("And the drive case managers were learning from social care.",
     "And the Drive case managers were learning from social care."),
    ("It was quite sculpted by Kyla and drive actually.", "It was quite sculpted by Kyla and Drive actually."),
    ("It is testament to organisations like drive like respect to really understand it.",
     "It is testament to organisations like Drive like Respect to really understand it."),
    ("Until an intervention like drive comes along.", "Until an intervention like Drive comes along."),
    # the ordinary word stays: a verb, an adjective's noun, an article's noun
    ("We need to drive a proactive strategic approach.", "We need to drive a proactive strategic approach."),
    ("That sense of personal drive may make them less inclined.",
     "That sense of personal drive may make them less inclined."),
    ("It was a long drive and Kyla was tired.", "It was a long drive and Kyla was tired."),
    ("They drive and Jo walks.", "They drive and Jo walks."),
])
def test_drive_as_the_organisation_and_as_the_word(said, written):
    assert texts(capitalise_names(doc_of(said), DRIVE)) == written
