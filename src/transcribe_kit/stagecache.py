"""Stages and their cache: each stage's result is stored under a key chained from the
audio's hash, the episode's metadata and every earlier stage's name, version,
options and model, so a rerun resumes where it stopped and a settings change
redoes only the stages it affects.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import gzip
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import audio, cores, memory, nlp, warmup
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
        self.results: dict[str, object] = {}  # the side stages' results the stage named in ``needs``
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
    # The side stages whose results this stage reads (``ctx.results[name]``); their keys join its key.
    needs: tuple[str, ...] = ()
    # A side stage reads only the run's first document (episode, metadata) and the audio, not the
    # stage before it, so it runs beside the row from the start; its result is not a Transcript and
    # goes to the stages that name it in ``needs``, through ``codec`` (to and from JSON) in the cache.
    side: bool = False
    codec: tuple[Callable[[object], str], Callable[[str], object]] | None = None


def first_key(audio_sha256: str, episode: str, meta: EpisodeMeta) -> str:
    """The key everything else chains from: the audio's bytes and what the episode is told."""
    return _digest("input", audio_sha256, episode, repr(meta))


def stage_key(previous: str, stage: Stage, needed: tuple[str, ...] = ()) -> str:
    """``previous``: the key of the stage before (a side stage: the first key); ``needed``: the
    keys of the side stages it reads (a stage without any keeps the key it always had)."""
    return _digest(previous, stage.name, str(stage.version), repr(stage.options), stage.model, *needed)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


_note_lock = threading.Lock()  # side stages note from their own thread


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

    def has(self, key: str) -> bool:
        return self._path(key).is_file()

    def get_value(self, key: str, decode: Callable[[str], object]) -> object | None:
        """A side stage's result stored as JSON (None when absent or damaged)."""
        path = self._path(key)
        try:
            return decode(gzip.decompress(path.read_bytes()).decode("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, EOFError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring damaged cache entry %s: %s", path, exc)
            return None

    def put_value(self, key: str, text: str) -> None:
        atomic_write(self._path(key), gzip.compress(text.encode("utf-8"), mtime=0))

    def remove(self, key: str) -> None:
        """Forget the result stored under ``key`` (nothing when there is none)."""
        self._path(key).unlink(missing_ok=True)

    def note(self, episode: str, stage: str, key: str, seconds: float, cached: bool) -> None:
        line = json.dumps({"episode": episode, "stage": stage, "key": key, "cached": cached,
                           "seconds": round(seconds, 3), "pid": os.getpid(), "at": time.time()})
        self.root.mkdir(parents=True, exist_ok=True)
        with _note_lock, open(self.root / "log.jsonl", "a", encoding="utf-8") as fh:
            fh.write(line + "\n")

    def entries(self) -> list[dict]:
        path = self.root / "log.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# Warm-ups only for recordings up to this long, unless a side stage runs beside the row.  The
# imports (about 5 s) are a third of a short clip's run; on a 17-minute episode run as a row they
# saved nothing, slowed the decoding (the import holds the GIL) and added torch's and spaCy's
# memory to the recogniser's peak (bench/README.md).  With the diarisation beside recognition
# torch and pyannote are loaded during recognition anyway, and the warm-up adds only spaCy.
WARMUP_MAX_MS = 120_000


def _worth_warming(ctx: Context, stage: Stage, beside: bool = False) -> bool:
    """Start later stages' warm-ups now?  For any recording when side stages run (``beside``),
    else only for a short one, decoded first (this stage reads it anyway) so the warm-up never
    competes with the decoding."""
    if "audio" not in ctx.__dict__ and not (stage.audio and ctx.path is not None):
        return ctx.path is None  # no recording at all (a document being re-run): nothing to weigh
    return beside or ctx.audio.duration_ms <= WARMUP_MAX_MS


@dataclass
class RunRecord:
    computed: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)


class Cancelled(BaseException):
    """Raised inside a side stage (at its next progress report) when the row has failed.

    A signal that stops the side stage's thread, like ``GeneratorExit``, not an error: the row's own
    error is what reaches the user, so it derives from ``BaseException`` and no ``except Exception``
    on the way takes it for a failure of the stage."""


def chain_keys(chain: tuple[Stage, ...], key: str) -> dict[str, str]:
    """Every stage's cache key, by name: a row stage's chains the one before it, a side stage's
    starts from ``key`` (the input's), and a stage's ``needs`` add their keys to its own."""
    keys: dict[str, str] = {}
    previous = key
    for stage in sorted(chain, key=lambda s: not s.side):  # side stages first: the row names them
        needed = tuple(keys[name] for name in stage.needs)
        keys[stage.name] = stage_key(key if stage.side else previous, stage, needed)
        if not stage.side:
            previous = keys[stage.name]
    return keys


def run_stages(doc: Transcript, chain: tuple[Stage, ...], ctx: Context,
               cache: StageCache | None = None, key: str = "") -> tuple[Transcript, RunRecord]:
    """Run the row of stages in turn, and the side stages it will need beside it from the start,
    taking each result from ``cache`` when its key matches."""
    record = RunRecord()
    keys = chain_keys(chain, key)
    row = tuple(s for s in chain if not s.side)
    last_audio = max((i for i, s in enumerate(row) if s.audio), default=-1)
    with _SideLane(chain, keys, doc, ctx, cache, record) as sides:
        for i, stage in enumerate(row):
            doc = _row_stage(doc, row, i, keys[stage.name], ctx, cache, record, sides)
            if i == last_audio and ctx.path is not None:  # samples given by the caller stay the caller's
                ctx.release_audio()  # an hour is 230 MB: not held through chapters and writing
    return doc, record


def _row_stage(doc: Transcript, row: tuple[Stage, ...], i: int, key: str, ctx: Context,
               cache: StageCache | None, record: RunRecord, sides: _SideLane) -> Transcript:
    stage = row[i]
    started = time.perf_counter()
    hit = cache.get(key) if cache else None
    if hit is not None:
        doc = hit
        ctx.hook(stage.name, 1, 1)
        record.cached.append(stage.name)
    else:
        warm = [later for later in row[i + 1:] if later.warmup is not None]
        for later in warm if warm and _worth_warming(ctx, stage, sides.running()) else ():
            # a computed stage means every later one is computed too
            warmup.start(later.name, functools.partial(later.warmup, doc, later.options))
        ctx.results.update(sides.results(stage.needs))  # waits for the side stages it reads
        if not sides.running():
            cores.set_torch_threads()  # the whole budget again, once nothing runs beside the row
        doc = stage.run(doc, stage.options, ctx)
        if stage.model or stage.audio:  # a full collection: cheap, the heavy imports set aside (memory.importing)
            memory.trim()  # only after stages that held a model or the samples, given back now
        if "audio" in ctx.__dict__:
            ctx.audio.drop_pages()  # a spilled recording's pages the stage read
        if cache:
            cache.put(key, doc)
        record.computed.append(stage.name)
    if cache:
        cache.note(doc.episode, stage.name, key, time.perf_counter() - started, hit is not None)
    return doc


class _SideLane:
    """The side stages of one run, each in a worker thread of a ``ThreadPoolExecutor`` started
    before the row's first stage; a side stage whose result is cached, or that no computed row
    stage reads, is not run.  The row's recognition and the side stage share the cores
    (``cores.beside``): the native libraries release the GIL while they compute."""

    def __init__(self, chain, keys, first: Transcript, ctx: Context, cache: StageCache | None, record: RunRecord):
        self._chain = tuple(chain)
        self.stages = {s.name: s for s in chain if s.side}
        self.keys, self.first, self.ctx, self.cache, self.record = keys, first, ctx, cache, record
        self.futures: dict = {}
        self.cancelled = threading.Event()
        self.row_waiting = threading.Event()  # the row waits for a side stage: it may take every core
        self.pool = None
        self._share = contextlib.ExitStack()

    def __enter__(self) -> _SideLane:
        wanted = [name for name in self._wanted() if not (self.cache and self.cache.has(self.keys[name]))]
        if wanted:
            row_threads, side_threads = cores.beside(len(wanted) + 1)
            if any(self.stages[n].audio for n in wanted):
                _ = self.ctx.audio  # decoded once, here, before two threads read it
            self.pool = concurrent.futures.ThreadPoolExecutor(len(wanted), thread_name_prefix=nlp.SIDE_THREADS)
            for name in wanted:
                self.futures[name] = self.pool.submit(self._run, self.stages[name], side_threads)
            self._share.enter_context(cores.share(asr=row_threads))
        return self

    def __exit__(self, kind, exc, tb) -> None:
        self._share.close()
        if self.pool is not None:
            if exc is not None:
                self.cancelled.set()  # a side stage still running stops at its next progress report
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _wanted(self) -> list[str]:
        """The side stages read by a row stage that will be computed (from the first not cached)."""
        row = [s for s in self._chain if not s.side]
        start = next((i for i, s in enumerate(row) if not (self.cache and self.cache.has(self.keys[s.name]))),
                     len(row))
        return list(dict.fromkeys(n for s in row[start:] for n in s.needs if n in self.stages))

    def running(self) -> bool:
        return any(not f.done() for f in self.futures.values())

    def results(self, names: tuple[str, ...]) -> dict[str, object]:
        """The side stages' results, waiting for those still running (their errors are raised here)."""
        out = {}
        for name in names:
            if name in self.ctx.results:
                continue
            stage, key = self.stages[name], self.keys[name]
            future = self.futures.pop(name, None)
            hit = None if future or not self.cache else self.cache.get_value(key, stage.codec[1])
            if future is not None:
                self.row_waiting.set()
                out[name] = future.result()
                self.record.computed.append(name)
            elif hit is not None:
                out[name] = hit
                self.ctx.hook(name, 1, 1)
                self.record.cached.append(name)
                if self.cache:
                    self.cache.note(self.first.episode, name, key, 0.0, True)
            else:  # not started (its reader's entry was damaged): run it now, in the row
                out[name] = self._run(stage, 0)
                self.record.computed.append(name)
        return out

    def _run(self, stage: Stage, threads: int) -> object:
        started = time.perf_counter()
        ctx = Context(self.ctx.path, self._hook, self.ctx.__dict__.get("audio"))
        with cores.share(asr=threads, torch=threads), cores.side_stage(threads or cores.budget()):
            cores.set_torch_threads()  # a side recogniser's CTranslate2 threads are sized by the share too
            value = stage.run(self.first, stage.options, ctx)
        memory.trim()
        if self.cache:
            self.cache.put_value(self.keys[stage.name], stage.codec[0](value))
            self.cache.note(self.first.episode, stage.name, self.keys[stage.name],
                            time.perf_counter() - started, False)
        return value

    def _hook(self, stage: str, completed: int, total: int) -> None:
        if self.cancelled.is_set():
            raise Cancelled("the run stopped")
        if self.row_waiting.is_set() and cores.torch_threads() < cores.budget():
            cores.widen()  # the row is idle, waiting for this stage: its cores are free
        self.ctx.hook(stage, completed, total)
