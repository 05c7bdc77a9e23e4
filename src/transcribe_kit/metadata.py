"""Episode metadata: ``<audio stem>.toml`` beside the audio (or ``--meta FILE``).

Series-wide fields (``series_intro``, ``closing``) may also come from a
``series.toml`` in the same folder; the episode file wins.  Every field is
optional; unknown keys and wrong types fail with one clear message.
"""
from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from .document import EpisodeMeta, Participant
from .errors import UserError

SERIES_FILE = "series.toml"
_TEXT_FIELDS = ("title", "summary", "participants_text", "series_intro", "closing")
_SERIES_FIELDS = ("series_intro", "closing", "glossary")
_PARTICIPANT_FIELDS = {"name": str, "role": str, "host": bool}


class MetadataError(UserError, ValueError):
    pass


def find_for(audio_path: Path) -> Path | None:
    candidate = audio_path.with_suffix(".toml")
    return candidate if candidate.is_file() else None


def load_for(audio_path: Path, meta_path: Path | None = None) -> tuple[EpisodeMeta, Path | None]:
    """Metadata for an audio file; returns the meta and the file it came from."""
    path = meta_path or find_for(audio_path)
    series = _read(audio_path.parent / SERIES_FILE) if (audio_path.parent / SERIES_FILE).is_file() else {}
    _check_keys(series, set(_SERIES_FIELDS), audio_path.parent / SERIES_FILE)
    data = _read(path) if path else {}
    merged = {k: v for k, v in series.items() if k in ("series_intro", "closing")} | data
    return parse(merged, path or audio_path.parent / SERIES_FILE), path


def load(path: Path) -> EpisodeMeta:
    """One episode's TOML on its own (no series.toml merged in)."""
    return parse(_read(Path(path)), Path(path))


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise MetadataError(f"{path}: no such metadata file") from None
    except tomllib.TOMLDecodeError as exc:
        raise MetadataError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise MetadataError(f"{path}: cannot read ({exc.strerror})") from None


def _check_keys(data: dict, allowed: set[str], path: Path) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise MetadataError(f"{path}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")


def parse(data: dict, path: Path) -> EpisodeMeta:
    allowed = set(_TEXT_FIELDS) | {"published", "participants", "glossary"}
    _check_keys(data, allowed, path)
    values: dict = {}
    for key in _TEXT_FIELDS:
        if key in data:
            if not isinstance(data[key], str):
                raise MetadataError(f"{path}: {key} must be a string, got {type(data[key]).__name__}")
            values[key] = data[key].strip() or None
    if "published" in data:
        published = data["published"]
        if isinstance(published, dt.datetime):
            published = published.date()
        if not isinstance(published, dt.date):
            raise MetadataError(f"{path}: published must be a TOML date like 2022-02-10, got {published!r}")
        values["published"] = published
    values["participants"] = tuple(_participants(data.get("participants", []), path))
    return EpisodeMeta(**values)


def _participants(items: object, path: Path) -> list[Participant]:
    if not isinstance(items, list):
        raise MetadataError(f"{path}: participants must be a list of [[participants]] tables")
    out = []
    for i, item in enumerate(items, 1):
        where = f"{path}: participant {i}"
        if not isinstance(item, dict):
            raise MetadataError(f"{where} must be a table with name, role and host")
        _check_keys(item, set(_PARTICIPANT_FIELDS), Path(where))
        for key, kind in _PARTICIPANT_FIELDS.items():
            if key in item and not isinstance(item[key], kind):
                raise MetadataError(f"{where}: {key} must be a {kind.__name__}")
        if not item.get("name", "").strip():
            raise MetadataError(f"{where}: name is missing")
        out.append(Participant(name=item["name"].strip(), role=item.get("role"), host=item.get("host", False)))
    return out


def missing_fields(meta: EpisodeMeta) -> list[str]:
    """Fields the published page needs that this metadata does not give."""
    names = [k for k in ("title", "published", "summary", "series_intro", "closing") if getattr(meta, k) is None]
    if not meta.participants and not meta.participants_text:
        names.append("participants")
    return names
