"""Words -> turns -> paragraphs, the way the published page lays them out.

A turn is a run of words by one speaker.  Long turns are broken into
paragraphs at sentence ends that follow a pause, or once a paragraph has run
long, as the page does.  All limits are settings.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from .document import Transcript, Turn, Word

SENTENCE_END = (".", "?", "!")


@dataclass(frozen=True)
class TurnOptions:
    paragraph_pause_ms: int = 1500  # a sentence end followed by this much silence opens a paragraph
    paragraph_max_words: int = 160  # ...and so does any sentence end past this length
    paragraph_min_words: int = 40  # never break a paragraph shorter than this


def ends_sentence(word: Word) -> bool:
    return word.text.rstrip("\"'”’)").endswith(SENTENCE_END)


# A subject with its verb worn down to a clitic ("I'm", "we're", "name's", "they'll") cannot end a
# clause: the sentence goes on after it.  ("n't" can: "No, I don't.")
CLITICS = ("'m", "'re", "'s", "'ve", "'ll", "'d", "’m", "’re", "’s", "’ve", "’ll", "’d")


def ends_on_clitic(text: str) -> bool:
    """``text`` (one word, punctuation and all) is a word with a clitic verb and nothing after it."""
    bare = text.strip("\"'“”‘’()[],;:").lower()
    return bare.endswith(CLITICS) and bare[:-2].rstrip("'’").isalpha()


def build_turns(doc: Transcript, options: TurnOptions = TurnOptions()) -> Transcript:
    words = doc.words
    turns: list[Turn] = []
    start = 0
    for i in range(1, len(words) + 1):
        if i == len(words) or words[i].speaker != words[start].speaker:
            turns.append(_paragraphs(words, start, i, options))
            start = i
    return replace(doc, turns=tuple(turns))


def _paragraphs(words: tuple[Word, ...], start: int, end: int, options: TurnOptions) -> Turn:
    breaks: list[int] = []
    para_start = start
    for i in range(start, end - 1):
        if not ends_sentence(words[i]):
            continue
        length = i + 1 - para_start
        pause = words[i + 1].start_ms - words[i].end_ms
        if length >= options.paragraph_min_words and (
            pause >= options.paragraph_pause_ms or length >= options.paragraph_max_words
        ):
            breaks.append(i + 1)
            para_start = i + 1
    return Turn(speaker=words[start].speaker, start=start, end=end, paragraphs=tuple(breaks))


def paragraph_spans(turn: Turn) -> list[tuple[int, int]]:
    """The ``[start, end)`` word ranges of a turn's paragraphs."""
    edges = [turn.start, *turn.paragraphs, turn.end]
    return [(a, b) for a, b in zip(edges, edges[1:]) if b > a]
