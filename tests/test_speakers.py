"""Naming voices from introductions, hand-overs and the host flag, resolved jointly."""
import pytest

from transcribe_kit.document import EpisodeMeta, Participant, Speaker, Transcript, Word
from transcribe_kit.speakers import (NamingOptions, RenameError, mentions, name_speakers, parse_rename, person,
                                     rename, turn_evidence)
from transcribe_kit.turns import build_turns

PANEL = EpisodeMeta(participants=(
    Participant("Dez Holmes", "Director of Research in Practice", host=True),
    Participant("Jo Todd", "Chief Executive of Respect"),
    Participant("Kyla Kirkpatrick", "Director of the Drive Partnership"),
    Participant("Dr Olumide Adisa", "Senior Research Fellow"),
))


def transcript(turns: list[tuple[str, str]], meta: EpisodeMeta = PANEL) -> Transcript:
    """Turns of (speaker id, text), one word every 300 ms."""
    words, t = [], 0
    for sid, text in turns:
        for token in text.split():
            words.append(Word(token, t, t + 250, speaker=sid))
            t += 300
        t += 700
    ids = list(dict.fromkeys(sid for sid, _ in turns))
    doc = Transcript(episode="t", meta=meta, words=tuple(words),
                     speakers=tuple(Speaker(id=s, label=f"Speaker {n}") for n, s in enumerate(ids, 1)))
    return build_turns(doc)


def names(doc: Transcript) -> dict[str, str | None]:
    return {s.id: s.name for s in doc.speakers}


def test_person_drops_honorifics_for_the_first_name():
    p = person("Dr Olumide Adisa")
    assert (p.first, p.surname) == ("Olumide", "Adisa")


def test_misheard_names_still_match():
    people = [person(p.name) for p in PANEL.participants]
    found = mentions("I'm Joe Todd and this is Kala with Alamine Addissa".split(), people, NamingOptions())
    assert [(i, p.first) for i, p in found] == [(1, "Jo"), (6, "Kyla"), (8, "Olumide")]


def test_lowercase_words_are_not_names():
    people = [person("Jo Todd")]
    assert mentions("so jo said".split(), people, NamingOptions()) == []


def test_self_introduction_hand_over_and_thanks():
    people = [person(p.name) for p in PANEL.participants]
    intro = turn_evidence(3, "Hello, I'm Jo Todd and I lead a charity.".split(), people, NamingOptions())
    assert [(e.turn, e.person, e.weight > 0) for e in intro] == [(3, "Jo Todd", True)]
    handover = turn_evidence(4, "Great point. Kyla, would you like to come in?".split(), people, NamingOptions())
    assert (5, "Kyla Kirkpatrick") in [(e.turn, e.person) for e in handover if e.weight > 0]
    assert (4, "Kyla Kirkpatrick") in [(e.turn, e.person) for e in handover if e.weight < 0]
    thanks = turn_evidence(6, "Thank you Olumide. So moving on to the next part of the story now.".split(),
                           people, NamingOptions(edge_words=3))
    assert (5, "Dr Olumide Adisa") in [(e.turn, e.person) for e in thanks if e.weight > 0]


def test_a_panel_is_named_from_introductions_and_hand_overs():
    doc = transcript([
        ("A", "Hello, my name is Dez Holmes and I'm joined by Jo Todd and Kyla Kirkpatrick. Let me start."),
        ("B", "I'm Jo Todd, I run Respect."),
        ("C", "I'm Kyla Kirkpatrick from the Drive Partnership."),
        ("A", "Thank you. Kyla, would you like to start?"),
        ("C", "Yes, the partnership began six years ago."),
        ("A", "Thanks everyone, that is all for today."),
    ])
    named = name_speakers(doc)
    assert names(named) == {"A": "Dez Holmes", "B": "Jo Todd", "C": "Kyla Kirkpatrick"}
    assert [s.label for s in named.speakers] == ["Dez", "Jo", "Kyla"]
    host = named.speaker("A")
    assert host.is_host and any("introduces themself" in e for e in host.evidence)


def test_a_voice_without_evidence_stays_anonymous():
    doc = transcript([
        ("A", "Welcome back to the show, I'm Dez Holmes."),
        ("B", "Glad to be here, it is a lovely day."),
        ("A", "Indeed it is. Goodbye."),
    ])
    named = name_speakers(doc)
    assert names(named) == {"A": "Dez Holmes", "B": None}
    assert named.speaker("B").label == "Speaker 2"


def test_evidence_is_resolved_jointly_not_first_come():
    # B is thanked as Jo once, but C introduces themself as Jo: C is Jo, B stays unnamed
    doc = transcript([
        ("A", "I'm Dez Holmes. Over to you."),
        ("B", "Some thoughts from me on this."),
        ("A", "Thank you Jo, and now the next guest."),
        ("C", "I'm Jo Todd and I have been waiting."),
    ])
    named = name_speakers(doc)
    assert named.speaker("C").name == "Jo Todd"
    assert named.speaker("B").name is None


def test_rename_keeps_evidence_and_records_a_revision():
    doc = name_speakers(transcript([("A", "I'm Dez Holmes."), ("B", "Hello there everyone.")]))
    renamed = rename(doc, "Speaker 2", "Kyla Kirkpatrick")
    b = renamed.speaker("B")
    assert (b.name, b.label, b.role) == ("Kyla Kirkpatrick", "Kyla", "Director of the Drive Partnership")
    assert renamed.history[-1].kind == "rename"
    assert renamed.words == doc.words


def test_rename_errors_say_what_is_wrong():
    doc = name_speakers(transcript([("A", "I'm Dez Holmes."), ("B", "Hello there.")]))
    with pytest.raises(RenameError, match="no speaker called 'Speaker 9'"):
        rename(doc, "Speaker 9", "X")
    with pytest.raises(RenameError, match="OLD=NEW"):
        parse_rename("Speaker 2")


def test_a_single_participant_is_labelled_by_first_name_not_honorific():
    from transcribe_kit.document import EpisodeMeta, Participant, Transcript, Word
    from transcribe_kit.pipeline import assign_single_speaker

    meta = EpisodeMeta(participants=(Participant("Dr Ann Lee", "Research Fellow"),))
    doc = assign_single_speaker(Transcript("t", 1000, meta=meta, words=(Word("Hello.", 0, 400),)))
    assert doc.speakers[0].label == "Ann" and doc.speakers[0].name == "Dr Ann Lee"


def test_without_metadata_everyone_who_says_my_name_is_is_introduced_whatever_the_tagger_thinks():
    from transcribe_kit.speakers import introduced_people

    # spaCy's small English model tags "Des Holmes" a place (GPE); after "my name is" it is a name
    doc = transcript([("A", "Hello, my name is Des Holmes. I'm the Director of Research and Practice."),
                      ("B", "I'm Joe Todd. I'm the Chief Executive at Respect."),
                      ("C", "My name's Dr Olumide Adisa and I'm a Senior Research Fellow."),
                      ("A", "I'm delighted that we are called to this, thank you.")], meta=EpisodeMeta())
    found = {p.name: p.first for p in introduced_people(doc)}
    assert found == {"Des Holmes": "Des", "Joe Todd": "Joe", "Dr Olumide Adisa": "Olumide"}


def test_before_diarisation_those_who_introduce_themselves_set_the_fewest_voices():
    from dataclasses import replace

    from transcribe_kit.diarize import DiarizeOptions
    from transcribe_kit.pipeline import speaker_count
    from transcribe_kit.speakers import introduced_anywhere

    said = ("Hello, my name is Des Holmes and I'm delighted to be joined by Joe Todd today. I'm Joe Todd, "
            "I run a charity. Thanks Des. I'm Kala Kirkpatrick from the Drive Partnership. As I'm Des, "
            "I'll start. I'm sure we agree, and I'm British by the way.")
    doc = transcript([("S1", said)], meta=EpisodeMeta())  # one voice: nothing diarised yet
    assert [p.name for p in introduced_anywhere(doc)] == ["Des Holmes", "Joe Todd", "Kala Kirkpatrick"]
    assert speaker_count(doc, DiarizeOptions()).min_speakers == 3
    assert speaker_count(doc, DiarizeOptions(num_speakers=2)) == DiarizeOptions(num_speakers=2)  # the user's count
    assert speaker_count(replace(doc, meta=PANEL), DiarizeOptions()).num_speakers == 4  # the participants
    alone = transcript([("S1", "Hello, I'm Des Holmes and this is my weekly show about gardens.")], meta=EpisodeMeta())
    assert speaker_count(alone, DiarizeOptions()) == DiarizeOptions()  # one name says nothing about the others


def test_without_metadata_who_introduces_themself_first_and_names_the_others_is_the_host():
    from transcribe_kit.speakers import introduced_people

    doc = transcript([("A", "Hello, my name is Des Holmes, and today I'm joined by Joe Todd and Kala Kirk."),
                      ("B", "I'm Joe Todd and I run a charity."), ("C", "I'm Kala Kirk, hello Des."),
                      ("A", "Thank you both. Joe, let's start with you.")], meta=EpisodeMeta())
    assert {p.first: p.host for p in introduced_people(doc)} == {"Des": True, "Joe": False, "Kala": False}
    named = name_speakers(doc, extra_people=introduced_people(doc))
    assert [s.is_host for s in named.speakers] == [True, False, False]
    # nobody is the host when the first to introduce themself names no one else
    doc = transcript([("A", "Hi, I'm Des Holmes."), ("B", "And I'm Joe Todd, with Des today.")], meta=EpisodeMeta())
    assert not any(p.host for p in introduced_people(doc))
