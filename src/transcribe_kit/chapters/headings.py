"""Chapter headings in the house style, built only from the chapter's own words.

House style: a descriptive phrase in sentence case, about 6-16 words, saying
what the chapter discusses ("The disaggregation of data and its benefits").
Nothing is invented: a heading is either the host's opening question turned
into a phrase ("...what the evidence base tells us about X?" -> "What the
evidence base tells us about X"), or the chapter's most distinctive noun
phrases (spaCy noun chunks scored by tf-idf against the other chapters)
joined with "and".  The untitled opening, and headings an editor or an
outline gave, are left alone.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, replace

from .. import nlp
from ..document import Transcript
from ..turns import paragraph_spans
from .units import OPENING, is_host

# "who", "which" and "where" are left out: mid-sentence they mostly open relative clauses
# ("people who cause harm"), which are not what a question asks
_WH = re.compile(r"\b(what|how|why|whether)\b", re.I)
# a question without its question mark (recognisers often drop it in a long turn), by its
# grammar: a clause opening with the auxiliary before its subject ("Is it the case that..."),
# a wh-word followed by that inversion ("what role do you think...", "what does that do..."),
# or the speaker saying it is the question
_AUX = r"(?:is|are|was|were|do|does|did|can|could|would|will|should|has|have|might)"
_SUBJECT = r"(?:it|you|we|they|there|that|this|he|she|i|people|anyone|everyone|the|your|our|their)"
_INVERTED = re.compile(rf"^(?:(?:so|and|but|now|okay|well|then)\b,?\s+)*{_AUX}\s+{_SUBJECT}\b", re.I)
_WH_INVERTED = re.compile(rf"\b(?:what|how|why)\s+(?:\w+\s+)?{_AUX}\s+{_SUBJECT}\b", re.I)
_ASKING = re.compile(r"\bmy question\b", re.I)
# asides that make a question a question to someone, not a description of a topic
_ASIDE = re.compile(r"\b(?:(?:do|would|did|does|could) (?:you|we) (?:think|say|feel|believe)|you know|I think"
                    r"|currently|actually|really|basically)\b,?\s*", re.I)


@dataclass(frozen=True)
class HeadingOptions:
    min_words: int = 6
    max_words: int = 16
    question_max_words: int = 20  # "about 16": the host's own question may run a little over
    question_turns: int = 2  # look for the opening question in the chapter's first turns (or paragraphs)


def add_headings(doc: Transcript, options: HeadingOptions = HeadingOptions()) -> Transcript:
    """A new Transcript whose untitled topic chapters have headings."""
    spans = chapter_spans(doc)
    texts = [" ".join(w.text for w in doc.words[a:b]) for a, b in spans]
    # one chapter at a time: a batch of all of them held the parser's activations for the whole
    # recording (180 MB above the stage for the hour, 540 MB for three hours; bench/README.md)
    docs = list(nlp.load().pipe(texts, disable=("ner",), batch_size=1))
    df = Counter(lemma for d in docs for lemma in {t.lemma_.lower() for t in d if _content(t)})
    chapters = []
    for chapter, (a, b), parsed in zip(doc.chapters, spans, docs):
        if chapter.heading is None and chapter.source != OPENING and b > a:
            heading = question_heading(doc, a, b, options)
            opening = _hosts_opening(doc, a, b, parsed)
            if heading is None and opening is not None:  # the host's turn that sets the topic
                heading = keyphrase_heading(opening, df, len(docs), options, tf_from=parsed)
            heading = heading or keyphrase_heading(parsed, df, len(docs), options)
            chapter = replace(chapter, heading=heading)
        chapters.append(chapter)
    return replace(doc, chapters=tuple(chapters))


def _hosts_opening(doc: Transcript, a: int, b: int, parsed):
    """The part of the chapter's parse (words ``[a, b)``) that is the host's turn opening it, or None."""
    turn = next((t for t in doc.turns if t.start <= a < t.end), None)
    if turn is None or not is_host(doc, turn.speaker):
        return None
    length = len(" ".join(w.text for w in doc.words[a:min(turn.end, b)]))  # the chapter's text begins with it
    return parsed.char_span(0, length, alignment_mode="expand")


def chapter_spans(doc: Transcript) -> list[tuple[int, int]]:
    """The ``[start, end)`` word range of each chapter."""
    starts = [next((i for i, w in enumerate(doc.words) if w.start_ms >= c.start_ms), len(doc.words))
              for c in doc.chapters]
    return list(zip(starts, [*starts[1:], len(doc.words)]))


def sentence_case(text: str) -> str:
    text = text.strip(" ,;:-")
    return text[:1].upper() + text[1:]


def question_heading(doc: Transcript, a: int, b: int, options: HeadingOptions) -> str | None:
    """The wh-clause of the first question asked in the chapter's first turns, as a phrase."""
    spans = [(t.start, t.end) for t in doc.turns if t.end > a and t.start < b]
    if len({w.speaker for w in doc.words[a:b]}) <= 1:  # no turns yet: the chapter's first paragraphs
        spans = [p for t in doc.turns for p in paragraph_spans(t) if p[1] > a and p[0] < b]
    for start, end in spans[: options.question_turns]:
        words = [w.text for w in doc.words[max(start, a):min(end, b)]]
        for sentence in re.split(r"(?<=[.!?])['\"’”)]*\s+", " ".join(words)):
            sentence = sentence.rstrip("'\"’”)")
            if not (sentence.endswith("?") or is_interrogative(sentence)
                    or _hosts_last(doc, start, end, b, sentence, words)):
                continue
            asked = {m.start() for m in _WH_INVERTED.finditer(sentence)}
            clauses = [m.start() for m in _WH.finditer(sentence)]
            # the wh-word that asks ("what does that do") before one inside a statement ("what works")
            for at in [c for c in reversed(clauses) if c in asked] + [c for c in reversed(clauses) if c not in asked]:
                phrase = _trim(_ASIDE.sub("", sentence[at:]).rstrip("?.!").split())
                if options.min_words <= len(phrase) <= options.question_max_words:
                    return sentence_case(" ".join(phrase).rstrip(","))
    return None


# words a heading cannot end on: what a run-on question trails into ("... evidence base okay",
# "... right answers thank") and words that need something after them ("such a", "to the")
_NO_END = frozenset("""okay ok yes yeah right so and but or thank thanks please then now well
a an the of to in on for with from by at as into than which whose such
i we they he she my your our their its""".split())


def _trim(phrase: list[str]) -> list[str]:
    while phrase and (phrase[-1].lower().strip(",;:") in _NO_END):
        phrase = phrase[:-1]
    return phrase


def is_interrogative(sentence: str) -> bool:
    """Is this sentence a question by its word order, whatever its punctuation?"""
    return bool(_INVERTED.search(sentence) or _WH_INVERTED.search(sentence) or _ASKING.search(sentence))


def _hosts_last(doc: Transcript, start: int, end: int, b: int, sentence: str, words: list[str]) -> bool:
    """The last sentence of a host's whole turn: where the host asks, even when the recogniser
    dropped the question mark."""
    return is_host(doc, doc.words[start].speaker) and end <= b and " ".join(words).endswith(sentence)


def _content(token) -> bool:
    return token.is_alpha and not token.is_stop and token.pos_ in {"NOUN", "PROPN", "ADJ", "VERB"}


def keyphrase_heading(parsed, df: Counter, n_docs: int, options: HeadingOptions, tf_from=None) -> str | None:
    """The most distinctive noun chunks of ``parsed``, joined into one phrase.

    Words are weighted by tf-idf: their count in ``tf_from`` (default: ``parsed``
    itself; the whole chapter when ``parsed`` is the host's opening turn) against
    the chapters they occur in."""
    tf = Counter(t.lemma_.lower() for t in (tf_from if tf_from is not None else parsed) if _content(t))

    def weight(lemma: str) -> float:
        return tf[lemma] * math.log((1 + n_docs) / (1 + df[lemma]) + 1)

    scored: dict[str, float] = {}
    for chunk in parsed.noun_chunks:
        tokens = [t for t in chunk if t.pos_ != "PRON" and not t.like_num
                  and (t.pos_ != "PUNCT" or t.text in {"-", "'", "’"})]
        while tokens and tokens[0].pos_ == "DET":
            tokens = tokens[1:]
        if not tokens or tokens[-1].pos_ not in {"NOUN", "PROPN"} or len(tokens) > 6:
            continue
        phrase = "".join((t.text if t.pos_ == "PROPN" or t.text.isupper() else t.text.lower()) + t.whitespace_
                         for t in tokens).strip()
        value = sum(weight(t.lemma_.lower()) for t in tokens if _content(t))
        scored[phrase] = max(scored.get(phrase, 0.0), value)
    chosen: list[str] = []
    for phrase in sorted(scored, key=lambda p: -scored[p]):
        if any(set(phrase.split()) & set(c.split()) for c in chosen):
            continue
        chosen.append(phrase)
        if len(" and the ".join(chosen).split()) + 1 >= options.min_words or len(chosen) == 3:
            break
    if not chosen:
        return None
    words = ("The " + ", ".join(chosen[:-1]) + (" and the " if len(chosen) > 1 else "") + chosen[-1]).split()
    return sentence_case(" ".join(words[: options.max_words]))
