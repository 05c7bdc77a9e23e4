"""Batch throughput: one worker, two worker processes, and a Dask LocalCluster, on short clips.

Cuts ``--clips`` clips of ``--seconds`` s from the shared corpus (real speech),
processes them with each executor from an empty stage cache, then once more
with the cache full (a resumed run), and prints a markdown table: wall time,
audio seconds processed per wall second, and the real-time factor.

    flock /tmp/heavy.lock .venv/bin/python bench/batch.py [--clips 6] [--seconds 10] [--model base]
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from _common import CORPUS, ROOT, table  # also puts src/ on the path

sys.path.insert(0, str(ROOT / "tests"))
from clips import decode, write  # noqa: E402

from transcribe_kit.asr import AsrOptions  # noqa: E402
from transcribe_kit.batch import find_audio, run_batch  # noqa: E402
from transcribe_kit.pipeline import ProcessOptions  # noqa: E402

SOURCES = ("real/pyannote_sample.wav", "real/jfk.wav", "podcast_004_short/podcast_004_short.mp3")


def make_clips(folder: Path, count: int, seconds: float) -> float:
    """``count`` clips taken in turn from the corpus recordings; returns their total duration in s."""
    rate = 16_000
    if not CORPUS.is_dir():
        sys.exit(f"bench: {CORPUS} not found (is ../shared beside the project? or set TRANSCRIBE_KIT_SHARED)")
    pieces: list[np.ndarray] = []
    for name in SOURCES:
        samples = decode(CORPUS / name, rate)
        step = int(seconds * rate)
        pieces += [samples[i:i + step] for i in range(0, len(samples) - step + 1, step)][:count]
    chosen = pieces[:count]
    for n, samples in enumerate(chosen):
        write(samples, folder / f"clip{n:02d}.wav", rate)
    return sum(len(s) for s in chosen) / rate


def timed_run(folder: Path, out: Path, options: ProcessOptions, **executor) -> tuple[float, int]:
    started = time.perf_counter()
    reports = run_batch(find_audio(folder), out, options, out / ".cache", **executor)
    failed = sum(1 for r in reports if r.error)
    return time.perf_counter() - started, failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--model", default="base", choices=["base", "tiny.en"])
    args = parser.parse_args()
    options = ProcessOptions(asr=AsrOptions(model=args.model, language="en"))
    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        folder = work / "clips"
        folder.mkdir()
        audio_s = make_clips(folder, args.clips, args.seconds)
        rows = []
        for label, executor in _executors():
            out = work / label.replace(" ", "_")
            with executor() as kwargs:
                cold, failed = timed_run(folder, out, options, **kwargs)
                warm, _ = timed_run(folder, out, options, **kwargs)
            rows.append((label, cold, warm, failed))
        _print_table(rows, audio_s, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _executors():
    from contextlib import contextmanager

    @contextmanager
    def workers(n):
        yield {"workers": n}

    @contextmanager
    def dask_cluster():
        from distributed import LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            yield {"scheduler": cluster.scheduler_address}

    return [("1 worker", lambda: workers(1)), ("2 worker processes", lambda: workers(2)),
            ("Dask LocalCluster, 2 workers", dask_cluster)]


def _print_table(rows, audio_s: float, args) -> None:
    print(f"{args.clips} clips x {args.seconds:.0f} s = {audio_s:.0f} s of speech, model {args.model}, "
          f"{os.cpu_count()} cores (shared with other work)")
    print()
    print(table(["executor", "wall, empty cache", "audio s per wall s", "RTF", "wall, resumed (all cached)", "failed"],
                [[label, f"{cold:.1f} s", f"{audio_s / cold:.1f}", f"{cold / audio_s:.3f}", f"{warm:.2f} s", failed]
                 for label, cold, warm, failed in rows]))


if __name__ == "__main__":
    main()
