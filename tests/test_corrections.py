"""Edits keep timings, move indices, and can be undone exactly."""
from dataclasses import replace

from hypothesis import given, strategies as st

from transcribe_kit.vocabulary.corrections import Edit, apply_edits, undo
from transcribe_kit.document import Transcript, Turn, Word


def doc_of(text: str, **kw) -> Transcript:
    words = tuple(Word(w, i * 500, i * 500 + 400, 0.9, None) for i, w in enumerate(text.split()))
    return Transcript(episode="t", duration_ms=len(words) * 500, words=words, **kw)


def test_one_for_one_keeps_times():
    doc = doc_of("hello Kayla how are you")
    new = apply_edits(doc, [Edit(1, 2, ("Kyla",), "glossary", "Kyla")])
    assert [w.text for w in new.words] == ["hello", "Kyla", "how", "are", "you"]
    assert [(w.start_ms, w.end_ms) for w in new.words] == [(w.start_ms, w.end_ms) for w in doc.words]
    (c,) = new.corrections
    assert (c.index, c.count, c.after, c.rule, c.term) == (1, 1, "Kyla", "glossary", "Kyla")
    assert c.before == (doc.words[1],)


def test_merge_spans_first_start_to_last_end():
    doc = doc_of("I am Kyla Kirk Patrick today")
    new = apply_edits(doc, [Edit(3, 5, ("Kirkpatrick",), "glossary")])
    word = new.words[3]
    assert (word.text, word.start_ms, word.end_ms) == ("Kirkpatrick", 1500, 2400)
    assert new.words[4] == doc.words[5]


def test_removal_keeps_other_timings_and_moves_turns():
    doc = doc_of("so um we begin and uh end", turns=(Turn("S1", 0, 4), Turn("S1", 4, 7, (5,))))
    new = apply_edits(doc, [Edit(1, 2, (), "filler"), Edit(5, 6, (), "filler")])
    assert [w.text for w in new.words] == ["so", "we", "begin", "and", "end"]
    kept = [w for w in doc.words if w.text not in ("um", "uh")]
    assert list(new.words) == kept
    assert new.turns == (Turn("S1", 0, 3), Turn("S1", 3, 5, (4,)))  # the paragraph now opens on "end"
    assert [(c.index, c.count) for c in new.corrections] == [(1, 0), (4, 0)]


def test_later_pass_moves_earlier_corrections_and_skips_their_words():
    doc = doc_of("um Kayla said um hello")
    first = apply_edits(doc, [Edit(1, 2, ("Kyla",), "glossary")])
    second = apply_edits(first, [Edit(0, 1, (), "filler"), Edit(1, 2, ("Kayla",), "spelling"),
                                 Edit(3, 4, (), "filler")])
    assert [w.text for w in second.words] == ["Kyla", "said", "hello"]
    assert [(c.index, c.count, c.rule) for c in second.corrections] == [(0, 0, "filler"), (0, 1, "glossary"),
                                                                      (2, 0, "filler")]


def test_undo_restores_the_recognised_words():
    doc = doc_of("um so Kayla Kirk Patrick spoke")
    new = apply_edits(doc, [Edit(0, 1, (), "filler"), Edit(2, 5, ("Kyla", "Kirkpatrick"), "glossary")])
    glossary = next(i for i, c in enumerate(new.corrections) if c.rule == "glossary")
    back = undo(undo(new, glossary), 0)
    assert back.words == doc.words
    assert back.corrections == ()


def test_json_round_trip_with_corrections():
    doc = apply_edits(doc_of("Kayla um spoke"), [Edit(0, 1, ("Kyla",), "glossary", "Kyla"), Edit(1, 2, (), "filler")])
    assert Transcript.from_json(doc.to_json()) == doc


def test_old_files_without_corrections_load():
    data = doc_of("hello there").to_dict()
    del data["corrections"]
    assert Transcript.from_dict(data).corrections == ()


@given(st.lists(st.sampled_from(["um", "a", "b", "Kayla"]), min_size=1, max_size=30), st.data())
def test_any_edits_then_undo_all_gives_back_the_words(texts, data):
    doc = doc_of(" ".join(texts))
    edits = []
    for i, t in enumerate(texts):
        if t == "um":
            edits.append(Edit(i, i + 1, (), "filler"))
        elif t == "Kayla":
            edits.append(Edit(i, i + 1, data.draw(st.sampled_from([("Kyla",), ("Ky", "la")])), "glossary"))
    new = apply_edits(doc, edits)
    while new.corrections:
        new = undo(new, data.draw(st.integers(0, len(new.corrections) - 1)))
    assert new.words == doc.words
    assert replace(new, corrections=()) == replace(doc)


def test_carry_keeps_corrections_whose_words_survive_an_edit():
    from transcribe_kit.vocabulary.corrections import carry

    doc = apply_edits(doc_of("um Kayla said programs work"), [
        Edit(0, 1, (), "filler"), Edit(1, 2, ("Kyla",), "glossary"), Edit(3, 4, ("programmes",), "spelling")])
    # now "Kyla said programmes work"; the editor inserts "today" and rewrites "programmes"
    words = (doc.words[0], doc.words[1], Word("today", 1300, 1400), Word("courses", 1500, 1900), doc.words[3])
    kept = carry(doc, words, {0: 0, 1: 1, 3: 4})
    assert [(c.index, c.rule) for c in kept] == [(0, "filler"), (0, "glossary")]
