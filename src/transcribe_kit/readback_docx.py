"""Blocks of an edited .docx: one per non-empty paragraph, headings as ``[Heading]``.

Word has no lines, so the number an error names is the paragraph's position
in the document (1-based), which Word shows when you search for the text.
"""
from __future__ import annotations

from pathlib import Path

from .readback import Block, EditError


def docx_blocks(path: Path) -> list[Block]:
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError:
        raise EditError("reading .docx needs python-docx: pip install python-docx") from None
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise EditError(f"{path}: not a readable .docx ({exc})") from None
    blocks = []
    for number, paragraph in enumerate(document.paragraphs, 1):
        text = " ".join(paragraph.text.split())
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if style.startswith("Heading") and style not in ("Heading 1",) and not text.startswith("["):
            text = f"[{text}]"
        blocks.append(Block(number, text))
    return blocks
