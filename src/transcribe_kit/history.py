"""An episode folder's versions: apply an edited file, list versions, revert.

``EPISODE_DIR/transcript.json`` is the current version.  Every version that
was ever current is also kept as ``EPISODE_DIR/.history/transcript.vN.json``
(N = its latest Revision), so ``revert`` can go back to any of them.  Every
change re-renders every output the folder holds, all written atomically: a
failure leaves the folder as it was.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from .audio import Audio, AudioError
from .document import Change, DocumentError, Revision, Transcript
from .edits import EditOptions, EditResult, apply_page
from .fileio import atomic_write, atomic_write_many
from .layout import build_page
from .readback import EditError, parse_body, read_blocks, strip_frame
from .writers import WriterOptions, render_all, writers

DOCUMENT = "transcript.json"
HISTORY = ".history"
AUDIO_SUFFIXES = (".mp3", ".wav", ".m4a", ".flac", ".ogg", ".opus", ".aac", ".mp4", ".webm", ".mkv", ".mov")


def load(episode_dir: Path) -> Transcript:
    path = Path(episode_dir) / DOCUMENT
    if not path.is_file():
        raise DocumentError(f"{episode_dir}: no {DOCUMENT} here; is this an episode folder made by `process`?")
    return Transcript.load(path)


def version_path(episode_dir: Path, version: int) -> Path:
    return Path(episode_dir) / HISTORY / f"transcript.v{version}.json"


def find_audio(episode_dir: Path, doc: Transcript, given: Path | None = None) -> Path | None:
    """The recording: as given, as the Transcript names it, or the one audio file in the folder."""
    if given is not None:
        return Path(given)
    if doc.source and Path(doc.source).is_file():
        return Path(doc.source)
    found = sorted(p for p in Path(episode_dir).iterdir() if p.suffix.lower() in AUDIO_SUFFIXES)
    return found[0] if len(found) == 1 else None


def audio_loader(path: Path | None):
    """A loader that decodes the audio only when some span needs it (None when there is none)."""
    def load_audio() -> Audio | None:
        if path is None:
            return None
        from . import audio
        try:
            return audio.load(path)
        except AudioError:
            return None
    return load_audio


def outputs(episode_dir: Path) -> list[str]:
    """The formats this folder holds (the document always)."""
    return [name for name, w in writers().items() if name == "json" or (Path(episode_dir) / w.filename).exists()]


def commit(episode_dir: Path, old: Transcript, new: Transcript, options: WriterOptions = WriterOptions()) -> list[Path]:
    """Keep ``old`` in the history, write ``new`` and re-render every output atomically."""
    episode_dir = Path(episode_dir)
    keep = version_path(episode_dir, old.version)
    if not keep.exists():
        current = episode_dir / DOCUMENT
        atomic_write(keep, current.read_bytes() if current.is_file() else old.to_json())
    files = render_all(new, episode_dir, outputs(episode_dir), options)
    atomic_write_many(files)
    atomic_write(version_path(episode_dir, new.version), files[episode_dir / DOCUMENT])
    return sorted(files)


def read_edited(doc: Transcript, path: Path):
    """The edited file's headings and paragraphs, with the generated header and closing removed."""
    page = build_page(doc)
    header = [h for h in (page.title, f"Published: {page.published}" if page.published else None,
                          page.summary, page.participants, page.series_intro) if h]
    blocks = strip_frame(read_blocks(Path(path)), header, page.closing, doc.episode)
    names = {n for s in doc.speakers for n in (s.id, s.name, s.label, s.display) if n}
    return parse_body(blocks, names)


def apply_edits(episode_dir: Path, edited: Path, options: EditOptions = EditOptions(),
                audio: Path | None = None) -> EditResult:
    """Apply an edited .txt/.md/.docx to the episode; nothing changes on any error."""
    doc = load(episode_dir)
    if not Path(edited).is_file():
        raise EditError(f"{edited}: no such file")
    page = read_edited(doc, edited)
    result = apply_page(doc, page, audio_loader(find_audio(episode_dir, doc, audio)), options)
    if result.changed:
        commit(episode_dir, doc, result.transcript, WriterOptions(timestamps=result.timestamps))
    return result


@dataclass(frozen=True)
class Version:
    revision: Revision
    kept: bool  # a copy is in .history, so revert can go back to it
    current: bool


def versions(episode_dir: Path) -> list[Version]:
    doc = load(episode_dir)
    return [Version(r, version_path(episode_dir, r.version).exists() or r.version == doc.version,
                    r.version == doc.version) for r in doc.history]


def revert(episode_dir: Path, version: int, author: str | None = None) -> Transcript:
    """Make ``version`` current again, as a new revision (nothing is lost)."""
    current = load(episode_dir)
    if version == current.version:
        raise EditError(f"version {version} is already the current one")
    path = version_path(episode_dir, version)
    if not path.is_file():
        have = ", ".join(str(v.revision.version) for v in versions(episode_dir) if v.kept) or "none"
        raise EditError(f"no saved copy of version {version} (kept versions: {have})")
    back = Transcript.load(path)
    record = Change("revert", before=str(current.version), after=str(version))
    new = replace(back, history=current.history).with_revision("revert", f"back to version {version}",
                                                                author, (record,))
    commit(episode_dir, current, new)
    return new
