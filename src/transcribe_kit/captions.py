"""Caption cues from timed words.

A first, simple layout: a new cue at each change of speaker, at a sentence
end, or when the cue would exceed two lines of ``max_chars`` or
``max_duration_ms``; lines balanced at a word boundary.  Times come straight
from the words, in integer milliseconds.
"""
from __future__ import annotations

from dataclasses import dataclass

from .document import Transcript
from .turns import ends_sentence


@dataclass(frozen=True)
class CaptionOptions:
    max_chars: int = 42
    max_lines: int = 2
    max_duration_ms: int = 7000


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    lines: tuple[str, ...]
    speaker: str | None
    first_word: int
    last_word: int  # inclusive

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def build_cues(doc: Transcript, options: CaptionOptions = CaptionOptions()) -> list[Cue]:
    groups: list[list[int]] = []
    limit = options.max_chars * options.max_lines
    for i, word in enumerate(doc.words):
        current = groups[-1] if groups else None
        if current:
            first, last = doc.words[current[0]], doc.words[current[-1]]
            length = sum(len(doc.words[j].text) + 1 for j in current) + len(word.text)
            if (word.speaker != first.speaker or ends_sentence(last) or length > limit
                    or word.end_ms - first.start_ms > options.max_duration_ms):
                current = None
        if current is None:
            groups.append([i])
        else:
            current.append(i)
    return [_cue(doc, g, options) for g in groups]


def _cue(doc: Transcript, group: list[int], options: CaptionOptions) -> Cue:
    words = [doc.words[i].text for i in group]
    return Cue(
        start_ms=doc.words[group[0]].start_ms,
        end_ms=max(doc.words[group[-1]].end_ms, doc.words[group[0]].start_ms + 1),
        lines=balance_lines(words, options.max_chars),
        speaker=doc.words[group[0]].speaker,
        first_word=group[0],
        last_word=group[-1],
    )


def balance_lines(words: list[str], max_chars: int) -> tuple[str, ...]:
    """One line if it fits, else two lines split where they are most even."""
    text = " ".join(words)
    if len(text) <= max_chars or len(words) == 1:
        return (text,)
    best, best_cost = 1, None
    for k in range(1, len(words)):
        a, b = " ".join(words[:k]), " ".join(words[k:])
        cost = abs(len(a) - len(b)) + (1000 if max(len(a), len(b)) > max_chars else 0)
        if best_cost is None or cost < best_cost:
            best, best_cost = k, cost
    return (" ".join(words[:best]), " ".join(words[best:]))
