"""Speech recognition: engines behind one small protocol, and the word timings after them.

``transcribe(audio, options, progress) -> AsrResult`` with words in integer
milliseconds, by faster-whisper (``faster``, the default) or openai-whisper
(``openai``, from a checkpoint ``convert`` builds locally from the CT2
weights).  ``timing`` snaps word edges out of silences; ``alignment`` times
known words (an editor's) against the audio with Whisper's forced alignment.
The engines' libraries load only when a model is first used.
"""
from __future__ import annotations

import functools
from dataclasses import replace

from .. import cores
from ..audio import Audio
from . import faster, openai
from .base import ENGINES, AsrOptions, AsrResult, Progress, clean_word, monotonic, segment_words
from .windows import cuts, transcribe_windows

__all__ = ["ENGINES", "AsrOptions", "AsrResult", "Progress", "clean_word", "monotonic", "release", "segment_words",
           "transcribe"]


def transcribe(audio: Audio, options: AsrOptions, progress: Progress | None = None) -> AsrResult:
    """The words of ``audio``, recognised in parts of about ``options.window_s`` seconds.

    faster-whisper recognises up to as many parts at once as the calling stage has cores
    (``cores.asr_threads``; fewer while side stages run, ``cores.free``), each on a thread of its
    own (more threads than parts: shared out);
    openai-whisper's model is not safe to share between threads, nor is faster-whisper's batched
    pipeline, so they take the parts one at a time."""
    engines = {"faster-whisper": faster.transcribe, "openai-whisper": openai.transcribe}
    if options.engine not in engines:
        raise ValueError(f"unknown engine {options.engine!r}; choose one of: {', '.join(ENGINES)}")
    engine, streams = engines[options.engine], 1
    seams = cuts(audio, options.window_s, options.window_search_s)
    if options.engine == "faster-whisper" and not options.batch_size:
        threads = cores.asr_threads(options.threads)
        streams = max(1, min(threads, len(seams) + 1))
        # the parts run in threads of their own, which do not inherit the calling stage's share
        options = replace(options, threads=max(1, threads // streams))
        engine = functools.partial(faster.transcribe, workers=streams)
    return transcribe_windows(engine, audio, options, seams, progress, streams=streams,
                              margin_s=options.window_margin_s)


def release() -> None:
    """Drop the loaded recognition models (the next ``transcribe`` loads its model again, in under a second)."""
    faster.model.cache_clear()
    openai._model.cache_clear()
