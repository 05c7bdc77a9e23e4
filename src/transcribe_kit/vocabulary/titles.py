"""Titles of shows said in the episode stay one name, even when the metadata does not give them.

A presenter names the show after a cue ("thanks for joining us on Houston We Have a
Podcast today"), and a recogniser that does not know the title writes its words as a
clause: "joining us on Houston, we have a podcast today", or with a full stop inside.
Where a title is in the episode's vocabulary, ``correct`` puts it back; this pass finds
the ones nobody listed.

A run of words is taken for a show's title when all of these hold:

- it follows one of ``TitleOptions.cues`` ("joining us on", "welcome to", "listening to", ...);
- its first word is capitalised and its last word names a kind of show ("podcast",
  "show", "programme", ...), at most ``max_words`` words in all;
- it was said without a pause (every gap between its words under ``max_gap_ms``): a title
  is said in one breath, a clause and a new sentence usually are not;
- the recogniser cut it: punctuation inside it, or a lower-case word that titles do not
  keep in lower case ("we", "have").  "the Research in Practice podcast" is left alone,
  and so is a show described after a comma ("Tales from the stacks, the show").

The words are then set in title case (small words such as "a", "of" and "the" in lower
case after the first) with the punctuation inside removed; each is a Correction with rule
``"title"``, undoable like the others, timings kept.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import Transcript
from .correct import Token, tokens
from .corrections import Edit, apply_edits

RULE = "title"
SMALL = frozenset("a an the and but or nor of on in to for at by from with as vs".split())
DETERMINERS = frozenset("a an the this our my your their his her".split())


@dataclass(frozen=True)
class TitleOptions:
    # what introduces a show by name (lower case, apostrophes straight)
    cues: tuple[str, ...] = ("joining us on", "join us on", "joining me on", "welcome to", "welcome back to",
                             "listening to", "episode of", "subscribe to", "tune in to", "tuning in to")
    # the last word of a show's title
    kinds: tuple[str, ...] = ("podcast", "show", "programme", "program", "series", "broadcast")
    max_words: int = 7
    max_gap_ms: int = 250


def show_titles(doc: Transcript, options: TitleOptions = TitleOptions()) -> Transcript:
    """``doc`` with the show titles the recogniser cut into a clause put back as one name."""
    if not doc.words:
        return doc
    toks = tokens(doc.words)
    edits = []
    for start in _after_cues(toks, options):
        end = _title_end(doc, toks, start, options)
        if end is not None:
            edits.append(Edit(start, end, _titled(toks[start:end]), RULE, " ".join(_title_words(toks[start:end]))))
    return apply_edits(doc, edits)


def _after_cues(toks: list[Token], options: TitleOptions) -> list[int]:
    """Indices of the capitalised words that follow a cue said as one phrase."""
    cues = [c.split() for c in options.cues]
    out = []
    for i, t in enumerate(toks):
        if not t.capital:
            continue
        for cue in cues:
            n = len(cue)
            before = toks[i - n:i] if i >= n else []
            if (before and [b.core.casefold().replace("’", "'") for b in before] == cue
                    and not any(b.suffix for b in before)):
                out.append(i)
                break
    return out


def _title_end(doc: Transcript, toks: list[Token], start: int, options: TitleOptions) -> int | None:
    """One past the kind word that ends a cut title starting at ``start``; None when there is none."""
    kinds = set(options.kinds)
    for end in range(start + 2, min(len(toks), start + options.max_words) + 1):
        run, words = toks[start:end], doc.words[start:end]
        if any(b.start_ms - a.end_ms > options.max_gap_ms for a, b in zip(words, words[1:])):
            return None
        if run[-1].core.casefold() not in kinds:
            continue
        inner_punctuation = any(re.search(r"[.,;:!?…]", t.suffix) or t.prefix for t in run[:-1]) or any(
            t.prefix for t in run[1:])
        lower = any(t.core[:1].islower() and t.core.casefold() not in SMALL for t in run[1:-1])
        cuts = [k for k, t in enumerate(run[:-1]) if re.search(r"[.,;:!?…]", t.suffix)]
        if cuts and len(run) - cuts[-1] - 1 <= 2 and run[cuts[-1] + 1].core.casefold() in DETERMINERS:
            return None  # "Tales from the stacks, the show": the show described, not named
        return end if (inner_punctuation or lower) and all(t.core[:1].isalpha() for t in run) else None
    return None


def _title_words(run: list[Token]) -> list[str]:
    out = []
    for k, t in enumerate(run):
        word = t.core
        if k and word.casefold() in SMALL and k < len(run) - 1:
            out.append(word.casefold())
        else:
            out.append(word[:1].upper() + word[1:])
    return out


def _titled(run: list[Token]) -> tuple[str, ...]:
    """The run's words in title case, keeping a possessive ("Woman's") and the last word's punctuation."""
    words = [w + re.sub(r"[^'’s]", "", t.suffix) for w, t in zip(_title_words(run), run)]
    words[0] = run[0].prefix + words[0]
    words[-1] = _title_words(run)[-1] + run[-1].suffix
    return tuple(words)
