from __future__ import annotations

from dataclasses import replace

from ..document import Transcript
from . import WriterOptions, register


@register("json", "transcript.json", "the Transcript document (editable, versioned)")
def render(doc: Transcript, options: WriterOptions) -> str:
    return replace(doc, review=()).to_json()  # the review is derived data: review.json, not the document
