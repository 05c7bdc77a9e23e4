"""One episode folder and everything that changes it: edits, renames, reverts.

``EPISODE_DIR/transcript.json`` is the current version.  Every version that
was ever current is also kept as ``EPISODE_DIR/.history/transcript.vN.json``
(N = its latest Revision), so ``revert`` can go back to any of them.  Every
change goes through :meth:`Episode.commit`: it re-renders every output the
folder holds with the writer options the transcript records (``--timestamps``,
caption limits), all written atomically, so a failure leaves the folder as it
was.  Changes are made one at a time across processes (a lock file in
``.history``), and a version file, once written, is never written again.
"""
from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from ..audio import AUDIO_SUFFIXES, Audio, AudioError
from ..captions.check import CAPTION_FILES, Report, check_file
from ..audio import load as load_audio
from ..document import Change, DocumentError, Revision, Transcript
from ..fileio import atomic_write, atomic_write_many
from ..layout import build_page
from ..review import REVIEW_FILE
from ..review.queue import resolve_edited
from ..speakers.naming import parse_rename, rename
from ..writers import WriterOptions, recorded_options, render_all, with_options, writers
from .apply import AudioLoader, EditOptions, EditResult, apply_page
from .readback import EditedPage, EditError, parse_body, read_blocks, strip_frame

DOCUMENT = "transcript.json"
HISTORY = ".history"
LOCK = ".lock"


class Conflict(EditError):
    """The transcript changed since the edit was started from it."""


@dataclass(frozen=True)
class Version:
    revision: Revision
    kept: bool  # a copy is in .history, so revert can go back to it
    current: bool


class Episode:
    """An episode folder made by ``process``: its transcript, outputs, versions and recording."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def __repr__(self) -> str:
        return f"Episode({str(self.folder)!r})"

    # ---- reading ------------------------------------------------------------

    def load(self) -> Transcript:
        path = self.folder / DOCUMENT
        if not path.is_file():
            raise DocumentError(f"{self.folder}: no {DOCUMENT} here; is this an episode folder made by `process`?")
        return Transcript.load(path)

    def version_path(self, version: int) -> Path:
        return self.folder / HISTORY / f"transcript.v{version}.json"

    def versions(self) -> list[Version]:
        doc = self.load()
        return [Version(r, self.version_path(r.version).exists() or r.version == doc.version,
                        r.version == doc.version) for r in doc.history]

    def outputs(self) -> list[str]:
        """The formats this folder holds (the document always)."""
        return [name for name, w in writers().items() if name == "json" or (self.folder / w.filename).exists()]

    def find_audio(self, given: Path | None = None, doc: Transcript | None = None) -> Path | None:
        """The recording: ``given``; else the one ``transcript.json`` names; else the audio file in
        the folder (one named after the episode when there are several).  None when not found."""
        if given is not None:
            return Path(given)
        doc = doc or self.load()
        if doc.source and Path(doc.source).is_file():
            return Path(doc.source)
        found = sorted(p for p in self.folder.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES and p.is_file())
        named = [p for p in found if p.stem == doc.episode]
        return named[0] if len(named) == 1 else found[0] if len(found) == 1 else None

    def audio_loader(self, given: Path | None = None, doc: Transcript | None = None) -> AudioLoader:
        """Decodes the recording only when some span of an edit needs it (None when there is none)."""
        path = self.find_audio(given, doc)

        def load() -> Audio | None:
            if path is None:
                return None
            try:
                return load_audio(path)
            except AudioError:
                return None
        return load

    # ---- changing -----------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """One change at a time, across processes (``apply-edits``, ``speakers --rename``,
        ``revert`` and every editor on this folder)."""
        (self.folder / HISTORY).mkdir(exist_ok=True)
        with open(self.folder / HISTORY / LOCK, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def commit(self, old: Transcript, new: Transcript, options: WriterOptions | None = None) -> list[Path]:
        """Keep ``old`` in the history, write ``new`` and re-render every output atomically.

        ``options`` default to those ``old`` records, so outputs keep the settings they were
        made with; ``new`` records the ones used.  Call inside :meth:`locked`."""
        options = options if options is not None else recorded_options(old)
        new = with_options(new, options)
        keep = self.version_path(old.version)
        if not keep.exists():
            current = self.folder / DOCUMENT
            atomic_write(keep, current.read_bytes() if current.is_file() else old.to_json())
        if self.version_path(new.version).exists():
            raise Conflict(f"{self.folder}: version {new.version} was saved by another change meanwhile; "
                           "reload and make the change again")
        files = render_all(new, self.folder, self.outputs(), options)
        atomic_write_many(files)
        atomic_write(self.version_path(new.version), files[self.folder / DOCUMENT])
        return sorted(files)

    def apply_edits(self, edited: str | Path, options: EditOptions = EditOptions(),
                    audio: Path | None = None) -> EditResult:
        """Apply an edited .txt/.md/.docx to the episode; nothing changes on any error."""
        if not Path(edited).is_file():
            raise EditError(f"{edited}: no such file")
        with self.locked():
            doc = self.load()
            page = read_edited(doc, Path(edited))
            return self.apply_page(doc, page, self.audio_loader(audio, doc), options)

    def apply_page(self, doc: Transcript, page: EditedPage, load: AudioLoader,
                   options: EditOptions = EditOptions()) -> EditResult:
        """Apply an edited page to ``doc`` (the version it was made from) and commit the result.
        Call inside :meth:`locked`."""
        result = apply_page(doc, page, load, options)
        if result.changed:
            self.commit(doc, result.transcript, replace(recorded_options(doc), timestamps=result.timestamps))
            resolve_edited(self.folder / REVIEW_FILE, doc, result.transcript)  # edited places have been looked at
        return result

    def rename(self, renames: list[str], author: str | None = None) -> Transcript:
        """Rename speakers (``"OLD=NEW"`` each) as one new version that ``revert`` can undo."""
        with self.locked():
            old = self.load()
            doc = old
            for text in renames:
                doc = rename(doc, *parse_rename(text))
            if not renames:
                return old
            was = {sp.id: sp for sp in old.speakers}
            changes = tuple(Change("rename", before=was[sp.id].display, after=sp.display)
                            for sp in doc.speakers if (sp.name, sp.label) != (was[sp.id].name, was[sp.id].label))
            summary = "; ".join(f"{c.before} -> {c.after}" for c in changes) or "no change"
            new = replace(doc, history=old.history).with_revision("rename", summary, author, changes)
            self.commit(old, new)
            return new

    def revert(self, version: int, author: str | None = None) -> Transcript:
        """Make ``version`` current again, as a new revision (nothing is lost)."""
        with self.locked():
            current = self.load()
            if version == current.version:
                raise EditError(f"version {version} is already the current one")
            path = self.version_path(version)
            if not path.is_file():
                have = ", ".join(str(v.revision.version) for v in self.versions() if v.kept) or "none"
                raise EditError(f"no saved copy of version {version} (kept versions: {have})")
            back = Transcript.load(path)
            record = Change("revert", before=str(current.version), after=str(version))
            new = replace(back, history=current.history).with_revision("revert", f"back to version {version}",
                                                                        author, (record,))
            self.commit(current, new, recorded_options(back))
            return new


def read_edited(doc: Transcript, path: Path) -> EditedPage:
    """The edited file's headings and paragraphs, with the header and closing ``doc``'s page has removed."""
    page = build_page(doc)
    header = [h for h in (page.title, f"Published: {page.published}" if page.published else None,
                          page.summary, page.participants, page.series_intro) if h]
    blocks = read_blocks(Path(path))
    check_size(doc, sum(len(b.text) + 2 for b in blocks))
    blocks = strip_frame(blocks, header, page.closing, doc.episode)
    return parse_body(blocks, speaker_names(doc))


# An edited page is the episode's text with some changes: one far longer than that is not an edit
# of this episode (and aligning it would hold the folder for minutes).
MAX_GROWTH = 3  # times the episode's page text
MIN_ALLOWANCE = 20_000  # characters, for short episodes


def check_size(doc: Transcript, chars: int) -> None:
    """An ``EditError`` for an edited page out of all proportion to the episode, before any work on it."""
    limit = MAX_GROWTH * sum(len(w.text) + 1 for w in doc.words) + MIN_ALLOWANCE
    if chars > limit:
        raise EditError(f"the edited page has {chars:,} characters, far more than this episode's transcript "
                        f"(at most {limit:,} are taken); is it the right file?")


def caption_checks(folder: Path) -> list[Report]:
    """The caption rules checked on the folder's captions, as ``check`` reports them."""
    doc = Transcript.load(folder / DOCUMENT) if (folder / DOCUMENT).is_file() else None
    return [check_file(folder / name, transcript=doc) for name in CAPTION_FILES if (folder / name).is_file()]


def speaker_names(doc: Transcript) -> set[str]:
    """Every name an edited page may use for a speaker of ``doc``."""
    return {n for s in doc.speakers for n in (s.id, s.name, s.label, s.display) if n}
