"""The episode's own vocabulary: who speaks, which organisations, which terms.

Built from what is known before recognition: the participants' names and roles
(organisations are read out of the roles), the title, summary and participants
text, an event outline (one title a line, read as plain text) and the series
glossary.  It is used twice: as the engine's prompt (:func:`engine_prompt`) and
by the correction pass after recognition (:mod:`transcribe_kit.vocabulary.correct`).

Terms are kept most specific first: participants' names, then organisations,
then glossary terms, acronyms and capitalised phrases from the summary or
outline, then job titles.  The prompt is cut to the model's limit in that order.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tokenizers import Tokenizer

from ..document import EpisodeMeta
from ..outline import MONTHS
from .glossary import Entry
from .wordfreq import is_common

KINDS = ("name", "organisation", "glossary", "acronym", "phrase", "role")
HONORIFICS = frozenset("dr prof professor mr mrs ms miss mx sir dame lord lady rev cllr".split())
# words that head a job title, so "Chief Executive of Respect" splits into title and organisation
TITLE_HEADS = frozenset(
    "director executive exec officer head manager lead leader chair chairman chairwoman chairperson "
    "founder co-founder president fellow lecturer professor researcher editor coordinator co-ordinator "
    "adviser advisor consultant secretary minister principal dean governor trustee member "
    "commissioner ceo cto coo cfo".split()
)
CONNECTORS = frozenset("of in for the on to de da von van du la le &".split())
CALENDAR = frozenset(MONTHS) | frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
# pyspellchecker count at which a capitalised word alone counts as an ordinary word
COMMON_WORD_FREQUENCY = 10_000
# Whisper keeps 223 prompt tokens (half its 448-token context, less one)
PROMPT_TOKENS = 223
# hotwords repeat in every 30 s window next to up to 223 tokens of previous text
HOTWORD_TOKENS = 60


@dataclass(frozen=True)
class Term:
    text: str
    kind: str  # one of KINDS
    variants: tuple[str, ...] = ()  # ways the recogniser writes it ("heard as")
    source: str = ""


@dataclass(frozen=True)
class Vocabulary:
    terms: tuple[Term, ...] = ()

    def of_kind(self, *kinds: str) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.kind in kinds)

    def words(self) -> frozenset[str]:
        """Every word of every term, as written (to protect names from other passes)."""
        return frozenset(w for t in self.terms for w in t.text.split())


def build(meta: EpisodeMeta, glossary: tuple[Entry, ...] = (), outline: tuple[str, ...] = ()) -> Vocabulary:
    """The vocabulary of one episode, most specific terms first, duplicates dropped."""
    found: list[Term] = []
    for p in meta.participants:
        found += _name_terms(p.name)
    titles = []
    for p in meta.participants:
        title, orgs = split_role(p.role or "")
        found += [Term(o, "organisation", source="role") for o in orgs]
        titles += [Term(title, "role", source="role")] if title else []
    found += [Term(e.term, "acronym" if is_acronym(e.term) else "glossary", e.variants, "glossary")
              for e in glossary]
    prose = [t for t in (meta.title, meta.summary, meta.participants_text) if t] + list(outline)
    for text in prose:
        found += [Term(a, "acronym", source="text") for a in acronyms(text)]
    # a word the text also writes in lower case is an ordinary word ("Shifting responsibility" ... "shifting")
    lower = {w for text in prose for w in re.findall(r"\b[a-z][\w’'-]*", text)}
    for text in prose:
        known = {w.casefold() for t in found + titles for w in t.text.split()} | HONORIFICS
        found += [Term(p, "phrase", source="text") for p in capitalised_phrases(text)
                  if any(w.casefold() not in known | CONNECTORS for w in p.split())
                  and not (" " not in p and p.casefold() in lower)]
    found += titles
    return Vocabulary(_dedupe(_without_fragments(found)))


def _without_fragments(terms: list[Term]) -> list[Term]:
    """Drop a phrase that is the tail of a longer phrase in the same text ("Things Foundation",
    cut from "Good Things Foundation" where that opened a sentence)."""
    phrases = [t.text.split() for t in terms if t.kind == "phrase"]

    def fragment(words: list[str]) -> bool:
        return len(words) > 1 and any(len(p) > len(words) and p[-len(words):] == words for p in phrases)

    return [t for t in terms if t.kind != "phrase" or not fragment(t.text.split())]


def _name_terms(name: str) -> list[Term]:
    parts = [p for p in name.split() if p.strip(".").casefold() not in HONORIFICS]
    if not parts:
        return []
    terms = [Term(" ".join(parts), "name", source="participant")]
    if len(parts) > 1:
        terms += [Term(p, "name", source="participant") for p in parts]
    return terms


def split_role(role: str) -> tuple[str | None, list[str]]:
    """("Chief Executive", ["Respect"]) from "Chief Executive of Respect"."""
    title, orgs = None, []
    for i, part in enumerate(p.strip() for p in re.split(r",|;|\s+at\s+|\s+-\s+|\s+\|\s+", role)):
        if not part:
            continue
        words = part.split()
        cut = next((j for j, w in enumerate(words) if w.casefold() in ("of", "for")
                    and j > 0 and words[j - 1].casefold() in TITLE_HEADS), None)
        if cut is not None:
            title = title or " ".join(words[:cut])
            part = " ".join(words[cut + 1:])
        elif i == 0 and words[-1].casefold() in TITLE_HEADS:
            title = part
            continue
        part = re.sub(r"^(the|a|an)\s+", "", part, flags=re.IGNORECASE)
        if part and part[0].isupper():
            orgs.append(part)
    return title, orgs


def is_acronym(word: str) -> bool:
    bare = word.replace(".", "").rstrip("s")
    return 2 <= len(bare) <= 6 and bare.isupper() and bare.isalpha()


_ROMAN = re.compile(r"^[IVXLC]+s?$")


def acronyms(text: str) -> list[str]:
    return [w for w in re.findall(r"\b[A-Z][A-Z.&]*[A-Z]s?\b", text) if is_acronym(w) and not _ROMAN.match(w)]


def capitalised_phrases(text: str) -> list[str]:
    """Runs of capitalised words (connectors allowed inside) that do not start a sentence.

    A single word that is a common English word is left out: after a quotation
    mark or a bullet it is the start of a sentence ("It", "They", "Shifting"),
    and a month or an ordinary word says nothing the recogniser needs to hear."""
    phrases = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
        for n, clause in enumerate(re.split(r"[,;:()\"“”]", sentence)):
            words = re.findall(r"[\w’'&-]+", clause)
            phrases += _runs(words[1:] if n == 0 else words)
    return [p for p in phrases if not is_acronym(p) and not _ordinary(p)]


def _ordinary(phrase: str) -> bool:
    words = phrase.split()
    return len(phrase) < 2 or (len(words) == 1 and (phrase.casefold() in CALENDAR
                                                    or is_common(phrase, COMMON_WORD_FREQUENCY)))


def _runs(words: list[str]) -> list[str]:
    runs, run = [], []
    for w in words + [""]:
        if w[:1].isupper():
            run.append(w)
        elif run and w.casefold() in CONNECTORS:
            run.append(w)
        else:
            while run and run[-1].casefold() in CONNECTORS:
                run.pop()
            if run:
                runs.append(" ".join(run))
            run = []
    return runs


def _dedupe(terms: list[Term]) -> tuple[Term, ...]:
    seen: dict[str, int] = {}
    out: list[Term] = []
    for t in terms:
        key = t.text.casefold()
        if key in seen:
            old = out[seen[key]]
            extra = tuple(v for v in t.variants if v not in old.variants)
            out[seen[key]] = Term(old.text, old.kind, old.variants + extra, old.source)
            continue
        seen[key] = len(out)
        out.append(t)
    return tuple(out)


# ---- the engine prompt ------------------------------------------------------------

def estimate_tokens(text: str) -> int:
    """A generous count of Whisper BPE tokens (used when the real tokenizer is not at hand)."""
    words = re.findall(r"\w+|[^\w\s]", text)
    return sum(max(1, math.ceil(len(w) / 4)) for w in words)


def engine_prompt(vocab: Vocabulary, count: Callable[[str], int] = estimate_tokens,
                  max_tokens: int = PROMPT_TOKENS, hotword_tokens: int = HOTWORD_TOKENS) -> tuple[str | None, str | None]:
    """(initial_prompt, hotwords) for the recogniser, each within its token budget.

    The initial prompt lists the terms (full names rather than their parts) in
    priority order, and nothing else: with a prose sentence (the summary) in the
    prompt, Whisper was seen to invent a closing "Thank you very much." after
    the speech.  Hotwords, which faster-whisper repeats in every window, hold only
    names, organisations, glossary terms and acronyms.
    """
    parts = {t.text for t in vocab.of_kind("name") if " " in t.text}
    covered = {w for p in parts for w in p.split()}
    listed = [t.text for t in vocab.terms if t.kind != "role" and not (t.kind == "name" and t.text in covered)]
    prompt = _fit(listed, count, max_tokens, ", ", ".")
    hot = [t.text for t in vocab.of_kind("name", "organisation", "glossary", "acronym")
           if not (t.kind == "name" and t.text in covered)]
    return prompt or None, _fit(hot, count, hotword_tokens, ", ", "") or None


def _fit(items: list[str], count: Callable[[str], int], budget: int, sep: str, end: str) -> str:
    kept: list[str] = []
    for item in items:
        if count(" " + sep.join(kept + [item]) + end) > budget:
            break
        kept.append(item)
    return sep.join(kept) + end if kept else ""


def whisper_token_counter(model_dir: Path | None) -> Callable[[str], int]:
    """Count with the model's own tokenizer.json when there is one, else estimate."""
    path = Path(model_dir) / "tokenizer.json" if model_dir else None
    if path is None or not path.is_file():
        return estimate_tokens
    tokenizer = Tokenizer.from_file(str(path))
    return lambda text: len(tokenizer.encode(text, add_special_tokens=False).ids)

