"""Show titles said in the episode: one name again where the recogniser cut them into a clause."""
from __future__ import annotations

import pytest

from transcribe_kit.document import Transcript, Word
from transcribe_kit.vocabulary.corrections import undo
from transcribe_kit.vocabulary.titles import TitleOptions, show_titles


def said(text: str, pause_after: int | None = None, gap: int = 600) -> Transcript:
    """Words 300 ms apart (50 ms between them); ``gap`` ms of silence after word ``pause_after``."""
    words, at = [], 0
    for i, t in enumerate(text.split()):
        words.append(Word(t, at, at + 250, speaker="S1"))
        at += 300 + (gap if i == pause_after else 0)
    return Transcript(episode="e", duration_ms=at + 500, words=tuple(words))


@pytest.mark.parametrize("heard, right", [
    ("Lisa, thanks for joining us on Houston, we have a podcast today.",
     "Lisa, thanks for joining us on Houston We Have a Podcast today."),
    ("Thanks for joining us on Houston. We have a podcast today.",
     "Thanks for joining us on Houston We Have a Podcast today."),
    ("Hello and welcome to Tales from the stacks podcast.", "Hello and welcome to Tales from the Stacks Podcast."),
    ("You're listening to Woman's hour programme.", "You're listening to Woman's Hour Programme."),
])
def test_a_cut_title_after_a_cue_is_one_name(heard, right):
    out = show_titles(said(heard))
    assert out.text() == right
    assert out.corrections and {c.rule for c in out.corrections} == {"title"}
    assert [w.start_ms for w in out.words] == [w.start_ms for w in said(heard).words]


def test_the_title_can_be_undone():
    heard = "Thanks for joining us on Houston, we have a podcast today."
    out = show_titles(said(heard))
    while out.corrections:
        out = undo(out, 0)
    assert out.text() == heard


@pytest.mark.parametrize("text", [
    "Welcome to the Research in Practice podcast, I'm Dez.",   # not cut, and starts in lower case
    "Welcome to Research in Practice podcast number four.",    # not cut: left as the speaker's words
    "We talked about Houston, we have a podcast today.",       # no cue before it
    "Thanks for joining us on Monday, we have a podcast later.",  # a pause inside (below)
    "Welcome to the show, we have a podcast.",                 # the cue is followed by lower case
    "Hello and welcome to Tales from the stacks, the show about libraries.",  # described, not named
])
def test_no_title_without_every_sign(text):
    doc = said(text, pause_after=text.split().index(next(w for w in text.split() if w.endswith(","))) if "Monday" in text
               else None)
    assert show_titles(doc).text() == text


def test_settings_decide_the_cues_kinds_and_pause():
    heard = "Welcome back to Stacks, we love a broadcast."
    assert show_titles(said(heard)).text() == "Welcome back to Stacks We Love a Broadcast."
    assert show_titles(said(heard), TitleOptions(kinds=("podcast",))).text() == heard
    assert show_titles(said(heard), TitleOptions(cues=("welcome to",))).text() == heard
    assert show_titles(said(heard, pause_after=3, gap=200), TitleOptions(max_gap_ms=100)).text() == heard
    assert show_titles(said(heard, pause_after=3, gap=200)).text() != heard
    long = "Welcome to Stacks and shelves and books and more and more podcast."
    assert show_titles(said(long)).text() == long  # longer than max_words
