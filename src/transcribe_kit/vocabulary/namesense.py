"""Organisations whose name is an ordinary word ("Respect", "Shelter", "Mind").

The recogniser writes such a name in lower case ("the respect standard"), and
the glossary passes may not touch a lower-case ordinary word.  This pass
capitalises an occurrence only where the grammar of its own sentence says it is
used as a name, never where it is the ordinary word.  The sentence is parsed
as recognised (lower case, so the parse is not biased towards a name) with the
offline spaCy model, and the word is a name when it is a noun and

- it modifies the noun or participle after it ("the respect standard",
  "12 respect accredited programmes") or carries a possessive ("respect's");
- it is a bare object (no article, possessive, adjective or number of its own)
  of a preposition that takes places and bodies: "at respect", "within
  respect", "like respect"; or of "of" after a quantity or a job title ("some of
  respect", "chief executive of respect");
- it is a bare complement of "being"/"is" whose subject counts the members of a
  set ("one being respect ...");
- it is listed, bare, with a name ("Kyla and drive", "organisations like drive,
  like Respect"): right after "and", "or", "like" or a comma, with a name (a
  capitalised word mid-sentence, a participant's name, another organisation)
  across that link.

The names come from the metadata's organisations and the glossary: one-word
names ("Respect"), and the word an organisation named "<word> <Partnership,
Project, Trust ...>" is called by ("Drive" of "the Drive Partnership").

An ordinary noun takes an article or adjective ("the respect they showed",
"mutual respect"), a complement ("respect for", "with respect to", "in respect
of"), or sits in the idioms those make; a verb is never changed.  Each change
is recorded as a Correction with rule ``"name-sense"``.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..document import Transcript
from ..nlp import join_words, load
from .correct import Token, tokens
from .corrections import Edit, apply_edits
from .terms import TITLE_HEADS, Vocabulary
from .wordfreq import is_common

RULE = "name-sense"
# prepositions whose bare object is a place or a body, not a quality
PLACE_PREPOSITIONS = frozenset("at within like from inside outside".split())
# heads of "of" that make its bare object a member of a set or an employer
QUANTITIES = frozenset("some one many most none each part members member both several few".split())
COUNTERS = frozenset("one another two three four five first second third other".split())
_OWN_MODIFIERS = frozenset({"det", "poss", "amod", "nummod", "compound", "quantmod", "predet"})
_NOUN_TAGS = frozenset({"NN", "NNP"})
_MODIFIER_DEPS = frozenset({"compound", "nmod", "npadvmod", "amod"})
_MODIFIED_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS", "VBN"})
WINDOW = 30  # words each side of an occurrence when its sentence has no end in sight


@dataclass(frozen=True)
class NameSenseOptions:
    common_frequency: int = 100  # a term whose lower case is at least this common is an ordinary word


# words that end an organisation's name without being what people call it: "the Drive Partnership"
# is "Drive" in speech ("the Drive intervention", "organisations like Drive")
ORGANISATION_HEADS = frozenset("partnership project programme program trust foundation network alliance "
                               "charity campaign initiative service services group institute centre center "
                               "consortium coalition collective forum society association council".split())


def ordinary_word_names(vocab: Vocabulary, options: NameSenseOptions = NameSenseOptions()) -> dict[str, str]:
    """lower case -> the name, for the organisation and glossary names that are ordinary words:
    one-word terms ("Respect"), and the one-word short name of an organisation named "<word>
    <head>" ("Drive" of "the Drive Partnership")."""
    out = {}
    for term in vocab.of_kind("organisation", "glossary"):
        words = term.text.split()
        if len(words) == 2 and words[1].casefold() in ORGANISATION_HEADS and term.kind == "organisation":
            words = words[:1]
        if len(words) != 1:
            continue
        text = words[0]
        if not text[:1].isupper() or text.isupper():
            continue
        if is_common(text.casefold(), options.common_frequency):
            out[text.casefold()] = text
    return out


def capitalise_names(doc: Transcript, vocab: Vocabulary,
                     options: NameSenseOptions = NameSenseOptions()) -> Transcript:
    """A new Transcript with ordinary-word organisation names capitalised where used as names."""
    names = ordinary_word_names(vocab, options)
    if not names or not doc.words:
        return doc
    toks = tokens(doc.words)
    found = [i for i, t in enumerate(toks) if t.core in names]  # lower case only: the case as heard
    if not found:
        return doc
    edits = []
    for i in _named(doc, toks, found, _known_names(vocab)):
        t = toks[i]
        edits.append(Edit(i, i + 1, (t.prefix + names[t.core] + t.suffix,), RULE, names[t.core]))
    return apply_edits(doc, edits)


def _known_names(vocab: Vocabulary) -> set[str]:
    """Lower-case names an ordinary-word name may be listed with: people's names and surnames, and
    the one-word names of organisations (their short names too)."""
    one_word = {t.text.casefold() for t in vocab.of_kind("name", "organisation", "glossary") if " " not in t.text}
    return one_word | set(ordinary_word_names(vocab))


def _named(doc: Transcript, toks: list[Token], found: list[int], names: set[str] = frozenset()) -> list[int]:
    """Which of the word positions ``found`` are used as a name."""
    nlp = load()
    out = []
    for a, b in _sentences(toks, found):
        text, starts = join_words([w.text for w in doc.words[a:b]])
        parsed = nlp(text, disable=("ner",))
        by_start = {tok.idx: tok for tok in parsed}
        for i in (i for i in found if a <= i < b):
            token = by_start.get(starts[i - a] + len(toks[i].prefix))
            if (token is not None and used_as_name(token)) or coordinated_with_a_name(toks, i, names):
                out.append(i)
    return out


COORDINATORS = frozenset("and or like".split())


def coordinated_with_a_name(toks: list[Token], i: int, names: set[str]) -> bool:
    """Is word ``i`` listed, bare, with a name ("Kyla and drive", "organisations like drive like
    Respect")?  The word must follow "and", "or", "like" or a comma directly (so it has no article
    or adjective of its own), and the word across that link, before or after, must be a name:
    capitalised mid-sentence, or one of ``names``."""
    if i == 0:
        return False
    link = toks[i - 1].core.casefold()
    if link not in COORDINATORS and not toks[i - 1].suffix.startswith(","):
        return False
    if link in COORDINATORS and i >= 2 and not toks[i - 2].suffix.strip(",") and _a_name(toks[i - 2], names):
        return True  # "Kyla and drive"
    after = i + 1
    if after + 1 < len(toks) and toks[after].core.casefold() in COORDINATORS and not toks[i].suffix.strip(","):
        return _a_name(toks[after + 1], names)  # "like drive like Respect"
    return False


def _a_name(token: Token, names: set[str]) -> bool:
    return (token.capital and not token.sentence_start and token.core != "I") or token.core.casefold() in names


def _sentences(toks: list[Token], found: list[int]) -> list[tuple[int, int]]:
    """Word ranges, one per sentence that holds an occurrence (a long run is cut ``WINDOW`` words out)."""
    spans: list[tuple[int, int]] = []
    for i in found:
        if spans and spans[-1][0] <= i < spans[-1][1]:
            continue
        a = i
        while a > 0 and not toks[a].sentence_start and i - a < WINDOW:
            a -= 1
        b = i + 1
        while b < len(toks) and not toks[b].sentence_start and b - i < WINDOW:
            b += 1
        spans.append((a, b))
    return spans


def used_as_name(token) -> bool:
    """Does the parse of this (lower-case) spaCy token say it names something?"""
    if token.tag_ not in _NOUN_TAGS:
        return False
    kids = list(token.children)
    nxt = token.nbor() if token.i + 1 < len(token.doc) else None
    if nxt is not None and nxt.tag_ == "POS":
        return True  # "respect's standards"
    head = token.head
    if token.dep_ in _MODIFIER_DEPS and head.i > token.i and nxt is not None and nxt.tag_ in _MODIFIED_TAGS \
            and (head.i == nxt.i or nxt.tag_ == "VBN"):
        # "the respect standard", "12 respect accredited programmes" (the number counts the programmes)
        return not any(k.dep_ in ("amod", "poss") for k in kids)
    if any(k.dep_ in _OWN_MODIFIERS and k.lower_ not in COUNTERS for k in kids):
        return False  # "the respect", "mutual respect", "our drive"
    if any(k.dep_ == "prep" and k.lower_ in ("of", "for", "towards", "toward") for k in kids):
        return False  # "respect for", "in respect of"
    if token.dep_ == "pobj":
        prep = head.lower_
        if prep in PLACE_PREPOSITIONS:
            return True  # "at respect", "like respect"
        if prep == "of":
            owner = head.head
            return owner.lower_ in QUANTITIES or owner.lower_ in TITLE_HEADS
        return False
    if token.dep_ in ("attr", "appos") and head.lower_ in ("being", "is", "was", "be"):
        subjects = [k for k in head.children if k.dep_ in ("nsubj", "nsubjpass")]
        return any(s.lower_ in COUNTERS for s in subjects)
    return False

