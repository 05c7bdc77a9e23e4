"""Where a caption may break, by the BBC Subtitle Guidelines (3.4).

Break after punctuation; never between an article and its noun, a preposition
and its phrase, a conjunction and its clause, a pronoun and its verb, or the
parts of a verb.  Closed word lists decide most cases; part-of-speech tags (a
``Tagger``, normally :func:`transcribe_kit.nlp.pos_tags`) are asked only for
words the lists cannot settle ("that", "her", "it", "up") and for whether the
next word is a verb.

``break_costs`` gives one number per gap between words: negative is a good
place to break, positive a bad one.  The same numbers choose line breaks
inside a cue and the edges between cues.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from itertools import accumulate

from ..turns import ends_on_clitic

log = logging.getLogger(__name__)

Tagger = Callable[[list[str]], list[tuple[str, str]]]  # words -> (first, last) universal POS

SENTENCE_END = (".", "?", "!", "…")
CLAUSE_END = (",", ";", ":", "–", "—")
CLOSING = "\"'”’)]"

DETERMINERS = frozenset(
    "a an the my your its our their every each no another either neither some any several "
    "few many much most whose".split())
PREPOSITIONS = frozenset(
    "of in on at to for with from by about into onto through under between among across against "
    "along around behind below beneath beside besides beyond during except inside near outside per "
    "than toward towards upon via within without throughout".split())
CONJUNCTIONS = frozenset(
    "and but or nor yet because although though whereas while if unless whether whenever wherever "
    "where when once lest".split())
SUBJECT_PRONOUNS = frozenset("i we they he she".split())
AUXILIARIES = frozenset(
    "am is are was were be been being have has had do does did will would shall should can could "
    "may might must".split())
CONTRACTED_AUX = ("'m", "'re", "'ve", "'ll", "'d", "n't", "’m", "’re", "’ve", "’ll", "’d", "n’t")
POSSESSIVE = ("'s", "’s")
# words whose role depends on the sentence: the tagger decides (fallback cost if there is none)
AMBIGUOUS = {
    "that": 3.0, "this": 3.0, "these": 3.0, "those": 3.0, "his": 3.0, "her": 2.0, "what": 3.0,
    "which": 3.0, "who": 3.0, "it": 2.0, "you": 2.0, "there": 2.0, "so": 2.0, "as": 3.0,
    "like": 2.0, "for": 4.0, "after": 3.0, "before": 3.0, "since": 3.0, "until": 3.0, "up": 1.0,
    "out": 1.0, "off": 1.0, "down": 1.0, "over": 2.0, "all": 1.0, "both": 1.0, "such": 2.0,
}
VERBISH_ENDINGS = ("ing", "ed", "en")

GOOD_SENTENCE = -3.0
GOOD_CLAUSE = -2.0
GOOD_BEFORE_CONJUNCTION = -1.0
GOOD_BEFORE_CLAUSE = -1.0  # before a subject pronoun ("| I'm the director")
GOOD_BEFORE_PREPOSITION = -0.5
BAD_DETERMINER = 5.0
BAD_PREPOSITION = 4.0
BAD_CONJUNCTION = 4.0
BAD_PRONOUN_VERB = 4.0
BAD_VERB_PARTS = 3.0
BAD_NAME = 3.0  # inside a proper name ("Dez | Holmes")
BAD_MODIFIER = 1.5  # adjective or number and its noun


def bare(word: str) -> str:
    return word.strip("\"'“”‘’()[]").lower()


def ends_sentence(word: str) -> bool:
    return word.rstrip(CLOSING).endswith(SENTENCE_END)


def ends_clause(word: str) -> bool:
    return word.rstrip(CLOSING).endswith(CLAUSE_END)


def break_costs(words: Sequence[str], tagger: Tagger | None = None) -> list[float]:
    """Cost of breaking after each word (the last entry, the end, costs 0)."""
    tags = _tags(list(words), tagger)
    costs = [_cost(words, i, tags) for i in range(len(words) - 1)]
    return costs + [0.0] if words else []


def _tags(words: list[str], tagger: Tagger | None) -> list[tuple[str, str]] | None:
    if tagger is None or not words:
        return None
    try:
        return tagger(words)
    except Exception as exc:  # a missing or damaged model must not stop the captions
        log.warning("line breaks use word lists only: %s", exc)
        return None


def _cost(words: Sequence[str], i: int, tags: list[tuple[str, str]] | None) -> float:
    left, right = words[i], words[i + 1]
    if ends_sentence(left):
        return GOOD_SENTENCE
    if ends_clause(left):
        return GOOD_CLAUSE
    word, nxt = bare(left), bare(right)
    left_pos = tags[i][1] if tags else None
    right_pos = tags[i + 1][0] if tags else None
    cost = _left_cost(word, left_pos, right, right_pos)
    if cost:
        return cost
    if tags and left_pos == "PROPN" and right_pos == "PROPN":
        return BAD_NAME
    if tags and left_pos in ("ADJ", "NUM") and right_pos in ("NOUN", "PROPN"):
        return BAD_MODIFIER
    if nxt in SUBJECT_PRONOUNS or nxt.split("'")[0].split("’")[0] in SUBJECT_PRONOUNS:
        return GOOD_BEFORE_CLAUSE
    if nxt in CONJUNCTIONS or right_pos in ("CCONJ", "SCONJ"):
        return GOOD_BEFORE_CONJUNCTION
    if nxt in PREPOSITIONS or right_pos == "ADP":
        return GOOD_BEFORE_PREPOSITION
    return 0.0


def _left_cost(word: str, left_pos: str | None, right: str, right_pos: str | None) -> float:
    """How bad it is to end a line on ``word`` (0 when nothing forbids it)."""
    if word in DETERMINERS or word.endswith(POSSESSIVE):
        return BAD_DETERMINER
    if word in PREPOSITIONS:
        return BAD_PREPOSITION
    if word in CONJUNCTIONS:
        return BAD_CONJUNCTION
    if word in SUBJECT_PRONOUNS:
        return BAD_PRONOUN_VERB
    if ends_on_clitic(word):  # "I'm | the Director": a clitic verb never ends a clause, so never a line
        return BAD_VERB_PARTS
    if word in AUXILIARIES or word.endswith(CONTRACTED_AUX):
        return BAD_VERB_PARTS if _is_verb(right, right_pos) else 0.0
    if word in AMBIGUOUS:
        return _ambiguous_cost(word, left_pos, right, right_pos)
    return 0.0


def _ambiguous_cost(word: str, left_pos: str | None, right: str, right_pos: str | None) -> float:
    if left_pos is None:
        return AMBIGUOUS[word]
    if left_pos == "DET":
        return BAD_DETERMINER
    if left_pos in ("ADP", "PART") and word != "up":
        return BAD_PREPOSITION if right_pos != "PUNCT" else 0.0
    if left_pos in ("CCONJ", "SCONJ"):
        return BAD_CONJUNCTION
    if left_pos == "PRON" and _is_verb(right, right_pos):
        return BAD_PRONOUN_VERB
    return 0.0


def _is_verb(word: str, pos: str | None) -> bool:
    if pos is not None:
        return pos in ("VERB", "AUX")
    w = bare(word)
    return w in AUXILIARIES or (len(w) > 4 and w.endswith(VERBISH_ENDINGS))


# ---- laying a cue out on lines ---------------------------------------------------

def line_count(lengths: Sequence[int], max_chars: int, reserve: int = 0) -> int:
    """Fewest lines that hold words of these lengths (greedy fill is optimal for this)."""
    if not lengths:
        return 1
    lines, used = 1, reserve + lengths[0]
    for length in lengths[1:]:
        if used + 1 + length <= max_chars:
            used += 1 + length
        else:
            lines, used = lines + 1, length
    return lines


def line_reach(lengths: Sequence[int], max_chars: int, max_lines: int,
               reserves: Sequence[int]) -> list[int]:
    """For each word ``i``: the first word that ``max_lines`` greedy lines from ``i`` cannot hold.

    The greedy fill of :func:`line_count` ends its line at the same word however
    far the text goes on, so words ``[i, j)`` fit on ``max_lines`` lines exactly
    when ``j <= reach[i]``.  ``reserves[i]`` is kept on the first line when the
    text starts at ``i``.
    """
    n = len(lengths)
    before = [0, *accumulate(lengths)]

    def line_end(i: int, reserve: int, k: int) -> int:  # k: a word known to fit after i
        k = max(k, i + 1)
        while k < n and reserve + before[k + 1] - before[i] + k - i <= max_chars:
            k += 1
        return k

    plain, k = [], 0  # reserve 0: the line end never moves back as i moves on
    for i in range(n):
        k = line_end(i, 0, k)
        plain.append(k)
    plain.append(n)
    reach = []
    for i in range(n):
        if max_lines < 1:
            reach.append(i)
            continue
        end = line_end(i, reserves[i], i + 1) if reserves[i] else plain[i]
        for _ in range(max_lines - 1):
            end = plain[end]
        reach.append(end)
    return reach


def split_lines(words: Sequence[str], costs: Sequence[float], max_chars: int, max_lines: int,
                reserve: int = 0) -> tuple[str, ...]:
    """Lay the words out on the fewest lines, at the best breaks, lines balanced.

    ``costs[i]`` is the cost of breaking after ``words[i]``; ``reserve``
    characters of the first line are kept for a speaker label.  A cue that
    cannot fit is laid out anyway (the checker reports it): no word is dropped.
    """
    if not words:
        return ("",)
    lengths = tuple(len(w) for w in words)
    lines = max(1, min(line_count(lengths, max_chars, reserve), max(max_lines, 1)))
    if lines == 1:
        return (" ".join(words),)
    cuts = _best_cuts(lengths, tuple(costs), max_chars, reserve, lines)
    edges = (0, *cuts, len(words))
    return tuple(" ".join(words[a:b]) for a, b in zip(edges, edges[1:]) if b > a)


def _best_cuts(lengths: tuple[int, ...], costs: tuple[float, ...], max_chars: int, reserve: int,
               lines: int) -> tuple[int, ...]:
    target = (sum(lengths) + len(lengths) - 1 + reserve) / lines

    @functools.lru_cache(maxsize=None)
    def best(start: int, left: int) -> tuple[float, tuple[int, ...]]:
        extra = reserve if start == 0 else 0
        if left == 1:
            width = extra + sum(lengths[start:]) + len(lengths) - start - 1
            return _line_cost(width, target, max_chars, last=True), ()
        options = []
        for cut in range(start + 1, len(lengths) - left + 2):
            width = extra + sum(lengths[start:cut]) + cut - start - 1
            rest_cost, rest = best(cut, left - 1)
            cost = _line_cost(width, target, max_chars, last=False) + costs[cut - 1] + rest_cost
            options.append((cost, (cut, *rest)))
        return min(options)

    return best(0, lines)[1]


def _line_cost(width: int, target: float, max_chars: int, last: bool) -> float:
    over = max(0, width - max_chars) * 100.0
    # balanced lines, and a bottom-heavy pyramid when they cannot be equal
    shape = abs(width - target) / 10.0 + (0.0 if last or width <= target else 0.3)
    return over + shape
