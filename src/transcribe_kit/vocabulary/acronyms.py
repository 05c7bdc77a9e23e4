"""Acronyms the speaker defines: the initials they were built from win over a misheard letter.

Speakers introduce their acronyms: "domestic violence and abuse, which I'll refer to
as DVA", "the Youth Justice Board, or YJB", "known as CAMHS".  The recogniser may hear
one letter wrong ("DBA") and then repeat its mistake for the rest of the recording.
Where a cue like those ties an acronym to the words just before it, and the heard
letters differ from those words' initials by exactly one letter (small words such as
"and", "of" and "the" may be skipped, as acronyms skip them), the initials are the
acronym: at the definition and at every place in the episode where the same misheard
letters occur.  Each change is a Correction with rule ``"acronym"``, undoable like
the others.  An acronym the episode's vocabulary already holds is left to ``correct``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations

from ..document import Transcript
from .correct import Token, tokens
from .corrections import Edit, apply_edits
from .terms import Vocabulary, is_acronym

RULE = "acronym"
# what may stand between the defined words and their acronym (lower case, apostrophes straight)
CUES = ("which i'll refer to as", "which we'll refer to as", "which i will refer to as", "which we will refer to as",
        "which i'll call", "which we'll call", "which i'm going to call", "which we're going to call",
        "i'll refer to it as", "we'll refer to it as", "i'll call it", "we'll call it", "we call", "known as",
        "otherwise known as", "also known as", "or", "that's", "abbreviated to", "shortened to", "called")
SKIPPABLE = frozenset("and of the for in on to a an with &".split())
MAX_CUE_WORDS = max(len(c.split()) for c in CUES)


@dataclass(frozen=True)
class Definition:
    heard: str  # the acronym as recognised
    initials: str  # the initials of the words before it
    word: int  # token index of the acronym at the definition


def definitions(toks: list[Token]) -> list[Definition]:
    """Every acronym a cue ties to the words before it, with those words' initials."""
    out = []
    for i, t in enumerate(toks):
        heard = _letters(t.core)
        if not heard or not is_acronym(t.core):
            continue
        cue = _cue_before(toks, i)
        if cue is None:
            continue
        initials = _initials(toks, i - cue, heard)
        if initials:
            out.append(Definition(heard, initials, i))
    return out


def fix_defined_acronyms(doc: Transcript, vocab: Vocabulary = Vocabulary()) -> Transcript:
    """``doc`` with each defined acronym heard one letter off replaced by its initials, everywhere."""
    if not doc.words:
        return doc
    toks = tokens(doc.words)
    known = {_letters(t.text) for t in vocab.terms if is_acronym(t.text)}
    fixes: dict[str, str] = {}
    for d in definitions(toks):
        if d.heard != d.initials and _one_letter_off(d.heard, d.initials) and d.heard not in known:
            fixes.setdefault(d.heard, d.initials)
    # a defined acronym that was heard right is not "fixed" into another one
    fixes = {heard: right for heard, right in fixes.items() if right not in fixes}
    edits = []
    for i, t in enumerate(toks):
        right = fixes.get(_letters(t.core))
        if right and is_acronym(t.core):
            plural = "s" if t.core.endswith("s") and not _letters(t.core).endswith("S") else ""
            edits.append(Edit(i, i + 1, (t.prefix + right + plural + t.suffix,), RULE, right))
    return apply_edits(doc, edits)


def _letters(core: str) -> str:
    """"D.V.A." and "DVAs" -> "DVA"; "" for anything that is not an acronym."""
    if not is_acronym(core):
        return ""
    bare = core.replace(".", "")
    return bare[:-1] if bare.endswith("s") else bare


def _cue_before(toks: list[Token], i: int) -> int | None:
    """How many words a cue takes right before word ``i`` (None when there is none)."""
    for n in range(MAX_CUE_WORDS, 0, -1):
        if i - n < 1:
            continue
        said = " ".join(t.core.casefold().replace("’", "'") for t in toks[i - n:i])
        if said in CUES and not any(t.suffix.strip(",") for t in toks[i - n:i - 1]):
            return n
    return None


def _initials(toks: list[Token], end: int, heard: str) -> str | None:
    """The initials of the words ending before ``end`` that an acronym like ``heard`` spells: of
    every run of words (small ones optionally skipped) giving as many initials as ``heard`` has
    letters, the one closest to the heard letters; the shorter run on a tie."""
    size, best = len(heard), None
    for length in range(size, size + 4):
        start = end - length
        if start < 0:
            break
        run = toks[start:end]
        if any(re.search(r"[.!?]", t.suffix) for t in run[:-1]) or run[0].core.casefold() in SKIPPABLE:
            continue
        words = [t.core for t in run]
        small = [k for k, w in enumerate(words) if w.casefold() in SKIPPABLE]
        for skip in (c for n in range(len(small) + 1) for c in combinations(small, n)):
            kept = [w for k, w in enumerate(words) if k not in skip]
            if len(kept) == size and all(w[:1].isalpha() for w in kept):
                initials = "".join(w[0].upper() for w in kept)
                distance = sum(x != y for x, y in zip(initials, heard))
                if best is None or distance < best[0]:
                    best = (distance, initials)
    return best[1] if best else None


def _one_letter_off(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1
