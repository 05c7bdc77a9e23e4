"""What chapter boundaries fall between: sentence units of the transcript, and the settings.

A unit is a sentence, or the part of one before a paragraph break, or (when the
recogniser stopped punctuating) a long stretch up to a pause.  ``ChapterOptions``
holds every setting of the topic segmenter, with the reason for each.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..document import Transcript
from ..turns import ends_sentence, paragraph_spans


OPENING = "opening"  # Chapter.source of the untitled opening (the introductions)


@dataclass(frozen=True)
class ChapterOptions:
    count: int | None = None  # topic chapters (the untitled opening not counted); None = from the content
    min_chapter_ms: int = 120_000  # no chapter shorter than 2 minutes
    max_chapter_ms: int = 1_200_000  # none longer than 20 minutes (split at its best place)
    cutoff: float = 1.0  # with no count: places scoring this many std above the mean open chapters
    window_ms: int = 180_000  # speech compared on each side of a place (3 minutes, in words at the episode's rate)
    tiling_w: int = 20  # TextTiling pseudo-sentence size (words); its block size follows window_ms
    host_weight: float = 1.0  # bonus for a place where the host's turn opens
    question_weight: float = 0.5  # ...more when that turn asks a question
    turn_weight: float = 0.5  # bonus for any turn start (over a paragraph or sentence)
    opening_search_ms: int = 300_000  # introductions are looked for in the first 5 minutes
    tiling_weight: float = 1.0  # lexical cohesion (TextTiling depth)
    depth_weight: float = 1.0  # embedding similarity depth across the place
    forward_weight: float = 1.0  # the turn's opening relates to what follows more than to what went before
    # music between two stretches of speech (a sting, a jingle: the ``sounds`` stage's "music") is a
    # strong sign of a new item; this many std are added at the place right after it
    music_weight: float = 2.0
    use_embeddings: bool = True  # False: TextTiling and structure only (no torch needed)
    unit_pause_ms: int = 500  # without punctuation, a pause this long ends a unit...
    unit_min_words: int = 8  # ...that has at least this many words
    unit_max_words: int = 80  # and no unit is longer
    host_led: bool = True  # speakers known and a host among them: chapters open at host turns that point ahead (hostled.py)


@dataclass(frozen=True)
class Unit:
    """A sentence (or the part of one before a paragraph break): words ``[start, end)``."""

    start: int
    end: int
    start_ms: int
    text: str
    opens_turn: bool
    opens_paragraph: bool
    host: bool
    question_turn: bool  # the turn this unit opens contains a question


def is_host(doc: Transcript, speaker_id: str | None) -> bool:
    """Is this the host of a conversation (several speakers, this one flagged as the host)?"""
    speaker = doc.speaker(speaker_id)
    return bool(speaker and speaker.is_host and len(doc.speakers) > 1)


def units(doc: Transcript, options: ChapterOptions = ChapterOptions()) -> list[Unit]:
    """Sentence units that never cross a paragraph edge.  Recognisers sometimes stop
    punctuating for minutes on end, so a unit also ends at a pause once it is long."""
    heads: dict[int, tuple[bool, bool, bool]] = {}
    for turn in doc.turns:
        host = is_host(doc, turn.speaker)
        asks = any("?" in w.text for w in doc.words[turn.start:turn.end])
        for n, (a, _) in enumerate(paragraph_spans(turn)):
            heads[a] = (n == 0, host and n == 0, asks and n == 0)
    out, start, words = [], 0, doc.words
    for i in range(len(words)):
        last = i + 1 == len(words)
        pause = 0 if last else words[i + 1].start_ms - words[i].end_ms
        long_enough = i + 1 - start >= options.unit_min_words
        if (last or ends_sentence(words[i]) or (i + 1) in heads or i + 1 - start >= options.unit_max_words
                or (long_enough and pause >= options.unit_pause_ms)):
            opens_turn, host, asks = heads.get(start, (False, False, False))
            text = " ".join(w.text for w in words[start:i + 1])
            out.append(Unit(start, i + 1, words[start].start_ms, text, opens_turn, start in heads, host, asks))
            start = i + 1
    return out
