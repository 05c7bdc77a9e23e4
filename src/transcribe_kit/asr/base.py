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
    # Recognise about this many seconds at a time (0: all at once), each window cut at the quietest
    # moment within ``window_search_s`` of its aim (asr/windows.py), so that what the engine holds for
    # its input (VAD's copy of the speech, the features) stops growing with the recording.  Every seam
    # costs accuracy: five-minute windows put podcast_004_full's WER at 5.4-6.3 % against 3.9 % in one
    # pass (Whisper drops clauses near a window's end).  faster-whisper's features are computed a minute
    # at a time anyway (asr/features.py), so half an hour costs little memory and the hour has one seam
    # (bench/README.md "Memory and speed").
    window_s: int = 1800
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
