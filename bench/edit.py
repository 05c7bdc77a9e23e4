"""Benchmark apply-edits: timing of edited words against the corpus, and speed.

Starts from a recognised transcript (``--transcript``, default the cached
podcast_004_short one), simulates recognition errors on 5 % of its words that
an editor then fixes (misheard words to substitute back, dropped words to
insert back, spurious words to delete), applies the fixed transcript.txt with
``apply-edits`` and reports:

* how far the new words' starts are from the corpus word times (median, p90);
* whether every unchanged word kept its time to the millisecond;
* whether the captions still parse (``srt``, ``webvtt``) and stay in order;
* the time to apply and re-render, and the same for an hour-long transcript
  when no span needs the audio (deletions, punctuation, a rename, headings).

    flock /tmp/heavy.lock python bench/edit.py [--transcript FILE] [--full FILE]
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from _common import CORPUS  # noqa: I001 - puts src/ on the path first
from transcribe_kit import metadata
from transcribe_kit.document import Transcript, Word
from transcribe_kit.editing.apply import EditOptions, match_words, word_key
from transcribe_kit.fileio import atomic_write_many
from transcribe_kit.editing import Episode
from transcribe_kit.asr.alignment import ForcedAlignOptions
from transcribe_kit.turns import build_turns
from transcribe_kit.writers import get, render_all, WriterOptions

CACHE = Path("/work/cache/asr")


def truth_index(doc: Transcript, truth: list[dict]) -> dict[int, int]:
    """ASR word index -> corpus word index, for words both agree on."""
    ops = match_words([w.text for w in doc.words], [t["word"] for t in truth])
    return {i1 + k: j1 + k for tag, i1, i2, j1, j2 in ops if tag == "equal" for k in range(i2 - i1)}


def simulate(doc: Transcript, truth: list[dict], share: float, seed: int):
    """(start doc with errors, fixed words, truth index per fixed word or None)."""
    rng = random.Random(seed)
    known = truth_index(doc, truth)
    # a word repeated beside itself ("very very") is skipped: which copy is the new one is undefined
    key = [word_key(w.text) for w in doc.words]
    places = sorted(i for i in known if 0 < i < len(doc.words) - 1 and key[i] not in (key[i - 1], key[i + 1]))
    picks = rng.sample(places, int(len(doc.words) * share))
    kinds = {i: ("sub", "ins", "del")[n % 3] for n, i in enumerate(picks)}
    start: list[Word] = []
    fixed: list[tuple[str, int | None]] = []  # (text, truth index) of the fixed transcript
    for i, w in enumerate(doc.words):
        kind = kinds.get(i)
        if kind == "sub":  # recognised wrongly; the editor types the right word
            start.append(replace(w, text=w.text[::-1] + "x"))
            fixed.append((truth[known[i]]["word"], known[i]))
        elif kind == "ins":  # dropped by recognition; the editor types it back
            fixed.append((truth[known[i]]["word"], known[i]))
        elif kind == "del":  # recognition added a word; the editor deletes it
            start.append(w)
            start.append(Word("um", w.end_ms, w.end_ms, None, w.speaker))
            fixed.append((w.text, None))
        else:
            start.append(w)
            fixed.append((w.text, None))
    return build_turns(replace(doc, words=tuple(start))), fixed, kinds


def fixed_page(start: Transcript, fixed: list[tuple[str, int | None]]) -> str:
    words = tuple(Word(t, 0, 0, None, start.words[0].speaker) for t, _ in fixed)
    doc = build_turns(replace(start, words=words))
    return get("txt").render(doc, WriterOptions())


def episode(doc: Transcript, folder: Path, formats: tuple[str, ...] = ("json", "txt", "vtt", "srt")) -> Path:
    atomic_write_many(render_all(doc, folder, list(formats)))
    return folder


def captions_ok(folder: Path) -> str:
    import srt
    import webvtt

    try:  # the caption rules checker (`transcribe-kit check`), once it is on this branch
        from transcribe_kit.captions.check import check_file
    except ImportError:
        check_file = None
    verdicts = [f"check {name}: {check_file(folder / name).summary()}" for name in ("captions.vtt", "captions.srt")
                ] if check_file else ["check: not on this branch; parsed with srt and webvtt-py instead"]

    cues = list(srt.parse((folder / "captions.srt").read_text()))
    vtt = webvtt.read(str(folder / "captions.vtt"))
    ordered = all(a.end <= b.start or a.start <= b.start for a, b in zip(cues, cues[1:]))
    positive = all(c.end > c.start for c in cues)
    parsed = f"{len(cues)} srt / {len(vtt.captions)} vtt cues, ordered={ordered}, positive={positive}"
    return "; ".join([parsed, *verdicts])


def run_short(args) -> None:
    doc = Transcript.load(args.transcript)
    name = doc.episode
    truth = json.loads((CORPUS / name / f"{name}.words.json").read_text())
    meta, _ = metadata.load_for(CORPUS / name / f"{name}.mp3", None)
    doc = replace(doc, meta=meta, source=str(CORPUS / name / f"{name}.mp3"))
    start, fixed, kinds = simulate(doc, truth, args.share, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = episode(start, Path(tmp) / name)
        print("captions before:", captions_ok(folder))
        edited = Path(tmp) / "edited.txt"
        edited.write_text(fixed_page(start, fixed))
        began = time.perf_counter()
        result = Episode(folder).apply_edits(edited, EditOptions(ForcedAlignOptions(model=args.model, use_audio=not args.no_audio)))
        took = time.perf_counter() - began
        report(start, result.transcript, fixed, truth, kinds, truth_index(doc, truth), took, result)
        asr = [abs(doc.words[i].start_ms - round(truth[known_t]["start"] * 1000))
               for i, known_t in truth_index(doc, truth).items() if i in kinds and kinds[i] != "del"]
        print(f"for reference, the recogniser's own start error on those words: median {statistics.median(asr):.0f} ms")
        print("captions after: ", captions_ok(folder))


def report(start, new, fixed, truth, kinds, known, took, result) -> None:
    errors = [abs(w.start_ms - round(truth[t]["start"] * 1000)) for w, (_, t) in zip(new.words, fixed) if t is not None]
    old_times = {(w.text, w.start_ms, w.end_ms) for w in start.words}
    kept = [w for w, (_, t) in zip(new.words, fixed) if t is None]
    moved = [w for w in kept if (w.text, w.start_ms, w.end_ms) not in old_times]
    for w in moved:
        print(f"  moved: {w}")
    moved = len(moved)
    counts = {k: sum(1 for v in kinds.values() if v == k) for k in ("sub", "ins", "del")}
    print(f"edits: {counts} of {len(start.words)} words; timed by audio {result.aligned}, estimated {result.estimated}")
    print(f"edited-word start error: median {statistics.median(errors):.0f} ms, "
          f"p90 {statistics.quantiles(errors, n=10)[-1]:.0f} ms, mean {statistics.mean(errors):.0f} ms (n={len(errors)})")
    kind_of = {t: kind for i, kind in kinds.items() if kind != "del" for t in [known[i]]}
    for kind in ("sub", "ins"):
        errs = [abs(w.start_ms - round(truth[t]["start"] * 1000))
                for w, (_, t) in zip(new.words, fixed) if t is not None and kind_of[t] == kind]
        print(f"  {kind}: median {statistics.median(errs):.0f} ms (n={len(errs)})")
    print(f"unchanged words whose time moved: {moved} of {len(kept)}")
    print(f"apply + re-render (with audio decode and model load): {took:.2f} s")


def hour_long(short: Transcript) -> Transcript:
    """The short transcript repeated (shifted in time) until it lasts an hour."""
    words, offset = [], 0
    while offset < 3_600_000:
        words += [replace(w, start_ms=w.start_ms + offset, end_ms=w.end_ms + offset) for w in short.words]
        offset += short.duration_ms
    return build_turns(replace(short, episode="hour", duration_ms=offset, words=tuple(words)))


def run_full(args) -> None:
    if args.full.exists():
        doc, made = Transcript.load(args.full), ""
    else:
        doc, made = hour_long(Transcript.load(args.transcript)), " (short one repeated: podcast_004_full not cached)"
    rng = random.Random(args.seed)
    words = list(doc.words)
    drop = set(rng.sample(range(1, len(words) - 1), len(words) // 40))
    texts = [w.text for i, w in enumerate(words) if i not in drop]
    texts = [t.rstrip(",") + ("," if n % 97 == 0 else "") for n, t in enumerate(texts)]
    target = build_turns(replace(doc, words=tuple(Word(t, 0, 0, None, words[0].speaker) for t in texts)))
    page = get("txt").render(target, WriterOptions()).replace(f"{doc.speakers[0].display}:", "Host:")
    took = {}
    for label, formats in (("all outputs", ["json", "txt", "vtt", "srt"]), ("without captions", ["json", "txt"])):
        with tempfile.TemporaryDirectory() as tmp:
            folder = episode(doc, Path(tmp) / doc.episode, formats)
            edited = Path(tmp) / "edited.txt"
            edited.write_text(page)
            began = time.perf_counter()
            result = Episode(folder).apply_edits(edited, EditOptions(ForcedAlignOptions(use_audio=True)))
            took[label] = time.perf_counter() - began
    hours = doc.duration_ms / 3_600_000
    print(f"full{made}: {len(doc.words)} words ({hours:.2f} h), {len(drop)} deletions + punctuation + rename: "
          f"apply + re-render {took['all outputs']:.2f} s (json and txt only: {took['without captions']:.2f} s); "
          f"audio needed: {result.aligned + result.estimated > 0}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcript", type=Path, default=CACHE / "podcast_004_short" / "transcript.json")
    parser.add_argument("--full", type=Path, default=CACHE / "podcast_004_full" / "transcript.json")
    parser.add_argument("--share", type=float, default=0.05, help="share of words edited")
    parser.add_argument("--model", default="base", choices=["base", "tiny.en"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-audio", action="store_true", help="even spreading only (the fallback), for comparison")
    parser.add_argument("--full-only", action="store_true", help="only the hour-long, no-audio timing")
    args = parser.parse_args(argv)
    if not args.full_only:
        run_short(args)
    run_full(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
