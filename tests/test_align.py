"""Words to speakers: overlap, edge repair at sentence ends and pauses, backchannels."""
import pytest

from transcribe_kit.speakers.assign import (REPLIES, AlignOptions, assign, is_reply, phrases, relabel_segments,
                                            word_speakers)
from transcribe_kit.speakers.diarize import Segment
from transcribe_kit.document import Word


def words_from(spec: list[tuple[str, int, int]]) -> tuple[Word, ...]:
    return tuple(Word(text=t, start_ms=a, end_ms=b) for t, a, b in spec)


def speakers_of(words) -> list[str]:
    return [w.speaker for w in words]


def test_each_word_takes_the_speaker_overlapping_it_most():
    words = words_from([("one", 0, 400), ("two", 900, 1300), ("three", 5000, 5200)])
    segments = (Segment(0, 1000, "A"), Segment(1000, 2000, "B"), Segment(5600, 6000, "B"))
    # "two" overlaps A by 100 ms and B by 300 ms; "three" overlaps nothing but B is 400 ms away
    assert word_speakers(words, segments) == ["A", "B", "B"]


def test_a_word_far_from_any_segment_has_no_speaker():
    words = words_from([("lost", 10_000, 10_300)])
    assert word_speakers(words, (Segment(0, 1000, "A"),), AlignOptions(nearest_ms=500)) == [None]


def test_phrases_end_at_sentence_ends_and_pauses():
    words = words_from([("Yes.", 0, 300), ("I", 350, 400), ("think", 400, 700), ("so", 1300, 1500)])
    assert phrases(words, pause_ms=400) == [(0, 1), (1, 3), (3, 4)]


def test_a_late_diarisation_edge_moves_to_the_sentence_end():
    # B starts talking at "Right." but diarisation only switches two words late
    words = words_from([("That", 0, 200), ("is", 200, 400), ("true.", 400, 700),
                        ("Right", 900, 1100), ("so", 1100, 1300), ("we", 1300, 1500), ("go", 1500, 1700),
                        ("on", 1700, 1900), ("now.", 1900, 2200)])
    segments = (Segment(0, 1290, "A"), Segment(1290, 2300, "B"))
    assert speakers_of(assign(words, segments)) == ["A"] * 3 + ["B"] * 6


def test_a_run_on_phrase_is_cut_where_the_speaker_clearly_changes():
    # the recogniser dropped every full stop; A says six words, B says six words
    texts = "we need more data and evidence but you know I agree with".split()
    words = words_from([(t, i * 300, i * 300 + 280) for i, t in enumerate(texts)])
    segments = (Segment(0, 1790, "A"), Segment(1790, 4000, "B"))
    assert speakers_of(assign(words, segments)) == ["A"] * 6 + ["B"] * 6


def test_a_backchannel_inside_a_sentence_joins_the_long_turn():
    words = words_from([("and", 0, 200), ("the", 200, 400), ("Yeah", 400, 600), ("evidence", 600, 1000),
                        ("shows", 1000, 1300), ("it.", 1300, 1600)])
    segments = (Segment(0, 380, "A"), Segment(380, 650, "B"), Segment(650, 1700, "A"))
    assert speakers_of(assign(words, segments)) == ["A"] * 6


def test_an_audible_backchannel_at_a_sentence_end_is_kept():
    words = words_from([("It", 0, 200), ("works.", 200, 600), ("Yeah.", 1200, 1500),
                        ("And", 2100, 2300), ("then", 2300, 2500), ("more.", 2500, 2900)])
    segments = (Segment(0, 700, "A"), Segment(1150, 1550, "B"), Segment(2050, 3000, "A"))
    assert speakers_of(assign(words, segments)) == ["A", "A", "B", "A", "A", "A"]


def test_an_inaudible_backchannel_is_absorbed():
    words = words_from([("It", 0, 200), ("works.", 200, 600), ("Yeah.", 1200, 1500),
                        ("And", 2100, 2300), ("then", 2300, 2500), ("more.", 2500, 2900)])
    # B's own speech under "Yeah." is only 100 ms
    segments = (Segment(0, 700, "A"), Segment(1150, 1300, "A"), Segment(1300, 1400, "B"), Segment(1400, 3000, "A"))
    assert speakers_of(assign(words, segments)) == ["A"] * 6


def test_segments_take_the_final_speaker_of_their_words():
    words = words_from([("a", 0, 500), ("b", 600, 900), ("c", 2000, 2400)])
    raw = tuple(w.__class__(**{**w.__dict__, "speaker": s}) for w, s in zip(words, ["X", "X", "Y"]))
    final = tuple(w.__class__(**{**w.__dict__, "speaker": s}) for w, s in zip(words, ["S1", "S1", "S2"]))
    segments = (Segment(0, 1000, "X"), Segment(1900, 2500, "Y"), Segment(3000, 3500, "Y"))
    out = relabel_segments(segments, raw, final)
    assert [s.speaker for s in out] == ["S1", "S2", "S2"]  # the last has no words: its cluster's speaker


def test_a_segment_whose_words_changed_speaker_is_cut_between_them():
    words = words_from([("one", 100, 500), ("two", 600, 900), ("three", 1300, 1700)])
    raw = tuple(w.__class__(**{**w.__dict__, "speaker": "X"}) for w in words)
    final = tuple(w.__class__(**{**w.__dict__, "speaker": s}) for w, s in zip(words, ["S1", "S1", "S2"]))
    out = relabel_segments((Segment(0, 2000, "X"),), raw, final, min_cut_ms=0)
    assert [(s.start_ms, s.end_ms, s.speaker) for s in out] == [(0, 1100, "S1"), (1100, 2000, "S2")]
    # a run of another voice shorter than min_cut_ms (a turn edge moved by a word) does not cut it
    out = relabel_segments((Segment(0, 2000, "X"),), raw, final, min_cut_ms=1500)
    assert [(s.start_ms, s.end_ms, s.speaker) for s in out] == [(0, 2000, "S1")]


def test_the_opening_words_of_a_sentence_cut_off_by_a_pause_go_with_the_rest():
    # "So" (and "Yes,") were timed inside A's speech, before the pause in which B starts
    for opening, rest in ((["So"], ["the", "partnership", "began", "then."]),
                          (["Yes,"], ["I", "have", "some", "thoughts."]),
                          (["I", "just"], ["wanted", "to", "flag", "this."])):
        spec = [("That", 0, 200), ("is", 200, 400), ("care.", 400, 700)]
        t = 750
        for w in opening:
            spec.append((w, t, t + 150))
            t += 160
        t += 700  # the pause
        for w in rest:
            spec.append((w, t, t + 250))
            t += 260
        words = words_from(spec)
        segments = (Segment(0, 1200, "A"), Segment(1400, t + 100, "B"))
        out = assign(words, segments)
        assert speakers_of(out) == ["A"] * 3 + ["B"] * (len(opening) + len(rest)), opening
        # re-timed into the pause, just before the words they open, their lengths kept
        moved, after = out[3:3 + len(opening)], out[3 + len(opening)]
        assert moved[-1].end_ms == after.start_ms and all(w.estimated for w in moved)
        assert [w.end_ms - w.start_ms for w in moved] == [150] * len(opening)
        assert all(x.end_ms <= y.start_ms for x, y in zip(out, out[1:]))


def test_a_name_after_a_cut_off_im_takes_the_im_along():
    """The bundled sample: "...new to the internet. I'm | Tobias Lindqvist, I'm the Volunteer
    Coordinator": "I'm" cannot end a sentence, so the capitalised name after the pause goes on
    with it, and the self-introduction is the next voice's."""
    words = words_from([("the", 0, 200), ("internet.", 200, 700), ("I'm", 800, 1000), ("Tobias", 1700, 2000),
                        ("Lindqvist,", 2000, 2500), ("I'm", 2600, 2800), ("the", 2800, 2900),
                        ("coordinator.", 2900, 3500)])
    segments = (Segment(0, 1200, "A"), Segment(1600, 3600, "B"))
    assert speakers_of(assign(words, segments)) == ["A"] * 2 + ["B"] * 6


def test_a_new_speakers_capitalised_sentence_after_a_pause_is_not_joined():
    # A: "That is care. Thank you." then B: "Right, we go on." (a new sentence: capitalised)
    words = words_from([("That", 0, 200), ("is", 200, 400), ("care.", 400, 700), ("Thank", 750, 900),
                        ("you", 900, 1100), ("Right,", 1900, 2100), ("we", 2100, 2300), ("go", 2300, 2500),
                        ("on.", 2500, 2800)])
    segments = (Segment(0, 1200, "A"), Segment(1800, 2900, "B"))
    assert speakers_of(assign(words, segments)) == ["A"] * 5 + ["B"] * 4


def test_a_short_phrase_spoken_over_the_main_voice_goes_to_the_voice_heard_over_it():
    """ "I love it." said by the host while the guest talks on: the recogniser writes it into the
    guest's stream; the diarisation hears the host as a second voice there."""
    from transcribe_kit.speakers.assign import assign
    from transcribe_kit.speakers.diarize import Segment

    texts = "I grew up in a small town. I love it. Every summer we worked the fields.".split()
    words, t = [], 0
    for text in texts:
        words.append(Word(text, t, t + 250))
        t += 300 if not text.endswith(".") else 700
    love = texts.index("love")
    main = (Segment(0, t, "G"),)
    over = (Segment(words[love - 1].start_ms - 50, words[love + 1].end_ms + 50, "H"),)
    out = assign(tuple(words), main, overlaps=over)
    assert [w.speaker for w in out[love - 1:love + 2]] == ["H", "H", "H"]
    assert {w.speaker for w in out[:love - 1]} == {"G"} and {w.speaker for w in out[love + 2:]} == {"G"}
    # without the second voice, nothing moves; and a long phrase under an overlap stays where it is
    assert {w.speaker for w in assign(tuple(words), main)} == {"G"}
    wide = (Segment(0, words[6].end_ms, "H"),)
    assert {w.speaker for w in assign(tuple(words), main, overlaps=wide)[:7]} == {"G"}


def test_an_overlap_at_a_change_of_speaker_takes_no_words():
    """The pyannote sample: the second voice is heard over the first one's "Hello." just before it
    answers, and the first voice trails on over the start of "Okay. I thought...": both are a change
    of speaker blurred, not an interjection, and the words stay with whoever says them."""
    words = words_from([("Hello.", 100, 300), ("Hello.", 1200, 1400), ("Neither", 2000, 2300), ("did", 2300, 2500),
                        ("I.", 2500, 2800), ("Okay.", 3250, 3350), ("I", 3900, 4000), ("thought", 4000, 4300),
                        ("you", 4300, 4500), ("knew.", 4500, 4900)])
    main = (Segment(0, 1000, "D"), Segment(1000, 3000, "S"), Segment(3000, 5000, "D"))
    early = Segment(50, 400, "S")  # S heard over D's "Hello.", 600 ms before S's own turn
    trailing = Segment(3000, 3400, "S")  # S's turn running on over D's "Okay."
    out = assign(words, main, overlaps=(early, trailing))
    assert speakers_of(out) == ["D", "S", "S", "S", "S", "D", "D", "D", "D", "D"]
    # S heard over D well inside D's turn (over a second from S's own speech) is an interjection
    inside = (Segment(0, 1000, "D"), Segment(1000, 3000, "S"), Segment(3000, 9000, "D"))
    late = words[:5] + words_from([("We", 3100, 3300), ("grew", 3300, 3600), ("corn.", 3600, 4000),
                                   ("Okay.", 4400, 4700), ("I", 5000, 5100), ("thought", 5100, 5400)])
    out = assign(late, inside, overlaps=(Segment(4350, 4750, "S"),))
    assert speakers_of(out)[5:] == ["D", "D", "D", "S", "D", "D"]


def test_a_voice_that_got_no_words_stays_in_who_speaks_when():
    """The diarisation heard a third voice (over the others) that no word went to: speakers.rttm keeps it."""
    words = (Word("Hello", 0, 400, speaker="S1"), Word("there.", 500, 900, speaker="S1"),
             Word("Hi.", 1500, 1900, speaker="S2"))
    raw = (Word("Hello", 0, 400, speaker="A"), Word("there.", 500, 900, speaker="A"), Word("Hi.", 1500, 1900, speaker="B"))
    segments = (Segment(0, 1000, "A"), Segment(1400, 2000, "B"), Segment(2500, 3000, "C"))
    overlaps = (Segment(600, 900, "C"),)
    out = relabel_segments(segments, raw, words, overlaps)
    assert [(s.start_ms, s.end_ms, s.speaker) for s in out] == [
        (0, 1000, "S1"), (600, 900, "C"), (1400, 2000, "S2"), (2500, 3000, "C")]


def test_the_last_words_of_a_sentence_stay_with_its_speaker():
    """ "...and I | started a project there." : the diarisation's turn edge came a few words early."""
    spec = [("So", 0, 200), ("I", 250, 400), ("went", 450, 600), ("and", 650, 800),
            ("started", 1300, 1600), ("a", 1650, 1700), ("project", 1750, 2000), ("there.", 2050, 2300),
            ("Oh", 2900, 3100), ("my", 3150, 3300), ("gosh,", 3350, 3600), ("amazing.", 3650, 4000)]
    words = words_from(spec)
    segments = (Segment(0, 1000, "A"), Segment(1200, 4000, "B"))
    out = assign(words, segments)
    assert [w.speaker for w in out] == ["A"] * 8 + ["B"] * 4


def test_a_question_put_in_by_the_other_voice_is_not_a_sentence_end_to_join():
    """NASA: "...at Old Dominion, yeah, | close to Langley, right? | Yeah, it is.": the host came in
    and went again (the guest goes on after him), so his words are not the guest's sentence ending."""
    spec = [("I", 0, 200), ("studied", 200, 600), ("at", 600, 700), ("Old", 700, 900), ("Dominion", 900, 1400),
            ("yeah,", 1400, 1700), ("close", 1700, 1900), ("to", 1900, 2000), ("Langley,", 2000, 2400),
            ("right?", 2400, 2700), ("Yeah,", 3200, 3400), ("it", 3400, 3500), ("is.", 3500, 3800)]
    words = words_from(spec)
    segments = (Segment(0, 1700, "G"), Segment(1700, 2700, "H"), Segment(2700, 4000, "G"))
    out = assign(words, segments)
    assert speakers_of(out) == ["G"] * 6 + ["H"] * 4 + ["G"] * 3


@pytest.mark.parametrize("reply", [["got", "it."], ["yeah,", "right."], ["i", "see."]])
def test_a_reply_after_a_pause_is_not_the_end_of_the_sentence_before(reply):
    """ "...mechanical engineering | got it. Okay, what led you ...": the recogniser wrote the other
    voice's reply into one sentence with the answer; the diarisation changed voice in the pause."""
    spec = [("So", 0, 200), ("I", 250, 400), ("studied", 450, 700), ("engineering", 750, 1000),
            (reply[0], 1500, 1650), (reply[1], 1650, 1800),
            ("Okay.", 1900, 2200), ("What", 2400, 2600), ("led", 2650, 2800), ("you", 2850, 3000), ("here?", 3050, 3300)]
    words = words_from(spec)
    segments = (Segment(0, 1200, "A"), Segment(1200, 3400, "B"))
    out = assign(words, segments)
    assert [w.speaker for w in out] == ["A"] * 4 + ["B"] * 7


@pytest.mark.parametrize("phrase, reply", [("got it.", True), ("Yeah, yeah.", True), ("I see!", True),
                                           ("started a project there.", False), ("right there.", False)])
def test_what_counts_as_a_reply(phrase, reply):
    assert is_reply(words_from([(t, 0, 1) for t in phrase.split()]), REPLIES) is reply
