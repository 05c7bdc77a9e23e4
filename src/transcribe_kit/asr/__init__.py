"""Speech recognition: engines behind one small protocol, and the word timings after them.

``transcribe(audio, options, progress) -> AsrResult`` with words in integer
milliseconds, by faster-whisper (``faster``, the default) or openai-whisper
(``openai``, from a checkpoint ``convert`` builds locally from the CT2
weights).  ``timing`` snaps word edges out of silences; ``alignment`` times
known words (an editor's) against the audio with Whisper's forced alignment.
The engines' libraries load only when a model is first used.
"""
from __future__ import annotations

from ..audio import Audio
from . import faster, openai
from .base import ENGINES, AsrOptions, AsrResult, Progress, clean_word, monotonic, segment_words
from .windows import transcribe_windows

__all__ = ["ENGINES", "AsrOptions", "AsrResult", "Progress", "clean_word", "monotonic", "release", "segment_words",
           "transcribe"]


def transcribe(audio: Audio, options: AsrOptions, progress: Progress | None = None) -> AsrResult:
    """The words of ``audio``, recognised a window of ``options.window_s`` seconds at a time."""
    engines = {"faster-whisper": faster.transcribe, "openai-whisper": openai.transcribe}
    if options.engine not in engines:
        raise ValueError(f"unknown engine {options.engine!r}; choose one of: {', '.join(ENGINES)}")
    return transcribe_windows(engines[options.engine], audio, options, options.window_s, options.window_search_s,
                              progress)


def release() -> None:
    """Drop the loaded recognition models (the next ``transcribe`` loads its model again, in under a second)."""
    faster.model.cache_clear()
    openai._model.cache_clear()
