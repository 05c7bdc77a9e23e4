"""WebVTT and SubRip captions, from integer milliseconds via ``timecode``."""
from __future__ import annotations

from ..captions import build_cues
from ..document import Transcript
from ..timecode import srt as srt_time
from ..timecode import vtt as vtt_time
from . import WriterOptions, register


def escape_vtt(text: str) -> str:
    """Escape cue text for WebVTT: ``&``, ``<``, ``>`` (which also kills any ``-->``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _vtt_voice(name: str) -> str:
    # a voice annotation ends at '>' and may not contain '-->'
    return escape_vtt(name).replace("-->", "--")


@register("vtt", "captions.vtt", "WebVTT captions with <v Name> voice spans")
def render_vtt(doc: Transcript, options: WriterOptions) -> str:
    out = ["WEBVTT", ""]
    for cue in build_cues(doc):
        speaker = doc.speaker(cue.speaker)
        voice = f"<v {_vtt_voice(speaker.full)}>" if speaker and len(doc.speakers) > 1 else ""
        out.append(f"{vtt_time(cue.start_ms)} --> {vtt_time(cue.end_ms)}")
        out.append(voice + "\n".join(escape_vtt(line) for line in cue.lines))
        out.append("")
    return "\n".join(out)


@register("srt", "captions.srt", "SubRip captions, NAME: at each change of speaker")
def render_srt(doc: Transcript, options: WriterOptions) -> str:
    out = []
    previous = None
    for n, cue in enumerate(build_cues(doc), 1):
        lines = list(cue.lines)
        speaker = doc.speaker(cue.speaker)
        if speaker and len(doc.speakers) > 1 and cue.speaker != previous:
            lines[0] = f"{speaker.display.upper()}: {lines[0]}"
        previous = cue.speaker
        out += [str(n), f"{srt_time(cue.start_ms)} --> {srt_time(cue.end_ms)}", *lines, ""]
    return "\n".join(out)
