"""Round trip through every layout writer on the registry: export -> edit -> apply.

Formats whose writer is not registered yet are skipped, so .md and .docx are
covered as soon as their writers exist.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from edit_helpers import make_episode, sample_transcript

from transcribe_kit.editing.apply import EditOptions
from transcribe_kit.editing import Episode
from transcribe_kit.asr.alignment import ForcedAlignOptions
from transcribe_kit.writers import WriterOptions, writers

FORMATS = {"txt": ".txt", "md": ".md", "docx": ".docx"}
EDITS = {
    "word": (("Cotswolds", "Chilterns"), lambda doc: "Chilterns" in [w.text for w in doc.words]),
    "rename": (("Bob:", "Robert:"), lambda doc: doc.speaker("S2").label == "Robert"),
    "heading": (("The Thames", "Old Father Thames"),
                lambda doc: [c.heading for c in doc.chapters] == ["Welcome", "Old Father Thames"]),
}


def replace_in(data: str | bytes, old: str, new: str) -> str | bytes:
    if isinstance(data, str):
        return data.replace(old, new)
    import docx

    document = docx.Document(io.BytesIO(data))
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            run.text = run.text.replace(old, new)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize("kind", sorted(EDITS))
@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("marks", [False, True])
def test_export_edit_apply(tmp_path: Path, fmt, kind, marks):
    available = writers()
    if fmt not in available:
        pytest.skip(f"no {fmt} writer on this branch yet")
    folder = make_episode(tmp_path / "rivers")
    doc = Episode(folder).load()
    exported = available[fmt].render(doc, WriterOptions(timestamps=marks))
    (old, new), check = EDITS[kind]
    edited = tmp_path / f"edited{FORMATS[fmt]}"
    changed = replace_in(exported, old, new)
    edited.write_bytes(changed if isinstance(changed, bytes) else changed.encode())
    result = Episode(folder).apply_edits(edited, EditOptions(ForcedAlignOptions(use_audio=False)))
    after = Episode(folder).load()
    assert check(after)
    assert len(result.changes) == 1
    untouched = {(w.text, w.start_ms, w.end_ms) for w in sample_transcript().words}
    assert all((w.text, w.start_ms, w.end_ms) in untouched for w in after.words if w.text != "Chilterns")
