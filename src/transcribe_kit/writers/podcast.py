"""Podcasting 2.0 JSON transcript (``<podcast:transcript type="application/json">``), version 1.0.0.

One segment per caption cue (two for a cue of two speakers, cut where the second
begins): ``speaker`` (the short name the page uses),
``startTime`` and ``endTime`` in seconds, ``body`` the words.
"""
from __future__ import annotations

import json

from ..captions import Cue
from ..document import Transcript
from . import WriterOptions, register
from .captions import cues_for, one_line
from .chapters import seconds


@register("podcast-json", "transcript.podcast.json", "Podcasting 2.0 JSON transcript (version 1.0.0)")
def render(doc: Transcript, options: WriterOptions) -> str:
    segments = []
    for cue in cues_for(doc, options.captions):
        if not cue.text.strip():
            continue
        for speaker_id, start, end, body in _parts(doc, cue):
            segment: dict = {}
            speaker = doc.speaker(speaker_id)
            if speaker is not None:
                segment["speaker"] = one_line(speaker.display)
            segment.update(startTime=seconds(start), endTime=seconds(end), body=body)
            segments.append(segment)
    return json.dumps({"version": "1.0.0", "segments": segments}, ensure_ascii=False, indent=1) + "\n"


def _parts(doc: Transcript, cue: Cue) -> list[tuple[str | None, int, int, str]]:
    """(speaker, start, end, text) of each speaker's part of a cue: a two-speaker cue's time is cut
    where the second speaker's first word starts."""
    if not cue.two_speakers:
        return [(cue.speaker, cue.start_ms, cue.end_ms, cue.text)]
    cut = min(max(doc.words[cue.second_word].start_ms, cue.start_ms + 1), cue.end_ms - 1)
    return [(cue.speaker, cue.start_ms, cut, cue.lines[0]), (cue.second_speaker, cut, cue.end_ms, cue.lines[1])]
