"""The glossary pass: near-misses of names and terms fixed, ordinary words never touched."""
from hypothesis import given, strategies as st

from transcribe_kit.vocabulary.correct import acronym_close, correct, similarity
from transcribe_kit.document import EpisodeMeta, Participant, Transcript, Word
from transcribe_kit.vocabulary.glossary import Entry
from transcribe_kit.vocabulary.terms import build


def doc_of(text: str) -> Transcript:
    words = tuple(Word(w, i * 500, i * 500 + 400, 0.9) for i, w in enumerate(text.split()))
    return Transcript(episode="t", duration_ms=len(words) * 500, words=words)


META = EpisodeMeta(participants=(
    Participant("Dez Holmes", "Director of Research in Practice", True),
    Participant("Kyla Kirkpatrick", "Director of the Drive Partnership"),
    Participant("Dr Olumide Adisa", "Senior Research Fellow, Centre for Abuse Research at the University of Suffolk"),
))


def texts(doc: Transcript) -> str:
    return " ".join(w.text for w in doc.words)


def test_misheard_names_and_organisations_are_fixed_with_times_kept():
    doc = doc_of("Hello, I'm Des Holmes of Research and Practice. I'm joined by Kala Kirkpatrick and "
                 "Alamine Addissa from the Center for Abuse Research. Kala's work with the drive partnership.")
    new = correct(doc, build(META))
    assert texts(new) == ("Hello, I'm Dez Holmes of Research in Practice. I'm joined by Kyla Kirkpatrick and "
                          "Olumide Adisa from the Centre for Abuse Research. Kyla's work with the Drive Partnership.")
    assert [(w.start_ms, w.end_ms) for w in new.words] == [(w.start_ms, w.end_ms) for w in doc.words]
    assert {c.rule for c in new.corrections} == {"glossary"}
    assert all(c.before == doc.words[c.index:c.index + len(c.before)] for c in new.corrections)


def test_names_that_sound_like_common_words_never_change_ordinary_words():
    glossary = tuple(Entry(t) for t in ("Reid", "Wright", "Knight", "Bryce", "Cole", "Mae", "Rose", "Hope",
                                         "Dez", "Joy", "Hall", "Marsh"))
    text = ("Right, so I read the right report at night. Does the price of coal rise? May I say, "
            "we hope for joy in the hall. Rose was there. Marsh land. Knight moves are hard. "
            "Reed beds and rows of houses. They're all here and hope is high.")
    doc = doc_of(text)
    new = correct(doc, build(EpisodeMeta(), glossary))
    assert texts(new) == text
    assert new.corrections == ()


def test_capitalised_neighbour_means_another_persons_name():
    meta = EpisodeMeta(participants=(Participant("Kyla Kirkpatrick"),))
    doc = doc_of("as Professor Liz Kelly said, and Kyle agreed.")
    new = correct(doc, build(meta))
    assert texts(new) == "as Professor Liz Kelly said, and Kyla agreed."


def test_heard_as_variants_apply_in_any_case_and_multi_word():
    glossary = (Entry("SafeLives", ("Safe Lives",)), Entry("DVA", ("D.V.A.",)), Entry("Mirabal", ("mirror ball",)))
    doc = doc_of("working with safe lives on DVA and D.V.A. work, the mirror ball project.")
    new = correct(doc, build(EpisodeMeta(), glossary))
    assert texts(new) == "working with SafeLives on DVA and DVA work, the Mirabal project."
    merged = new.words[2]
    assert (merged.start_ms, merged.end_ms) == (1000, 1900)


def test_acronym_one_rhyming_letter_off():
    new = correct(doc_of("the DBA team and the UK and US"), build(EpisodeMeta(), (Entry("DVA"), Entry("UK"))))
    assert texts(new) == "the DVA team and the UK and US"
    assert acronym_close("DBA", "DVA") and not acronym_close("US", "UK") and not acronym_close("CBT", "RCT")


def test_similarity_orders_near_misses():
    assert similarity("Kayla", "Kyla") > similarity("Kelly", "Kyla")
    assert similarity("Kyla", "Kyla") == 1.0


def test_empty_vocabulary_or_transcript_is_a_no_op():
    doc = doc_of("Kayla spoke")
    assert correct(doc, build(EpisodeMeta())) is doc
    empty = Transcript(episode="e")
    assert correct(empty, build(META)) is empty


def test_another_organisation_with_shared_words_is_not_a_near_miss():
    doc = doc_of("a study at the University of Bristol, and Joe I think agreed")
    meta = EpisodeMeta(participants=(Participant("Jo Todd"), Participant("Ann Bee", "Fellow, University of Suffolk")))
    assert texts(correct(doc, build(meta))) == "a study at the University of Bristol, and Jo I think agreed"


COMMON = ("right read night price coal rose may hope joy hall marsh reed rows does des kyle joe so well "
          "the a and of to is was drive respect research practice centre center").split()


@given(st.lists(st.tuples(st.sampled_from(COMMON), st.booleans(), st.sampled_from(["", ",", "."])),
                min_size=1, max_size=40))
def test_lower_case_words_are_never_changed_without_a_listed_variant(spec):
    glossary = tuple(Entry(t) for t in ("Reid", "Wright", "Knight", "Bryce", "Cole", "Mae", "Rose", "Dez", "Kyla",
                                         "Jo", "Drive Partnership"))
    doc = doc_of(" ".join((w.capitalize() if cap else w) + p for w, cap, p in spec))
    new = correct(doc, build(META, glossary))
    for c in new.corrections:
        assert all(w.text[:1].isupper() for w in c.before) or len(c.before) > 1


def test_a_span_holding_another_participants_name_is_left_alone():
    doc = doc_of("the discussion from Olumide and Jo has been")
    meta = EpisodeMeta(participants=(Participant("Jo Todd"), Participant("Olumide Adisa")))
    assert correct(doc, build(meta)).corrections == ()


def test_a_show_title_cut_by_a_full_stop_is_one_name_again():
    from transcribe_kit.document import EpisodeMeta, Transcript, Word

    text = "Lisa thanks for joining us on Houston. We have a podcast today. Drive. Partnership is new."
    words = tuple(Word(t, i * 300, i * 300 + 250) for i, t in enumerate(text.split()))
    doc = Transcript(episode="e", duration_ms=len(words) * 300 + 500, words=words)
    vocab = build(EpisodeMeta(), (Entry("Houston We Have a Podcast", ()), Entry("Drive Partnership", ())))
    out = correct(doc, vocab).text()
    assert "on Houston We Have a Podcast today." in out
    assert "Drive. Partnership is new." in out  # two words either side of a full stop may be two sentences


def test_a_possessive_term_in_the_wrong_case_is_found_and_a_right_one_is_left_alone():
    vocab = build(EpisodeMeta(), (Entry("Women's Aid", ()), Entry("Drive Partnership", ())))
    out = correct(doc_of("the four women's aid federations and the Drive Partnership, today"), vocab)
    assert texts(out) == "the four Women's Aid federations and the Drive Partnership, today"
    assert [c.term for c in out.corrections] == ["Women's Aid"]  # no correction of what was already right
    assert correct(doc_of("Women's Aid. Drive Partnership"), vocab).corrections == ()


def test_a_name_written_as_two_words_said_to_someone_is_one_name_again():
    """The recogniser splits a name it does not know into words it does: "To bias," said to Tobias."""
    meta = EpisodeMeta(participants=(Participant("Tobias Lindqvist"), Participant("Marianne Holt")))
    doc = doc_of("That is so important. To bias, where do volunteers fit? And Mari anne, what do you think?")
    new = correct(doc, build(meta))
    assert texts(new) == "That is so important. Tobias, where do volunteers fit? And Marianne, what do you think?"
    assert new.words[4].start_ms == doc.words[4].start_ms and new.words[4].end_ms == doc.words[5].end_ms
    assert [(c.before[0].text, c.term) for c in new.corrections] == [("To", "Tobias"), ("Mari", "Marianne")]
    # not said to anyone, or nobody of that name: ordinary words
    for text, people in (("To bias the results, we weighted them.", meta.participants),
                         ("To bias, where do volunteers fit?", (Participant("Kyla Kirkpatrick"),))):
        assert correct(doc_of(text), build(EpisodeMeta(participants=people))).corrections == ()
