"""Chapter lists: a WebVTT chapters track, Podcasting 2.0 JSON chapters, YouTube text.

All three come from :func:`chapter_list`: the Transcript's chapters, the
first moved to 0:00 (every format wants the list to start at the beginning),
an untitled opening called "Introduction", each ending where the next
starts.  A Transcript without chapters still gives valid files: one chapter
from 0:00 to the end, titled with the episode title.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from ..document import Transcript
from ..timecode import clock
from ..timecode import vtt as vtt_time
from . import WriterOptions, register
from .captions import escape_vtt, one_line

UNTITLED_OPENING = "Introduction"
YOUTUBE_MIN_CHAPTER_MS = 10_000  # YouTube ignores chapter lists with a chapter under 10 s


@dataclass(frozen=True)
class Entry:
    start_ms: int
    end_ms: int
    title: str


def chapter_list(doc: Transcript) -> list[Entry]:
    end = max([doc.duration_ms, *(w.end_ms for w in doc.words)])
    starts: dict[int, str] = {}
    for n, chapter in enumerate(sorted(doc.chapters, key=lambda c: c.start_ms)):
        start = 0 if n == 0 else chapter.start_ms
        title = one_line(chapter.heading or "") or (UNTITLED_OPENING if n == 0 else f"Chapter {n + 1}")
        starts[start] = title  # two chapters at one time: the later one wins
    if not starts:
        starts[0] = one_line(doc.meta.title or doc.episode) or UNTITLED_OPENING
    times = sorted(t for t in starts if t < end or t == 0)
    edges = times + [max(end, times[-1] + 1)]
    return [Entry(a, b, starts[a]) for a, b in zip(edges, edges[1:])]


def youtube_list(entries: list[Entry], min_ms: int = YOUTUBE_MIN_CHAPTER_MS) -> list[Entry]:
    """Chapters of at least ``min_ms``: a shorter one is folded into the one before it."""
    out: list[Entry] = []
    for entry in entries:
        if out and entry.end_ms - entry.start_ms < min_ms:
            out[-1] = Entry(out[-1].start_ms, entry.end_ms, out[-1].title)
        elif out and out[-1].end_ms - out[-1].start_ms < min_ms:  # a short opening
            out[-1] = Entry(out[-1].start_ms, entry.end_ms, entry.title)
        else:
            out.append(entry)
    return out


def seconds(ms: int) -> float:
    return round(ms / 1000, 3)


@register("chapters-vtt", "chapters.vtt", "WebVTT chapters track (<track kind=\"chapters\">)")
def render_vtt(doc: Transcript, options: WriterOptions) -> str:
    out = ["WEBVTT", ""]
    for n, entry in enumerate(chapter_list(doc), 1):
        out += [f"chapter-{n}", f"{vtt_time(entry.start_ms)} --> {vtt_time(entry.end_ms)}",
                escape_vtt(entry.title), ""]
    return "\n".join(out)


@register("chapters-json", "chapters.json", "Podcasting 2.0 JSON chapters (version 1.2.0)")
def render_json(doc: Transcript, options: WriterOptions) -> str:
    data: dict = {"version": "1.2.0"}
    if doc.meta.title:
        data["title"] = one_line(doc.meta.title)
    data["chapters"] = [{"startTime": seconds(e.start_ms), "endTime": seconds(e.end_ms), "title": e.title}
                        for e in chapter_list(doc)]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@register("chapters-txt", "chapters.txt", "YouTube description chapters (first at 00:00, each >= 10 s)")
def render_txt(doc: Transcript, options: WriterOptions) -> str:
    return "".join(f"{clock(e.start_ms)} {e.title}\n" for e in youtube_list(chapter_list(doc)))
