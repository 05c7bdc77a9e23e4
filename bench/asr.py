#!/usr/bin/env python3
"""Speech recognition benchmark: both engines on a corpus episode, side by side.

    .venv/bin/python bench/asr.py --episode podcast_004_short [--models base tiny.en]
                                  [--variants "window_s=0" "threads=2,beam_size=1" ...]

Prints WER (shared/corpus/score.py), real-time factor, and word-timing error
against the corpus' reference word times (median |start error| of words that
match the reference, before and after timing.refine).  ``--variants`` runs the
default engine once per set of ``AsrOptions`` fields given (``name=value,...``;
"default" for none), to try the recogniser's own settings against the same audio.
"""
from __future__ import annotations

import argparse
import difflib
import json
import re
import statistics
import tempfile
import time
from dataclasses import fields, replace
from pathlib import Path

from _common import CORPUS, episode_audio, score, table, words_json

from transcribe_kit import asr, audio
from transcribe_kit.document import Transcript
from transcribe_kit.asr.timing import refine


def _norm(text: str) -> str:
    return re.sub(r"[^\w']", "", text.lower())


def timing_error(words, reference) -> tuple[float, float]:
    """Median and 90th percentile |start error| (ms) over words matching the reference."""
    hyp = [_norm(w.text) for w in words]
    ref = [_norm(r["word"]) for r in reference]
    errors = []
    for block in difflib.SequenceMatcher(a=hyp, b=ref, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            errors.append(abs(words[block.a + k].start_ms - round(reference[block.b + k]["start"] * 1000)))
    errors.sort()
    return statistics.median(errors), errors[int(0.9 * (len(errors) - 1))]


def variant(text: str) -> dict:
    """``"threads=2,beam_size=1"`` as AsrOptions fields with their types."""
    if text == "default":
        return {}
    types = {f.name: f.type for f in fields(asr.AsrOptions)}
    out = {}
    for item in text.split(","):
        name, _, value = item.partition("=")
        if name not in types:
            raise SystemExit(f"bench: AsrOptions has no field {name!r}")
        kind = types[name]
        out[name] = (value.lower() in ("1", "true", "yes") if "bool" in kind else
                     int(value) if "int" in kind else value)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episode", default="podcast_004_short")
    parser.add_argument("--models", nargs="+", default=["base"])
    parser.add_argument("--engines", nargs="+", default=["faster-whisper", "openai-whisper"])
    parser.add_argument("--variants", nargs="+", help="AsrOptions fields to set, e.g. threads=2,beam_size=1")
    args = parser.parse_args()
    variants = [variant(v) for v in args.variants] if args.variants else [{}]

    source = audio.load(episode_audio(args.episode))
    reference = json.loads((CORPUS / args.episode / f"{args.episode}.words.json").read_text())
    minutes = source.duration_ms / 60000
    rows = []
    for model in args.models:
        for engine, changes in [(e, v) for e in args.engines for v in variants]:
            options = replace(asr.AsrOptions(engine=engine, model=model), **changes)
            asr.transcribe(audio.Audio(source.samples[:16000 * 5]), options)  # load + warm up
            t0 = time.perf_counter()
            result = asr.transcribe(source, options)
            seconds = time.perf_counter() - t0
            doc = Transcript(episode=args.episode, words=result.words)
            refined = refine(doc, source)
            with tempfile.TemporaryDirectory() as tmp:
                wer = score(args.episode, "--hyp-words", str(words_json(doc, Path(tmp) / "w.json")))["asr"]["wer"]
            raw_med, raw_p90 = timing_error(doc.words, reference)
            ref_med, ref_p90 = timing_error(refined.words, reference)
            rows.append([engine + "".join(f" {k}={v}" for k, v in changes.items()), model, "int8" if engine == "faster-whisper" else "fp32", f"{wer:.2%}",
                         f"{seconds / (source.duration_ms / 1000):.3f}", f"{seconds:.0f} s",
                         f"{raw_med:.0f} / {raw_p90:.0f}", f"{ref_med:.0f} / {ref_p90:.0f}"])
            print(table(["engine", "model", "precision", "WER", "RTF", "time", "start err ms med/p90 raw",
                         "refined"], rows[-1:]), flush=True)
    print(f"\n{args.episode}: {minutes:.1f} min of audio, beam 5, VAD on (faster-whisper)\n")
    print(table(["engine", "model", "precision", "WER", "RTF", "time", "start err ms med/p90 raw", "refined"], rows))


if __name__ == "__main__":
    main()
