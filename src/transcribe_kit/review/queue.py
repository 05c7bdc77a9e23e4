"""An episode's review queue as the commands show it: which places are left, with their words.

``review.json`` was made with the transcript's words at the time; an edit since
may have moved the indices, so the words shown are found by each place's times
in the transcript as it is now.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ..document import Transcript
from ..timecode import clock
from . import REVIEW_FILE, read_review

# The list an editor is given: the places in rank order that fit in a tenth of the words (the budget the
# queue is measured at, bench/README.md "Review queue"), and beyond that any place at least ``WORTH``
# likely to be wrong (about one in three), so that no likely mistake is left out by the budget.
BUDGET = 0.10
WORTH = 0.3


def listed(items, words: int, budget: float = BUDGET, worth: float = WORTH, span=lambda it: it["words"],
           score=lambda it: it["score"]) -> list:
    """The places of ``items`` (in rank order; review.json's dicts, or what ``span`` and ``score`` read)
    worth an editor's look: those that fit in ``budget`` of the ``words``, then any scored ``worth``."""
    limit, seen, out, within = budget * words, set(), [], True
    for it in items:
        first, last = span(it)
        new = seen | set(range(first, max(last, first + 1)))
        within = within and len(new) <= limit
        if within or score(it) >= worth:
            out.append(it)
            seen = new
    return out


@dataclass(frozen=True)
class Queue:
    items: tuple[dict, ...]  # review.json's places, most doubtful first
    words: int  # the transcript's words

    def worth_checking(self) -> list[dict]:
        """The places on the list an editor is given (:func:`listed`), checked or not."""
        return listed(self.items, self.words)

    def to_check(self) -> list[dict]:
        """The places on the list not checked yet."""
        return [it for it in self.worth_checking() if not it.get("checked")]

    def share(self, items: list[dict]) -> float:
        """The share of the transcript's words that ``items`` cover."""
        covered = {k for it in items for k in range(it["words"][0], it["words"][1])}
        return len(covered) / self.words if self.words else 0.0


def load_queue(folder: str | Path, doc: Transcript | None = None) -> Queue:
    folder = Path(folder)
    data = read_review(folder / REVIEW_FILE)
    words = len(doc.words) if doc is not None else int(data.get("words", 0))
    return Queue(tuple(data.get("items", [])), words)


def place_words(doc: Transcript, item: dict) -> tuple[int, int]:
    """[first, last) of the words at the place's times now (its stored indices when nothing matches)."""
    a, b = item["start_ms"], item["end_ms"]
    inside = [i for i, w in enumerate(doc.words)
              if (w.start_ms < b and w.end_ms > a) or a <= w.start_ms == w.end_ms <= b or w.start_ms == a]
    return (inside[0], inside[-1] + 1) if inside else tuple(item["words"])


def in_context(doc: Transcript, item: dict, around: int = 4) -> str:
    """The place's words in [brackets] with a few words either side: "… said that [Olu Mide] was …"."""
    first, last = place_words(doc, item)
    before = " ".join(w.text for w in doc.words[max(0, first - around):first])
    inside = " ".join(w.text for w in doc.words[first:last])
    after = " ".join(w.text for w in doc.words[last:last + around])
    lead = "… " if first > around else ""
    tail = " …" if last + around < len(doc.words) else ""
    return f"{lead}{before} [{inside}] {after}{tail}".strip()


def describe(doc: Transcript, item: dict) -> str:
    """One place as the ``review`` command prints it."""
    line = f"{clock(item['start_ms']):>8}  {item['kind']:<7} {item['score']:.2f}  {in_context(doc, item)}"
    line += f"\n{'':18}{item['reason']}"
    if item.get("suggestion"):
        line += f" (perhaps: {item['suggestion']})"
    return line


def summary(folder: Path, queue: Queue) -> str:
    """"37 places to check (4 % of the words): transcribe-kit edit outputs/episode"."""
    left = queue.to_check()
    if not left:
        return f"no places to check: transcribe-kit edit {folder}"
    places = f"{len(left)} place{'s' if len(left) != 1 else ''}"
    return f"{places} to check ({100 * queue.share(left):.0f} % of the words): transcribe-kit edit {folder}"


def _words_at(doc: Transcript, item: dict) -> list[tuple[str, int, int]]:
    """The words of the place with their times (an edit keeps an unchanged word's exact times)."""
    first, last = place_words(doc, item)
    return [(w.text, w.start_ms, w.end_ms) for w in doc.words[first:last]]


def _unchanged(old: Transcript, new: Transcript, item: dict) -> bool:
    before = _words_at(old, item)
    return bool(before) and all(k < len(new.words) for k in range(len(before))) and before == _words_at(new, item)


def resolve_edited(path: Path, old: Transcript, new: Transcript) -> list[str]:
    """Mark checked every unchecked place of the review.json at ``path`` whose words an edit changed
    (``old`` -> ``new``): an editor who changed them has looked at them.  The ids marked."""
    from ..fileio import atomic_write

    if not path.is_file():
        return []
    data = read_review(path)
    done = [it for it in data["items"] if not it.get("checked") and not _unchanged(old, new, it)]
    for it in done:
        it["checked"] = True
    if done:
        atomic_write(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return [it["id"] for it in done]
