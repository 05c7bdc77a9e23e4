"""After recognition: put the vocabulary's own spelling on near-misses ("Kayla" -> "Kyla").

What may change, and nothing else:

- a listed variant ("heard as") of a glossary term, in any case;
- a multi-word term written in the wrong case ("drive partnership" -> "Drive Partnership"),
  or, for three words or more, cut by the recogniser's punctuation ("Houston. We have a
  podcast" -> "Houston We Have a Podcast");
- a near-miss of a term: a run of one to ``max_span`` recognised words that are
  capitalised (connectors such as "of" and "in" may sit inside), whose letters and
  whose sound (Metaphone codes) are both close to the term's;
- an acronym one letter off where the letters rhyme when spoken ("DBA" -> "DVA").

Ordinary words are protected three ways: lower-case words are never near-misses;
a single word that appears in lower case elsewhere in the same transcript is an
ordinary word; a single word at the start of a sentence is only changed when it is
unknown to pyspellchecker's English frequency list, or is an uncommon word followed
by a comma, the way a name is said to someone ("Joe, what do you think?").  A single capitalised
word next to other capitalised words that are not in the vocabulary belongs to
some other name ("Liz Kelly") and is left alone.

Each change keeps the words' timings and is recorded as a Correction with rule
``"glossary"`` (see :mod:`transcribe_kit.vocabulary.corrections`).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import jellyfish
from rapidfuzz.distance import Levenshtein

from ..document import Transcript, Word
from .corrections import Edit, apply_edits
from .terms import CONNECTORS, Term, Vocabulary, is_acronym
from .wordfreq import is_common

RULE = "glossary"
_SPAN_CONNECTORS = CONNECTORS | {"and"}
_CORE = re.compile(r"^([\"'“‘(\[]*)(.*?)((?:['’]s|s['’])?[\"'”’)\].,;:!?…-]*)$", re.DOTALL)
# spoken letter names that rhyme, so "DBA" may be heard for "DVA"
_LETTER_RHYMES = ("BCDEGPTVZ", "AHJK", "FLMNSX", "IY", "QUW", "O", "R")


@dataclass(frozen=True)
class CorrectOptions:
    threshold: float = 0.75  # combined letter+sound similarity for a single short word
    long_threshold: float = 0.65  # for candidates of 10 letters or more (full names)
    max_span: int = 4  # most recognised words one term may cover
    common_frequency: int = 10_000  # pyspellchecker count at which a word counts as common
    rare_frequency: int = 100  # below this a word counts as unknown (likely a misheard name)


@dataclass(frozen=True)
class Token:
    prefix: str
    core: str
    suffix: str
    capital: bool
    sentence_start: bool


def tokens(words: tuple[Word, ...]) -> list[Token]:
    out = []
    ends_sentence = True
    for w in words:
        prefix, core, suffix = _CORE.match(w.text).groups()
        out.append(Token(prefix, core, suffix, core[:1].isupper(), ends_sentence))
        ends_sentence = bool(re.search(r"[.!?…][\"'”’)]*$", w.text))
    return out


def correct(doc: Transcript, vocab: Vocabulary, options: CorrectOptions = CorrectOptions()) -> Transcript:
    """A new Transcript with the vocabulary's near-misses replaced and recorded."""
    targets = [t for t in vocab.terms if t.kind != "role"]
    if not doc.words or not targets:
        return doc
    toks = tokens(doc.words)
    edits = _variant_edits(toks, targets) + _case_edits(toks, targets)
    edits += _near_miss_edits(toks, targets, vocab, options)
    edits += _split_name_edits(toks, targets)  # where another edit holds the words, apply_edits keeps that
    return apply_edits(doc, edits)


def _replacement(toks: list[Token], start: int, end: int, term: str) -> tuple[str, ...]:
    parts = term.split()
    suffix = toks[end - 1].suffix
    if "." in toks[end - 1].core and suffix.startswith(".") and end < len(toks) and toks[end].core[:1].islower():
        suffix = suffix[1:]  # "D.V.A. work": the last full stop was the abbreviation's, not a sentence end
    parts[0] = toks[start].prefix + parts[0]
    parts[-1] = parts[-1] + suffix
    return tuple(parts)


def _texts(run: list[Token]) -> tuple[str, ...]:
    return tuple(t.prefix + t.core + t.suffix for t in run)


def _fold(word: str) -> str:
    return word.casefold().replace(".", "")


def _find(toks: list[Token], phrase: list[str], across_stops: bool = False):
    """Start indices where ``phrase`` occurs, ignoring case and full stops ("D.V.A." = "dva").

    With ``across_stops`` the words may also be cut by the recogniser's punctuation ("Houston.
    We have a podcast" for the show "Houston We Have a Podcast")."""
    # a word of the phrase as a token splits it: "Women's" is the core "Women" and a possessive
    parts = [_CORE.match(w).groups() for w in phrase]
    cores = [_fold(core) for _, core, _ in parts]
    possessive = [bool(re.match(r"['’]s", suffix)) for _, _, suffix in parts]
    n = len(phrase)
    inner = re.compile(r"^[.,;:!?…]*$" if across_stops else r"^$")
    for i in range(len(toks) - n + 1):
        if all(_fold(toks[i + k].core) == cores[k] and (not possessive[k] or re.match(r"['’]s", toks[i + k].suffix))
               for k in range(n)):
            if all(inner.match(toks[i + k].suffix.strip("'’s")) and not toks[i + k + 1].prefix
                   for k in range(n - 1)):
                yield i


def _variant_edits(toks: list[Token], targets: list[Term]) -> list[Edit]:
    edits = []
    for t in targets:
        for variant in t.variants:
            phrase = variant.split()
            for i in _find(toks, phrase):
                end = i + len(phrase)
                new = _replacement(toks, i, end, t.text)
                if new != _texts(toks[i:end]):
                    edits.append(Edit(i, end, new, RULE, t.text))
    return edits


def _case_edits(toks: list[Token], targets: list[Term]) -> list[Edit]:
    edits = []
    for t in targets:
        words = t.text.split()
        if len(words) < 2:
            continue
        # a name of three words or more said word for word is that name even where the recogniser
        # put a sentence break inside it; two words ("Drive. Partnership") could be two sentences
        for i in _find(toks, words, across_stops=len(words) >= 3):
            end = i + len(words)
            new = _replacement(toks, i, end, t.text)
            if new != _texts(toks[i:end]):
                edits.append(Edit(i, end, new, RULE, t.text))
    return edits


@functools.lru_cache(maxsize=4096)
def _sound(text: str) -> str:
    code = jellyfish.metaphone(text)
    return ("A" + code[1:]) if code[:1] in "AEIOU" and code else code  # any first vowel sounds alike


def similarity(heard: str, term: str) -> float:
    """Half spelling, half sound: 1.0 for the same word."""

    a, b = _key(heard), _key(term)
    return 0.5 * Levenshtein.normalized_similarity(a, b) + 0.5 * Levenshtein.normalized_similarity(
        _sound(a), _sound(b))


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def acronym_close(heard: str, term: str) -> bool:
    a, b = heard.replace(".", ""), term.replace(".", "")
    if len(a) != len(b) or not a.isupper() or a == b:
        return False
    diffs = [(x, y) for x, y in zip(a, b) if x != y]
    return len(diffs) == 1 and any(diffs[0][0] in g and diffs[0][1] in g for g in _LETTER_RHYMES)


def _span_ok(span: list[Token]) -> bool:
    if not (span[0].capital and span[-1].capital):
        return False
    if any(_is_i(t.core) for t in span):
        return False
    for k, t in enumerate(span):
        if k and t.sentence_start:
            return False
        if k < len(span) - 1 and t.suffix:
            return False
        if 0 < k < len(span) - 1 and not (t.capital or t.core.casefold() in _SPAN_CONNECTORS):
            return False
    return True


def _is_i(word: str) -> bool:
    return word == "I" or word.startswith(("I'", "I’"))


def _fits(heard: list[str], term: list[str], known: frozenset[str]) -> bool:
    """A span may cover a term of another length only if it is all capitalised words ("Kirk Patrick"),
    and never if it holds another vocabulary word ("Olumide and Jo" is not "Olumide Adisa")."""
    if any(w in known and w not in term for w in heard):
        return False
    return len(heard) == len(term) or all(w[:1].isupper() for w in heard)


def _best(heard: str, size: int, targets: list[Term], options: CorrectOptions,
          known: frozenset[str] = frozenset()) -> Term | None:
    best, best_score = None, 0.0
    single_acronym = size == 1 and is_acronym(heard)
    for t in targets:
        if single_acronym or is_acronym(t.text):
            if single_acronym and acronym_close(heard, t.text):
                return t
            continue
        if abs(len(t.text.split()) - size) > 1 or not _fits(heard.split(), t.text.split(), known):
            continue
        long = min(len(_key(heard)), len(_key(t.text))) >= 10
        score = similarity(heard, t.text)
        if score >= (options.long_threshold if long else options.threshold) and score > best_score \
                and _words_close(heard.split(), t.text.split(), options):
            best, best_score = t, score
    return best


def _words_close(heard: list[str], term: list[str], options: CorrectOptions) -> bool:
    """Word for word, every word near its own: "University of Bristol" is not "University of Suffolk"."""
    if len(heard) != len(term) or len(term) == 1:
        return True
    return all(a.casefold() == b.casefold() or (a.casefold() in _SPAN_CONNECTORS and b.casefold() in _SPAN_CONNECTORS)
               or similarity(a, b) >= options.long_threshold for a, b in zip(heard, term))


def _single_allowed(toks: list[Token], i: int, lower_seen: set[str], known: set[str],
                    options: CorrectOptions) -> bool:
    tok = toks[i]
    if tok.core.casefold() in lower_seen:
        return False
    if tok.sentence_start and (is_common(tok.core, options.common_frequency) or (
            is_common(tok.core, options.rare_frequency) and not tok.suffix.startswith(","))):
        return False  # at a sentence start: an unknown word, or a known one said to someone ("Joe, ...")

    def other_name(j: int) -> bool:
        t = toks[j]
        return t.capital and not t.sentence_start and t.core not in known and not _is_i(t.core)

    if i > 0 and not toks[i - 1].suffix and other_name(i - 1) and not tok.sentence_start:
        return False
    return not (i + 1 < len(toks) and not tok.suffix and other_name(i + 1))


def _split_name_edits(toks: list[Token], targets: list[Term]) -> list[Edit]:
    """A person's name the recogniser wrote as two words, said to someone: "To bias, where do
    volunteers fit?" is "Tobias, ...".

    Only where the two words' letters are the name's exactly, the first is capitalised, the second
    is not (otherwise the span is a near-miss above), and a comma follows, the way a name is said to
    someone: "To bias the results" is left alone."""
    names = {_key(t.text): t.text for t in targets if t.kind == "name" and " " not in t.text}
    edits = []
    for i in range(len(toks) - 1):
        first, second = toks[i], toks[i + 1]
        if not first.capital or first.suffix or second.prefix:
            continue
        name = names.get(_key(first.core + second.core))
        if name and second.core[:1].islower() and second.suffix.startswith(","):
            edits.append(Edit(i, i + 2, _replacement(toks, i, i + 2, name), RULE, name))
    return edits


def _near_miss_edits(toks: list[Token], targets: list[Term], vocab: Vocabulary,
                     options: CorrectOptions) -> list[Edit]:
    lower_seen = {t.core.casefold() for t in toks if t.core[:1].islower()}
    known = vocab.words()
    exact = {t.text for t in targets}
    edits: list[Edit] = []
    i = 0
    while i < len(toks):
        step = 1
        if toks[i].capital:
            for size in range(min(options.max_span, len(toks) - i), 0, -1):
                span = toks[i:i + size]
                if not _span_ok(span):
                    continue
                heard = " ".join(t.core for t in span)
                if heard in exact:
                    step = size
                    break
                term = _best(heard, size, targets, options, known)
                if term and (size > 1 or _single_allowed(toks, i, lower_seen, known, options)):
                    edits.append(Edit(i, i + size, _replacement(toks, i, i + size, term.text), RULE, term.text))
                    step = size
                    break
        i += step
    return edits
