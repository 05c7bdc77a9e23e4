"""The txt layout reproduces the published page from the corpus's reference turns and chapters.

Reads ../shared at test time; skipped with a reason when the corpus is absent.
Differences allowed are only the whitespace documented in ``writers/text.py``.
"""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from transcribe_kit.writers import WriterOptions, get

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_reference", ROOT / "bench" / "reference.py")
reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(reference)

EPISODE = "podcast_004_full"
PAGE = reference.SHARED / "reference" / "podcast_published.txt"
pytestmark = pytest.mark.skipif(not (reference.episode_dir(EPISODE).is_dir() and PAGE.is_file()),
                                reason=f"the shared corpus is not at {reference.SHARED} (set TRANSCRIBE_KIT_SHARED)")


def documented_whitespace(text: str) -> str:
    """Undo only what writers/text.py documents: no-break spaces (line ends and inside
    paragraphs), the page's stray empty paragraph (a third newline), the final newline."""
    lines = [line.rstrip(" \xa0").replace("\xa0", " ") for line in text.split("\n")]
    body = "\n".join(lines).rstrip("\n")
    head, sep, rest = body.partition("\n\n\n")  # the double blank before the series line is kept
    return head + sep + re.sub(r"\n{3,}", "\n\n", rest)


@pytest.fixture(scope="module")
def page_text() -> str:
    return get("txt").render(reference.reference_transcript(EPISODE), WriterOptions())


def test_txt_equals_the_published_page_apart_from_documented_whitespace(page_text):
    published = PAGE.read_text(encoding="utf-8")
    assert documented_whitespace(page_text) == documented_whitespace(published)


def test_only_documented_whitespace_differs(page_text):
    published = PAGE.read_text(encoding="utf-8")
    ours = page_text.rstrip("\n").split("\n")
    theirs = [line.rstrip(" \xa0").replace("\xa0", " ") for line in published.split("\n")]
    extra_blank = [i for i, line in enumerate(theirs) if line == "" and i and theirs[i - 1] == ""]
    assert len(extra_blank) == 2  # before the series line (reproduced) and before the last turn (not)
    del theirs[extra_blank[1]]
    assert ours == theirs


def test_the_series_line_follows_a_double_blank_line(page_text):
    assert "\n\n\nThis is a Research in Practice podcast" in page_text


def test_headings_are_bracketed_lines_and_the_opening_has_none(page_text):
    blocks = page_text.split("\n\n")
    headings = [b for b in blocks if b.startswith("[") and b.endswith("]")]
    assert len(headings) == 6
    first_heading = blocks.index(headings[0])
    assert any(b.startswith("Dez: Hello") for b in blocks[:first_heading])
