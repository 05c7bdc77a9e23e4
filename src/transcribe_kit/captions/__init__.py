"""Caption cues from timed words, as a chain of small named operations.

Words are first grouped (every operation maps a list of ``[start, end)`` word
ranges to a new list, so no word is ever lost, repeated or reordered):

    split_at_speaker_change -> split_at_sentence_end -> split_at_pause
    -> split_by_length -> merge_short_neighbours -> rebalance_short
    -> join_quick_exchanges

then laid out on lines (``linebreak``) and timed (``timing``; every
operation maps a list of cues to a new list):

    place_on_words -> extend_for_reading -> clamp_duration -> close_small_gaps
    -> flag_violations

Every limit is a :class:`CaptionOptions` setting whose default comes from
``shared/reference/caption-rules.md``.  When a cue cannot reach the reading
speed without cutting words, it takes time from the silence around it first,
and is then flagged; words are never dropped.

Two speakers share a cue only in a quick exchange (``join_quick_exchanges``:
one speaker a line, never more than two); a cue whose speech is faster than
anyone can read with all the time it may take is kept verbatim and listed by
``cues_to_condense`` for an editor.

The modules: ``model`` (settings, cue, words), ``grouping`` and ``split``
(word ranges), ``linebreak`` (lines), ``timing`` (cue times), ``rules`` (what
a cue may not do, shared with ``check``, the linter for any caption file),
``condense`` (the cues no timing can save).
"""
from __future__ import annotations

from ..document import Transcript
from ..nlp import pos_tags
from .condense import Condense, to_condense
from .grouping import GROUPING, place_on_words
from .linebreak import Tagger
from .model import CaptionOptions, Cue, Words
from .rules import flag_violations, hard_flags, violations
from .timing import clamp_duration, close_small_gaps, extend_for_reading

__all__ = ["CaptionOptions", "Condense", "Cue", "GROUPING", "TIMING", "Words", "build_cues", "cues_to_condense",
           "hard_flags", "two_speaker_cues", "violations"]

TIMING = (extend_for_reading, clamp_duration, close_small_gaps, flag_violations)


def build_cues(doc: Transcript, options: CaptionOptions = CaptionOptions(),
               tagger: Tagger | None = None) -> list[Cue]:
    """Cues for the whole transcript, every word in exactly one cue, in order.

    ``tagger`` defaults to the spaCy tagger when ``options.pos_tags`` is on.
    """
    if tagger is None and options.pos_tags:
        tagger = pos_tags
    words = Words(doc, options, tagger)
    groups = [(0, len(words))] if len(words) else []
    for operation in GROUPING:
        groups = operation(words, groups)
    cues = place_on_words(words, groups)
    for operation in TIMING:
        cues = operation(words, cues)
    return cues


def cues_to_condense(doc: Transcript, options: CaptionOptions = CaptionOptions(),
                     cues: list[Cue] | None = None) -> list[Condense]:
    """The cues whose speech is faster than anyone can read even with all the time they may take:
    kept verbatim and counted as hard breaks, they are the places for an editor to condense.

    ``cues`` are ``doc``'s cues built with ``options`` (``writers.captions.cues_for`` remembers
    the ones the caption files show); without them they are built here."""
    cues = build_cues(doc, options) if cues is None else cues
    return to_condense(Words(doc, options), cues)


def two_speaker_cues(cues: list[Cue]) -> list[Cue]:
    """The quick exchanges: cues with one line for each of two speakers."""
    return [c for c in cues if c.two_speakers]
