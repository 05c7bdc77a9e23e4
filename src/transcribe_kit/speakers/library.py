"""The voice library: one d-vector per known person, kept in the user data folder.

``transcribe-kit voices add NAME AUDIO`` embeds a recording of one person
(or, with ``--from-episode``, only that person's speech in a processed
episode) and stores it in ``voices.json``; a recurring host is then
recognised in new episodes by cosine similarity.  Adding the same name
again averages the recordings.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import platformdirs

from ..audio import Audio
from ..document import Transcript
from ..errors import UserError
from ..fileio import atomic_write

LIBRARY_FILE = "voices.json"
MIN_SPEECH_MS = 3000  # less speech than this makes an unreliable voice


class VoiceError(UserError, ValueError):
    """A voice cannot be added or the library cannot be read."""


def library_path() -> Path:
    override = os.environ.get("TRANSCRIBE_KIT_DATA")
    if override:
        return Path(override) / LIBRARY_FILE

    return Path(platformdirs.user_data_dir("transcribe_kit")) / LIBRARY_FILE


def _read(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise VoiceError(f"{path}: cannot read the voice library ({exc})") from None
    if not isinstance(data, dict):
        raise VoiceError(f"{path}: the voice library is not a JSON object")
    return data


def load_library(path: Path | None = None) -> dict[str, np.ndarray]:
    """Name -> unit d-vector."""
    return {name: np.asarray(entry["embedding"], dtype=np.float32)
            for name, entry in _read(path or library_path()).items()}


def add_voice(name: str, vector: np.ndarray, speech_ms: int, path: Path | None = None) -> Path:
    """Store (or average into) ``name``'s voice; returns the library file."""
    path = path or library_path()
    data = _read(path)
    old = data.get(name)
    if old:
        total = old["speech_ms"] + speech_ms
        merged = (np.asarray(old["embedding"]) * old["speech_ms"] + vector * speech_ms) / total
        vector, speech_ms = merged / np.linalg.norm(merged), total
    data[name] = {"embedding": [round(float(x), 6) for x in vector], "speech_ms": int(speech_ms)}
    return atomic_write(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")


def speech_of(doc: Transcript, name: str) -> list[tuple[int, int]]:
    """The ``(start_ms, end_ms)`` spans a processed episode gives to the speaker called ``name``."""
    wanted = name.casefold()
    ids = {s.id for s in doc.speakers if wanted in {(s.name or "").casefold(), (s.label or "").casefold(), s.id.casefold()}}
    if not ids:
        known = ", ".join(s.full for s in doc.speakers) or "none"
        raise VoiceError(f"no speaker called {name!r} in this episode (speakers: {known})")
    if doc.segments:
        return [(s.start_ms, s.end_ms) for s in doc.segments if s.speaker in ids]
    return [(w.start_ms, w.end_ms) for w in doc.words if w.speaker in ids]


def embed_person(source: Audio, encoder, spans: list[tuple[int, int]] | None = None) -> tuple[np.ndarray, int]:
    """The d-vector of the given spans of ``source`` (all of it when None) and the speech used."""
    pieces = [source.slice_ms(a, b) for a, b in spans] if spans is not None else [source.samples]
    samples = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    speech_ms = len(samples) * 1000 // 16_000
    if speech_ms < MIN_SPEECH_MS:
        raise VoiceError(f"only {speech_ms / 1000:.1f} s of speech; a voice needs at least {MIN_SPEECH_MS // 1000} s")
    vector = encoder.embed(samples)
    if not np.all(np.isfinite(vector)):
        raise VoiceError("no usable speech in this recording")
    return vector, speech_ms


def voice_scores(centroids: dict[str, np.ndarray], library: dict[str, np.ndarray],
                 threshold: float, weight: float) -> dict[tuple[str, str], float]:
    """(speaker id, person) -> evidence weight, for each similarity above ``threshold``."""
    scores = {}
    for sid, c in centroids.items():
        for name, v in library.items():
            sim = float(c @ v) / max(float(np.linalg.norm(c) * np.linalg.norm(v)), 1e-8)
            if sim >= threshold:
                scores[(sid, name)] = weight * (sim - threshold) / (1 - threshold)
    return scores
