"""Cues for what is heard but not said in words: ``[music]``, and speech that could not be made out.

Caption rules (``shared/reference/caption-rules.md``, Accessibility): sound that matters and is
not speech is described in square brackets, ``[music]``.  Speech that a detector heard and that
recognition could not put into words is shown by the house rule for speech that cannot be made
out, ``[inaudible]`` (a setting), so a viewer knows someone speaks there.  A sound cue never
covers a word's cue: it keeps to the time between them (``min_gap_ms`` from each), and what is
left shorter than the minimum duration is not shown.  Such a cue may stay up longer than the
longest word cue (``max_duration_ms`` is a reading limit, and there is nothing to read again).
"""
from __future__ import annotations

from bisect import bisect_left

from ..document import Sound, Transcript
from .model import CaptionOptions, Cue
from .rules import is_sound_label  # noqa: F401  (re-exported)

MUSIC, UNRECOGNISED, MUSIC_UNDER_SPEECH = "music", "unrecognised", "music-under-speech"


def label(sound: Sound, options: CaptionOptions) -> str | None:
    if sound.kind == MUSIC or (sound.kind == MUSIC_UNDER_SPEECH and options.music_under_speech):
        return options.music_label
    if sound.kind == UNRECOGNISED:
        return options.unrecognised_label
    return None  # "recovered" and other kinds are for the editor, not the viewer


def with_sounds(doc: Transcript, cues: list[Cue], options: CaptionOptions) -> list[Cue]:
    """``cues`` (the words') with a cue for each sound that has a label, each in the time between them."""
    extra = []
    starts = [c.start_ms for c in cues]
    for sound in doc.sounds:
        text = label(sound, options)
        if not text:
            continue
        k = bisect_left(starts, sound.start_ms)
        before = max((c.end_ms for c in cues[:k]), default=None)
        start = max(sound.start_ms, before + options.min_gap_ms if before is not None else 0)
        end = min(sound.end_ms, cues[k].start_ms - options.min_gap_ms if k < len(cues) else sound.end_ms)
        if sound.kind == MUSIC_UNDER_SPEECH:  # only its opening: the label says the music begins
            end = min(end, start + options.max_duration_ms)
        if end - start >= options.min_duration_ms:
            extra.append(Cue(start, end, (text,), None, -1, -1))
    if not extra:
        return cues
    merged = sorted([*cues, *_apart(extra, options)], key=lambda c: c.start_ms)
    return merged


def _apart(cues: list[Cue], options: CaptionOptions) -> list[Cue]:
    """Sound cues that overlap each other (a bed and the music after it) joined into one."""
    out: list[Cue] = []
    for cue in sorted(cues, key=lambda c: c.start_ms):
        if out and cue.start_ms < out[-1].end_ms + options.min_gap_ms and cue.lines == out[-1].lines:
            last = out[-1]
            out[-1] = Cue(last.start_ms, max(last.end_ms, cue.end_ms), last.lines, None, -1, -1)
        elif not out or cue.start_ms >= out[-1].end_ms + options.min_gap_ms:
            out.append(cue)
    return out
