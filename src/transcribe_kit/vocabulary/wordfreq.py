"""How common an English word is: the test that keeps ordinary words from being taken for names.

The counts are pyspellchecker's English word-frequency list (inside its wheel,
read offline).  ``correct`` asks it before it changes a sentence's first word,
``terms`` before it takes a capitalised word of the metadata for a term,
``namesense`` and ``style`` before they capitalise an ordinary word as a name.
"""
from __future__ import annotations

import functools


@functools.lru_cache(maxsize=1)
def _frequencies():
    try:
        from spellchecker import SpellChecker
    except ImportError:  # without the list, sentence-initial single words are never changed
        return None
    return SpellChecker(language="en").word_frequency


def is_common(word: str, at: int) -> bool:
    freq = _frequencies()
    return freq is None or freq[word.casefold()] >= at
