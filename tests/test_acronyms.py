"""Acronyms the speaker defines: a misheard letter is put right at the definition and everywhere."""
from __future__ import annotations

import pytest

from transcribe_kit.document import EpisodeMeta, Transcript, Word
from transcribe_kit.vocabulary.acronyms import definitions, fix_defined_acronyms
from transcribe_kit.vocabulary.correct import tokens
from transcribe_kit.vocabulary.corrections import undo
from transcribe_kit.vocabulary.glossary import Entry
from transcribe_kit.vocabulary.terms import build


def said(text: str) -> Transcript:
    words = tuple(Word(t, i * 300, i * 300 + 250, speaker="S1") for i, t in enumerate(text.split()))
    return Transcript(episode="e", duration_ms=len(words) * 300 + 500, words=words)


TALK = ("We work on domestic violence and abuse, which I'll refer to as DBA. Most DBA cases start at home. "
        "The Youth Justice Board, or YGB, funds it. Our DBA work with the YGB continues, and DBAs are rising.")


def test_two_defined_acronyms_are_right_everywhere_after_one_was_misheard():
    out = fix_defined_acronyms(said(TALK))
    assert out.text() == TALK.replace("DBA", "DVA").replace("YGB", "YJB")
    assert {c.rule for c in out.corrections} == {"acronym"} and len(out.corrections) == 6
    assert [w.start_ms for w in out.words] == [w.start_ms for w in said(TALK).words]  # timings kept


def test_each_fix_can_be_undone():
    out = fix_defined_acronyms(said(TALK))
    while out.corrections:
        out = undo(out, 0)
    assert out.text() == TALK


@pytest.mark.parametrize("text, initials", [
    ("child and adolescent mental health services, known as CAMHS, help", "CAMHS"),
    ("the police and crime commissioner, or PCC, decides", "PCC"),
    ("Research in Practice, which we'll call RIP, works", "RIP"),
])
def test_definitions_find_the_initials_small_words_skipped(text, initials):
    found = definitions(tokens(said(text).words))
    assert [d.initials for d in found] == [initials]
    assert fix_defined_acronyms(said(text)).text() == said(text).text()  # heard right: nothing to change


@pytest.mark.parametrize("text", [
    "we spoke to the police or CPS about it, and CPS said no",  # no definition: letters far from "the police"
    "the National Health Service, or NHS, and the NHS",  # heard right
    "domestic violence and abuse, which I'll refer to as DBX",  # two letters off: not a mishearing
    "domestic violence and abuse. DBA is something else",  # no cue
])
def test_no_definition_no_change(text):
    assert fix_defined_acronyms(said(text)).text() == text


def test_an_acronym_the_vocabulary_holds_is_left_to_the_glossary():
    vocab = build(EpisodeMeta(), (Entry("DBA", ()),))
    text = "domestic violence and abuse, which I'll refer to as DBA. DBA matters"
    assert fix_defined_acronyms(said(text), vocab).text() == text


def test_the_synthetic_event_defines_its_acronyms_in_a_form_the_rule_reads():
    """tools/make_event.py --acronyms (bench/acronyms.py): its talk, as Whisper hears it (DVA -> DBA)."""
    import importlib.util
    import sys
    from pathlib import Path

    tools = Path(__file__).resolve().parent.parent / "tools"
    sys.path.insert(0, str(tools))
    try:
        spec = importlib.util.spec_from_file_location("make_event", tools / "make_event.py")
        event = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(event)
    finally:
        sys.path.remove(str(tools))
    spoken = " ".join(t for _, _, texts in event.with_acronyms(event.SCRIPT) for t in texts)
    assert all(a in spoken for a in event.ACRONYMS) and not any(a in " ".join(
        t for _, _, texts in event.SCRIPT for t in texts) for a in event.ACRONYMS)
    heard = spoken.replace("DVA", "DBA")
    out = fix_defined_acronyms(said(heard))
    assert out.text() == spoken
    assert len(out.corrections) == spoken.count("DVA")
