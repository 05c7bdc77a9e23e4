"""House style: spelling, fillers, numbers, acronyms and capitalisation, as the page writes them.

Each pass takes a Transcript and returns a new one; every change keeps word
timings and is recorded as a Correction (rules "spelling", "filler", "style"),
so an editor can see and undo it.

- Spelling (``uk`` by default, ``us`` or ``off``) uses breame's British/American
  word lists (Apache-2.0, about 1,700 pairs), less the pairs in
  :data:`AMBIGUOUS`, whose "American" form is also a British word with another
  meaning ("practice" the noun, "tire" the verb, "draft" a document).  Names are
  never respelt: a capitalised word that does not start a sentence is taken as a
  name, and so is any word of a vocabulary term; neither are words inside a quoted
  title (a quotation whose words are mostly capitalised).
- Fillers: hesitation sounds ("um", "uh", "erm") are dropped; discourse phrases
  the page keeps ("you know", "sort of", "kind of") stay.  Removing a word never
  moves another word's time.
- Numbers, acronyms, capitalisation: glossary terms set the case of words that
  match them ("Uk" -> "UK"; "chief exec" -> "Chief Exec"), and small whole
  numbers are written as words ("5" -> "five"), as the page does.
- Organisations named by an ordinary word ("Respect") are capitalised where the
  sentence uses the word as a name (:mod:`transcribe_kit.vocabulary.namesense`).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from breame.data.spelling_constants import AMERICAN_ENGLISH_SPELLINGS, BRITISH_ENGLISH_SPELLINGS

from ..document import Transcript
from .correct import CorrectOptions, Token, tokens
from .corrections import Edit, apply_edits
from .namesense import NameSenseOptions, capitalise_names
from .spelling import british
from .terms import Vocabulary, is_acronym
from .wordfreq import is_common

SPELLINGS = ("uk", "us", "off")
# pairs in the list whose first spelling is also standard British (or American) with another sense
AMBIGUOUS = frozenset(
    "practice practices license licenses licensed licensing tire tires meter meters draft drafts "
    "ton tons install installs disk disks connection connections inflection inflections "
    "curb curbs story stories check checks".split()
)
AMBIGUOUS_US = frozenset(
    "draught draughts tonne tonnes disc discs storey storeys kerb kerbs cheque cheques practise "
    "licence".split()
)
HESITATIONS = ("um", "umm", "uh", "uhh", "erm", "er", "hmm", "mm", "mmm", "ah")
_NUMBER_WORDS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                 "fourteen fifteen sixteen seventeen eighteen nineteen twenty").split()


@dataclass(frozen=True)
class StyleOptions:
    spelling: str = "uk"  # uk | us | off
    drop_fillers: tuple[str, ...] = HESITATIONS  # () keeps every word
    spell_numbers_to: int = 10  # whole numbers up to this are written as words; 0 = never
    glossary_case: bool = True  # glossary terms set the case of matching words
    name_sense: bool = True  # capitalise organisations named by an ordinary word where used as names
    names: NameSenseOptions = field(default_factory=NameSenseOptions)  # ...and how


def apply_style(doc: Transcript, vocab: Vocabulary = Vocabulary(),
                options: StyleOptions = StyleOptions()) -> Transcript:
    """Every house-style pass in turn."""
    doc = respell(doc, options.spelling, vocab)
    doc = drop_fillers(doc, options.drop_fillers)
    doc = glossary_case(doc, vocab) if options.glossary_case else doc
    doc = capitalise_names(doc, vocab, options.names) if options.name_sense else doc
    return spell_numbers(doc, options.spell_numbers_to)


# ---- spelling ---------------------------------------------------------------------

@functools.lru_cache(maxsize=2)
def spelling_table(spelling: str) -> dict[str, str]:
    """lower-case word -> its spelling in ``spelling`` (uk or us)."""

    if spelling == "uk":
        return {a: b for a, b in AMERICAN_ENGLISH_SPELLINGS.items() if a not in AMBIGUOUS}
    if spelling == "us":
        return {b: a for b, a in BRITISH_ENGLISH_SPELLINGS.items() if b not in AMBIGUOUS_US}
    raise ValueError(f"unknown spelling {spelling!r}; choose one of: {', '.join(SPELLINGS)}")


def respelt(word: str, spelling: str, table: dict[str, str]) -> str | None:
    """A lower-case word in ``spelling``: from the list, else (British only) by rule (``spelling.british``)."""
    if word in table:
        return table[word]
    if spelling == "uk" and word not in AMBIGUOUS:
        return british(word)
    return None


def _match_case(new: str, old: str) -> str:
    if old.isupper() and len(old) > 1:
        return new.upper()
    return new[:1].upper() + new[1:] if old[:1].isupper() else new


def respell(doc: Transcript, spelling: str, vocab: Vocabulary = Vocabulary()) -> Transcript:
    if spelling == "off" or not doc.words:
        return doc
    table = spelling_table(spelling)
    toks = tokens(doc.words)
    protected = vocab.words()
    in_title = quoted_titles(toks)
    edits = []
    for i, t in enumerate(toks):
        if t.core in protected or in_title[i] or (t.capital and not t.sentence_start):
            continue
        parts = t.core.split("-")  # "behavior-change" -> "behaviour-change"
        new = "-".join(_match_case(respelt(p.casefold(), spelling, table) or p, p) for p in parts)
        if new != t.core:
            edits.append(Edit(i, i + 1, (t.prefix + new + t.suffix,), "spelling", spelling))
    return apply_edits(doc, edits)


def quoted_titles(toks: list[Token]) -> list[bool]:
    """True for words inside a quotation whose words are mostly capitalised (a title)."""
    flags = [False] * len(toks)
    start = None
    for i, t in enumerate(toks):
        if start is None and re.match(r"[\"“‘]|'(?=\w)", t.prefix):
            start = i
        if start is not None and re.search(r"[\"”’]|(?<=\w)'", t.suffix.rstrip(".,;:!?")):
            words = [x for x in toks[start:i + 1] if len(x.core) > 3]
            if words and sum(x.capital for x in words) * 2 > len(words):
                flags[start:i + 1] = [True] * (i + 1 - start)
            start = None
    return flags


# ---- fillers ----------------------------------------------------------------------

def drop_fillers(doc: Transcript, fillers: tuple[str, ...] = HESITATIONS) -> Transcript:
    """Remove hesitation words; a capital they carried moves to the next word."""
    if not fillers or not doc.words:
        return doc
    drop = {f.casefold() for f in fillers}
    toks = tokens(doc.words)
    edits = []
    i = 0
    while i < len(toks):
        if toks[i].core.casefold() not in drop:
            i += 1
            continue
        j = i
        while j < len(toks) and toks[j].core.casefold() in drop:
            j += 1
        edits.append(Edit(i, j, (), "filler"))
        if toks[i].sentence_start and j < len(toks) and toks[j].core[:1].islower():
            nxt = toks[j]
            edits.append(Edit(j, j + 1, (nxt.prefix + nxt.core[:1].upper() + nxt.core[1:] + nxt.suffix,), "style"))
        i = j
    return apply_edits(doc, edits)


# ---- case and numbers ---------------------------------------------------------------

def glossary_case(doc: Transcript, vocab: Vocabulary, options: CorrectOptions = CorrectOptions()) -> Transcript:
    """Write glossary terms and acronyms in their own case.

    One-word terms change words that are capitalised ("Uk", "Rct") or not in the
    English frequency list ("rct"), so the pronoun "us" never becomes "US"; terms
    of several words change any exact match ("chief exec" -> "Chief Exec").
    """
    toks = tokens(doc.words)
    edits = []
    for term in vocab.of_kind("glossary", "acronym"):
        size = len(term.text.split())
        for i in range(len(toks) - size + 1):
            words = _cased(toks[i:i + size], term.text, options)
            if words:
                texts = tuple(t.prefix + w + t.suffix for t, w in zip(toks[i:i + size], words))
                edits.append(Edit(i, i + size, texts, "style", term.text))
    return apply_edits(doc, edits)


def _cased(span: list[Token], term: str, options: CorrectOptions) -> list[str] | None:
    """The term's words in its own case when ``span`` is the term in another case, else None."""
    words = term.split()
    if len(words) == 1 and is_acronym(term) and span[0].core.casefold() == term.casefold() + "s":
        words = [term + "s"]  # "rcts" -> "RCTs"
    if [t.core.casefold() for t in span] != [w.casefold() for w in words] or [t.core for t in span] == words:
        return None
    if len(words) == 1 and not span[0].capital and is_common(span[0].core, options.rare_frequency):
        return None
    return words


def spell_numbers(doc: Transcript, up_to: int) -> Transcript:
    """Small whole numbers as words ("5 years" -> "five years"), except next to units or capitals."""
    if up_to <= 0:
        return doc
    toks = tokens(doc.words)
    edits = []
    for i, t in enumerate(toks):
        if not t.core.isdigit() or int(t.core) > min(up_to, len(_NUMBER_WORDS) - 1) or t.prefix or \
                t.suffix.startswith(("%", "-")):
            continue
        prev = toks[i - 1] if i else None
        if prev and (prev.capital and not prev.sentence_start or prev.core[-1:].isdigit() or prev.suffix.endswith(("£", "$", "€"))):
            continue  # "Chapter 5", "Section 3", "2 3"
        word = _NUMBER_WORDS[int(t.core)]
        word = word.capitalize() if t.sentence_start else word
        edits.append(Edit(i, i + 1, (word + t.suffix,), "style", None))
    return apply_edits(doc, edits)
