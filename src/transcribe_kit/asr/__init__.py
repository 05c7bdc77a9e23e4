"""Speech recognition engines behind one small protocol.

``transcribe(audio, options, progress) -> AsrResult`` with words in integer
milliseconds.  Engines are imported lazily by name.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..audio import Audio
from ..document import Word

ENGINES = ("faster-whisper", "openai-whisper")

# progress(done_ms, total_ms)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class AsrOptions:
    engine: str = "faster-whisper"
    model: str = "base"  # a name from models.names()
    model_path: str | None = None  # a CT2 directory or an openai-whisper .pt
    language: str | None = "en"  # None = detect
    beam_size: int = 5
    vad: bool = True
    compute_type: str = "int8"
    initial_prompt: str | None = None
    hotwords: str | None = None
    threads: int = 0  # 0 = the engine's default


@dataclass(frozen=True)
class AsrResult:
    words: tuple[Word, ...]
    language: str | None
    engine: dict[str, str] = field(default_factory=dict)


def transcribe(audio: Audio, options: AsrOptions, progress: Progress | None = None) -> AsrResult:
    if options.engine == "faster-whisper":
        from . import faster
        return faster.transcribe(audio, options, progress)
    if options.engine == "openai-whisper":
        from . import openai
        return openai.transcribe(audio, options, progress)
    raise ValueError(f"unknown engine {options.engine!r}; choose one of: {', '.join(ENGINES)}")


def clean_word(text: str) -> str:
    return text.strip()
