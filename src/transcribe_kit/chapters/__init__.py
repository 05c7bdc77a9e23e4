"""The chapters stage: where the talk moves on, and a heading for each chapter.

Without an outline, ``topics`` finds the topic chapters from the words
(``signals``: lexical cohesion and sentence embeddings; ``hostled``: the
host's turns that point ahead), over sentence ``units``.  With an event's
outline, ``outline`` aligns the slide titles to what was said instead.
``headings`` then gives every untitled chapter a heading.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..document import Transcript
from ..stagecache import Context, Hook, _quiet
from . import signals
from .headings import HeadingOptions, add_headings
from .outline import OutlineOptions, outline_chapters
from .topics import open_paragraphs, segment
from .units import OPENING, ChapterOptions, Unit, units

__all__ = ["OPENING", "ChapterOptions", "ChapterPlan", "Unit", "add_chapters", "chapters_stage", "open_paragraphs",
           "segment", "units"]


@dataclass(frozen=True)
class ChapterPlan:
    """What the chapters stage is told: topic settings, or the outline's titles."""

    chapters: ChapterOptions | None = field(default_factory=ChapterOptions)  # None: no chapters
    outline: tuple[str, ...] = ()  # an event's slide titles: the chapters follow them instead
    headings: HeadingOptions = field(default_factory=HeadingOptions)
    alignment: OutlineOptions = field(default_factory=OutlineOptions)


def chapters_stage(doc: Transcript, plan: ChapterPlan, ctx: Context) -> Transcript:
    try:
        return add_chapters(doc, plan, ctx.hook)
    finally:
        signals.release()  # the sentence encoder is not needed by the writers


def add_chapters(doc: Transcript, plan: ChapterPlan, hook: Hook = _quiet) -> Transcript:
    """Chapters from the outline when one is given, otherwise from the topics; then headings."""
    if not doc.words or (plan.chapters is None and not plan.outline):
        return doc
    hook("chapters", 0, 1)
    if plan.outline:
        doc = outline_chapters(doc, list(plan.outline), plan.alignment)
    else:
        doc = segment(doc, plan.chapters)
    doc = add_headings(doc, plan.headings)
    hook("chapters", 1, 1)
    return doc
