"""Naming voices from introductions, hand-overs and the host flag, resolved jointly."""
import pytest

from transcribe_kit.document import EpisodeMeta, Participant, Speaker, Transcript, Word
from transcribe_kit.speakers.naming import NamingOptions, RenameError, mentions, name_speakers, parse_rename, person, rename, turn_evidence
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


def test_the_last_voice_is_the_one_participant_left():
    """The metadata lists two people and two voices speak; one introduces himself: the other is the
    other participant.  Not when more people are listed than voices, when a voice's own evidence is
    against them, nor when the setting is off."""
    pair = EpisodeMeta(participants=(Participant("Dez Holmes", host=True), Participant("Jo Todd")))
    turns = [("A", "Welcome back to the show, I'm Dez Holmes."), ("B", "Glad to be here, it is a lovely day."),
             ("A", "Indeed it is. Goodbye.")]
    named = name_speakers(transcript(turns, pair))
    assert names(named) == {"A": "Dez Holmes", "B": "Jo Todd"}
    assert any("one participant left" in why for why in named.speaker("B").evidence)
    assert names(name_speakers(transcript(turns))) == {"A": "Dez Holmes", "B": None}  # four listed
    assert names(name_speakers(transcript(turns, pair), NamingOptions(by_elimination=False)))["B"] is None
    against = [("A", "Welcome back, I'm Dez Holmes."), ("B", "I agree with what Jo Todd said last week.")]
    assert names(name_speakers(transcript(against, pair)))["B"] is None  # B talks about Jo: not Jo


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
    from transcribe_kit.speakers import assign_single_speaker

    meta = EpisodeMeta(participants=(Participant("Dr Ann Lee", "Research Fellow"),))
    doc = assign_single_speaker(Transcript("t", 1000, meta=meta, words=(Word("Hello.", 0, 400),)))
    assert doc.speakers[0].label == "Ann" and doc.speakers[0].name == "Dr Ann Lee"


def test_without_metadata_everyone_who_says_my_name_is_is_introduced_whatever_the_tagger_thinks():
    from transcribe_kit.speakers.naming import introduced_people

    # spaCy's small English model tags "Des Holmes" a place (GPE); after "my name is" it is a name
    doc = transcript([("A", "Hello, my name is Des Holmes. I'm the Director of Research and Practice."),
                      ("B", "I'm Joe Todd. I'm the Chief Executive at Respect."),
                      ("C", "My name's Dr Olumide Adisa and I'm a Senior Research Fellow."),
                      ("A", "I'm delighted that we are called to this, thank you.")], meta=EpisodeMeta())
    found = {p.name: p.first for p in introduced_people(doc)}
    assert found == {"Des Holmes": "Des", "Joe Todd": "Joe", "Dr Olumide Adisa": "Olumide"}


def test_before_diarisation_those_who_introduce_themselves_set_the_fewest_voices():
    from dataclasses import replace

    from transcribe_kit.speakers.diarize import DiarizeOptions
    from transcribe_kit.speakers import speaker_count
    from transcribe_kit.speakers.naming import introduced_anywhere

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
    from transcribe_kit.speakers.naming import introduced_people

    doc = transcript([("A", "Hello, my name is Des Holmes, and today I'm joined by Joe Todd and Kala Kirk."),
                      ("B", "I'm Joe Todd and I run a charity."), ("C", "I'm Kala Kirk, hello Des."),
                      ("A", "Thank you both. Joe, let's start with you.")], meta=EpisodeMeta())
    assert {p.first: p.host for p in introduced_people(doc)} == {"Des": True, "Joe": False, "Kala": False}
    named = name_speakers(doc, extra_people=introduced_people(doc))
    assert [s.is_host for s in named.speakers] == [True, False, False]
    # nobody is the host when the first to introduce themself names no one else
    doc = transcript([("A", "Hi, I'm Des Holmes."), ("B", "And I'm Joe Todd, with Des today.")], meta=EpisodeMeta())
    assert not any(p.host for p in introduced_people(doc))


NASA_OPENING = [  # Houston We Have a Podcast: the host never says her name, the guest is only spoken to
    ("A", "Lisa, thanks for joining us on Houston We Have a Podcast today."),
    ("B", "Well, thank you so much for having me."),
    ("A", "So in the show intro, I discussed a few of your previous roles and accomplishments. "
          "Can you tell our listeners where you grew up and what led you into the science field?"),
]


def test_without_metadata_a_guest_welcomed_by_name_is_named_from_the_welcome():
    from transcribe_kit.speakers.naming import introduced_people

    doc = transcript(NASA_OPENING, meta=EpisodeMeta())
    people = introduced_people(doc)
    assert [p.name for p in people] == ["Lisa"]  # not "Houston", not the show
    named = name_speakers(doc, extra_people=people)
    assert names(named) == {"A": None, "B": "Lisa"}  # nothing names the host: she stays "Speaker 1"
    assert named.speaker("B").evidence == (
        'welcomed before: "Lisa, thanks for joining us on Houston We Have a Podcast today."',)
    # the welcome was the only cue: weaker than min_score, it names nobody
    weak = name_speakers(doc, NamingOptions(welcome_weight=1.0), extra_people=people)
    assert names(weak) == {"A": None, "B": None}
    # and without vocative people, nobody is found to name
    assert introduced_people(doc, NamingOptions(vocative_people=False)) == []


def test_a_turn_opening_with_a_welcome_is_about_the_next_turn_not_the_previous():
    people = [person(p.name) for p in PANEL.participants] + [person("Lisa Smith")]
    for text, quoted in (("Lisa, thanks for joining us today.", "Lisa, thanks for joining us today."),
                         ("Hi Lisa, welcome to the show.", "Hi Lisa, welcome to the show."),
                         ("Thank you, Lisa, for joining us today.", "Thank you, Lisa, for joining us today."),
                         ("Lisa, thanks for taking the time. We have a lot to cover.",
                          "Lisa, thanks for taking the time.")):
        evidence = turn_evidence(6, text.split(), people, NamingOptions(edge_words=3))
        cues = [(e.turn, e.weight, e.reason) for e in evidence if e.weight > 0]
        assert cues == [(7, 2.0, f'welcomed before: "{quoted}"')], text
    # a welcome to someone else in the next sentence does not undo thanks for what was said
    thanks = turn_evidence(6, "Thank you, Jo. And welcome to everyone who has just joined us.".split(), people,
                           NamingOptions())
    assert [(e.turn, e.reason) for e in thanks if e.weight > 0] == [(5, 'thanked after: "Thank you, Jo. And welcome"')]


def test_a_name_opening_a_turn_that_ends_with_a_question_is_the_next_speaker():
    people = [person(p.name) for p in PANEL.participants]
    asked = turn_evidence(4, ("Kyla, that was a long answer and I want to pick up one thing you said about the early "
                              "years of the partnership. What happened next?").split(), people, NamingOptions())
    assert [(e.turn, e.person, e.weight) for e in asked if e.weight > 0] == [(5, "Kyla Kirkpatrick", 2.0)]
    assert asked[-1].reason == 'asked before: "Kyla, that was a long answer ..." ... "What happened next?"'
    # the question is for the last name said, not the first: no question cue for Jo
    both = turn_evidence(4, "Jo, good point. Kyla, what do you think?".split(), people, NamingOptions())
    assert not [e for e in both if e.person == "Jo Todd" and e.weight >= 2]
    weak = turn_evidence(4, "Kyla, what do you think?".split(), people, NamingOptions(question_weight=0.5))
    assert [(e.turn, e.weight) for e in weak if e.weight > 0] == [(5, 0.5)]


def test_thank_you_at_the_start_of_a_turn_is_for_the_turn_before():
    from transcribe_kit.speakers.naming import introduced_people

    doc = transcript([("A", "Let us hear from the research side now."),
                      ("B", "We looked at forty families over two years."),
                      ("A", "Thank you, Olumide. That is really striking.")], meta=EpisodeMeta())
    people = introduced_people(doc)
    # the tagger calls "Olumide" an adverb; after "thank you," it is a name
    assert [p.name for p in people] == ["Olumide"]
    evidence = turn_evidence(2, "Thank you, Olumide. That is really striking.".split(), people, NamingOptions())
    assert [(e.turn, e.reason) for e in evidence if e.weight > 0] == [
        (1, 'thanked after: "Thank you, Olumide. That is"')]
    # one thanks is a weak cue: under min_score it names nobody; trusted more, it names the turn before
    assert names(name_speakers(doc, extra_people=people)) == {"A": None, "B": None}
    trusted = name_speakers(doc, NamingOptions(thanks_weight=2.0), extra_people=people)
    assert names(trusted) == {"A": None, "B": "Olumide"}


def test_over_to_you_hands_the_next_turn_to_the_name():
    from transcribe_kit.speakers.naming import introduced_people

    people = [person(p.name) for p in PANEL.participants]
    for text, said in (("That is the context from me. Over to you, Jo.", "Over to you, Jo."),
                       ("That is the context from me. Jo Todd, over to you.", "Jo Todd, over to you.")):
        evidence = turn_evidence(2, text.split(), people, NamingOptions())
        cues = [(e.turn, e.person, e.weight, e.reason) for e in evidence if e.weight > 0]
        assert cues == [(3, "Jo Todd", 2.0, f'handed over to: "{said}"')], text
    doc = transcript([("A", "That is the context from me. Over to you, Jo."),
                      ("B", "Thanks. The service began in 2010.")], meta=EpisodeMeta())
    assert [p.name for p in introduced_people(doc)] == ["Jo"]
    named = name_speakers(doc, extra_people=introduced_people(doc))
    assert names(named) == {"A": None, "B": "Jo"}
    assert named.speaker("B").evidence == ('handed over to: "Over to you, Jo."',)


def test_a_name_only_mentioned_is_nobody_to_name():
    from transcribe_kit.speakers.naming import introduced_people

    doc = transcript([("A", "We spoke to Adam last week about the launch."),
                      ("B", "Yes, and as Adam said, it went well. What do you think?"),
                      ("A", "Adam was right, I think.")], meta=EpisodeMeta())
    assert introduced_people(doc) == []
    assert names(name_speakers(doc, extra_people=introduced_people(doc))) == {"A": None, "B": None}


def test_a_show_title_or_a_place_is_not_a_person():
    from transcribe_kit.speakers.naming import introduced_people

    # after "Thank you," the tagger calls "Houston We Have a" a PERSON: three capitalised words make it a title
    doc = transcript([("A", "Houston We Have a Podcast, episode three hundred. Thanks, Houston We Have a Podcast "
                            "listeners."),
                      ("B", "Houston, it is good to be back. Brilliant, thanks for having me."),
                      ("A", "Thank you, Houston We Have a Podcast. Over to you, NASA. Small Steps Giant Leaps, "
                            "over to you."),
                      ("B", "Brilliant, so what was the question?")], meta=EpisodeMeta())
    assert introduced_people(doc) == []


def test_a_welcome_marks_the_name_as_spoken_to_even_without_a_comma():
    """The recogniser often writes no comma after a vocative: "Lisa thanks for joining us"."""
    from transcribe_kit.speakers.naming import introduced_people

    doc = transcript([("A", "Lisa thanks for joining us on the show today."),
                      ("B", "Well, thank you so much for having me."),
                      ("A", "So where did you grow up?")], meta=EpisodeMeta())
    assert [p.first for p in introduced_people(doc)] == ["Lisa"]
    named = name_speakers(doc, extra_people=introduced_people(doc))
    assert [s.name for s in named.speakers] == [None, "Lisa"]
    assert "welcomed before" in named.speakers[1].evidence[0]


def test_a_name_that_is_the_subject_of_a_sentence_is_not_spoken_to():
    from transcribe_kit.speakers.naming import introduced_people

    doc = transcript([("A", "Lisa thinks the data is wrong."), ("B", "I agree with that.")], meta=EpisodeMeta())
    assert introduced_people(doc) == []


def test_a_name_after_my_names_stops_before_the_pronoun_i():
    """The recogniser drops the full stop: "my name's Dez Holmes I'm director ..." is Dez Holmes."""
    from transcribe_kit.speakers.naming import introduced_people

    doc = transcript([("A", "Hello, my name's Dez Holmes I'm director of research in practice."),
                      ("B", "Thanks for having me.")], meta=EpisodeMeta())
    assert [p.name for p in introduced_people(doc)] == ["Dez Holmes"]
