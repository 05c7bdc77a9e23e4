"""Time new words against the audio of their gap only, with Whisper's forced alignment.

The same machinery Whisper uses for word timestamps (and stable-ts uses in
``align()``): encode the clip, feed the *known* text as the decoder's tokens,
and read word boundaries off the alignment heads' cross-attention with DTW
(CTranslate2's ``Whisper.align``).  The clip reaches a few timed words either
side of the gap and their text goes in too: their known times anchor the DTW
and tell us whether the alignment can be trusted.  When it cannot, the caller
spreads the words evenly inside the gap and marks them estimated.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from ..audio import Audio
from ..models import ct2_dir
from .faster import model as whisper_model

log = logging.getLogger(__name__)

MAX_WINDOW_MS = 29_000  # Whisper sees 30 s at a time


@dataclass(frozen=True)
class ForcedAlignOptions:
    model: str = "base"  # a name from models.names()
    model_path: str | None = None
    language: str | None = "en"
    context_words: int = 4  # timed words either side that go in as anchors
    margin_ms: int = 300  # audio kept beyond the outer anchors
    max_anchor_error_ms: int = 400  # mean anchor error above this = the alignment failed
    use_audio: bool = True


@dataclass(frozen=True)
class Timed:
    text: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class Window:
    """A stretch of words aligned in one pass: the gaps' new words and the timed words around them."""

    first: int  # word index range [first, end) in the edited word list
    end: int
    gaps: tuple[tuple[int, int], ...]  # the runs of new words it times
    start_ms: int  # the audio it covers, before the margin
    end_ms: int


def plan_windows(known: list[Timed | None], gaps: list[tuple[int, int]], duration_ms: int,
                 options: ForcedAlignOptions) -> list[Window]:
    """Group the gaps into windows of at most ``MAX_WINDOW_MS``, each with its anchor words."""
    windows: list[Window] = []
    for a, b in gaps:
        first, end = a, b
        while first > 0 and known[first - 1] is not None and a - first < options.context_words:
            first -= 1
        while end < len(known) and known[end] is not None and end - b < options.context_words:
            end += 1
        start_ms = known[first].start_ms if first < a else (known[a - 1].end_ms if a else 0)
        end_ms = known[end - 1].end_ms if end > b else (known[b].start_ms if b < len(known) else duration_ms)
        last = windows[-1] if windows else None
        if last is not None and end_ms - last.start_ms + 2 * options.margin_ms <= MAX_WINDOW_MS:
            windows[-1] = Window(last.first, end, last.gaps + ((a, b),), last.start_ms, end_ms)
        else:
            windows.append(Window(first, end, ((a, b),), start_ms, end_ms))
    return windows


class Aligner:
    """Loads the model once, then aligns windows; ``None`` means "could not, spread instead"."""

    def __init__(self, audio: Audio, options: ForcedAlignOptions = ForcedAlignOptions()):
        self.audio = audio
        self.options = options
        self._model = None
        self._tokenizer = None

    def align(self, window: Window, texts: list[str], known: list[Timed | None]) -> list[tuple[int, int]] | None:
        """Times for every word of ``texts[window.first:window.end]``, or None when untrustworthy."""
        start = max(0, window.start_ms - self.options.margin_ms)
        end = min(self.audio.duration_ms, window.end_ms + self.options.margin_ms)
        if end - start > MAX_WINDOW_MS or (end - start) < 100:
            return None
        words = texts[window.first:window.end]
        found = self._align_clip(self.audio.slice_ms(start, end), words)
        if found is None:
            return None
        found = [(a + start, b + start) for a, b in found]
        anchors = [(f, t) for f, t in zip(found, known[window.first:window.end]) if t is not None]
        if anchors:
            error = sum(abs(f[0] - t.start_ms) for f, t in anchors) / len(anchors)
            if error > self.options.max_anchor_error_ms:
                log.info("alignment rejected: anchors off by %.0f ms on average", error)
                return None
        return found

    def _load(self):
        if self._model is None:
            from faster_whisper.tokenizer import Tokenizer  # the engine's library loads with the model

            path = self.options.model_path or str(ct2_dir(self.options.model))
            self._model = whisper_model(path, "int8", 0)
            multilingual = self._model.model.is_multilingual
            self._tokenizer = Tokenizer(self._model.hf_tokenizer, multilingual, task="transcribe",
                                        language=(self.options.language or "en") if multilingual else None)
        return self._model, self._tokenizer

    def _align_clip(self, clip, texts: list[str]) -> list[tuple[int, int]] | None:
        from faster_whisper.audio import pad_or_trim  # the engine loads with its model

        model, tokenizer = self._load()
        features = model.feature_extractor(clip)[..., :-1]
        num_frames = min(features.shape[-1], 3000)
        encoded = model.encode(pad_or_trim(features))
        tokens = tokenizer.encode(" " + " ".join(texts))
        try:
            (words,) = model.find_alignment(tokenizer, [tokens], encoded, num_frames)
        except (RuntimeError, ValueError, IndexError) as exc:
            log.info("alignment failed: %s", exc)
            return None
        pieces = [(w["word"], round(float(w["start"]) * 1000), round(float(w["end"]) * 1000)) for w in words]
        return regroup(texts, pieces)


def regroup(texts: list[str], pieces: list[tuple[str, int, int]]) -> list[tuple[int, int]] | None:
    """Whisper's words (it splits off punctuation) mapped back onto ours by character offset."""
    owner: list[int] = []
    for k, text in enumerate(texts):
        owner += [k] * len("".join(text.split()))
    times: list[list[int] | None] = [None] * len(texts)
    at = 0
    for word, start, end in pieces:
        size = len("".join(word.split()))
        if size == 0:
            continue
        if at >= len(owner):
            return None
        k = owner[at]
        times[k] = [start, end] if times[k] is None else [times[k][0], max(times[k][1], end)]
        at += size
    if at != len(owner) or any(t is None for t in times):
        log.info("alignment dropped: whisper's words do not cover the text")
        return None
    return [(a, b) for a, b in times]


def clamp(times: list[tuple[int, int]], lo: int, hi: int) -> list[tuple[int, int]]:
    """Keep aligned times inside the gap, in order and without overlap.

    Words the alignment put outside the gap collapse to nothing at its edge;
    each run of them shares the room between its timed neighbours instead.
    """
    out: list[tuple[int, int]] = []
    floor = lo
    for a, b in times:
        a = min(max(a, floor), hi)
        b = min(max(b, a), hi)
        out.append((a, b))
        floor = b
    k = 0
    while k < len(out):
        if out[k][1] > out[k][0]:
            k += 1
            continue
        end = k
        while end < len(out) and out[end][1] <= out[end][0]:
            end += 1
        left = out[k - 1][1] if k else lo
        right = out[end][0] if end < len(out) else hi
        out[k:end] = spread([""] * (end - k), left, max(left, right))
        k = end
    return out


def spread(words: tuple[str, ...] | list[str], lo: int, hi: int) -> list[tuple[int, int]]:
    """Even spreading inside ``[lo, hi]``, by character count: the last resort."""
    if not words:
        return []
    weights = [max(1, len(w)) for w in words]
    total = sum(weights)
    out, at = [], 0
    for w in weights:
        a = lo + (hi - lo) * at // total
        at += w
        out.append((a, lo + (hi - lo) * at // total))
    return out
