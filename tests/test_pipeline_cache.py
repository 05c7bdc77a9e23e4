"""The stage cache: keys chain from the audio and metadata through each stage's name, options and model."""
from __future__ import annotations

import dataclasses
import gzip
import json
import threading
import time
from dataclasses import dataclass, replace
from types import SimpleNamespace

import numpy as np
import pytest

from transcribe_kit import cores

from transcribe_kit.audio import Audio
from transcribe_kit.document import EpisodeMeta, Speaker, Transcript, Word
from transcribe_kit.pipeline import Context, Stage, StageCache, first_key, run_stages, stage_key
from transcribe_kit.stagecache import chain_keys


@dataclass(frozen=True)
class Pad:
    ms: int = 100


def _words(doc, options, ctx):
    ctx.calls.append("words")
    return replace(doc, words=(Word("hi", 0, 500), Word("there.", 600, 900)))


def _pad(doc, options: Pad, ctx):
    ctx.calls.append("pad")
    return replace(doc, words=tuple(replace(w, end_ms=w.end_ms + options.ms) for w in doc.words))


def _upper(doc, options, ctx):
    ctx.calls.append("upper")
    return replace(doc, words=tuple(replace(w, text=w.text.upper()) for w in doc.words))


def _chain(pad: Pad = Pad(), model: str = "m1") -> tuple[Stage, ...]:
    return (Stage("words", _words, None, model), Stage("pad", _pad, pad), Stage("upper", _upper))


def _run(cache, chain, key="k0"):
    ctx = Context(None, source=Audio(samples=np.zeros(16_000, dtype=np.float32)))
    ctx.calls = []
    doc, record = run_stages(Transcript(episode="ep"), chain, ctx, cache, key)
    return doc, ctx.calls, record


def test_a_rerun_takes_every_stage_from_the_cache(tmp_path):
    cache = StageCache(tmp_path)
    first, calls, _ = _run(cache, _chain())
    assert calls == ["words", "pad", "upper"]
    again, calls, record = _run(cache, _chain())
    assert calls == [] and record.cached == ["words", "pad", "upper"]
    assert again == first
    assert [e["cached"] for e in cache.entries()] == [False] * 3 + [True] * 3


def test_a_changed_option_redoes_that_stage_and_those_after_it(tmp_path):
    cache = StageCache(tmp_path)
    _run(cache, _chain())
    doc, calls, record = _run(cache, _chain(Pad(ms=250)))
    assert calls == ["pad", "upper"] and record.cached == ["words"]
    assert doc.words[0] == Word("HI", 0, 750)


def test_a_changed_model_or_input_redoes_everything(tmp_path):
    cache = StageCache(tmp_path)
    _run(cache, _chain())
    assert _run(cache, _chain(model="m2"))[1] == ["words", "pad", "upper"]
    assert _run(cache, _chain(), key="other audio")[1] == ["words", "pad", "upper"]


def test_a_new_stage_version_redoes_that_stage_and_those_after_it(tmp_path):
    cache = StageCache(tmp_path)
    _run(cache, _chain())
    chain = _chain()
    chain = (chain[0], dataclasses.replace(chain[1], version=2), chain[2])
    assert _run(cache, chain)[1] == ["pad", "upper"]


def test_a_damaged_entry_is_recomputed(tmp_path):
    cache = StageCache(tmp_path)
    _run(cache, _chain())
    key = stage_key(stage_key("k0", _chain()[0]), _chain()[1])
    path = cache._path(key)
    path.write_bytes(gzip.compress(b'{"truncated'))
    assert _run(cache, _chain())[1] == ["pad"]


def test_without_a_cache_every_stage_runs():
    assert _run(None, _chain())[1] == ["words", "pad", "upper"]


def test_first_key_depends_on_audio_episode_and_metadata():
    meta = EpisodeMeta(title="A")
    key = first_key("abc", "ep", meta)
    assert key == first_key("abc", "ep", EpisodeMeta(title="A"))
    assert len({key, first_key("abd", "ep", meta), first_key("abc", "ep2", meta),
                first_key("abc", "ep", dataclasses.replace(meta, title="B"))}) == 4


def test_the_samples_are_let_go_after_the_last_stage_that_reads_them(tmp_path, jfk_wav):
    held = []

    def listen(doc, options, ctx):
        held.append("audio" in ctx.__dict__)
        assert ctx.audio.duration_ms > 10_000  # decoded on first use
        return doc

    def write(doc, options, ctx):
        held.append("audio" in ctx.__dict__)
        return doc

    ctx = Context(jfk_wav)
    chain = (Stage("a", listen, audio=True), Stage("b", listen, audio=True), Stage("c", write), Stage("d", write))
    run_stages(Transcript(episode="ep"), chain, ctx)
    assert held == [False, True, False, False]


def test_the_real_stages_keys_do_not_change_from_one_process_to_the_next():
    """A set in a stage's options would print in another order under another hash seed, and a
    second ``process`` or ``batch`` run would find nothing in the cache."""
    import os
    import subprocess
    import sys

    code = ("from transcribe_kit.pipeline import ProcessOptions, stages, stage_key\n"
            "key = 'input'\n"
            "for stage in stages(ProcessOptions()):\n"
            "    key = stage_key(key, stage)\n"
            "print(key)\n")
    keys = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(keys) == 1 and len(keys.pop().strip()) >= 16


# ---- side stages: the row and a stage that needs only the input, side by side -----------------------

def _graph(log: list, pad: Pad = Pad(), voices: Pad = Pad(), meet: threading.Barrier | None = None):
    """words -> pad -> who (reads the side stage "voices") -> upper; "voices" reads only the input."""
    def record(name, fn):
        def run(doc, options, ctx):
            ctx.hook(name, 0, 1)
            if meet is not None and name in ("words", "voices"):
                meet.wait()  # passes only when both are running at once
            out = fn(doc, options, ctx)
            log.append(name)
            ctx.hook(name, 1, 1)
            return out
        return run

    def voices_fn(doc, options, ctx):
        assert not doc.words  # the run's first document, not the row's
        return {"S1": [0, options.ms * 10]}

    def who(doc, options, ctx):
        span = ctx.results["voices"]["S1"]
        return replace(doc, speakers=(Speaker(id="S1"),),
                       words=tuple(replace(w, speaker="S1") for w in doc.words if w.start_ms <= span[1]))

    plain = lambda fn: (lambda doc, options, ctx: fn(doc, options, SimpleNamespace(calls=[])))  # noqa: E731
    return (Stage("words", record("words", plain(_words)), None, "m1"),
            Stage("pad", record("pad", plain(_pad)), pad),
            Stage("voices", record("voices", voices_fn), voices, "m2", side=True, codec=(json.dumps, json.loads)),
            Stage("who", record("who", who), None, needs=("voices",)),
            Stage("upper", record("upper", plain(_upper))))


def _run_graph(cache, chain, hook=None):
    ctx = Context(None, hook or (lambda *a: None), source=Audio(samples=np.zeros(16_000, dtype=np.float32)))
    return run_stages(Transcript(episode="ep"), chain, ctx, cache, "k0")


def test_a_side_stage_runs_at_the_same_time_as_the_row(tmp_path):
    spans: dict[str, list[float]] = {}

    def hook(stage, done, total):
        spans.setdefault(stage, []).append(time.perf_counter())

    log: list = []
    doc, record = _run_graph(StageCache(tmp_path), _graph(log, meet=threading.Barrier(2, timeout=20)), hook)
    (w0, w1), (v0, v1) = spans["words"], spans["voices"]
    assert w0 < v1 and v0 < w1  # the two intervals overlap
    assert sorted(record.computed) == ["pad", "upper", "voices", "who", "words"]
    assert log.index("who") > max(log.index("voices"), log.index("pad"))
    assert [w.speaker for w in doc.words] == ["S1", "S1"]


def test_a_changed_side_setting_reruns_only_it_and_its_dependants(tmp_path):
    cache, log = StageCache(tmp_path), []
    first, _ = _run_graph(cache, _graph(log))
    log.clear()
    doc, record = _run_graph(cache, _graph(log, voices=Pad(ms=55)))
    assert sorted(log) == ["upper", "voices", "who"] and record.cached == ["words", "pad"]
    assert len(doc.words) == 1 and len(first.words) == 2  # the new setting took effect
    log.clear()
    _, record = _run_graph(cache, _graph(log, pad=Pad(ms=250), voices=Pad(ms=55)))
    assert log == ["pad", "who", "upper"]  # the side stage came from the cache
    assert record.cached == ["words", "voices"]
    log.clear()
    _, record = _run_graph(cache, _graph(log, pad=Pad(ms=250), voices=Pad(ms=55)))
    assert log == [] and record.cached == ["words", "pad", "who", "upper"]  # "voices" not even read


def test_a_crash_after_the_side_stage_resumes_with_its_cached_result(tmp_path):
    cache, log = StageCache(tmp_path), []
    chain = _graph(log)

    def broken(doc, options, ctx):
        raise RuntimeError("crash")

    crashing = chain[:3] + (replace(chain[3], run=broken),) + chain[4:]
    with pytest.raises(RuntimeError):
        _run_graph(cache, crashing)
    assert sorted(log) == ["pad", "voices", "words"]
    log.clear()
    _, record = _run_graph(cache, chain)
    assert log == ["who", "upper"] and sorted(record.cached) == ["pad", "voices", "words"]


def test_a_side_stage_nobody_computed_reads_is_not_run(tmp_path):
    cache, log = StageCache(tmp_path), []
    _run_graph(cache, _graph(log))
    cache.remove(chain_keys(_graph([]), "k0")["voices"])  # its readers are all cached
    log.clear()
    _, record = _run_graph(cache, _graph(log))
    assert log == [] and "voices" not in record.computed


def test_the_side_stage_keys_join_their_readers_keys_only():
    plain, changed = chain_keys(_graph([]), "k0"), chain_keys(_graph([], voices=Pad(ms=1)), "k0")
    assert [n for n in plain if plain[n] != changed[n]] == ["voices", "who", "upper"]
    row = tuple(s for s in _graph([]) if s.name in ("words", "pad"))
    assert [plain["words"], plain["pad"]] == list(chain_keys(row, "k0").values())


def test_thread_counts_follow_the_cores_and_the_cap():
    assert cores.budget() == cores.available() >= 1
    with cores.limit(1) as n:
        assert n == cores.budget() == 1 and cores.asr_threads() == 1 and cores.beside(2) == (1, 1)
    with cores.limit(None):
        assert cores.budget() == cores.available()
    assert cores.asr_threads(3) == 3  # a thread count the user set wins
    with cores.share(asr=1, torch=1):
        assert cores.asr_threads() == cores.torch_threads() == 1


def test_the_c_heap_is_held_to_two_arenas_on_glibc():
    import platform

    from transcribe_kit import memory

    took = memory.limit_arenas()
    assert took == (platform.system() == "Linux" and platform.libc_ver()[0] == "glibc")
