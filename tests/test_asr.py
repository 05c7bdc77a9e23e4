"""Both engines, real models, on the 11 s JFK clip."""
from __future__ import annotations

import re

import numpy as np
import pytest

from transcribe_kit import asr, audio


def normalise(words) -> list[str]:
    return [re.sub(r"[^\w']", "", w.text.lower()) for w in words if re.sub(r"[^\w']", "", w.text)]


@pytest.fixture(scope="module")
def jfk(jfk_wav):
    return audio.load(jfk_wav)


def test_engines_give_the_same_words_with_greedy_decoding(jfk, jfk_text):
    options = dict(model="tiny.en", beam_size=1, vad=False)
    fast = asr.transcribe(jfk, asr.AsrOptions(engine="faster-whisper", **options))
    slow = asr.transcribe(jfk, asr.AsrOptions(engine="openai-whisper", **options))
    assert normalise(fast.words) == normalise(slow.words)
    reference = [re.sub(r"[^\w']", "", w.lower()) for w in jfk_text.split()]
    assert normalise(fast.words) == reference
    # the two engines' word times agree closely too (same weights, same alignment heads)
    diffs = [abs(a.start_ms - b.start_ms) for a, b in zip(fast.words, slow.words)]
    assert sorted(diffs)[len(diffs) // 2] <= 100


def test_words_have_integer_ms_in_order(jfk):
    result = asr.transcribe(jfk, asr.AsrOptions(model="tiny.en"))
    assert result.language == "en"
    assert result.engine["engine"] == "faster-whisper"
    starts = [w.start_ms for w in result.words]
    assert starts == sorted(starts)
    for w in result.words:
        assert isinstance(w.start_ms, int) and isinstance(w.end_ms, int)
        assert 0 <= w.start_ms <= w.end_ms <= jfk.duration_ms + 500
        assert 0.0 <= w.probability <= 1.0


def test_progress_hook_reaches_the_end(jfk):
    seen = []
    asr.transcribe(jfk, asr.AsrOptions(model="tiny.en"), lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (jfk.duration_ms, jfk.duration_ms)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_word_times_leave_the_pauses_out(jfk):
    """JFK pauses for over a second after "Americans,"; no word may swallow that pause."""
    from transcribe_kit.document import Transcript
    from transcribe_kit.asr.timing import refine, silences

    raw = asr.transcribe(jfk, asr.AsrOptions(model="tiny.en")).words
    doc = refine(Transcript(episode="jfk", words=raw), jfk)
    texts = [w.text.strip(",.").lower() for w in doc.words]
    i = texts.index("americans")
    gap = doc.words[i + 1].start_ms - doc.words[i].end_ms
    assert gap >= 800, (doc.words[i], doc.words[i + 1])
    assert [w.text for w in doc.words] == [w.text for w in raw]
    long_pauses = [(a, b) for a, b in silences(jfk) if b - a >= 500]
    assert long_pauses
    for w in doc.words:
        for a, b in long_pauses:
            assert min(w.end_ms, b) - max(w.start_ms, a) <= 50, (w, (a, b))


def test_hyphenated_pieces_join_the_word_before():
    raw = [(" a", 0.0, 0.2, 0.9), (" drop", 0.2, 0.5, 0.8), ("-in", 0.5, 0.7, 0.6), (" session.", 0.7, 1.2, 0.9),
           (" well", 1.3, 1.5, 0.9), (" -", 1.5, 1.6, 0.5), (" known", 1.6, 1.9, 0.9)]
    words = asr.segment_words(raw)
    assert [w.text for w in words] == ["a", "drop-in", "session.", "well", "-", "known"]
    assert (words[1].start_ms, words[1].end_ms, words[1].probability) == (200, 700, 0.6)


def test_the_rest_of_a_number_joins_its_first_digits():
    raw = [(" more", 0.0, 0.2, 0.9), (" than", 0.2, 0.4, 0.9), (" 3", 0.4, 0.7, 0.7), (",000", 0.7, 1.0, 0.8),
           (" visits,", 1.0, 1.4, 0.9), (" 2", 1.5, 1.6, 0.9), (".5", 1.6, 1.8, 0.9), (" times,", 1.8, 2.1, 0.9),
           (" 5", 2.2, 2.4, 0.9), (",", 2.4, 2.4, 0.9), (" then", 2.5, 2.7, 0.9)]
    words = asr.segment_words(raw)
    assert [w.text for w in words] == ["more", "than", "3,000", "visits,", "2.5", "times,", "5", ",", "then"]
    assert (words[2].start_ms, words[2].end_ms) == (400, 1000)


def test_windows_are_cut_in_the_quiet_and_lose_no_word(jfk):
    """A recording recognised a few seconds at a time gives the words of one pass, once each, in order."""
    from dataclasses import replace

    from transcribe_kit.asr.timing import refine
    from transcribe_kit.asr.windows import cuts
    from transcribe_kit.document import Transcript

    options = asr.AsrOptions(model="tiny.en", window_s=4, window_search_s=1, window_margin_s=1)
    edges = cuts(jfk, 4, 1)
    assert len(edges) >= 2 and edges == sorted(edges)
    whole = asr.transcribe(jfk, replace(options, window_s=0))
    spoken = refine(Transcript(episode="jfk", words=whole.words), jfk).words  # word edges out of the pauses
    for edge in edges:  # no word of the one-pass transcript is cut through
        ms = edge * 1000 // audio.SAMPLE_RATE
        assert not any(w.start_ms < ms < w.end_ms for w in spoken), ms
    windowed = asr.transcribe(jfk, options)
    assert normalise(windowed.words) == normalise(whole.words)
    starts = [w.start_ms for w in windowed.words]
    assert starts == sorted(starts) and windowed.language == "en"


def test_parts_are_as_many_as_the_length_holds_and_cut_in_the_quiet():
    """A part is never a sliver: the length is shared out evenly, each seam in the quietest moment near its aim."""
    from transcribe_kit.asr.windows import cuts

    rng = np.random.default_rng(0)
    speech = rng.normal(0, 0.1, audio.SAMPLE_RATE * 25).astype(np.float32)
    speech[audio.SAMPLE_RATE * 10: audio.SAMPLE_RATE * 10 + 8000] = 0  # a half-second pause at 10 s
    edges = cuts(audio.Audio(speech), 10, 2)  # three parts, seams aimed at 8.3 and 16.7 s
    assert len(edges) == 2 and round(edges[0] / audio.SAMPLE_RATE, 1) == 10.2
    assert abs(edges[1] / audio.SAMPLE_RATE - 25 * 2 / 3) <= 2
    assert len(cuts(audio.Audio(speech[: audio.SAMPLE_RATE * 16]), 10, 2)) == 1
    assert cuts(audio.Audio(speech[: audio.SAMPLE_RATE * 14]), 10, 2) == []
    assert cuts(audio.Audio(speech), 0, 2) == []


def test_frame_levels_of_a_long_recording_match_the_one_pass_formula():
    rng = np.random.default_rng(1)
    samples = rng.normal(0, 0.05, audio.SAMPLE_RATE * 130 + 123).astype(np.float32)
    db = audio.Audio(samples).frame_db(20)
    hop = audio.SAMPLE_RATE * 20 // 1000
    n = len(samples) // hop
    frames = samples[: n * hop].reshape(n, hop).astype(np.float64)
    assert np.allclose(db, 10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-12))


def test_the_recognition_stage_lets_go_of_its_model(jfk):
    # the speaker stage's models should not have to share memory with the recogniser's
    from transcribe_kit import pipeline
    from transcribe_kit.asr import faster
    from transcribe_kit.document import Transcript
    from transcribe_kit.stagecache import Context

    doc = pipeline.recognise(Transcript(episode="jfk"), asr.AsrOptions(model="tiny.en"), Context(None, source=jfk))
    assert normalise(doc.words)[:4] == ["and", "so", "my", "fellow"]
    assert faster.model.cache_info().currsize == 0


def test_the_batched_decoder_hears_the_same_words(jfk, jfk_text):
    result = asr.transcribe(jfk, asr.AsrOptions(model="tiny.en", batch_size=4))
    assert normalise(result.words) == [re.sub(r"[^\w']", "", w.lower()) for w in jfk_text.split()]
    assert result.engine["batch_size"] == "4"
    assert [w.start_ms for w in result.words] == sorted(w.start_ms for w in result.words)


def test_the_thread_count_does_not_change_the_words_or_their_times(jfk):
    """cores.py sizes CTranslate2's threads per machine and keeps them out of the cache keys:
    that holds only while int8 decoding gives the same result with any count."""
    from transcribe_kit import cores
    from transcribe_kit.asr import faster

    results = []
    for n in (1, 2):
        with cores.limit(n):
            assert cores.asr_threads() == min(n, cores.available())
            words = asr.transcribe(jfk, asr.AsrOptions()).words
        results.append([(w.text, w.start_ms, w.end_ms, w.probability) for w in words])
        faster.model.cache_clear()
    assert results[0] == results[1] and len(results[0]) > 15


def test_parts_run_side_by_side_and_their_margins_give_each_word_once():
    """Two parts decode at the same time; the margins each part hears are heard again, never kept twice."""
    import threading
    import time

    from transcribe_kit.asr.windows import cuts, transcribe_windows
    from transcribe_kit.document import Word

    rng = np.random.default_rng(2)
    samples = rng.normal(0, 0.1, audio.SAMPLE_RATE * 40).astype(np.float32)
    running, most, lock = [0], [0], threading.Lock()

    def engine(piece, options, progress):  # a word every second of what it is given, 0.4 s long
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.3)
        with lock:
            running[0] -= 1
        seconds = len(piece.samples) // audio.SAMPLE_RATE
        words = tuple(Word("w", k * 1000 + 300, k * 1000 + 700, 0.9) for k in range(seconds))
        return asr.AsrResult(words=words, language=options.language)

    recording = audio.Audio(samples)
    result = transcribe_windows(engine, recording, asr.AsrOptions(), cuts(recording, 10, 2), streams=2, margin_s=3)
    assert most[0] == 2
    middles = [(w.start_ms + w.end_ms) // 2 for w in result.words]
    gaps = [b - a for a, b in zip(middles, middles[1:])]
    assert all(0 < g < 2000 for g in gaps), gaps  # at a seam: neither heard twice nor a second lost
    assert 38 <= len(middles) <= 40 and middles[0] == 500 and middles[-1] > 38_000


def test_the_speech_detector_runs_in_small_batches_with_the_same_probabilities(jfk):
    """faster-whisper's Silero VAD over a few windows at a time (its state carried across batches) gives
    what the original's one big batch gives, and the recogniser uses it."""
    from faster_whisper.vad import SileroVADModel, get_speech_timestamps
    from faster_whisper.utils import get_assets_path

    from transcribe_kit.asr import faster

    original = SileroVADModel(f"{get_assets_path()}/silero_vad_v6.onnx")
    samples = np.pad(jfk.samples, (0, 512 - len(jfk.samples) % 512))
    small = faster.SmallBatchVad(original, batch=50)  # 344 windows: seven batches
    np.testing.assert_allclose(small(samples.copy()), original(samples.copy()), atol=1e-6)

    faster.model(str(faster.ct2_dir("tiny.en")), "int8", 1)  # loading the recogniser puts it in place
    import faster_whisper.vad as vad

    assert isinstance(vad.get_vad_model(), faster.SmallBatchVad)
    speech = get_speech_timestamps(jfk.samples)
    assert speech and speech[0]["start"] < 16000 and speech[-1]["end"] > 9 * 16000


def test_sampled_decoding_gives_the_same_words_from_one_load_to_the_next(jfk):
    """Whisper falls back to sampling where a decoding looks wrong; with CTranslate2's seed fixed, a run
    gives the same words as the run before it (each load starts its workers' random numbers afresh)."""
    from transcribe_kit.asr import faster

    heard = []
    for _ in range(2):
        faster.model.cache_clear()
        whisper = faster.model(str(faster.ct2_dir("tiny.en")), "int8", 1)
        segments, _ = whisper.transcribe(jfk.samples, language="en", beam_size=1, temperature=1.0, vad_filter=False,
                                         condition_on_previous_text=False)
        heard.append(" ".join(s.text.strip() for s in segments))
    faster.model.cache_clear()
    assert heard[0] == heard[1] and len(heard[0].split()) > 10
