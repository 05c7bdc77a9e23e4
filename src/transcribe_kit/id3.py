"""Chapters inside an MP3: ID3 ``CHAP`` frames and a ``CTOC`` table of contents (mutagen).

The input file is only read; the tagged copy is returned as bytes for the
pipeline to write atomically beside the other outputs.
"""
from __future__ import annotations

import io
from pathlib import Path

from mutagen.id3 import CHAP, CTOC, ID3, TIT2, CTOCFlags, ID3NoHeaderError

from .audio import AudioError
from .document import Transcript
from .writers.chapters import chapter_list

NO_OFFSET = 0xFFFFFFFF  # "use the times, not byte offsets" (ID3v2 chapter addendum)


def tagged_copy(source: str | Path, doc: Transcript) -> bytes:
    """The bytes of ``source`` (an MP3) with its chapters as ID3 CHAP/CTOC frames."""

    source = Path(source)
    if source.suffix.lower() != ".mp3":
        raise AudioError(f"{source.name}: --tag-audio writes ID3 chapters, which only MP3 files carry")
    buffer = io.BytesIO(source.read_bytes())
    try:
        tags = ID3(buffer)
    except ID3NoHeaderError:
        tags = ID3()
    tags.delall("CHAP")
    tags.delall("CTOC")
    entries = chapter_list(doc)
    ids = [f"chp{n}" for n in range(1, len(entries) + 1)]
    for element, entry in zip(ids, entries):
        tags.add(CHAP(element_id=element, start_time=entry.start_ms, end_time=entry.end_ms,
                      start_offset=NO_OFFSET, end_offset=NO_OFFSET,
                      sub_frames=[TIT2(encoding=3, text=[entry.title])]))
    tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                  sub_frames=[TIT2(encoding=3, text=[doc.meta.title or doc.episode])]))
    buffer.seek(0)
    tags.save(buffer, v2_version=3)
    return buffer.getvalue()
