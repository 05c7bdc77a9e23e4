"""The series glossary: terms the recogniser should spell the house's way.

Syntax (``glossary.txt`` beside the audio; or a ``glossary`` key in
``series.toml`` or the episode's TOML, as a list of lines or one multi-line
string)::

    # one term a line; '#' starts a comment; blank lines are ignored
    Kyla Kirkpatrick
    SafeLives | heard as: Safe Lives, safe lives
    DVA | heard as: DBA, D.V.A.
    Chief Exec

The part before ``|`` is the term exactly as the page writes it.  After it,
``heard as:`` (the words are optional) lists comma-separated ways the
recogniser writes it; those variants are replaced wherever they occur, even in
lower case.  Without variants a term is only matched against near-misses that
are capitalised (see :mod:`transcribe_kit.vocabulary.correct`).

``glossary suggest`` (:func:`suggest`) reads episode folders' ``transcript.json``
and proposes lines for word changes an editor made the same way in several
episodes (the "words" changes of the "edit" revisions in the history).
"""
from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..document import DocumentError, Transcript
from ..errors import UserError

GLOSSARY_FILE = "glossary.txt"
SERIES_FILE = "series.toml"


class GlossaryError(UserError, ValueError):
    """A glossary line or file is not valid."""


@dataclass(frozen=True)
class Entry:
    term: str
    variants: tuple[str, ...] = ()
    source: str = ""


def parse_line(line: str, where: str = "glossary") -> Entry | None:
    """One glossary line; None for a blank or comment line."""
    text = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
    if not text:
        return None
    term, bar, rest = (part.strip() for part in text.partition("|"))
    if not term:
        raise GlossaryError(f"{where}: {line.strip()!r}: the term before '|' is missing")
    rest = re.sub(r"^heard\s+as\s*:?", "", rest, flags=re.IGNORECASE).strip()
    variants = tuple(v.strip() for v in rest.split(",") if v.strip())
    if bar and not variants:
        raise GlossaryError(f"{where}: {line.strip()!r}: nothing after '|' (write 'Term | heard as: variant')")
    return Entry(term=" ".join(term.split()), variants=variants, source=where)


def parse(text: str, where: str = "glossary") -> tuple[Entry, ...]:
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        entry = parse_line(line, f"{where}:{number}")
        if entry:
            entries.append(entry)
    return tuple(entries)


def _toml_glossary(path: Path) -> tuple[Entry, ...]:
    try:
        with open(path, "rb") as fh:
            value = tomllib.load(fh).get("glossary")
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise GlossaryError(f"{path}: cannot read the glossary ({exc})") from None
    if value is None:
        return ()
    if isinstance(value, str):
        return parse(value, f"{path} glossary")
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return parse("\n".join(value), f"{path} glossary")
    raise GlossaryError(f"{path}: glossary must be a list of lines or one multi-line string")


def load_file(path: Path) -> tuple[Entry, ...]:
    """One glossary file (``Term | heard as: variant`` lines)."""
    if not Path(path).is_file():
        raise GlossaryError(f"{path}: no such glossary file")
    return tuple(parse(Path(path).read_text(encoding="utf-8"), str(path)))


def load_for(audio_path: Path, meta_path: Path | None = None, extra: Path | None = None) -> tuple[Entry, ...]:
    """Every glossary that applies to an audio file: glossary.txt, series.toml, the episode TOML, ``extra``."""
    folder = Path(audio_path).parent
    entries: list[Entry] = []
    for path in (folder / GLOSSARY_FILE, extra):
        if path is not None and (path.is_file() or path == extra):
            entries += load_file(path)
    episode_toml = meta_path or Path(audio_path).with_suffix(".toml")
    for path in (folder / SERIES_FILE, episode_toml):
        if path.is_file():
            entries += _toml_glossary(path)
    return merge(entries)


def merge(entries: list[Entry] | tuple[Entry, ...]) -> tuple[Entry, ...]:
    """One entry per term (first spelling wins), variants pooled in order."""
    by_term: dict[str, Entry] = {}
    for e in entries:
        key = e.term.casefold()
        if key in by_term:
            old = by_term[key]
            variants = old.variants + tuple(v for v in e.variants if v not in old.variants)
            by_term[key] = Entry(old.term, variants, old.source)
        else:
            by_term[key] = e
    return tuple(by_term.values())


def format_entry(entry: Entry) -> str:
    return f"{entry.term} | heard as: {', '.join(entry.variants)}" if entry.variants else entry.term


# ---- suggestions from editors' corrections ---------------------------------------

@dataclass(frozen=True)
class Suggestion:
    entry: Entry
    episodes: tuple[str, ...]


def _bare(text: str) -> str:
    return text.strip(" \t.,;:!?\"'“”‘’()[]")


def editor_changes(doc: Transcript, max_words: int = 4) -> set[tuple[str, str]]:
    """(heard, written) pairs of the word changes an editor made in one transcript.

    Read from the history: every Revision of kind "edit" lists its changes, and a
    change of kind "words" replacing at most ``max_words`` words by at most as many
    is a candidate ("Kayla" -> "Kyla", "safe lives" -> "SafeLives").
    """
    pairs = set()
    for revision in doc.history:
        if revision.kind != "edit":
            continue
        for change in revision.changes:
            if change.kind != "words" or not change.before or not change.after:
                continue
            heard, written = _bare(change.before), _bare(change.after)
            if heard and written and heard != written and max(len(heard.split()), len(written.split())) <= max_words:
                pairs.add((heard, written))
    return pairs


def suggest(folders: list[Path], known: tuple[Entry, ...] = (), min_episodes: int = 2) -> list[Suggestion]:
    """Glossary lines for changes made the same way in at least ``min_episodes`` episodes.

    Reads ``transcript.json`` in each folder (or the file itself when given) and
    the word changes recorded in its edit history.  Pairs already covered by
    ``known`` (the term with that variant) are left out.
    """
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for folder in folders:
        path = folder / "transcript.json" if folder.is_dir() else folder
        try:
            doc = Transcript.load(path)
        except DocumentError as exc:
            raise GlossaryError(str(exc)) from None
        for heard, written in editor_changes(doc):
            seen[(heard.casefold(), written)].add(doc.episode)
    covered = {(v.casefold(), e.term) for e in known for v in e.variants}
    by_term: dict[str, tuple[list[str], set[str]]] = {}
    for (heard, written), episodes in sorted(seen.items()):
        if len(episodes) >= min_episodes and (heard, written) not in covered:
            variants, eps = by_term.setdefault(written, ([], set()))
            variants.append(heard)
            eps.update(episodes)
    return [Suggestion(Entry(term, tuple(v)), tuple(sorted(eps))) for term, (v, eps) in by_term.items()]
