"""What every recognition engine shares: its options, its result, and Whisper's words as Words."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..document import Word
from ..timecode import seconds_to_ms

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
    threads: int = 0  # CTranslate2's cpu_threads; 0: the process's share of its cores (cores.py)
    # faster-whisper: > 0 decodes that many VAD pieces at once (its batched pipeline), each piece without
    # the text before it: 1.6x faster but WER 4.96 % -> 5.89 % on podcast_004_short, so not the default
    # (bench/README.md "Memory and speed").
    batch_size: int = 0
    # Recognise in parts of about this many seconds (0: all at once), side by side, each cut at the
    # quietest moment within ``window_search_s`` of its aim and given ``window_margin_s`` of the audio
    # either side, so the decoder neither starts nor stops at a seam (asr/windows.py).  Parts keep what
    # the engine holds for its input (VAD's copy of the speech, the features) from growing with the
    # recording, and let recognition use every core: on two cores, two parts at once on one thread
    # each took 0.6x the wall time and 0.76x the CPU time of one pass on two threads (bench/README.md
    # "Recognition in parts").  The margins cost a minute of audio decoded twice per seam.
    window_s: int = 600
    window_margin_s: int = 30
    window_search_s: int = 30


@dataclass(frozen=True)
class AsrResult:
    words: tuple[Word, ...]
    language: str | None
    engine: dict[str, str] = field(default_factory=dict)


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


def monotonic(words: list[Word]) -> list[Word]:
    """Whisper occasionally returns a word starting before its predecessor; clamp it."""
    out: list[Word] = []
    for w in words:
        if out and w.start_ms < out[-1].start_ms:
            start = out[-1].start_ms
            w = Word(w.text, start, max(start, w.end_ms), w.probability, w.speaker, w.estimated)
        out.append(w)
    return out
