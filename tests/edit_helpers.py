"""Shared set-up for the edit tests: a small two-speaker episode folder on disk."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from transcribe_kit.document import Chapter, EpisodeMeta, Participant, Speaker, Transcript, Word
from transcribe_kit.fileio import atomic_write_many
from transcribe_kit.turns import build_turns
from transcribe_kit.writers import render_all

LINES = [
    ("S1", "Hello and welcome to the show. Today we talk about rivers."),
    ("S2", "Thanks for having me. Rivers are my favourite subject."),
    ("S1", "Let us start with the Thames. Where does it begin?"),
    ("S2", "It rises in the Cotswolds and flows east to London."),
    ("S1", "And what about floods along the way?"),
    ("S2", "Floods are common in winter when the ground is wet."),
]


def sample_transcript() -> Transcript:
    words: list[Word] = []
    at = 500
    for speaker, text in LINES:
        for token in text.split():
            length = 120 + 40 * len(token)
            words.append(Word(token, at, at + length, 0.9, speaker))
            at += length + 60
        at += 700
    meta = EpisodeMeta(title="Rivers of England", summary="This episode explores rivers.",
                       participants=(Participant("Ann Lee", "Host", True), Participant("Bob Marsh", "Hydrologist"),
                                     Participant("Cy Dunn", "Farmer")),
                       closing="Thanks for listening.\n\nMore at example.org")
    doc = Transcript(episode="rivers", duration_ms=at + 500, language="en", meta=meta,
                     speakers=(Speaker("S1", "Ann Lee", "Ann", is_host=True), Speaker("S2", "Bob Marsh", "Bob")),
                     words=tuple(words))
    doc = build_turns(doc)
    chapters = (Chapter(words[0].start_ms, "Welcome"), Chapter(_start_of(doc, "Let"), "The Thames"))
    return replace(doc, chapters=chapters).with_revision("process", "test")


def _start_of(doc: Transcript, text: str) -> int:
    return next(w.start_ms for w in doc.words if w.text == text)


def make_episode(folder: Path, doc: Transcript | None = None) -> Path:
    doc = doc or sample_transcript()
    atomic_write_many(render_all(doc, folder, ["json", "txt", "vtt", "srt"]))
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}
