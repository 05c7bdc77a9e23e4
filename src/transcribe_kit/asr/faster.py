"""faster-whisper (CTranslate2): the default engine, int8 on CPU, VAD on."""
from __future__ import annotations

import functools
import threading

from .. import cores, memory
from ..audio import SAMPLE_RATE, Audio
from ..document import Word
from ..models import ModelError, ct2_dir, offline_environment
from ..timecode import seconds_to_ms
from .features import BlockFeatures
from .base import AsrOptions, AsrResult, Progress, monotonic, segment_words


@functools.lru_cache(maxsize=2)
def model(path: str, compute_type: str, threads: int, workers: int = 1):
    """The recogniser, ``threads`` CTranslate2 threads for each of ``workers`` decodings at once
    (one per thread that calls it: the weights are shared)."""
    offline_environment()
    try:
        from faster_whisper import WhisperModel  # the engine loads with its model
    except ImportError:
        raise ModelError("the faster-whisper engine needs: pip install faster-whisper==1.2.1") from None
    _one_vad_at_a_time()
    _seeded()
    whisper = WhisperModel(path, device="cpu", compute_type=compute_type, cpu_threads=threads, num_workers=workers)
    whisper.feature_extractor = BlockFeatures(whisper.feature_extractor)  # the same features, a minute at a time
    return whisper


# The seed of CTranslate2's random numbers.  Whisper decodes again by sampling (temperature 0.2, 0.4, ...)
# where the first, greedy or beam, decoding looks like a loop or is unsure; CTranslate2 seeds each of its
# worker threads' generators from this when it first samples, and without a seed from the system's
# entropy, so the same recording came out in other words from run to run.
RANDOM_SEED = 0


def _seeded() -> None:
    """Fix CTranslate2's seed before a model starts its workers: on podcast_004_full, the part from 39:16
    falls back to sampling at its first window, and three runs gave three texts of its ten minutes (65-97
    places of 10,920 words; bench/README.md "Start-up, third pass").  A model's workers draw in the order
    its decodings sample, so two parts that both sample may still swap draws."""
    import ctranslate2

    ctranslate2.set_random_seed(RANDOM_SEED)


_vad_lock = threading.Lock()
_patch_lock = threading.Lock()


def _one_vad_at_a_time() -> None:
    """Parts recognised at once find their speech one after the other, a minute of windows at a time,
    and give the memory back.

    faster-whisper's VAD runs Silero on 10,000 windows (5 minutes) at a time, about 190 MB while it
    runs, which glibc then keeps: two parts' VADs at once held 350 MB.  It takes about a second a
    part, so waiting for the other costs little.  Even one at a time it was the top of the hour's
    peak, beside the other part's decoding (:class:`SmallBatchVad`)."""
    import faster_whisper.transcribe as engine
    import faster_whisper.vad as vad

    with _patch_lock:  # the recogniser and a second opinion may load their models at once: wrap once
        find = engine.get_speech_timestamps
        if getattr(find, "one_at_a_time", False):
            return
        original = vad.get_vad_model
        vad.get_vad_model = functools.cache(lambda: SmallBatchVad(original()))

        def one_at_a_time(*args, **kwargs):
            with _vad_lock:
                try:
                    return find(*args, **kwargs)
                finally:
                    memory.trim(collect=False)
        one_at_a_time.one_at_a_time = True
        engine.get_speech_timestamps = one_at_a_time


VAD_BATCH = 2000  # Silero windows (32 ms each) run at once: about a minute of audio


class SmallBatchVad:
    """faster-whisper's Silero VAD (``SileroVADModel``) run ``VAD_BATCH`` windows at a time instead of
    10,000, its state carried from batch to batch as the original carries it: the same speech
    probabilities (identical on ten minutes of podcast_004_full), 110 MB less at the top (312 -> 202 MB
    for the whole process on those ten minutes) and no slower.  The rest is the original's ``__call__``."""

    def __init__(self, inner, batch: int = VAD_BATCH) -> None:
        self.inner, self.batch = inner, batch

    def __call__(self, audio, num_samples: int = 512, context_size_samples: int = 64):
        import numpy as np

        assert audio.ndim == 1 and audio.shape[0] % num_samples == 0, "1-D, a multiple of num_samples"
        h = np.zeros((1, 1, 128), dtype="float32")
        c = np.zeros((1, 1, 128), dtype="float32")
        windows = audio.reshape(-1, num_samples)
        context = windows[..., -context_size_samples:]
        context[-1] = 0  # as the original: in place, the last window's tail too
        context = np.roll(context, 1, 0)
        outputs = []
        for i in range(0, len(windows), self.batch):
            piece = np.concatenate([context[i:i + self.batch], windows[i:i + self.batch]], 1)
            output, h, c = self.inner.session.run(None, {"input": piece, "h": h, "c": c})
            outputs.append(output)
        return np.concatenate(outputs, axis=0)


def transcribe(audio: Audio, options: AsrOptions, progress: Progress | None = None, workers: int = 1) -> AsrResult:
    """One pass over ``audio``; ``workers``: how many threads call this at once (asr/windows.py)."""
    path = options.model_path or str(ct2_dir(options.model))
    whisper = model(path, options.compute_type, cores.asr_threads(options.threads), workers)
    common = dict(language=options.language, beam_size=options.beam_size, word_timestamps=True,
                  initial_prompt=options.initial_prompt, hotwords=options.hotwords)
    if options.batch_size > 0:  # VAD pieces of up to 30 s decoded side by side, each given the prompt
        from faster_whisper import BatchedInferencePipeline

        segments, info = BatchedInferencePipeline(whisper).transcribe(
            audio.samples, batch_size=options.batch_size, vad_filter=True, **common)
    else:
        segments, info = whisper.transcribe(audio.samples, vad_filter=options.vad, condition_on_previous_text=True,
                                            **common)
    total = audio.duration_ms
    words: list[Word] = []
    for segment in segments:
        words += segment_words([(w.word, w.start, w.end, w.probability) for w in segment.words or ()])
        if progress:
            progress(min(total, seconds_to_ms(segment.end)), total)
    if progress:
        progress(total, total)
    engine = {"engine": "faster-whisper", "model": options.model_path or options.model,
              "compute_type": options.compute_type, "beam_size": str(options.beam_size),
              "vad": str(options.vad).lower()}
    if options.batch_size:
        engine["batch_size"] = str(options.batch_size)
    return AsrResult(words=tuple(monotonic(words)), language=info.language, engine=engine)


def heard_text(audio: Audio, options: AsrOptions, progress: Progress | None = None) -> list[str]:
    """The words ``options.model`` hears in ``audio``, as text only: no word times, no timestamp tokens.

    For a second opinion, where only the words are compared: greedy decoding (``options.beam_size``)
    without the alignment pass that word times need, VAD on, a window of ``options.window_s`` at a
    time as recognition does (so the engine's copies of the input stay small)."""
    from .windows import cuts

    path = options.model_path or str(ct2_dir(options.model))
    whisper = model(path, options.compute_type, cores.asr_threads(options.threads))
    edges = [0, *cuts(audio, options.window_s, options.window_search_s), len(audio.samples)]
    total, out = audio.duration_ms, []
    for a, b in zip(edges, edges[1:]):
        offset = a * 1000 // SAMPLE_RATE
        segments, _ = whisper.transcribe(audio.samples[a:b], language=options.language, beam_size=options.beam_size,
                                         word_timestamps=False, without_timestamps=True, vad_filter=True)
        for segment in segments:
            out += segment.text.split()
            if progress:
                progress(min(total, offset + seconds_to_ms(segment.end)), total)
        audio.drop_pages()
    if progress:
        progress(total, total)
    return out


def transcribe_alone(samples, options: AsrOptions) -> list[Word]:
    """The words of one short piece decoded on its own: no prompt, no previous text, no VAD.

    For speech the first pass heard and gave no words (``sounds.gaps``): nothing from before
    can steer the decoder past it again, and Whisper's temperature fallback (on by default)
    retries a segment whose text repeats or whose probability is low.  Segments Whisper itself
    finds to be no speech are dropped."""
    path = options.model_path or str(ct2_dir(options.model))
    whisper = model(path, options.compute_type, cores.asr_threads(options.threads))
    segments, _ = whisper.transcribe(samples, language=options.language, beam_size=options.beam_size,
                                     word_timestamps=True, condition_on_previous_text=False, vad_filter=False)
    words: list[Word] = []
    for segment in segments:
        if segment.no_speech_prob > NO_SPEECH and segment.avg_logprob < LOW_LOGPROB:
            continue  # Whisper's own test for a segment that is not speech
        if segment.compression_ratio > REPETITIVE:
            continue  # text that repeats itself: invented, not heard
        words += segment_words([(w.word, w.start, w.end, w.probability) for w in segment.words or ()])
    return monotonic(words)


# Whisper's own thresholds (openai-whisper's transcribe() defaults, which faster-whisper keeps)
NO_SPEECH, LOW_LOGPROB, REPETITIVE = 0.6, -1.0, 2.4
