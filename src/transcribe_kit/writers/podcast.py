"""Podcasting 2.0 JSON transcript (``<podcast:transcript type="application/json">``), version 1.0.0.

One segment per caption cue: ``speaker`` (the short name the page uses),
``startTime`` and ``endTime`` in seconds, ``body`` the words.
"""
from __future__ import annotations

import json

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
        segment: dict = {}
        speaker = doc.speaker(cue.speaker)
        if speaker is not None:
            segment["speaker"] = one_line(speaker.display)
        segment.update(startTime=seconds(cue.start_ms), endTime=seconds(cue.end_ms), body=cue.text)
        segments.append(segment)
    return json.dumps({"version": "1.0.0", "segments": segments}, ensure_ascii=False, indent=1) + "\n"
