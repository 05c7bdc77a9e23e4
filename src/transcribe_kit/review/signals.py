"""Per-word signals that a recognised word may be wrong, as one row of numbers per word.

Every signal is cheap and reads only the Transcript (and, when given, a second
recogniser's words): the recogniser's own probability and its neighbours', how
common the word is in English, how near it comes to a name of the episode's
vocabulary without being it (or whether it spells one: ``known``, names the
recogniser was told to expect), whether the style stage changed it, whether its
time was estimated, whether it repeats the words before it (a recogniser's
loop), and whether a second opinion heard something else there.
"""
from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass

from ..document import Transcript, Word

FEATURES = ("logp", "logp_neighbours", "rarity", "unknown", "near_name", "corrected", "estimated", "repeat",
            "short", "slow", "pause_after", "marker", "disagrees", "known")
# words people say between the words that carry the meaning ("you know", "yeah", "okay"): a cleaned
# reference leaves them out, and a recogniser both invents and drops them
MARKERS = frozenset("yeah yes yep no oh okay ok so well sure right like um uh er erm mm hmm know mean".split())
FLOOR = 1e-3  # probabilities below this all read as this (log -6.9): the ranking is already settled there
COMMON = 2000  # a word counted more often than this in the English word list is an ordinary word, not a name
NEAR = 0.62  # similarity to a vocabulary word at which a word "nearly spells" it (the style stage corrects from ~0.8)


@dataclass(frozen=True)
class WordSignals:
    rows: tuple[tuple[float, ...], ...]  # one row of FEATURES per word
    suggestions: dict[int, str]  # word index -> the vocabulary name it nearly spells
    known: frozenset[str] = frozenset()  # the episode's rare name words (:func:`vocabulary_keys`)


def norm(text: str) -> str:
    """Lower case, letters, digits and apostrophes (the reference scorer's normal form)."""
    return re.sub(r"[^a-z0-9']", "", text.lower().replace("\u2019", "'")).strip("'")


def _logp(word: Word) -> float:
    return math.log(max(FLOOR, 1.0 if word.probability is None else word.probability))


def vocabulary_keys(names: tuple[str, ...]) -> frozenset[str]:
    """The rare words of the episode's names and terms (metadata, glossary), in :func:`norm` form:
    "olumide", "kirkpatrick", "jo", not the "in" and "for" of "Research in Practice" or "Centre for
    Abuse Research", which are as easy to mishear as anywhere else."""
    keys = {norm(n) for name in names for n in name.split()}
    return frozenset(k for k in keys if k and _frequency(k) <= COMMON)


def _frequency(word: str) -> int:
    from ..vocabulary.wordfreq import _frequencies

    return int(_frequencies()[word]) if word else 0


def _rarity(key: str) -> tuple[float, float]:
    """(rarity in [0, 1], 1.0 when the word is not in the English list at all); numbers are never rare."""
    if not key or any(c.isdigit() for c in key):
        return 0.0, 0.0
    parts = [p for p in re.split(r"'", key) if p]
    count = min((_frequency(p) for p in parts), default=0) if "'" in key and _frequency(key) == 0 else _frequency(key)
    return 1.0 - min(1.0, math.log10(1 + count) / 6.0), float(count == 0)


def _repeats(keys: list[str], i: int) -> float:
    """1.0 when word ``i`` is inside an n-gram (n = 1..4) said again straight after itself ("the the", a loop)."""
    for n in range(1, 5):
        for start in range(i - 2 * n + 1, i + 1):
            if start < 0 or start + 2 * n > len(keys):
                continue
            a, b = keys[start:start + n], keys[start + n:start + 2 * n]
            if a == b and all(a) and (n > 1 or len(a[0]) > 3):
                return 1.0
    return 0.0


def _slow(word: Word, key: str) -> float:
    """How long the word lasts for its letters (log of ms per letter over 80 ms): a long one may hide another."""
    return max(0.0, math.log(max(1, word.end_ms - word.start_ms) / max(1, len(key)) / 80.0))


def _pause(words: tuple[Word, ...], i: int) -> float:
    """The silence after the word, in seconds (at most 2): a recogniser drops words at pauses."""
    return 0.0 if i + 1 >= len(words) else min(2.0, max(0, words[i + 1].start_ms - words[i].end_ms) / 1000)


def near_names(doc: Transcript, names: tuple[str, ...]) -> dict[int, str]:
    """Word index -> the vocabulary word it nearly spells (similar, not the same, and not a common word)."""
    from ..vocabulary.correct import similarity

    targets = {norm(n): n for name in names for n in name.split() if len(norm(n)) >= 3}
    out: dict[int, str] = {}
    for i, w in enumerate(doc.words):
        key = norm(w.text)
        if len(key) < 3 or key in targets or (not w.text[:1].isupper() and _frequency(key) > COMMON):
            continue
        best = max(((similarity(key, t), t) for t in targets), default=(0.0, ""))
        if best[0] >= NEAR:
            out[i] = targets[best[1]].strip(".,;:!?\"'")
    return out


def disagreements(words: tuple[Word, ...], other: tuple[Word, ...] | list[str]) -> list[float]:
    """1.0 for each of ``words`` that a second recogniser's words (aligned by text) do not match."""
    mine = [norm(w.text) for w in words]
    theirs = [norm(w.text) if isinstance(w, Word) else norm(w) for w in other]
    out = [1.0] * len(mine)
    matcher = difflib.SequenceMatcher(a=mine, b=theirs, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            out[block.a + k] = 0.0
    return out


SURE = 0.9  # a word the first recogniser gave at least this probability: nearly always right (1-2 % wrong)


def second_evidence(words: tuple[Word, ...], disagree: list[float]) -> list[float]:
    """Each disagreement of a second opinion weighted by how far that recogniser can be trusted on this
    recording: log((1 - f) / f), where f is the share of the words the first recogniser was sure of that
    the second heard otherwise (one added to each count).  Those words are nearly all right, so f is the
    second recogniser's own error rate on this voice: one sure word in forty (NASA's interview) weighs
    3.6, one in nine (a synthetic voice tiny.en hears badly) 2.1.  Needs no reference, so it holds on
    voices the model was never fitted on."""
    sure = [d for w, d in zip(words, disagree) if (1.0 if w.probability is None else w.probability) >= SURE]
    f = (sum(sure) + 1) / (len(sure) + 2)
    weight = math.log((1 - f) / f)
    return [d * weight for d in disagree]


def word_signals(doc: Transcript, names: tuple[str, ...] = (), second: list[float] | None = None) -> WordSignals:
    """The FEATURES of every word of ``doc``; ``second`` is :func:`disagreements` (0 where there is none),
    weighted by :func:`second_evidence`."""
    words = doc.words
    if second is not None:
        second = second_evidence(words, second)
    keys = [norm(w.text) for w in words]
    logps = [_logp(w) for w in words]
    corrected = [0.0] * len(words)
    for c in doc.corrections:
        for k in range(c.index, c.index + max(c.count, 1)):
            if k < len(words):
                corrected[k] = 1.0
    suggestions = near_names(doc, names)
    known = vocabulary_keys(names)  # the episode's own names are words
    rows = []
    for i, w in enumerate(words):
        around = [logps[j] for j in (i - 1, i + 1) if 0 <= j < len(words)]
        rarity, unknown = (0.0, 0.0) if keys[i] in known else _rarity(keys[i])
        rows.append((logps[i], min(around, default=0.0), rarity, unknown, float(i in suggestions), corrected[i],
                     float(w.estimated), _repeats(keys, i), float(len(keys[i]) <= 2), _slow(w, keys[i]),
                     _pause(words, i), float(keys[i] in MARKERS), second[i] if second is not None else 0.0,
                     float(keys[i] in known)))
    return WordSignals(tuple(rows), suggestions, known)
