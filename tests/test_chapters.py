"""Topic chapters and headings on a small synthetic conversation with three clear topics."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from transcribe_kit import chapters
from transcribe_kit.chapters import headings, hostled, signals
from transcribe_kit.document import Speaker

from synthetic import transcript_from

HOST = Speaker(id="A", name="Ann Lee", label="Ann", is_host=True)
GUESTS = (Speaker(id="B", name="Bo Kim", label="Bo"), Speaker(id="C", name="Cy Roe", label="Cy"))

TOPICS = {
    "garden": ("Let us talk about gardens. How do you grow tomatoes in a small garden with poor soil?",
               "Tomatoes need rich soil, so we add compost to the garden beds every spring. The compost feeds "
               "the soil and the seeds sprout in warm soil. We water the tomato plants at the roots and pinch "
               "out the side shoots so the fruit ripens. Mulch keeps the soil moist in dry weeks."),
    "football": ("Moving on to football. What makes a striker score so many goals in a season?",
                 "A striker scores goals by finding space in the penalty box before the defenders notice. The "
                 "best forwards watch the goalkeeper and shoot low across the goal. Training drills on the "
                 "pitch build the timing, and the whole team feeds the striker with crosses from the wing."),
    "baking": ("Finally, baking. Why does bread dough need to rise twice before it goes in the oven?",
               "Bread dough rises because yeast turns the sugar in the flour into gas. Kneading the dough builds "
               "gluten that traps the gas, and a second rise gives the loaf an even crumb. Bake the loaf in a "
               "hot oven until the crust is brown and the bread sounds hollow when tapped."),
}
INTRO = [("A", "Hello and welcome to the show. I'm Ann Lee and today I'm joined by two guests."),
         ("B", "I'm Bo Kim and I work on a farm."), ("C", "I'm Cy Roe and I coach a local team.")]
OPTIONS = chapters.ChapterOptions(min_chapter_ms=45_000, window_ms=40_000)


def conversation(speakers=True):
    turns = list(INTRO)
    for question, answer in TOPICS.values():
        turns += [("A", question), ("B", answer), ("C", answer.replace(". ", ", I think. ", 2)), ("B", answer)]
    doc = transcript_from(turns, speakers=(HOST, *GUESTS))
    host_questions = [doc.words[t.start].start_ms for t in doc.turns
                      if t.speaker == "A" and "?" in doc.words[t.end - 1].text]
    if not speakers:
        from dataclasses import replace

        from transcribe_kit.turns import build_turns
        doc = build_turns(replace(doc, speakers=(Speaker(id="S1"),),
                                  words=tuple(replace(w, speaker="S1") for w in doc.words)))
    return doc, host_questions


@pytest.fixture(scope="module")
def segmented():
    doc, questions = conversation()
    return chapters.segment(doc, OPTIONS), questions


def test_opening_is_the_untitled_introductions_then_one_chapter_per_topic(segmented):
    doc, questions = segmented
    assert doc.chapters[0].source == chapters.OPENING and doc.chapters[0].heading is None
    assert [c.start_ms for c in doc.chapters[1:]] == questions


def test_fixed_count_gives_that_many_topic_chapters():
    doc, questions = conversation()
    out = chapters.segment(doc, chapters.ChapterOptions(count=2, min_chapter_ms=45_000, window_ms=40_000))
    assert len(out.chapters) == 3
    assert {c.start_ms for c in out.chapters[1:]} <= set(questions)


def test_chapters_are_never_shorter_than_the_minimum(segmented):
    doc, _ = segmented
    starts = [c.start_ms for c in doc.chapters[1:]] + [doc.duration_ms]
    assert all(b - a >= OPTIONS.min_chapter_ms for a, b in zip(starts, starts[1:]))


def test_one_speaker_before_diarisation_still_finds_the_topics():
    doc, questions = conversation(speakers=False)
    out = chapters.segment(doc, OPTIONS)
    found = [c.start_ms for c in out.chapters[1:]]
    assert len(found) == len(questions)
    assert all(abs(f - q) <= 10_000 for f, q in zip(found, questions))
    from transcribe_kit.layout import build_page

    page = build_page(out)  # each chapter opens a paragraph, so its heading sits between paragraphs
    assert all(s.paragraphs[0].start_ms == s.start_ms for s in page.sections[1:])


def test_lexical_signals_alone_work_without_the_embedding_model():
    doc, questions = conversation()
    out = chapters.segment(doc, chapters.ChapterOptions(min_chapter_ms=45_000, window_ms=40_000,
                                                        use_embeddings=False))
    assert [c.start_ms for c in out.chapters[1:]] == questions


def test_an_empty_transcript_has_no_chapters():
    doc, _ = conversation()
    from dataclasses import replace

    assert chapters.segment(replace(doc, words=(), turns=())).chapters == ()


@pytest.fixture(scope="module")
def titled(segmented):
    return headings.add_headings(segmented[0])


def test_headings_come_from_the_hosts_questions_in_sentence_case(titled):
    assert [c.heading for c in titled.chapters] == [
        None,
        "How do you grow tomatoes in a small garden with poor soil",
        "What makes a striker score so many goals in a season",
        "Why does bread dough need to rise twice before it goes in the oven",
    ]


def test_keyphrase_headings_use_only_the_chapters_own_words():
    doc, _ = conversation()
    doc = chapters.segment(doc, OPTIONS)
    spans = headings.chapter_spans(doc)
    options = headings.HeadingOptions(question_turns=0)  # no question: noun phrases only
    out = headings.add_headings(doc, options)
    for chapter, (a, b) in zip(out.chapters[1:], spans[1:]):
        said = {re.sub(r"\W", "", w.text.lower()) for w in doc.words[a:b]}
        words = [re.sub(r"\W", "", w.lower()) for w in chapter.heading.split()]
        assert chapter.heading[0].isupper()
        assert set(words) - {"the", "and"} <= said, chapter.heading
        assert 3 <= len(words) <= options.max_words


def test_editor_and_outline_headings_are_kept(segmented):
    from dataclasses import replace

    doc = segmented[0]
    given = replace(doc, chapters=(doc.chapters[0], replace(doc.chapters[1], heading="Kept", source="editor"),
                                   *doc.chapters[2:]))
    assert headings.add_headings(given).chapters[1].heading == "Kept"


FOLLOW_UPS = {"garden": "Cy, anything to add on compost and the tomato plants in that soil?",
              "football": "Bo, would you add anything on strikers and goals from the wing?",
              "baking": "Cy, anything to add on the dough, the yeast and the loaf?"}


def test_host_follow_ups_refer_back_and_do_not_open_chapters():
    turns = list(INTRO)
    for name, (question, answer) in TOPICS.items():
        turns += [("A", question), ("B", answer), ("A", FOLLOW_UPS[name]), ("C", answer.replace(". ", ", I think. ", 2))]
    doc = transcript_from(turns, speakers=(HOST, *GUESTS))
    questions = [doc.words[t.start].start_ms for t in doc.turns if t.speaker == "A"
                 and any(doc.words[t.start].text == q.split()[0] for q, _ in TOPICS.values())]
    us = chapters.units(doc, OPTIONS)
    scores = hostled.agenda_scores(us, signals.embed([u.text for u in us]))
    opening = [v for i, v in scores.items() if us[i].start_ms in questions]
    follow_ups = [v for i, v in scores.items() if us[i].start_ms not in questions]
    assert min(opening) > 0 and min(opening) > max(follow_ups), (opening, follow_ups)
    out = chapters.segment(doc, chapters.ChapterOptions(count=3, min_chapter_ms=20_000, window_ms=40_000))
    assert [c.start_ms for c in out.chapters[1:]] == questions


def test_a_hosts_question_without_its_question_mark_still_gives_the_heading(segmented):
    from dataclasses import replace

    doc = segmented[0]
    words = tuple(replace(w, text=w.text.rstrip("?")) for w in doc.words)
    out = headings.add_headings(replace(doc, words=words, chapters=doc.chapters))
    assert out.chapters[1].heading == "How do you grow tomatoes in a small garden with poor soil"


@pytest.mark.parametrize("sentence, asks", [
    ("Is it the case that some of what needs to change is the way people think about impact.", True),
    ("So, do you think the law has caught up with practice.", True),
    ("If a few people set the agenda what does that then do to the sector's ability to innovate.", True),
    ("So my question to you is who should fund this work.", True),
    ("I'm hearing much more discussion around what might work best for whom.", False),
    ("We know what works, and it is what it is.", False),
    ("That is the case in most areas.", False),
])
def test_questions_are_recognised_by_their_word_order_without_punctuation(sentence, asks):
    assert headings.is_interrogative(sentence) is asks


def test_a_question_that_lost_its_mark_mid_turn_gives_the_heading_and_trailing_words_go():
    turns = [("A", "Hello, I'm Ann. Welcome to the show."), ("B", "I'm Bo, thanks for having me."),
             ("A", "It feels like a moment of change in the field. Is it the case that what needs to change "
                   "is the way people think about impact okay. I keep thinking about power and who holds it."),
             ("B", "Impact is measured too narrowly, and power sits with funders, so we need wider measures.")]
    doc = transcript_from(turns, speakers=(HOST, GUESTS[0]))
    from dataclasses import replace

    from transcribe_kit.document import Chapter
    start = doc.words[doc.turns[2].start].start_ms
    doc = replace(doc, chapters=(Chapter(start_ms=0, source=chapters.OPENING), Chapter(start_ms=start)))
    out = headings.add_headings(doc)
    assert out.chapters[1].heading == "What needs to change is the way people think about impact"


def test_loading_the_encoder_prints_nothing_even_after_transformers_was_imported():
    # diarisation imports transformers before the chapters stage; its "Loading weights"
    # bar then printed over the progress display, even with -q
    code = ("import transformers\n"
            "from transcribe_kit.chapters import signals\n"
            "assert signals.embed(['a sentence']).shape == (1, 384)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and done.stdout == ""


def test_without_a_question_the_heading_comes_from_the_hosts_opening_turn():
    from dataclasses import replace

    from transcribe_kit.document import Chapter

    answer = ("We grow tomatoes and beans in raised beds, and the children water them every morning. "
              "The tomatoes love the sun, the beans climb the fence, and the children pick them in summer. ")
    turns = [("A", "Hello and welcome, I'm Ann Lee and I'm joined by Bo Kim."), ("B", "I'm Bo, hello."),
             ("A", "Bo, you were going to start by describing the community garden project and its compost scheme."),
             ("B", answer * 3),
             ("A", "Let's move to the football club now. Bo, how do the youth teams train in winter?"),
             ("B", "The youth teams train indoors on Tuesday evenings and play matches on Saturday mornings.")]
    doc = transcript_from(turns, speakers=(HOST, GUESTS[0]))
    starts = [doc.words[doc.turns[k].start].start_ms for k in (2, 4)]
    doc = replace(doc, chapters=(Chapter(start_ms=0, source=chapters.OPENING), *(Chapter(start_ms=s) for s in starts)))
    heading = headings.add_headings(doc).chapters[1].heading
    assert "garden project" in heading and "compost scheme" in heading, heading


def test_a_guest_who_moves_the_talk_on_unprompted_opens_a_chapter_but_answers_do_not():
    # the host asks about gardens, then only follows up; a guest turns to football by herself
    garden_q, garden_a = TOPICS["garden"]
    _, football_a = TOPICS["football"]
    baking_q, baking_a = TOPICS["baking"]
    turns = [*INTRO, ("A", garden_q), ("B", garden_a), ("C", garden_a.replace(". ", ", I think. ", 2)),
             ("B", garden_a), ("A", FOLLOW_UPS["garden"]),
             ("C", "Something else I wanted to raise is football. " + football_a),
             ("B", football_a), ("C", football_a.replace(". ", ", I think. ", 2)),
             ("A", baking_q), ("B", baking_a), ("C", baking_a.replace(". ", ", I think. ", 2)), ("B", baking_a)]
    doc = transcript_from(turns, speakers=(HOST, *GUESTS))
    opens = [doc.words[doc.turns[k].start].start_ms for k in (3, 8, 11)]
    out = chapters.segment(doc, OPTIONS)
    assert [c.start_ms for c in out.chapters[1:]] == opens
    # a given count takes the same places; a smaller one the host's new questions first
    from dataclasses import replace

    out = chapters.segment(doc, replace(OPTIONS, count=3))
    assert [c.start_ms for c in out.chapters[1:]] == opens
    out = chapters.segment(doc, replace(OPTIONS, count=2))
    assert [c.start_ms for c in out.chapters[1:]] == [opens[0], opens[2]]
