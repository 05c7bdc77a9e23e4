"""Speakers, turns and chapters of an edited page, resolved against the Transcript.

* A paragraph's name is a known speaker (label, full name or id), a
  participant from the metadata (who becomes a new speaker), or a new name
  that replaces one speaker's name on every one of their paragraphs (a rename
  everywhere).  Anything else is an unknown speaker, reported with its line.
* Consecutive paragraphs of one speaker form one turn.
* A ``[Heading]`` opens a chapter at the next paragraph's first word; a
  heading that still sits where it was keeps its chapter (and its source).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from ..document import Change, Chapter, Participant, Speaker, Transcript, Turn
from ..layout import build_page
from ..turns import paragraph_spans
from .readback import EditError, Heading


@dataclass(frozen=True)
class NewParagraph:
    line: int
    label: str
    first: int  # index of its first word in the new word list
    end: int
    old_speaker: str | None  # who spoke the matched words before the edit


def _names(doc: Transcript) -> dict[str, str]:
    known: dict[str, str] = {}
    for s in doc.speakers:
        for name in (s.id, s.name, s.label, s.display, s.full):
            if name:
                known.setdefault(name.casefold(), s.id)
    return known


def resolve_speakers(doc: Transcript, paragraphs: list[NewParagraph]
                     ) -> tuple[tuple[Speaker, ...], list[str | None], list[Change]]:
    """Each paragraph's speaker id, the updated speakers, and what changed."""
    original = _names(doc)
    known = dict(original)
    speakers = {s.id: s for s in doc.speakers}
    changes: list[Change] = []
    for label in dict.fromkeys(p.label for p in paragraphs if p.label.casefold() not in original):
        sid = _renamed(paragraphs, label, original)
        if sid is not None:
            before = speakers[sid].display
            speakers[sid] = _rename(speakers[sid], label, _participant(doc, label))
            changes.append(Change("rename", before=before, after=label))
        elif (person := _participant(doc, label)) is not None:
            sid = _add_speaker(speakers, person, label)
        else:
            _unknown(doc, paragraphs, label)
        known[label.casefold()] = sid
    ids = [known[p.label.casefold()] for p in paragraphs]
    for p, sid in zip(paragraphs, ids):
        if p.old_speaker is not None and sid != p.old_speaker:
            changes.append(Change("speaker", before=_display(doc, p.old_speaker), after=p.label, line=p.line))
    return tuple(speakers.values()), ids, changes


def _display(doc: Transcript, sid: str) -> str:
    speaker = doc.speaker(sid)
    return speaker.display if speaker else sid


def _participant(doc: Transcript, label: str) -> Participant | None:
    """The metadata's participant called ``label`` (full name or first name)."""
    for person in doc.meta.participants:
        if label.casefold() in (person.name.casefold(), person.name.split()[0].casefold()):
            return person
    return None


def _add_speaker(speakers: dict[str, Speaker], person: Participant, label: str) -> str:
    n = len(speakers) + 1
    while f"S{n}" in speakers:
        n += 1
    speakers[f"S{n}"] = Speaker(f"S{n}", name=person.name, label=label, role=person.role, is_host=person.host)
    return f"S{n}"


def _renamed(paragraphs: list[NewParagraph], label: str, original: dict[str, str]) -> str | None:
    """The one speaker whose every paragraph now carries ``label`` (a rename everywhere)."""
    olds = {p.old_speaker for p in paragraphs if p.label == label}
    if len(olds) != 1 or None in olds:
        return None
    (sid,) = olds
    if any(p.old_speaker == sid and original.get(p.label.casefold()) == sid for p in paragraphs):
        return None
    return sid


def _unknown(doc: Transcript, paragraphs: list[NewParagraph], label: str) -> None:
    line = next(p.line for p in paragraphs if p.label == label)
    names = ", ".join(sorted({s.display for s in doc.speakers})) or "none"
    raise EditError(
        f"line {line}: unknown speaker {label!r} (known: {names}); to rename a speaker "
        "everywhere, change the name on every one of their paragraphs")


def _rename(speaker: Speaker, label: str, person: Participant | None) -> Speaker:
    if person is not None:
        return replace(speaker, label=label, name=person.name, role=person.role or speaker.role,
                       is_host=person.host or speaker.is_host)
    derived = speaker.name is None or speaker.name == speaker.label
    return replace(speaker, label=label, name=label if derived else speaker.name)


def build_turns(paragraphs: list[NewParagraph], ids: list[str | None]) -> tuple[Turn, ...]:
    turns: list[Turn] = []
    for p, sid in zip(paragraphs, ids):
        if turns and turns[-1].speaker == sid:
            last = turns[-1]
            turns[-1] = Turn(sid, last.start, p.end, last.paragraphs + (p.first,))
        else:
            turns.append(Turn(sid, p.first, p.end))
    return tuple(turns)


def build_chapters(doc: Transcript, items: list[Heading | NewParagraph], starts_ms: list[int],
                   anchors: list[int | None]) -> tuple[tuple[Chapter, ...], list[Change]]:
    """Chapters from the headings.

    ``starts_ms[k]`` is the k-th paragraph's first word time; ``anchors[k]`` the
    old index of the paragraph's first word that survived the edit (or None).
    """
    old, paragraph_of = _old_sections(doc)
    chapters: list[Chapter] = []
    changes: list[Change] = []
    pending: Heading | None = None
    k = -1
    for item in items:
        if isinstance(item, Heading):
            if pending is not None:
                raise EditError(f"line {pending.line}: heading [{pending.text}] has no paragraph "
                                f"before the next heading (line {item.line})")
            pending = item
            continue
        k += 1
        if pending is not None:
            anchor = paragraph_of.get(anchors[k]) if anchors[k] is not None else None
            chapters.append(_chapter(old, pending, starts_ms[k], anchor, changes))
            pending = None
    if pending is not None:
        raise EditError(f"line {pending.line}: heading [{pending.text}] has no paragraph after it")
    _removed(old, chapters, changes)
    opening = [c for c in doc.chapters if c.heading is None]
    if opening and not (chapters and chapters[0].start_ms <= opening[0].start_ms):
        chapters.insert(0, opening[0])
    return tuple(chapters), changes


def _old_sections(doc: Transcript) -> tuple[dict[str, tuple[Chapter, int]], dict[int, int]]:
    """Titled chapters by heading with the old paragraph they open at; each word's paragraph."""
    paragraph_of: dict[int, int] = {}
    for turn in doc.turns:
        for a, b in paragraph_spans(turn):
            paragraph_of.update(dict.fromkeys(range(a, b), a))
    by_heading = {c.heading: c for c in doc.chapters if c.heading is not None}
    old: dict[str, tuple[Chapter, int]] = {}
    for section in build_page(doc).sections:
        if section.heading in by_heading and section.paragraphs:
            old.setdefault(section.heading, (by_heading[section.heading], section.paragraphs[0].first_word))
    return old, paragraph_of


def _chapter(old: dict, heading: Heading, start_ms: int, anchor: int | None, changes: list[Change]) -> Chapter:
    if heading.text in old:
        chapter, first = old[heading.text]
        if anchor == first:
            return chapter
        changes.append(Change("chapter-move", before=str(chapter.start_ms), after=str(start_ms),
                              start_ms=start_ms, line=heading.line))
        return Chapter(start_ms, heading.text, "editor")
    renamed = next((h for h, (c, first) in old.items() if anchor is not None and first == anchor), None)
    if renamed is not None:
        changes.append(Change("heading", before=renamed, after=heading.text, start_ms=start_ms, line=heading.line))
    else:
        changes.append(Change("chapter-add", after=heading.text, start_ms=start_ms, line=heading.line))
    return Chapter(start_ms, heading.text, "editor")


def _removed(old: dict, chapters: list[Chapter], changes: list[Change]) -> None:
    kept = {c.heading for c in chapters}
    renamed = {c.before for c in changes if c.kind == "heading"}
    for heading, (chapter, _) in old.items():
        if heading not in kept and heading not in renamed:
            changes.append(Change("chapter-remove", before=heading, start_ms=chapter.start_ms))


def majority(values: list[str | None]) -> str | None:
    counted = Counter(v for v in values if v is not None)
    return counted.most_common(1)[0][0] if counted else None
