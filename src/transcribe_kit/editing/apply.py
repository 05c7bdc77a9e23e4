"""Apply an editor's corrections to a Transcript, keeping the timings.

The edited words are aligned to the timed words (a word-level edit script,
on words compared without case and punctuation).  Words that survive keep
their exact times; a word whose only change is case or punctuation keeps them
too.  Each run of new or changed words is timed against the audio of its gap
only (``realign``), or, when that fails, spread evenly inside the gap and
marked ``estimated``.  Speakers, turns, paragraphs and chapters come from the
edited page (``edit_structure``).  The result is a new Transcript with one
more Revision that lists every change as a structured record.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from rapidfuzz.distance import Indel

from ..asr.alignment import ForcedAlignOptions, Aligner, Timed, clamp, plan_windows, spread
from ..document import Change, Transcript, Word
from ..turns import paragraph_spans
from ..vocabulary.corrections import carry
from .readback import EditedPage, EditError, Heading
from .structure import NewParagraph, build_chapters, build_turns, majority, resolve_speakers


@dataclass(frozen=True)
class EditOptions:
    align: ForcedAlignOptions = field(default_factory=ForcedAlignOptions)
    min_shared: float = 0.5  # below this share of surviving words the file is "another text"
    author: str | None = None


@dataclass(frozen=True)
class EditResult:
    transcript: Transcript
    changes: tuple[Change, ...]
    aligned: int  # new words timed against the audio
    estimated: int  # new words spread evenly
    timestamps: bool  # the edited page carried [mm:ss] marks

    @property
    def changed(self) -> bool:
        return bool(self.changes)


AudioLoader = Callable[[], "Audio | None"]
_KEY = re.compile(r"[^\w']+")


def word_key(text: str) -> str:
    """A word compared without case or punctuation (``"Hello,"`` == ``"hello"``)."""
    key = _KEY.sub("", text.casefold().replace("\u2019", "'")).strip("'")
    return key or text


def match_words(old: list[str], new: list[str]) -> list[tuple[str, int, int, int, int]]:
    """The edit script on word keys that keeps the most words: (tag, i1, i2, j1, j2) as difflib gives them.

    An LCS (insertions and deletions only), so no surviving word is ever traded
    for a substitution of equal cost; neighbouring deletions and insertions are
    then joined into one ``replace``.
    """

    ops: list[tuple[str, int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in Indel.opcodes([word_key(w) for w in old], [word_key(w) for w in new]):
        if tag != "equal" and ops and ops[-1][0] != "equal":
            _, a1, _, b1, _ = ops.pop()
            i1, j1 = a1, b1
        if tag != "equal":
            tag = "replace" if i2 > i1 and j2 > j1 else ("delete" if i2 > i1 else "insert")
        ops.append((tag, i1, i2, j1, j2))
    return ops


def apply_page(doc: Transcript, page: EditedPage, load_audio: AudioLoader,
               options: EditOptions = EditOptions()) -> EditResult:
    """The edited page applied to ``doc``: a new Transcript, or an EditError naming the line."""
    paragraphs, texts, lines = _flatten(page)
    opcodes = match_words([w.text for w in doc.words], texts)
    old_of_new = {j1 + k: i1 + k for tag, i1, i2, j1, j2 in opcodes if tag == "equal" for k in range(i2 - i1)}
    _check_shared(doc, paragraphs, texts, old_of_new, options)
    paragraphs = [replace(p, old_speaker=majority([doc.words[old_of_new[j]].speaker
                                                   for j in range(p.first, p.end) if j in old_of_new]))
                  for p in paragraphs]
    speakers, ids, changes = resolve_speakers(doc, paragraphs)
    speaker_of = [sid for p, sid in zip(paragraphs, ids) for _ in range(p.first, p.end)]
    words, aligned, estimated = _timed_words(doc, texts, old_of_new, speaker_of, load_audio, options)
    changes = _word_changes(doc, texts, opcodes, lines, words) + changes
    changes += _paragraph_changes(doc, paragraphs, old_of_new)
    by_line = {p.line: p for p in paragraphs}
    items = [item if isinstance(item, Heading) else by_line[item.line] for item in page.items]
    anchors = [next((old_of_new[j] for j in range(p.first, p.end) if j in old_of_new), None) for p in paragraphs]
    chapters, more = build_chapters(doc, items, [words[p.first].start_ms for p in paragraphs], anchors)
    changes += more
    silent = {s.id for s in doc.speakers} - {w.speaker for w in doc.words}
    speakers = tuple(s for s in speakers if s.id in set(ids) or s.id in silent)
    new = replace(doc, words=tuple(words), speakers=speakers, turns=build_turns(paragraphs, ids),
                  chapters=chapters, corrections=carry(doc, tuple(words), {i: j for j, i in old_of_new.items()}))
    if changes:
        new = new.with_revision("edit", _summary(changes), options.author, tuple(changes))
    return EditResult(new, tuple(changes), aligned, estimated, page.timestamps)


def _flatten(page: EditedPage) -> tuple[list[NewParagraph], list[str], list[int]]:
    paragraphs: list[NewParagraph] = []
    texts: list[str] = []
    lines: list[int] = []
    label = None
    for item in page.items:
        if isinstance(item, Heading):
            continue
        label = item.speaker or label
        if not item.words:
            raise EditError(f"line {item.line}: paragraph of {label} has no words; delete the line instead")
        paragraphs.append(NewParagraph(item.line, label, len(texts), len(texts) + len(item.words), None))
        texts += item.words
        lines += [item.line] * len(item.words)
    return paragraphs, texts, lines


def _check_shared(doc: Transcript, paragraphs: list[NewParagraph], texts: list[str],
                  old_of_new: dict[int, int], options: EditOptions) -> None:
    total = max(len(doc.words), len(texts), 1)
    if len(old_of_new) / total >= options.min_shared:
        return
    worst = next((p for p in paragraphs if sum(j in old_of_new for j in range(p.first, p.end))
                  < options.min_shared * (p.end - p.first)), paragraphs[0])
    raise EditError(
        f"line {worst.line}: only {len(old_of_new) / total:.0%} of the words match the transcript of "
        f"{doc.episode}; the text is too different to align (is it another episode's file?)")


def _timed_words(doc: Transcript, texts: list[str], old_of_new: dict[int, int], speaker_of: list,
                 load_audio: AudioLoader, options: EditOptions) -> tuple[list[Word], int, int]:
    words: list[Word | None] = [None] * len(texts)
    for j, i in old_of_new.items():
        words[j] = replace(doc.words[i], text=texts[j], speaker=speaker_of[j])
    gaps = _gaps(words)
    known = [Timed(w.text, w.start_ms, w.end_ms) if w is not None else None for w in words]
    found: dict[tuple[int, int], list[tuple[int, int]]] = {}
    source = load_audio() if gaps and options.align.use_audio else None
    if source is not None:
        aligner = Aligner(source, options.align)
        for window in plan_windows(known, gaps, doc.duration_ms, options.align):
            times = aligner.align(window, texts, known)
            if times is not None:
                found.update({(a, b): times[a - window.first:b - window.first] for a, b in window.gaps})
    aligned = estimated = 0
    for a, b in gaps:
        lo = words[a - 1].end_ms if a else 0
        hi = max(lo, words[b].start_ms if b < len(words) else doc.duration_ms)
        times = clamp(found[(a, b)], lo, hi) if (a, b) in found else spread(texts[a:b], lo, hi)
        for j, (start, end) in zip(range(a, b), times):
            words[j] = Word(texts[j], start, end, None, speaker_of[j], estimated=(a, b) not in found)
        aligned += b - a if (a, b) in found else 0
        estimated += 0 if (a, b) in found else b - a
    return words, aligned, estimated


def _gaps(words: list[Word | None]) -> list[tuple[int, int]]:
    gaps, start = [], None
    for j, w in enumerate(words + [Word("", 0, 0)]):
        if w is None and start is None:
            start = j
        elif w is not None and start is not None:
            gaps.append((start, j))
            start = None
    return gaps


def _word_changes(doc: Transcript, texts: list[str], opcodes, lines: list[int], words: list[Word]) -> list[Change]:
    changes: list[Change] = []
    for tag, i1, i2, j1, j2 in opcodes:
        before = " ".join(w.text for w in doc.words[i1:i2])
        after = " ".join(texts[j1:j2])
        if tag == "equal" and before == after:
            continue
        at = words[j1].start_ms if j1 < j2 else (doc.words[i1].start_ms if i1 < len(doc.words) else None)
        line = lines[min(j1, len(lines) - 1)] if lines else None
        changes.append(Change("words", before=before or None, after=after or None, start_ms=at, line=line))
    return changes


def _paragraph_changes(doc: Transcript, paragraphs: list[NewParagraph], old_of_new: dict[int, int]) -> list[Change]:
    old_starts = {a for t in doc.turns for a, _ in paragraph_spans(t)}
    new_starts = {old_of_new.get(p.first): p for p in paragraphs}
    changes = [Change("paragraph-split", after=" ".join(doc.words[i].text for i in range(i, min(i + 6, len(doc.words)))),
                      start_ms=doc.words[i].start_ms, line=p.line)
               for i, p in new_starts.items() if i is not None and i not in old_starts]
    survivors = set(old_of_new.values())
    changes += [Change("paragraph-merge", before=" ".join(w.text for w in doc.words[i:i + 6]),
                       start_ms=doc.words[i].start_ms)
                for i in sorted(old_starts) if i in survivors and i not in new_starts and i > 0]
    return changes


def _summary(changes: list[Change]) -> str:
    counts: dict[str, int] = {}
    for c in changes:
        counts[c.kind] = counts.get(c.kind, 0) + 1
    return ", ".join(f"{n} {kind}" for kind, n in counts.items())
