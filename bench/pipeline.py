"""Wall time and peak memory of `process`, stage by stage.

    python bench/pipeline.py [--inputs jfk short full long] [--long-minutes 180] [--no-diarize]
                             [--engines faster-whisper openai-whisper] [--cache DIR [--from STAGE]]

Each input is processed in a fresh Python process (as `transcribe-kit process --no-cache`
would), with a thread sampling that process's resident memory every 20 ms; the
table gives, for every phase (start-up = interpreter and imports up to the first
stage; then each stage, with the decoding and diarisation steps inside them
shown apart), its wall time and the highest RSS seen during it, and the process's
max RSS as the kernel counts it (what GNU ``time -v`` prints).  ``long`` is a
recording of ``--long-minutes`` made by ``tools/make_long.py`` from the corpus
audio (under $TMPDIR, made once).  ``--engines`` also runs podcast_004_short end
to end with each engine, in the same run, and compares their words (WER of one
against the other).  ``--cache DIR`` keeps each stage's result in a stage cache there
and takes what it finds; with ``--from STAGE`` that stage and the ones after it are
computed again (their entries removed first), so a later stage of a three-hour
recording is measured in a fresh process without recognising it again.  Wrap in
``flock /tmp/heavy.lock`` on a shared machine.

``--side-by-side`` instead runs, for each input and each ``--cores`` set (``taskset -c``), the
plain recipe (``bench/baseline.py``: faster-whisper + pyannote, BASELINE.md) and
``transcribe-kit process --no-cache``, one after the other in the same run, and prints for each
its wall time, user and system CPU seconds, CPU share (CPU time over wall, from the kernel's
``wait4`` accounting of the child, what GNU ``time -v`` prints), max RSS and the ratio of the two
walls, with the load average before and after.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from _common import CORPUS, ROOT, table

LONG = Path(tempfile.gettempdir()) / "transcribe_kit_bench_long"


def inputs(names: list[str], long_minutes: int) -> list[tuple[str, Path]]:
    known = {"jfk": CORPUS / "real" / "jfk.wav",
             "short": CORPUS / "podcast_004_short" / "podcast_004_short.mp3",
             "full": CORPUS / "podcast_004_full" / "podcast_004_full.mp3"}
    out = []
    for name in names:
        if name == "long":
            path = LONG / f"long_{long_minutes}min.mp3"
            if not path.exists():
                subprocess.run([sys.executable, str(ROOT / "tools" / "make_long.py"), "--minutes", str(long_minutes),
                                "--out", str(path)], check=True)
            out.append((f"long ({long_minutes} min)", path))
        else:
            out.append((name, known[name]))
    return out


# ---- the child: one `process` run, sampled -------------------------------------------------------

def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class Phases:
    """The phase the process is in; the time spent and the highest RSS seen in each."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}  # in order of first entry
        self.peak: dict[str, float] = {}
        self.current, self.since = "start-up", 0.0
        self.seconds["start-up"] = 0.0
        self.sample()

    def enter(self, name: str) -> None:
        now = time.perf_counter() - T0
        self.seconds[self.current] = self.seconds.get(self.current, 0.0) + now - self.since
        self.current, self.since = name, now
        self.seconds.setdefault(name, 0.0)
        self.sample()

    def sample(self) -> None:
        self.peak[self.current] = max(self.peak.get(self.current, 0.0), rss_mb())

    def rows(self) -> list[dict]:
        return [{"phase": p, "seconds": round(s, 2), "peak_mb": round(self.peak.get(p, 0.0))}
                for p, s in self.seconds.items()]


T0 = time.perf_counter()


def child(args) -> None:
    from transcribe_kit import memory

    memory.limit_arenas()  # as the command does, first thing
    # the interpreter is already up: start-up counts from here (imports included)
    phases = Phases()
    stop = threading.Event()

    def sampler():
        while not stop.wait(0.02):
            phases.sample()

    threading.Thread(target=sampler, daemon=True).start()
    from dataclasses import replace

    from transcribe_kit import asr, pipeline, speakers

    # what `process FILE --no-cache [--engine E] [--no-diarize]` runs
    options = pipeline.ProcessOptions(asr=asr.AsrOptions(engine=args.engine),
                                      speakers=speakers.SpeakerOptions(enabled=not args.no_diarize))
    stage = {"name": "recognise"}  # the audio is decoded just before the first stage runs

    def wrap(s):
        def run(doc, opts, ctx):
            stage["name"] = s.name
            phases.enter(s.name)
            return s.run(doc, opts, ctx)
        return replace(s, run=run)

    original = pipeline.stages
    pipeline.stages = lambda *a, **k: tuple(wrap(s) for s in original(*a, **k))

    def hook(name, done, total):
        if name == "write":
            phases.enter("write" if done < total else "caption checks")
        elif name != stage["name"]:  # a step inside the stage (decode, diarise)
            phases.enter(f"{stage['name']}: {name}" if done < total else stage["name"])
        elif phases.current != name:
            phases.enter(name)

    cache = None
    if args.cache:
        from transcribe_kit.stagecache import StageCache
        cache = StageCache(args.cache)
    result = pipeline.process_file(args.child, args.out, options, hook=hook, cache=cache)
    phases.enter("end")
    stop.set()
    json.dump({"phases": [p for p in phases.rows() if p["phase"] != "end"], "words": [w.text for w in result.transcript.words],
               "duration_ms": result.transcript.duration_ms}, sys.stdout)
    sys.stdout.flush()
    gc.freeze()  # as `transcribe-kit` does on its way out (cli.main): the wall time is the command's


# ---- the parent ----------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", nargs="*", default=["jfk", "short", "full", "long"],
                        choices=["jfk", "short", "full", "long"])
    parser.add_argument("--long-minutes", type=int, default=180)
    parser.add_argument("--no-diarize", action="store_true", help="leave out the speaker stage")
    parser.add_argument("--engines", nargs="*", default=[], help="also compare engines end to end on podcast_004_short")
    parser.add_argument("--keep", type=Path, help="keep each run's episode folder under this folder (to score it)")
    parser.add_argument("--cache", type=Path, help="stage cache folder: stages found there are not run again")
    parser.add_argument("--from", dest="from_stage", metavar="STAGE",
                        help="with --cache: compute this stage and the later ones again")
    parser.add_argument("--side-by-side", action="store_true",
                        help="the plain recipe (bench/baseline.py) and `process --no-cache` on the same inputs")
    parser.add_argument("--cores", nargs="*", default=[], metavar="LIST",
                        help="with --side-by-side: taskset -c core lists to run under, e.g. 0 0,1")
    parser.add_argument("--speakers", type=int, default=4, help="with --side-by-side: the speaker count given to both")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="faster-whisper", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)
    if args.from_stage and not args.cache:
        parser.error("--from needs --cache")
    if args.side_by_side:
        return side_by_side(inputs(args.inputs, args.long_minutes), args.cores or [None], args.speakers)
    summary = []
    for name, path in inputs(args.inputs, args.long_minutes):
        if args.from_stage:
            forget_from(args.cache, path.stem, args.from_stage)
        data = run_measured(path, "faster-whisper", args.no_diarize, args.keep, args.cache)
        print(f"\n{name}: {path.name}, {data['duration_ms'] / 60000:.1f} min, {len(data['words'])} words")
        print(table(["phase", "wall s", "peak RSS MB"], [[p["phase"], p["seconds"], p["peak_mb"]] for p in data["phases"]]))
        rtf = data["wall"] / (data["duration_ms"] / 1000)
        print(f"whole run: {data['wall']:.1f} s wall, real-time factor {rtf:.3f}, max RSS {data['maxrss_mb']:.0f} MB")
        summary.append([name, f"{data['duration_ms'] / 60000:.1f}", f"{data['wall']:.1f}", f"{rtf:.3f}",
                        f"{data['maxrss_mb']:.0f}"])
    if len(summary) > 1:
        print()
        print(table(["input", "minutes", "wall s", "RTF", "max RSS MB"], summary))
    if args.engines:
        compare_engines(args.engines, args.no_diarize)


def forget_from(cache: Path, episode: str, stage: str) -> None:
    """Remove ``episode``'s cached results of ``stage`` and of every stage after it."""
    from transcribe_kit.stagecache import StageCache

    store = StageCache(cache)
    keys: dict[str, set[str]] = {}  # stage -> its keys, stages in the order they first ran
    for entry in store.entries():
        if entry["episode"] == episode:
            keys.setdefault(entry["stage"], set()).add(entry["key"])
    order = list(keys)
    if stage not in order:
        sys.exit(f"bench: no {stage!r} stage of {episode} in {cache}; stages there: {', '.join(order) or 'none'}")
    for later in order[order.index(stage):]:
        for key in keys[later]:
            store.remove(key)


def run_measured(path: Path, engine: str, no_diarize: bool, keep: Path | None = None,
                 cache: Path | None = None) -> dict:
    """One child run; its max RSS from the kernel's accounting of that child."""
    with tempfile.TemporaryDirectory() as scratch:
        out = str(keep / engine) if keep else scratch
        cmd = [sys.executable, __file__, "--child", str(path), "--out", out, "--engine", engine]
        if no_diarize:
            cmd.append("--no-diarize")
        if cache:
            cmd += ["--cache", str(cache)]
        started = time.perf_counter()
        with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
            proc = subprocess.Popen(cmd, stdout=stdout, stderr=stderr, text=True)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
            proc.returncode = os.waitstatus_to_exitcode(status)
            stdout.seek(0)
            stderr.seek(0)
            if proc.returncode:
                sys.exit(f"bench: process failed on {path}:\n{stderr.read()[-3000:]}")
            data = json.loads(stdout.read())
    data["wall"] = wall
    data["maxrss_mb"] = usage.ru_maxrss / 1024
    return data


def side_by_side(todo: list[tuple[str, Path]], core_sets: list[str | None], speakers: int) -> None:
    """The plain recipe and `process --no-cache`, same inputs, same run; one table row per run."""
    print(f"{os.cpu_count()} cores, this process may use {len(os.sched_getaffinity(0))}; load before: {load()}")
    rows = []
    for name, path in todo:
        for cores in core_sets:
            with tempfile.TemporaryDirectory() as scratch:
                plain = timed([sys.executable, str(ROOT / "bench" / "baseline.py"), str(path), "--speakers",
                               str(speakers), "--out", scratch], cores)
                ours = timed([sys.executable, "-m", "transcribe_kit", "process", str(path), "-o", scratch,
                              "--no-cache", "-q", "--speakers", str(speakers)], cores)
            seconds = plain["duration_s"]
            for label, run in (("plain recipe", plain), ("process", ours)):
                rows.append([name, cores or "all", label, f"{run['wall']:.1f}", f"{run['wall'] / seconds:.3f}",
                             f"{run['user']:.0f}", f"{run['sys']:.0f}", f"{100 * run['cpu'] / run['wall']:.0f} %",
                             f"{100 * run['sys'] / max(run['cpu'], 1e-9):.1f} %", f"{run['maxrss_mb']:.0f}",
                             f"{run['wall'] / plain['wall']:.2f}"])
            print(table(HEADER, rows[-2:]), flush=True)
    print(f"\nload after: {load()}")
    print(table(HEADER, rows))


HEADER = ["input", "cores", "run", "wall s", "RTF", "user s", "sys s", "CPU share", "sys share", "max RSS MB",
          "wall / plain"]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def timed(cmd: list[str], cores: str | None) -> dict:
    """One child (under ``taskset -c cores``): wall, user, system, max RSS from ``wait4``; its JSON line if any."""
    if cores:
        cmd = ["taskset", "-c", cores, *cmd]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=stderr, text=True, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        stdout.seek(0)
        stderr.seek(0)
        if os.waitstatus_to_exitcode(status):
            sys.exit(f"bench: {' '.join(cmd)} failed:\n{stderr.read()[-3000:]}")
        lines = [line for line in stdout.read().splitlines() if line.startswith("{")]
    data = json.loads(lines[-1]) if lines else {}
    data.update(wall=wall, user=usage.ru_utime, sys=usage.ru_stime, cpu=usage.ru_utime + usage.ru_stime,
                maxrss_mb=usage.ru_maxrss / 1024)
    return data


def compare_engines(engines: list[str], no_diarize: bool) -> None:
    sys.path.insert(0, str(CORPUS))
    path = CORPUS / "podcast_004_short" / "podcast_004_short.mp3"
    results = {engine: run_measured(path, engine, no_diarize) for engine in engines}
    first = engines[0]
    rows = []
    for engine, data in results.items():
        rows.append([engine, f"{data['wall']:.1f}", f"{results[first]['wall'] / data['wall']:.2f}",
                     f"{data['maxrss_mb']:.0f}", f"{100 * wer(results[first]['words'], data['words']):.2f} %"])
    print(f"\nengines end to end on {path.name} (same run):")
    print(table(["engine", "wall s", f"speed vs {first}", "max RSS MB", f"WER against {first}"], rows))


def wer(reference: list[str], hypothesis: list[str]) -> float:
    import difflib

    norm = lambda ws: ["".join(c for c in w.lower() if c.isalnum() or c == "'") for w in ws]  # noqa: E731
    ref, hyp = norm(reference), norm(hypothesis)
    matcher = difflib.SequenceMatcher(None, ref, hyp, autojunk=False)
    errors = 0
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op != "equal":
            errors += max(a2 - a1, b2 - b1)
    return errors / max(len(ref), 1)


if __name__ == "__main__":
    main()
