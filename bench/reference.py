"""Transcripts built from the evaluation corpus's reference files (../shared/corpus).

Used by the chapter benchmark and by the layout golden test: the reference
words (with their times and speakers), turns and paragraphs, chapters and the
episode's metadata TOML, as one Transcript.
"""
from __future__ import annotations

import bisect
import json
import os
from dataclasses import replace
from pathlib import Path

from transcribe_kit import metadata
from transcribe_kit.document import Chapter, Speaker, Transcript, Turn, Word
from transcribe_kit.timecode import seconds_to_ms

ROOT = Path(__file__).resolve().parents[1]


def _find_shared() -> Path:
    """``../shared`` beside the checkout (or beside the folder of worktrees), or $TRANSCRIBE_KIT_SHARED."""
    if os.environ.get("TRANSCRIBE_KIT_SHARED"):
        return Path(os.environ["TRANSCRIBE_KIT_SHARED"])
    for parent in ROOT.parents:
        if (parent / "shared" / "corpus").is_dir():
            return parent / "shared"
    return ROOT.parent / "shared"


SHARED = _find_shared()
CORPUS = SHARED / "corpus"


def episode_dir(episode: str) -> Path:
    return CORPUS / episode


def _load(folder: Path, suffix: str) -> list:
    return json.loads((folder / f"{folder.name}{suffix}").read_text(encoding="utf-8"))


def reference_speakers(folder: Path) -> tuple[Speaker, ...]:
    meta = json.loads((folder / f"{folder.name}.meta.json").read_text(encoding="utf-8"))
    return tuple(Speaker(id=p["first"], name=p["display_name"], label=p["first"], role=p["role"],
                         is_host=p["is_host"]) for p in meta["participants"])


def reference_words(folder: Path) -> tuple[Word, ...]:
    return tuple(Word(text=w["word"], start_ms=seconds_to_ms(w["start"]), end_ms=seconds_to_ms(w["end"]),
                      speaker=w["speaker"]) for w in _load(folder, ".words.json"))


def reference_transcript(episode: str) -> Transcript:
    """The reference turns, paragraphs, chapters and metadata of a corpus episode."""
    folder = episode_dir(episode)
    words = reference_words(folder)
    turns, at = [], 0
    for turn in _load(folder, ".turns.json"):
        sizes = [len(p.split()) for p in turn["paragraphs"]]
        edges = [at + sum(sizes[:i]) for i in range(1, len(sizes))]
        turns.append(Turn(speaker=turn["speaker"], start=at, end=at + sum(sizes), paragraphs=tuple(edges)))
        at += sum(sizes)
    assert at == len(words), "turns and words of the reference disagree"
    chapters = tuple(Chapter(start_ms=seconds_to_ms(c["start"]), heading=c["heading"], source="editor")
                     for c in _load(folder, ".chapters.json"))
    meta, _ = metadata.load_for(folder / f"{folder.name}.mp3", folder / f"{folder.name}.toml")
    duration = seconds_to_ms(json.loads((folder / f"{folder.name}.meta.json").read_text())["duration_s"])
    return Transcript(episode=episode, duration_ms=duration, meta=meta, speakers=reference_speakers(folder),
                      words=words, turns=tuple(turns), chapters=chapters)


def with_reference_speakers(doc: Transcript, episode: str) -> Transcript:
    """Emulate diarisation: give each word the reference speaker it overlaps most, then rebuild turns."""
    from transcribe_kit.turns import build_turns

    folder = episode_dir(episode)
    ref = reference_words(folder)
    starts = [w.start_ms for w in ref]
    words = []
    for w in doc.words:
        i = max(0, bisect.bisect_right(starts, (w.start_ms + w.end_ms) // 2) - 1)
        words.append(replace(w, speaker=ref[i].speaker))
    return build_turns(replace(doc, speakers=reference_speakers(folder), words=tuple(words)))
