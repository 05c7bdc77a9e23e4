"""The Transcript: one typed, versioned document that every stage reads and returns.

Everything is a frozen dataclass and every time is an integer number of
milliseconds.  Stages never mutate a Transcript; they build a new one with
``dataclasses.replace``.  ``to_json``/``from_json`` round-trip exactly, and
loading validates every field, failing with the path of the first bad one
(``words[12].start_ms: expected int, got str``).
"""
from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import types
import typing
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import UserError

SCHEMA_VERSION = 1


class DocumentError(UserError, ValueError):
    """A transcript.json (or a dict meant to become one) is not valid."""


@dataclass(frozen=True)
class Word:
    text: str
    start_ms: int
    end_ms: int
    probability: float | None = None
    speaker: str | None = None  # a Speaker.id
    estimated: bool = False  # True when the time was spread, not measured


@dataclass(frozen=True)
class Speaker:
    id: str
    name: str | None = None  # full name, e.g. "Dr Olumide Adisa"
    label: str | None = None  # what the page prints before a turn, e.g. "Olumide"
    role: str | None = None
    is_host: bool = False
    evidence: tuple[str, ...] = ()  # why this name was given ("introduces themself: ...")

    @property
    def display(self) -> str:
        """The short name used before each turn ("Dez"), or the id."""
        return self.label or self.name or self.id

    @property
    def full(self) -> str:
        """The full name used in voice spans ("Dez Holmes"), or the id."""
        return self.name or self.label or self.id


@dataclass(frozen=True)
class SpeechSegment:
    """A stretch of one speaker's speech from diarisation (two overlap only where people talk at once)."""

    start_ms: int
    end_ms: int
    speaker: str  # a Speaker.id


# Sound.kind: what the sounds stage found (one definition, read by the captions, chapters and review)
MUSIC, MUSIC_UNDER_SPEECH, UNRECOGNISED, RECOVERED = "music", "music-under-speech", "unrecognised", "recovered"


@dataclass(frozen=True)
class Sound:
    """A stretch of the recording that the words alone do not tell (``sounds`` stage).

    ``kind`` is ``music`` (music with no speech over it, captioned ``[music]``), ``unrecognised``
    (speech a detector heard where recognition, twice, gave no words: captioned as speech that
    cannot be made out) or ``recovered`` (speech that got no words from the first recognition and
    got them from a second decoding of that stretch alone; kept so an editor can check it)."""

    kind: str
    start_ms: int
    end_ms: int
    confidence: float | None = None  # the detector's mean probability over the stretch


@dataclass(frozen=True)
class Turn:
    """Words ``[start, end)`` spoken by one speaker, split into paragraphs.

    ``paragraphs`` holds the word indices where a new paragraph starts after
    the first one (empty for a one-paragraph turn).
    """

    speaker: str | None
    start: int
    end: int
    paragraphs: tuple[int, ...] = ()


@dataclass(frozen=True)
class Chapter:
    start_ms: int
    heading: str | None = None  # None for the untitled opening
    source: str = "auto"  # auto | outline | editor


@dataclass(frozen=True)
class Participant:
    name: str
    role: str | None = None
    host: bool = False


@dataclass(frozen=True)
class EpisodeMeta:
    title: str | None = None
    published: _dt.date | None = None
    summary: str | None = None
    participants: tuple[Participant, ...] = ()
    participants_text: str | None = None
    series_intro: str | None = None
    closing: str | None = None


@dataclass(frozen=True)
class Change:
    """One structured record of what an edit changed (kept in the Revision that made it)."""

    kind: str  # words | speaker | rename | heading | chapter-add | chapter-remove | chapter-move | paragraphs
    before: str | None = None
    after: str | None = None
    start_ms: int | None = None  # where in the audio, when it has a place
    line: int | None = None  # line of the edited file it came from


@dataclass(frozen=True)
class Revision:
    version: int
    at: str  # ISO 8601 UTC
    kind: str  # process | edit | rename | revert | ...
    summary: str = ""
    author: str | None = None
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class Correction:
    """One automatic change to the recognised words, kept so an editor can see and undo it.

    The change produced ``words[index:index + count]`` (``count`` is 0 when words
    were removed, e.g. a dropped "um") from ``before``, the words exactly as they
    were, with their own times.  ``rule`` names the pass ("glossary",
    "spelling", "filler", "style"); ``term`` is the glossary term it matched.
    """

    index: int
    count: int
    before: tuple[Word, ...]
    after: str
    rule: str
    term: str | None = None


@dataclass(frozen=True)
class ReviewPlace:
    """One place an editor should check (the review stage, ``review/``): derived, never published.

    ``words`` is ``[first, last)`` into the transcript's words; ``score`` the estimated
    chance that something there is wrong; ``suggestion`` a name the words nearly spell."""

    id: str
    kind: str  # words | speaker | name
    words: tuple[int, ...]  # (first, last)
    start_ms: int
    end_ms: int
    score: float
    reason: str
    suggestion: str | None = None
    checked: bool = False


@dataclass(frozen=True)
class Transcript:
    episode: str
    duration_ms: int = 0
    language: str | None = None
    meta: EpisodeMeta = field(default_factory=EpisodeMeta)
    speakers: tuple[Speaker, ...] = ()
    words: tuple[Word, ...] = ()
    turns: tuple[Turn, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    segments: tuple[SpeechSegment, ...] = ()  # who speaks when (speakers.rttm); empty before diarisation
    history: tuple[Revision, ...] = ()
    engine: dict[str, str] = field(default_factory=dict)  # model/engine provenance
    source: str | None = None  # path of the audio or video the words were recognised from
    corrections: tuple[Correction, ...] = ()  # automatic changes, in word order
    sounds: tuple[Sound, ...] = ()  # music and speech without words, in time order (the ``sounds`` stage)
    # places to check (the review stage): kept in review.json, never in transcript.json or any published file
    review: tuple[ReviewPlace, ...] = ()
    schema_version: int = SCHEMA_VERSION

    # ---- convenience -------------------------------------------------
    def speaker(self, speaker_id: str | None) -> Speaker | None:
        for s in self.speakers:
            if s.id == speaker_id:
                return s
        return None

    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def version(self) -> int:
        """The number of the latest revision (0 before any)."""
        return self.history[-1].version if self.history else 0

    def with_revision(self, kind: str, summary: str = "", author: str | None = None,
                      changes: tuple[Change, ...] = ()) -> Transcript:
        now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
        rev = Revision(version=self.version + 1, at=now, kind=kind, summary=summary, author=author,
                       changes=changes)
        return replace(self, history=self.history + (rev,))

    # ---- JSON ----------------------------------------------------------
    def to_dict(self) -> dict:
        data = _dump(self)
        if not self.review:  # a document without a review reads as it did before the review stage
            del data["review"]
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_dict(cls, data: object) -> Transcript:
        if not isinstance(data, dict):
            raise DocumentError("transcript: expected a JSON object")
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise DocumentError(
                f"schema_version: this transcribe_kit reads version {SCHEMA_VERSION}, got {version!r}"
            )
        doc = _load(cls, data, "")
        _check_consistency(doc)
        return doc

    @classmethod
    def from_json(cls, text: str) -> Transcript:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DocumentError(f"not valid JSON (line {exc.lineno}: {exc.msg})") from None
        return cls.from_dict(data)

    @classmethod
    def load(cls, path: str | Path) -> Transcript:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise DocumentError(f"{path}: cannot read ({exc.strerror})") from None
        try:
            return cls.from_json(text)
        except DocumentError as exc:
            raise DocumentError(f"{path}: {exc}") from None


# ---- generic (de)serialisation of the dataclasses above ---------------------

def _dump(value: object) -> object:
    if dataclasses.is_dataclass(value):
        return {f.name: _dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value


_HINTS: dict[type, dict[str, object]] = {}


def _hints(cls: type) -> dict[str, object]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _load(tp: object, value: object, path: str) -> object:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _load(inner, value, path)
    if dataclasses.is_dataclass(tp):
        return _load_dataclass(tp, value, path)
    if origin is tuple:
        if not isinstance(value, list):
            raise DocumentError(f"{path}: expected a list, got {_kind(value)}")
        return tuple(_load(args[0], v, f"{path}[{i}]") for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise DocumentError(f"{path}: expected an object of strings")
        return dict(value)
    if tp is _dt.date:
        try:
            return _dt.date.fromisoformat(value) if isinstance(value, str) else _fail(tp, value, path)
        except ValueError:
            raise DocumentError(f"{path}: expected a date YYYY-MM-DD, got {value!r}") from None
    if tp is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return _fail(tp, value, path)
    if tp is int and (isinstance(value, bool) or not isinstance(value, int)):
        return _fail(tp, value, path)
    if not isinstance(value, tp):  # str, bool
        return _fail(tp, value, path)
    return value


def _load_dataclass(cls: type, value: object, path: str) -> object:
    if not isinstance(value, dict):
        raise DocumentError(f"{path or 'transcript'}: expected an object, got {_kind(value)}")
    hints = _hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = sorted(set(value) - names)
    if unknown:
        raise DocumentError(f"{_join(path, unknown[0])}: unknown field")
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name not in value:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise DocumentError(f"{_join(path, f.name)}: missing")
            continue
        kwargs[f.name] = _load(hints[f.name], value[f.name], _join(path, f.name))
    return cls(**kwargs)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _kind(value: object) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def _fail(tp: object, value: object, path: str) -> typing.NoReturn:
    name = getattr(tp, "__name__", str(tp))
    raise DocumentError(f"{path}: expected {name}, got {_kind(value)} {value!r}"[:200])


def _check_consistency(doc: Transcript) -> None:
    ids = {s.id for s in doc.speakers}
    prev_start = 0
    for i, w in enumerate(doc.words):
        if w.start_ms < 0 or w.end_ms < w.start_ms:
            raise DocumentError(f"words[{i}]: times must satisfy 0 <= start_ms <= end_ms")
        if w.start_ms < prev_start:
            raise DocumentError(f"words[{i}].start_ms: words must be in time order")
        prev_start = w.start_ms
        if w.speaker is not None and w.speaker not in ids:
            raise DocumentError(f"words[{i}].speaker: unknown speaker id {w.speaker!r}")
    for i, s in enumerate(doc.segments):
        if s.start_ms < 0 or s.end_ms < s.start_ms:
            raise DocumentError(f"segments[{i}]: times must satisfy 0 <= start_ms <= end_ms")
        if s.speaker not in ids:
            raise DocumentError(f"segments[{i}].speaker: unknown speaker id {s.speaker!r}")
    n = len(doc.words)
    for i, t in enumerate(doc.turns):
        if not 0 <= t.start <= t.end <= n:
            raise DocumentError(f"turns[{i}]: word range {t.start}..{t.end} outside 0..{n}")
        if any(not t.start < p < t.end for p in t.paragraphs):
            raise DocumentError(f"turns[{i}].paragraphs: breaks must lie inside the turn")
    for i, s in enumerate(doc.sounds):
        if s.start_ms < 0 or s.end_ms < s.start_ms:
            raise DocumentError(f"sounds[{i}]: times must satisfy 0 <= start_ms <= end_ms")
    for i, c in enumerate(doc.corrections):
        if c.index < 0 or c.count < 0 or c.index + c.count > n:
            raise DocumentError(f"corrections[{i}]: word range {c.index}..{c.index + c.count} outside 0..{n}")
