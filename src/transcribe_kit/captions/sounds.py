"""Cues for what is heard but not said in words: ``[music]``, and speech that could not be made out.

Caption rules (``shared/reference/caption-rules.md``, Accessibility): sound that matters and is
not speech is described in square brackets, ``[music]``.  Speech that a detector heard and that
recognition could not put into words is shown by the house rule for speech that cannot be made
out, ``[inaudible]`` (a setting), so a viewer knows someone speaks there.  A sound cue never
covers a word's cue: it keeps to the time between them (``min_gap_ms`` from each), and what is
left shorter than the minimum duration is not shown.  Such a cue may stay up longer than the
longest word cue would (``check`` accepts that), but is cut into chained cues of at most
``max_duration_ms`` all the same, as players and other checkers expect.
"""
from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import replace

from ..document import MUSIC, MUSIC_UNDER_SPEECH, UNRECOGNISED, Sound, Transcript
from ..nlp import pos_tags
from . import linebreak
from .model import CaptionOptions, Cue
from .rules import is_sound_label  # noqa: F401  (re-exported)



def label(sound: Sound, options: CaptionOptions) -> str | None:
    if sound.kind == MUSIC or (sound.kind == MUSIC_UNDER_SPEECH and options.music_under_speech):
        return options.music_label
    if sound.kind == UNRECOGNISED:
        return options.unrecognised_label
    return None  # "recovered" and other kinds are for the editor, not the viewer


def with_sounds(doc: Transcript, cues: list[Cue], options: CaptionOptions) -> list[Cue]:
    """``cues`` (the words') with each sound that has a label shown: as a cue of its own in the time
    between the words' cues, or, for music that starts under speech with no such time before the
    words, on the first cue over it (see :func:`labelled`)."""
    extra, cues = [], list(cues)
    starts = [c.start_ms for c in cues]
    for sound in doc.sounds:
        text = label(sound, options)
        if not text:
            continue
        k = bisect_left(starts, sound.start_ms)
        if k:  # the words' cues lend the sound the time they borrowed from it for reading
            cues[k - 1] = _ending_by(cues[k - 1], sound.start_ms - options.min_gap_ms, doc, options)
        if k < len(cues) and sound.kind != MUSIC_UNDER_SPEECH:
            cues[k] = _starting_at(cues[k], sound.end_ms + options.min_gap_ms, doc, options)
            starts[k] = cues[k].start_ms
        before = max((c.end_ms for c in cues[:k]), default=None)
        start = max(sound.start_ms, before + options.min_gap_ms if before is not None else 0)
        end = min(sound.end_ms, cues[k].start_ms - options.min_gap_ms if k < len(cues) else sound.end_ms)
        if sound.kind == MUSIC_UNDER_SPEECH:  # only its opening: the label says the music begins
            end = min(end, start + options.max_duration_ms)
        if end - start >= options.min_duration_ms:
            extra += _pieces(Cue(start, end, (text,), None, -1, -1), options)
        elif sound.kind == MUSIC_UNDER_SPEECH and k < len(cues) and cues[k].start_ms < sound.end_ms:
            earliest = max(sound.start_ms, before + options.min_gap_ms if before is not None else 0)
            cues[k] = labelled(cues[k], text, options, earliest)
    if not extra:
        return cues
    return sorted([*cues, *_apart(extra, options)], key=lambda c: c.start_ms)


def _pieces(cue: Cue, options: CaptionOptions) -> list[Cue]:
    """A long sound cue as equal cues of at most ``max_duration_ms``, chained: players, checkers and
    viewers all expect a cue to change within the longest time a cue stays up."""
    n = -(-(cue.end_ms - cue.start_ms) // options.max_duration_ms)
    if n <= 1:
        return [cue]
    edges = [cue.start_ms + (cue.end_ms - cue.start_ms) * i // n for i in range(n + 1)]
    return [replace(cue, start_ms=a, end_ms=b) for a, b in zip(edges, edges[1:])]


def _needs(cue: Cue, options: CaptionOptions) -> int:
    """How long a word cue must stay up: the minimum duration, and its text at the target reading speed."""
    return max(options.min_duration_ms, math.ceil(cue.chars * 1000 / options.target_cps))


def _ending_by(cue: Cue, end: int, doc: Transcript, options: CaptionOptions) -> Cue:
    """``cue`` ending by ``end`` if it can: not before its last word ends, nor sooner than it needs."""
    if cue.first_word < 0 or cue.end_ms <= end:
        return cue
    earliest = max(doc.words[cue.last_word].end_ms, cue.start_ms + _needs(cue, options))
    return replace(cue, end_ms=max(end, earliest)) if earliest < cue.end_ms else cue


def _starting_at(cue: Cue, start: int, doc: Transcript, options: CaptionOptions) -> Cue:
    """``cue`` starting at ``start`` if it can: not after its first word starts, nor later than it needs."""
    if cue.first_word < 0 or cue.start_ms >= start:
        return cue
    latest = min(doc.words[cue.first_word].start_ms, cue.end_ms - _needs(cue, options))
    return replace(cue, start_ms=min(start, latest)) if latest > cue.start_ms else cue


def labelled(cue: Cue, text: str, options: CaptionOptions, earliest: int | None = None) -> Cue:
    """``cue`` with ``text`` before its words, laid out again on its lines at the best breaks (a
    SubRip speaker label's room kept); unchanged when the words and the label do not fit.

    The label is more to read: the cue starts earlier for it, as far back as ``earliest`` (the
    sound's start, after the cue before), to keep the target reading speed where it can; a label
    that would still push the cue past the highest reading speed is left out."""
    if cue.second_speaker is not None:
        return cue  # a quick exchange keeps one speaker a line
    words = [text, *" ".join(cue.lines).split()]
    reserve = len(cue.label) + 1 if cue.label else 0
    costs = linebreak.break_costs(words, pos_tags if options.pos_tags else None)
    lines = linebreak.split_lines(words, costs, options.max_chars_per_line,
                                  options.max_lines, reserve)
    widths = [len(lines[0]) + reserve, *(len(line) for line in lines[1:])]
    if len(lines) > options.max_lines or max(widths) > options.max_chars_per_line:
        return cue
    out = replace(cue, lines=lines)
    if earliest is not None and earliest < cue.start_ms:
        wanted = out.end_ms - math.ceil(out.chars * 1000 / options.target_cps)
        out = replace(out, start_ms=max(earliest, min(cue.start_ms, wanted)))
    return out if out.cps <= options.max_cps or out.cps <= cue.cps else cue


def _apart(cues: list[Cue], options: CaptionOptions) -> list[Cue]:
    """Sound cues that overlap each other (a bed's label and the music after it): the later one
    starts where the earlier ends, and is dropped when too little of it is left."""
    out: list[Cue] = []
    for cue in sorted(cues, key=lambda c: c.start_ms):
        if out and cue.start_ms < out[-1].end_ms:
            cue = replace(cue, start_ms=out[-1].end_ms)
        if cue.end_ms - cue.start_ms >= options.min_duration_ms:
            out.append(cue)
    return out
