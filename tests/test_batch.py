"""batch: every file of a folder, one bad file among them, killed with SIGKILL and resumed, and on Dask.

The clips are a few seconds of real speech cut from the shared corpus, and
the ASR model is tiny.en.  The stage cache's log (one line per stage, written
after the stage finished) is the counter that proves finished stages are not
redone.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from clips import ROOT, corpus_or_skip, cut
from click.testing import CliRunner

from transcribe_kit.cli import cli
from transcribe_kit.pipeline import ProcessOptions, StageCache, stages

STAGES = tuple(stage.name for stage in stages(ProcessOptions()))
ROW = tuple(stage.name for stage in stages(ProcessOptions()) if not stage.side)  # side stages: read only when needed


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """a.mp3 (jfk 0-4.5 s), b.wav (pyannote sample 7-12 s), c.mp3 (jfk 5-10 s), broken.mp3 (random bytes)."""
    root = tmp_path_factory.mktemp("season")
    corpus = corpus_or_skip() / "real"
    cut(corpus / "jfk.wav", 0.0, 4.5, root / "a.mp3")
    cut(corpus / "pyannote_sample.wav", 7.0, 12.0, root / "b.wav")
    cut(corpus / "jfk.wav", 5.0, 10.0, root / "c.mp3")
    (root / "broken.mp3").write_bytes(os.urandom(4000))
    (root / "a.toml").write_text('title = "Episode A"\n', encoding="utf-8")
    (root / "notes.txt").write_text("not audio", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def reference(folder, tmp_path_factory) -> Path:
    """One uninterrupted single-worker run, with its stage cache; tests copy it rather than change it."""
    out = tmp_path_factory.mktemp("reference") / "out"
    run = subprocess.run(_batch_command(folder, out), env=_env(), capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stderr  # broken.mp3
    return out


def _batch_command(folder: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "transcribe_kit", "batch", str(folder), "-o", str(out), "--fast", "-q", *extra]


def _env() -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def _computed(entries: list[dict]) -> Counter:
    return Counter((e["episode"], e["stage"]) for e in entries if not e["cached"])


def _outputs(out: Path) -> dict[str, object]:
    """Every output file; transcript.json without its revision times (they say when, not what)."""
    files = {}
    for path in sorted(p for p in out.glob("*/*") if not p.parent.name.startswith(".")):
        key = str(path.relative_to(out))
        if path.name == "transcript.json":
            data = json.loads(path.read_text())
            for revision in data["history"]:
                revision.pop("at")
            files[key] = data
        else:
            files[key] = path.read_bytes()
    return files


def test_one_bad_file_is_reported_and_the_others_are_processed(folder, tmp_path):
    result = CliRunner().invoke(cli, ["batch", str(folder), "-o", str(tmp_path), "--fast", "-q"])
    assert result.exit_code == 1
    assert "broken" in result.output and "not a readable audio or video file" in result.output
    assert "3 of 4 episodes processed, 1 failed" in result.output
    for name in ("a", "b", "c"):
        assert (tmp_path / name / "transcript.json").is_file()
        assert (tmp_path / name / "captions.vtt").is_file()
    assert not (tmp_path / "broken").exists() and not (tmp_path / "notes").exists()
    assert json.loads((tmp_path / "a" / "transcript.json").read_text())["meta"]["title"] == "Episode A"


def test_killed_run_resumes_without_redoing_finished_stages(folder, reference, tmp_path):
    out = tmp_path / "out"
    log = StageCache(out / ".cache")
    process = subprocess.Popen(_batch_command(folder, out), env=_env(), start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not any(e["stage"] == "recognise" for e in log.entries()) and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)  # the whole process group, as a crash or an OOM kill would
    process.wait(timeout=30)
    before = _computed(log.entries())
    assert before and len(before) < 3 * len(STAGES), "the kill should land mid-run"

    rerun = subprocess.run(_batch_command(folder, out), env=_env(), capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 1, rerun.stderr  # broken.mp3 still fails
    computed = _computed(log.entries())
    resumed = [e for e in log.entries()[-3 * len(STAGES):] if e["cached"]]
    # a kill between a stage's saved result and its log line leaves the result and loses the line:
    # the rerun then takes that stage from the cache, which is right (it is not computed again)
    lost_lines = {(e["episode"], e["stage"]) for e in resumed} - set(before)
    assert set(computed) | lost_lines == {(e, s) for e in "abc" for s in STAGES}
    # the row's stage and a side stage beside it
    assert len(lost_lines) <= 2, f"only the stages running at the kill can lose their log lines: {lost_lines}"
    assert max(computed.values()) == 1, f"a finished stage was computed again: {computed}"
    assert set(before) <= {(e["episode"], e["stage"]) for e in resumed}
    assert _outputs(out) == _outputs(reference)


def test_changed_settings_redo_only_the_stages_they_affect(folder, reference, tmp_path):
    out = shutil.copytree(reference, tmp_path / "out")
    log = StageCache(out / ".cache")
    count = len(log.entries())
    # a writer setting: no stage is affected, only the files change
    subprocess.run(_batch_command(folder, out, "--timestamps"), env=_env(), capture_output=True, timeout=300)
    assert all(e["cached"] for e in log.entries()[count:]) and len(log.entries()) == count + 3 * len(ROW)
    assert (out / "a" / "transcript.txt").read_text().count("[00:00]") == 1
    # a recognition setting: recognition and every stage after it, once each; not the side stages
    # (the diarisation, the silences), which read only the audio
    count = len(log.entries())
    subprocess.run(_batch_command(folder, out, "--beam-size", "2"), env=_env(), capture_output=True, timeout=300)
    assert _computed(log.entries()[count:]) == Counter({(e, s): 1 for e in "abc" for s in ROW})


def test_two_worker_processes_give_the_same_outputs(folder, reference, tmp_path):
    run = subprocess.run(_batch_command(folder, tmp_path, "--workers", "2"), env=_env(), capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 1 and "3 of 4 episodes processed, 1 failed" in run.stdout
    assert _outputs(tmp_path) == _outputs(reference)
    assert os.getpid() not in {e["pid"] for e in StageCache(tmp_path / ".cache").entries()}  # ran in the pool


def test_scheduler_runs_episodes_on_a_separately_started_dask_cluster(folder, tmp_path):
    distributed = pytest.importorskip("distributed")
    from transcribe_kit.asr import faster

    loads = faster.model.cache_info().misses
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp://",
                                  dashboard_address=None) as cluster:
        run = subprocess.run(_batch_command(folder, tmp_path, "--scheduler", cluster.scheduler_address),
                             env=_env(), capture_output=True, text=True, timeout=300)
        assert run.returncode == 1, run.stderr
        assert "3 of 4 episodes processed, 1 failed" in run.stdout
        for name in ("a", "b", "c"):
            assert (tmp_path / name / "transcript.json").is_file()
        again = subprocess.run(_batch_command(folder, tmp_path, "--scheduler", cluster.scheduler_address),
                               env=_env(), capture_output=True, text=True, timeout=300)
    assert again.stdout.count(f"0/{len(ROW)}") == 3  # every stage of every episode from the cache (no side stage read)
    entries = StageCache(tmp_path / ".cache").entries()
    assert max(_computed(entries).values()) == 1
    assert {e["pid"] for e in entries} == {os.getpid()}  # the work ran in the cluster's worker, here
    assert faster.model.cache_info().misses - loads <= 1  # the worker loaded the model once at most


def test_an_unreachable_scheduler_is_a_clear_error():
    pytest.importorskip("distributed")
    from transcribe_kit.batch import BatchError, _connect

    with pytest.raises(BatchError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:1"):
        _connect("tcp://127.0.0.1:1", timeout_s=1)


def test_batch_takes_the_speaker_and_chapter_settings_of_process(folder, reference, tmp_path):
    out = shutil.copytree(reference, tmp_path / "out")
    log = StageCache(out / ".cache")
    count = len(log.entries())
    run = subprocess.run(_batch_command(folder, out, "--no-diarize", "--chapters", "0"), env=_env(),
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stderr  # broken.mp3
    recomputed = {e["stage"] for e in log.entries()[count:] if not e["cached"]}
    assert "recognise" not in recomputed and {"speakers", "chapters"} <= recomputed, recomputed
    doc = json.loads((out / "b" / "transcript.json").read_text())
    assert {w["speaker"] for w in doc["words"]} == {"S1"} and doc["chapters"] == []
