"""How common an English word is: the test that keeps ordinary words from being taken for names.

The counts are pyspellchecker's English word-frequency list (inside its wheel,
read offline).  ``correct`` asks it before it changes a sentence's first word,
``terms`` before it takes a capitalised word of the metadata for a term,
``namesense`` and ``style`` before they capitalise an ordinary word as a name.
"""
from __future__ import annotations

import functools

from spellchecker import SpellChecker


@functools.lru_cache(maxsize=1)
def _frequencies():
    return SpellChecker(language="en").word_frequency  # the list is read once, on first use


def is_common(word: str, at: int) -> bool:
    """Is ``word`` counted at least ``at`` times in the English frequency list?"""
    return _frequencies()[word.casefold()] >= at
