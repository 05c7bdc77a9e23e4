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


def _continues_number(before: str, piece: str) -> bool:
    return before[-1:].isdigit() and len(piece) > 1 and piece[0] in ",." and piece[1].isdigit()


def segment_words(raw: list[tuple[str, float, float, float]]) -> list[Word]:
    """One segment's Whisper words ``(text, start_s, end_s, probability)`` as Words.

    Whisper marks a new word with a leading space; a piece without one that
    starts with a hyphen ("drop" + "-in") continues the word before it, so it is
    joined to it rather than printed as a word of its own ("drop -in"); so does
    the rest of a number after a digit ("3" + ",000", "2" + ".5").
    """
    from ..timecode import seconds_to_ms

    words: list[Word] = []
    for text, start_s, end_s, probability in raw:
        piece = clean_word(text)
        if not piece:
            continue
        start, end = seconds_to_ms(start_s), seconds_to_ms(end_s)
        probability = round(float(probability), 4)
        if words and not text[:1].isspace() and (piece.startswith("-") or _continues_number(words[-1].text, piece)):
            last = words[-1]
            words[-1] = Word(text=last.text + piece, start_ms=last.start_ms, end_ms=max(last.end_ms, end),
                             probability=min(last.probability or 1.0, probability))
            continue
        words.append(Word(text=piece, start_ms=start, end_ms=max(start, end), probability=probability))
    return words
