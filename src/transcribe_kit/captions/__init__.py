"""Caption cues from timed words, as a chain of small named operations.

Words are first grouped (every operation maps a list of ``[start, end)`` word
ranges to a new list, so no word is ever lost, repeated or reordered):

    split_at_speaker_change -> split_at_sentence_end -> split_at_pause
    -> split_by_length -> merge_short_neighbours

then laid out on lines (``linebreak``) and timed (``timing``; every
operation maps a list of cues to a new list):

    place_on_words -> extend_for_reading -> clamp_duration -> close_small_gaps
    -> flag_violations

Every limit is a :class:`CaptionOptions` setting whose default comes from
``shared/reference/caption-rules.md``.  When a cue cannot reach the reading
speed without cutting words, it takes time from the silence around it first,
and is then flagged; words are never dropped.

The modules: ``model`` (settings, cue, words), ``grouping`` and ``split``
(word ranges), ``linebreak`` (lines), ``timing`` (cue times), ``rules`` (what
a cue may not do, shared with ``check``, the linter for any caption file).
"""
from __future__ import annotations

from ..document import Transcript
from ..nlp import pos_tags
from .grouping import GROUPING, place_on_words
from .linebreak import Tagger
from .model import CaptionOptions, Cue, Words
from .rules import flag_violations, hard_flags, violations
from .timing import clamp_duration, close_small_gaps, extend_for_reading

__all__ = ["CaptionOptions", "Cue", "GROUPING", "TIMING", "Words", "build_cues", "hard_flags", "violations"]

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
