"""Process a folder of episodes: in this process, on a pool of worker processes, or on a Dask cluster.

Each episode runs ``pipeline.process_file`` with a shared ``StageCache``, so a
rerun after a crash or a kill resumes where it stopped.  One bad file never
stops the others: its error goes into its ``EpisodeReport``.  Progress comes
back as events ``(episode, stage, completed, total)``; reports come back as
each episode finishes.  Nothing here prints.
"""
from __future__ import annotations

import functools
import multiprocessing
import queue as queues
import time
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path

from . import cores
from .audio import AUDIO_SUFFIXES
from .captions.rules import HARD
from .errors import UserError
from .pipeline import ProcessOptions, Result, StageCache, process_file


class BatchError(UserError, ValueError):
    """The batch as a whole cannot run (e.g. the Dask scheduler cannot be reached)."""


OnEvent = Callable[[str, str, int, int], None]  # (episode, stage, completed, total)
OnDone = Callable[["EpisodeReport"], None]


@dataclass(frozen=True)
class EpisodeReport:
    episode: str
    path: str
    duration_ms: int = 0
    speakers: int = 0
    chapters: int = 0
    caption_violations: int = 0  # hard violations of the caption rules
    seconds: float = 0.0
    computed: tuple[str, ...] = ()
    cached: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    error: str | None = None


def find_audio(folder: Path) -> list[Path]:
    """Every audio or video file directly in ``folder``, by name."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in AUDIO_SUFFIXES)


def caption_violations(result: Result) -> int:
    """Hard caption-rule violations in the episode's captions.vtt, as ``transcribe-kit check`` counts them."""
    return sum(report.count(HARD) for report in result.checks if report.name.endswith(".vtt"))


def run_episode(path: str | Path, out_root: str | Path, options: ProcessOptions,
                cache_root: str | Path, hook: Callable[[str, int, int], None] | None = None) -> EpisodeReport:
    """One episode, never raising: any failure becomes the report's ``error``."""
    path = Path(path)
    started = time.perf_counter()
    hook = hook or (lambda stage, completed, total: None)
    try:
        result = process_file(path, out_root, options, hook=hook, cache=StageCache(cache_root))
    except UserError as exc:  # reported by its message alone
        return EpisodeReport(path.stem, str(path), seconds=time.perf_counter() - started, error=str(exc))
    except Exception as exc:  # one bad file must never stop the batch
        return EpisodeReport(path.stem, str(path), seconds=time.perf_counter() - started,
                             error=f"internal error: {type(exc).__name__}: {exc}")
    doc = result.transcript
    return EpisodeReport(
        episode=path.stem, path=str(path), duration_ms=doc.duration_ms, speakers=len(doc.speakers),
        chapters=len(doc.chapters), caption_violations=caption_violations(result),
        seconds=time.perf_counter() - started, computed=result.computed, cached=result.cached,
        warnings=result.warnings + result.notes,
    )


class _Forward:
    """A hook that sends events through a queue, at most a few a second per stage."""

    def __init__(self, put: Callable[[tuple], None], episode: str, every_s: float = 0.25):
        self.put, self.episode, self.every_s = put, episode, every_s
        self.last_stage, self.last_at = None, 0.0

    def __call__(self, stage: str, completed: int, total: int) -> None:
        now = time.monotonic()
        if stage != self.last_stage or completed >= total or now - self.last_at >= self.every_s:
            self.last_stage, self.last_at = stage, now
            self.put((self.episode, stage, completed, total))


def _pool_task(path, out_root, options, cache_root, queue) -> EpisodeReport:
    return run_episode(path, out_root, options, cache_root, _Forward(queue.put, Path(path).stem))


def _dask_task(path, out_root, options, cache_root, queue_name) -> EpisodeReport:
    from distributed import Queue  # dask.distributed only with --scheduler

    queue = Queue(queue_name)
    return run_episode(path, out_root, options, cache_root, _Forward(queue.put, Path(path).stem))


def run_batch(paths: list[Path], out_root: Path, options: ProcessOptions, cache_root: Path,
              workers: int = 1, scheduler: str | None = None,
              on_event: OnEvent | None = None, on_done: OnDone | None = None) -> list[EpisodeReport]:
    """Process ``paths``; reports come back in the order of ``paths``."""
    on_event = on_event or (lambda *event: None)
    on_done = on_done or (lambda report: None)
    if scheduler:
        reports = _on_dask(paths, out_root, options, cache_root, scheduler, on_event, on_done)
    elif workers > 1:
        if options.jobs is None:  # the workers share the cores: none starts a thread per core of its own
            options = replace(options, jobs=max(1, cores.budget() // workers))
        reports = _on_pool(paths, out_root, options, cache_root, workers, on_event, on_done)
    else:
        reports = {}
        for path in paths:
            reports[path] = run_episode(path, out_root, options, cache_root, functools.partial(on_event, path.stem))
            on_done(reports[path])
    return [reports[p] for p in paths]


def _on_pool(paths, out_root, options, cache_root, workers, on_event, on_done) -> dict:
    context = multiprocessing.get_context("spawn")  # no forked copies of model threads
    with context.Manager() as manager, ProcessPoolExecutor(workers, mp_context=context) as pool:
        events = manager.Queue()
        pending = {pool.submit(_pool_task, p, out_root, options, cache_root, events): p for p in paths}
        reports = {}
        while pending:
            done, _ = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            _drain(lambda: events.get_nowait(), queues.Empty, on_event)
            for future in done:
                path = pending.pop(future)
                reports[path] = _report_of(future, path)
                on_done(reports[path])
        _drain(lambda: events.get_nowait(), queues.Empty, on_event)
        return reports


def _connect(scheduler: str, timeout_s: float = 10):
    try:
        from distributed import Client  # dask.distributed only with --scheduler
    except ImportError:
        raise BatchError("--scheduler needs Dask: pip install 'transcribe-kit[dask]'") from None
    try:
        return Client(scheduler, timeout=f"{timeout_s}s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise BatchError(f"cannot reach the Dask scheduler at {scheduler} ({exc or type(exc).__name__})") from None


def _on_dask(paths, out_root, options, cache_root, scheduler, on_event, on_done) -> dict:
    from distributed import Queue, as_completed  # dask.distributed only with --scheduler

    with _connect(scheduler) as client:
        events = Queue(f"transcribe-kit-{uuid.uuid4().hex}", client=client)
        # absolute paths: the workers' current folder is not ours
        out_root, cache_root = Path(out_root).resolve(), Path(cache_root).resolve()
        pending = {client.submit(_dask_task, str(p.resolve()), str(out_root), options, str(cache_root), events.name,
                                 key=f"episode-{p.stem}-{uuid.uuid4().hex[:8]}", pure=False): p
                   for p in paths}
        reports = {}
        finished = as_completed(list(pending))
        while len(reports) < len(paths):
            for item in events.get(batch=True):
                on_event(*item)
            for future in finished.next_batch(block=False) if finished.has_ready() else ():
                reports[pending[future]] = _report_of(future, pending[future])
                on_done(reports[pending[future]])
            time.sleep(0.1)
        for item in events.get(batch=True):
            on_event(*item)
        return reports


def _drain(get, empty, on_event) -> None:
    while True:
        try:
            on_event(*get())
        except empty:
            return


def _report_of(future, path: Path) -> EpisodeReport:
    try:
        return future.result()
    except Exception as exc:  # the worker itself died
        return EpisodeReport(path.stem, str(path), error=f"worker failed: {type(exc).__name__}: {exc}")
