"""WebVTT and SubRip captions, from integer milliseconds via ``timecode``.

Both show the same cues (``captions.build_cues``).  WebVTT names each cue's
speaker with a voice span ``<v Full Name>`` and escapes ``&``, ``<`` and
``>`` (so no ``-->`` can appear in text).  SubRip has no escapes and players
read ``<i>``-style tags in it, so ``<`` and ``>`` become ``‹`` and ``›``; the
first cue after a change of speaker starts ``NAME:``.  A quick exchange (a cue
of two speakers, ``Cue.two_speakers``) has one line for each, opened by a
hyphen: in WebVTT each line is its own closed voice span, in SubRip it has no
label.
"""
from __future__ import annotations

import functools

from ..captions import CaptionOptions, Cue, build_cues
from ..captions.model import EXCHANGE_DASH
from ..captions.sounds import with_sounds
from ..document import Transcript
from ..timecode import srt as srt_time
from ..timecode import vtt as vtt_time
from . import WriterOptions, register


def cues_for(doc: Transcript, options: CaptionOptions = CaptionOptions()) -> list[Cue]:
    """:func:`build_cues`, remembered by content (the vtt, srt and podcast writers lay out the same cues)."""
    return list(_cues(doc.words, doc.speakers, doc.segments, doc.sounds, doc.duration_ms, options))


@functools.lru_cache(maxsize=2)
def _cues(words, speakers, segments, sounds, duration_ms: int, options: CaptionOptions) -> tuple[Cue, ...]:
    """The cues of a document with these words, speakers, speech and sounds (all the layout reads of it)."""
    doc = Transcript(episode="", duration_ms=duration_ms, words=words, speakers=speakers, segments=segments,
                     sounds=sounds)
    return tuple(with_sounds(doc, build_cues(doc, options), options))


def escape_vtt(text: str) -> str:
    """Escape cue text for WebVTT: ``&``, ``<``, ``>`` (which also kills any ``-->``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def one_line(text: str) -> str:
    return " ".join(text.split())


def plain_srt(text: str) -> str:
    """SubRip text that no player can read as a tag or a timing line."""
    return one_line(text).replace("<", "‹").replace(">", "›")


def voice_name(doc: Transcript, cue: Cue, speaker_id: str | None = None) -> str | None:
    """The full name for a ``<v>`` span (of ``speaker_id``, else the cue's speaker): when there are
    several speakers or the one is named."""
    speaker = doc.speaker(speaker_id or cue.speaker)
    if speaker is None or (len(doc.speakers) < 2 and not speaker.name):
        return None
    return escape_vtt(one_line(speaker.full))


def _exchange_vtt(doc: Transcript, cue: Cue) -> list[str]:
    """A two-speaker cue's lines: each its own voice span, opened by a hyphen."""
    lines = []
    for speaker, line in zip((cue.speaker, cue.second_speaker), cue.lines):
        name, text = voice_name(doc, cue, speaker), EXCHANGE_DASH + escape_vtt(line)
        lines.append(f"<v {name}>{text}</v>" if name else text)
    return lines


@register("vtt", "captions.vtt", "WebVTT captions with <v Name> voice spans")
def render_vtt(doc: Transcript, options: WriterOptions) -> str:
    out = ["WEBVTT", ""]
    for cue in cues_for(doc, options.captions):
        name = voice_name(doc, cue)
        lines = [escape_vtt(line) for line in cue.lines if line.strip()]
        if not lines:
            continue  # only empty words: nothing to show
        if cue.two_speakers:
            lines = _exchange_vtt(doc, cue)
        elif name:
            lines[0] = f"<v {name}>{lines[0]}"
        out += [f"{vtt_time(cue.start_ms)} --> {vtt_time(cue.end_ms)}", *lines, ""]
    return "\n".join(out)


@register("srt", "captions.srt", "SubRip captions, NAME: at each change of speaker")
def render_srt(doc: Transcript, options: WriterOptions) -> str:
    out = []
    shown = [c for c in cues_for(doc, options.captions) if c.text.strip()]
    for n, cue in enumerate(shown, 1):
        lines = [plain_srt(line) for line in cue.lines if line.strip()]
        if cue.two_speakers:  # the house style: a hyphen for each speaker, no label
            lines = [EXCHANGE_DASH + plain_srt(line) for line in cue.lines]
        elif cue.label:
            lines[0] = f"{plain_srt(cue.label)} {lines[0]}"
        out += [str(n), f"{srt_time(cue.start_ms)} --> {srt_time(cue.end_ms)}", *lines, ""]
    return "\n".join(out)
