"""Warm-ups: a later stage's imports start in the background when an earlier stage is computed."""
from __future__ import annotations

import threading
import uuid
import warnings
from dataclasses import replace

import numpy as np

from transcribe_kit import warmup
from transcribe_kit.document import EpisodeMeta, Participant, Transcript, Word
from transcribe_kit.pipeline import Context, Stage, StageCache, run_stages
from transcribe_kit.speakers import SpeakerOptions, diarize, warm_up
from transcribe_kit.speakers.diarize import DiarizeOptions


def _chain(seen: list, name: str, started: threading.Event):
    def first(doc, options, ctx):
        assert started.wait(10), "the later stage's warm-up did not start while the first stage ran"
        return replace(doc, words=(Word("hi", 0, 500),))

    def later_warmup(doc, options):
        seen.append((threading.current_thread().name, doc.episode, options))
        started.set()

    return (Stage("first", first), Stage(name, lambda doc, options, ctx: doc, "opts", warmup=later_warmup))


def test_a_computed_stage_starts_the_warm_up_of_the_stages_after_it(tmp_path):
    seen, name = [], f"later-{uuid.uuid4().hex}"
    cache = StageCache(tmp_path)
    run_stages(Transcript(episode="ep"), _chain(seen, name, threading.Event()), Context(None), cache, "k")
    warmup.wait(name)
    assert seen == [(f"warmup-{name}", "ep", "opts")]  # in its own thread, with the doc and its options


def test_a_run_taken_from_the_cache_starts_no_warm_up(tmp_path):
    cache = StageCache(tmp_path)
    ready = threading.Event()
    ready.set()
    chain = _chain([], f"later-{uuid.uuid4().hex}", ready)
    chain = (chain[0], replace(chain[1], warmup=None))  # the first run registers no warm-up of that name
    run_stages(Transcript(episode="ep"), chain, Context(None), cache, "k")
    warmup.wait()
    seen: list = []
    again = (chain[0], replace(chain[1], warmup=lambda doc, options: seen.append(1)))  # same keys
    _, record = run_stages(Transcript(episode="ep"), again, Context(None), cache, "k")
    warmup.wait()
    assert record.cached == ["first", chain[1].name] and seen == []


def test_a_failing_warm_up_is_silent_and_runs_once():
    calls, name = [], f"fails-{uuid.uuid4().hex}"

    def boom():
        calls.append(1)
        raise ImportError("no such module")

    warmup.start(name, boom)
    warmup.start(name, boom)
    warmup.wait(name)
    assert calls == [1]


def test_the_speaker_warm_up_imports_only_when_the_stage_will_diarise(monkeypatch):
    imported = []
    monkeypatch.setattr(diarize, "import_models", lambda: imported.append(1))
    one = Transcript(episode="e", meta=EpisodeMeta(participants=(Participant("Ann Lee"),)))
    two = Transcript(episode="e", meta=EpisodeMeta(participants=(Participant("Ann Lee"), Participant("Bo Li"))))
    warm_up(one, SpeakerOptions())
    warm_up(two, SpeakerOptions(enabled=False))
    assert imported == []
    warm_up(one, SpeakerOptions(diarize=DiarizeOptions(num_speakers=2)))
    warm_up(two, SpeakerOptions())
    assert imported == [1, 1]


def test_pyannote_imported_in_a_thread_leaves_torchcodecs_warning_hidden():
    # the warm-up imports pyannote in a thread, so the filter is process-wide (catch_warnings is
    # not thread-safe); the message pyannote gives starts with a newline
    warmup.start("speakers-import-test", diarize.import_models)
    warmup.wait("speakers-import-test")
    with warnings.catch_warnings(record=True) as seen:
        warnings.warn("\ntorchcodec is not installed correctly so built-in audio decoding will fail.", UserWarning)
        warnings.warn("something else", UserWarning)
    assert [str(w.message) for w in seen] == ["something else"]


def test_a_long_recording_starts_no_warm_up_but_a_short_one_does(tmp_path):
    from transcribe_kit.audio import Audio
    from transcribe_kit.stagecache import WARMUP_MAX_MS

    for ms, expected in ((WARMUP_MAX_MS + 1000, []), (WARMUP_MAX_MS - 1000, [1])):
        seen, name = [], f"later-{uuid.uuid4().hex}"
        chain = (Stage("first", lambda doc, o, ctx: doc, audio=True),
                 Stage(name, lambda doc, o, ctx: doc, warmup=lambda doc, options: seen.append(1)))
        source = Audio(np.zeros(ms * 16, dtype=np.float32))
        run_stages(Transcript(episode="ep"), chain, Context(None, source=source))
        warmup.wait(name)
        assert seen == expected, ms


def test_a_long_recording_warms_up_when_a_side_stage_runs_beside_the_row():
    """The side stage (the diarisation) loads torch beside recognition anyway: the later stages'
    imports start then too, whatever the length."""
    import json
    from transcribe_kit.audio import Audio
    from transcribe_kit.stagecache import WARMUP_MAX_MS

    seen, name, release = [], f"later-{uuid.uuid4().hex}", threading.Event()
    chain = (Stage("side", lambda doc, o, ctx: release.wait(20), side=True, codec=(json.dumps, json.loads)),
             Stage("first", lambda doc, o, ctx: doc, audio=True),
             Stage("second", lambda doc, o, ctx: (release.set(), doc)[1]),  # the side stage was running until here
             Stage(name, lambda doc, o, ctx: doc, warmup=lambda doc, options: seen.append(1), needs=("side",)))
    source = Audio(np.zeros((WARMUP_MAX_MS + 1000) * 16, dtype=np.float32))
    run_stages(Transcript(episode="ep"), chain, Context(None, source=source))
    warmup.wait(name)
    assert seen == [1]
