"""Stages and their cache: each stage's result is stored under a key chained from the
audio's hash, the episode's metadata and every earlier stage's name, version,
options and model, so a rerun resumes where it stopped and a settings change
redoes only the stages it affects.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import audio, memory, warmup
from .document import DocumentError, EpisodeMeta, Transcript
from .fileio import atomic_write

log = logging.getLogger(__name__)

Hook = Callable[[str, int, int], None]  # (stage, completed, total)


def _quiet(stage: str, completed: int, total: int) -> None:
    pass


class Context:
    """What a stage may need besides the Transcript: the audio (decoded on first use) and the hook."""

    def __init__(self, path: Path | None, hook: Hook = _quiet, source: audio.Audio | None = None):
        self.path = path
        self.hook = hook
        if source is not None:
            self.__dict__["audio"] = source  # already decoded: the cached property is filled

    @cached_property
    def audio(self) -> audio.Audio:
        if self.path is None:
            raise ValueError("this stage needs the audio, and none was given")
        self.hook("decode", 0, 1)
        decoded = audio.load(self.path)
        self.hook("decode", 1, 1)
        return decoded

    def release_audio(self) -> None:
        """Drop the decoded samples (a later read decodes the file again)."""
        self.__dict__.pop("audio", None)


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[Transcript, object, Context], Transcript]  # (doc, options, ctx) -> doc
    options: object = None  # a frozen dataclass; its repr is part of the cache key
    model: str = ""  # model id; part of the cache key
    version: int = 1  # bump when the stage's code changes its results, so old cache entries are not reused
    audio: bool = False  # reads ``ctx.audio``: after the last such stage the samples are let go
    # imports the stage will need, given (doc, options): started in the background when an
    # earlier stage is computed (``warmup``); not part of the cache key
    warmup: Callable[[Transcript, object], None] | None = None


def first_key(audio_sha256: str, episode: str, meta: EpisodeMeta) -> str:
    """The key everything else chains from: the audio's bytes and what the episode is told."""
    return _digest("input", audio_sha256, episode, repr(meta))


def stage_key(previous: str, stage: Stage) -> str:
    return _digest(previous, stage.name, str(stage.version), repr(stage.options), stage.model)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


class StageCache:
    """Stage results as gzipped Transcript JSON under ``root``, plus a log of every stage run.

    ``root/log.jsonl`` gets one line per stage (computed or taken from the
    cache), appended after the stage finished, so it shows what a run did.
    """

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / "stages" / key[:2] / f"{key}.json.gz"

    def get(self, key: str) -> Transcript | None:
        path = self._path(key)
        try:
            return Transcript.from_json(gzip.decompress(path.read_bytes()).decode("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, EOFError, UnicodeDecodeError, DocumentError) as exc:
            log.warning("ignoring damaged cache entry %s: %s", path, exc)
            return None

    def put(self, key: str, doc: Transcript) -> None:
        atomic_write(self._path(key), gzip.compress(doc.to_json().encode("utf-8"), mtime=0))

    def remove(self, key: str) -> None:
        """Forget the result stored under ``key`` (nothing when there is none)."""
        self._path(key).unlink(missing_ok=True)

    def note(self, episode: str, stage: str, key: str, seconds: float, cached: bool) -> None:
        line = json.dumps({"episode": episode, "stage": stage, "key": key, "cached": cached,
                           "seconds": round(seconds, 3), "pid": os.getpid(), "at": time.time()})
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / "log.jsonl", "a", encoding="utf-8") as fh:
            fh.write(line + "\n")

    def entries(self) -> list[dict]:
        path = self.root / "log.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# Warm-ups only for recordings up to this long.  The imports (about 5 s) are a third of a short
# clip's run; on a 17-minute episode they saved nothing, slowed the decoding (the import holds
# the GIL) and added torch's and spaCy's memory to the recogniser's peak (bench/README.md).
WARMUP_MAX_MS = 120_000


def _worth_warming(ctx: Context, stage: Stage) -> bool:
    """Start later stages' warm-ups now?  Only for a short recording, decoded first (this stage
    reads it anyway) so the warm-up never competes with the decoding."""
    if "audio" not in ctx.__dict__ and not (stage.audio and ctx.path is not None):
        return ctx.path is None  # no recording at all (a document being re-run): nothing to weigh
    return ctx.audio.duration_ms <= WARMUP_MAX_MS


@dataclass
class RunRecord:
    computed: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)


def run_stages(doc: Transcript, chain: tuple[Stage, ...], ctx: Context,
               cache: StageCache | None = None, key: str = "") -> tuple[Transcript, RunRecord]:
    """Run each stage in turn, taking its result from ``cache`` when the key matches."""
    record = RunRecord()
    last_audio = max((i for i, s in enumerate(chain) if s.audio), default=-1)
    for i, stage in enumerate(chain):
        key = stage_key(key, stage)
        started = time.perf_counter()
        hit = cache.get(key) if cache else None
        if hit is not None:
            doc = hit
            ctx.hook(stage.name, 1, 1)
            record.cached.append(stage.name)
        else:
            warm = [later for later in chain[i + 1:] if later.warmup is not None]
            for later in warm if warm and _worth_warming(ctx, stage) else ():
                # a computed stage means every later one is computed too
                warmup.start(later.name, functools.partial(later.warmup, doc, later.options))
            doc = stage.run(doc, stage.options, ctx)
            if stage.model or stage.audio:  # a full collection costs ~0.2 s once torch is loaded:
                memory.trim()  # only after stages that held a model or the samples, given back now
            if "audio" in ctx.__dict__:
                ctx.audio.drop_pages()  # a spilled recording's pages the stage read
            if cache:
                cache.put(key, doc)
            record.computed.append(stage.name)
        if i == last_audio and ctx.path is not None:  # samples given by the caller stay the caller's
            ctx.release_audio()  # an hour is 230 MB: not held through chapters and writing
        if cache:
            cache.note(doc.episode, stage.name, key, time.perf_counter() - started, hit is not None)
    return doc, record
