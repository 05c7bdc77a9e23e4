"""The stage cache: keys chain from the audio and metadata through each stage's name, options and model."""
from __future__ import annotations

import dataclasses
import gzip
from dataclasses import dataclass, replace

import numpy as np

from transcribe_kit.audio import Audio
from transcribe_kit.document import EpisodeMeta, Transcript, Word
from transcribe_kit.pipeline import Context, Stage, StageCache, first_key, run_stages, stage_key


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
