"""RTTM (NIST Rich Transcription Time Marked): who speaks when, one SPEAKER line per segment.

The speaker field is the person's name when known (spaces become
underscores, as RTTM fields are space-separated), else the voice's label.
Segments come from diarisation, overlapping speech kept as overlapping
segments and non-speech left out; a voice heard but given no words is a
speaker of its own ("Speaker 5").  A transcript without segments falls back
to runs of words by one speaker.
"""
from __future__ import annotations

from ..document import Transcript
from . import WriterOptions, register


def _field(text: str) -> str:
    return "_".join(text.split()) or "unknown"


def segments(doc: Transcript) -> list[tuple[int, int, str | None]]:
    if doc.segments:
        return [(s.start_ms, s.end_ms, s.speaker) for s in doc.segments]
    runs: list[list] = []
    for w in doc.words:
        if runs and runs[-1][2] == w.speaker:
            runs[-1][1] = max(runs[-1][1], w.end_ms)
        else:
            runs.append([w.start_ms, w.end_ms, w.speaker])
    return [tuple(r) for r in runs]


@register("rttm", "speakers.rttm", "RTTM speaker segments (who speaks when), names when known")
def render(doc: Transcript, options: WriterOptions) -> str:
    uri = _field(doc.episode)
    lines = []
    for start, end, sid in segments(doc):
        speaker = doc.speaker(sid)
        name = _field(speaker.full if speaker else "unknown")
        lines.append(f"SPEAKER {uri} 1 {start / 1000:.3f} {(end - start) / 1000:.3f} <NA> <NA> {name} <NA> <NA>")
    return "\n".join(lines) + ("\n" if lines else "")
