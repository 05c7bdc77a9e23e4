from __future__ import annotations

from ..document import Transcript
from . import WriterOptions, register


@register("json", "transcript.json", "the Transcript document (editable, versioned)")
def render(doc: Transcript, options: WriterOptions) -> str:
    return doc.to_json()
