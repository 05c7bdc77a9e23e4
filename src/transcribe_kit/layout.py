"""The published page's structure, built once and rendered by every layout writer.

Title, ``Published: DD/MM/YYYY``, summary, participants sentence, series line,
then chapters (an optional ``[Heading]``) of paragraphs (``Name: text``), then
the closing block.  Writers for .txt, .md, .html and .docx render this model.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .document import EpisodeMeta, Transcript
from .timecode import clock
from .turns import paragraph_spans


@dataclass(frozen=True)
class Paragraph:
    speaker: str  # the label printed before the text ("Dez")
    speaker_id: str | None
    text: str
    start_ms: int
    end_ms: int
    first_word: int  # index of the paragraph's first word in the Transcript
    opens_turn: bool = True  # the page prints "Name: " only before a turn's first paragraph


@dataclass(frozen=True)
class Section:
    heading: str | None
    start_ms: int
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Page:
    title: str | None
    published: str | None  # DD/MM/YYYY
    summary: str | None
    participants: str | None
    series_intro: str | None
    sections: tuple[Section, ...]
    closing: str | None


_TOPIC = re.compile(r"^this (?:podcast|episode) (?:examines|explores|discusses|looks at|considers)\s+", re.I)


def participants_sentence(meta: EpisodeMeta) -> str | None:
    """The page's sentence, from the metadata's own text or built from the participants."""
    if meta.participants_text:
        return meta.participants_text
    if not meta.participants:
        return None
    hosts = [p for p in meta.participants if p.host] or [meta.participants[0]]
    guests = [p for p in meta.participants if p not in hosts]

    def who(p) -> str:
        return f"{p.name}, {p.role}" if p.role else p.name

    lead = " and ".join(who(h) for h in hosts)
    verb = "talks" if len(hosts) == 1 else "talk"
    comma = "," if hosts[-1].role else ""
    topic = _TOPIC.sub("", meta.summary or "").rstrip(". ")
    if re.match(r"^this (?:podcast|episode) looks at\s", meta.summary or "", re.I):
        # "looks at how ..., and at the part volunteers play": the repeated "at" belonged to the verb
        topic = re.sub(r"(,? and) at\s", r"\1 about ", topic)
    about = f" about {topic}" if topic and topic != (meta.summary or "").rstrip(". ") else ""
    if guests:
        names = [who(g) for g in guests]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        sentence = f"{lead}{comma} {verb} to {listed}{about}"
    else:
        sentence = f"{lead}{comma} {verb}{about}" if about else lead
    return sentence + "."


def build_page(doc: Transcript) -> Page:
    meta = doc.meta
    chapters = sorted(doc.chapters, key=lambda c: c.start_ms)
    sections: list[list] = [[None, 0, []]]
    if chapters and chapters[0].start_ms <= (doc.words[0].start_ms if doc.words else 0):
        sections[0][0] = chapters[0].heading
        chapters = chapters[1:]
    for turn in doc.turns:
        speaker = doc.speaker(turn.speaker)
        label = speaker.display if speaker else "Speaker"
        for n, (a, b) in enumerate(paragraph_spans(turn)):
            start = doc.words[a].start_ms
            while chapters and start >= chapters[0].start_ms:
                sections.append([chapters[0].heading, chapters[0].start_ms, []])
                chapters = chapters[1:]
            text = " ".join(w.text for w in doc.words[a:b])
            sections[-1][2].append(Paragraph(label, turn.speaker, text, start, doc.words[b - 1].end_ms, a,
                                             opens_turn=n == 0 or sections[-1][2] == []))
    return Page(
        title=meta.title,
        published=meta.published.strftime("%d/%m/%Y") if meta.published else None,
        summary=meta.summary,
        participants=participants_sentence(meta),
        series_intro=meta.series_intro,
        sections=tuple(Section(h, s, tuple(p)) for h, s, p in sections if p or h),
        closing=meta.closing,
    )


def paragraph_mark(paragraph: Paragraph) -> str:
    """The ``[mm:ss]`` mark ``--timestamps`` puts before a paragraph."""
    return f"[{clock(paragraph.start_ms)}]"
