"""The speaker stage on real recordings: every file of shared/corpus/real, count given and not given.

    python bench/real.py [--only NAME ...] [--embedding campplus|ge2e] [--per-chunk]
                         [--align NAME=VALUE ...] [--no-synthetic]

Each recording is processed as a user would run ``process`` on it with no
metadata (recognition, timing, house style, speakers, turns; recognition is
cached under $TMPDIR so the two runs share it), once with ``--speakers N``
(N from the corpus manifest) and once without.  One table:

- DER: pyannote.metrics, collar 0.25 s, overlap scored, inside the UEM where
  one is given, ``speakers.rttm`` against the reference RTTM;
- speakers found (and how sure the count is, when estimated);
- WER where the reference has the words (score.py's normaliser);
- names the speaker stage gave;
- for references with untimed turns (the NASA interview): reference words
  given to the right speaker, by aligning words by text (bench/attribution.py),
  with the voices mapped one-to-one ("mapped") and by their names ("named"),
  and the reference turns whose words mostly went to the right speaker.

podcast_004_short (synthetic, no metadata) is added unless --no-synthetic, so
the counting figure covers it too.  Wrap in `flock /tmp/heavy.lock`.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from _common import CORPUS, table

from attribution import attribute
from transcribe_kit.speakers import diarize
from transcribe_kit import audio, metadata, pipeline
from transcribe_kit.speakers import SpeakerOptions, speakers_stage
from transcribe_kit.speakers.assign import AlignOptions
from transcribe_kit.document import Transcript
from transcribe_kit.stagecache import Context, StageCache, first_key, run_stages
from transcribe_kit.fileio import sha256_file
from transcribe_kit.writers import WriterOptions, rttm

sys.path.insert(0, str(CORPUS))
import score  # noqa: E402  (shared/corpus/score.py)

REAL = CORPUS / "real"
CACHE = Path(os.environ.get("TRANSCRIBE_KIT_BENCH_CACHE", Path(tempfile.gettempdir()) / "transcribe_kit_bench_real"))


def recordings(include_synthetic: bool) -> list[dict]:
    items = json.loads((REAL / "manifest.json").read_text())["items"]
    out = [{"name": Path(i["file"]).stem, "path": REAL / i["file"], "speakers": i["speakers"],
            "refs": i.get("references", {})} for i in items]
    if include_synthetic:
        ep = CORPUS / "podcast_004_short"
        out.append({"name": "podcast_004_short", "path": ep / "podcast_004_short.mp3", "speakers": 4,
                    "refs": {"rttm": "../podcast_004_short/podcast_004_short.rttm",
                             "words": "../podcast_004_short/podcast_004_short.words.json",
                             "turns_untimed": "../podcast_004_short/podcast_004_short.turns.json"}})
    return out


def recognised(item: dict, source: audio.Audio) -> Transcript:
    """Recognition, the sounds check, timing and house style, as ``process`` runs them with no metadata (cached)."""
    meta = metadata.parse({}, item["path"])
    options = pipeline.ProcessOptions()
    chain = tuple(s for s in pipeline.stages(options) if s.name in ("recognise", "sounds", "silences", "timing", "style"))
    key = first_key(sha256_file(item["path"]), item["name"], meta)
    doc, _ = run_stages(Transcript(episode=item["name"], meta=meta), chain, Context(item["path"], source=source),
                        StageCache(CACHE), key)
    return doc


def align_options(settings: list[str]) -> AlignOptions:
    """AlignOptions with ``name=value`` settings (``--align overheard_share=0.8``), typed as the defaults."""
    defaults = AlignOptions()
    changes = {}
    for setting in settings:
        name, _, value = setting.partition("=")
        if not hasattr(defaults, name) or not value:
            sys.exit(f"bench: --align takes name=value with a name of AlignOptions, not {setting!r}")
        changes[name] = type(getattr(defaults, name))(value)
    return replace(defaults, **changes)


def speakers(doc: Transcript, source: audio.Audio, count: int | None, args) -> tuple[Transcript, float]:
    options = SpeakerOptions(diarize=diarize.DiarizeOptions(
        num_speakers=count, embedding=args.embedding, segmentation=args.segmentation,
        clustering_threshold=args.threshold, shared_partials=not args.per_chunk,
        **({"segmentation_step": args.step} if args.step else {})), align=align_options(args.align or []))
    start = time.perf_counter()
    out = speakers_stage(doc, options, Context(None, source=source))
    out = pipeline.turns(out, pipeline.ProcessOptions().turns, Context(None, source=source))
    return out, time.perf_counter() - start


def der(item: dict, doc: Transcript) -> float | None:
    from pyannote.core import Annotation, Segment

    if "rttm" not in item["refs"]:
        return None
    hyp = Annotation()
    for line in rttm.render(doc, WriterOptions()).splitlines():
        f = line.split()
        hyp[Segment(float(f[3]), float(f[3]) + float(f[4])), len(hyp)] = f[7]
    return der_parts(item, hyp, doc.duration_ms / 1000)["der"]


def reference(item: dict):
    """The reference RTTM as a pyannote Annotation."""
    from pyannote.core import Annotation, Segment

    ref = Annotation()
    for start, end, who in score.read_rttm(REAL / item["refs"]["rttm"]):
        ref[Segment(start, end), len(ref)] = who
    return ref


def der_parts(item: dict, hyp, duration_s: float) -> dict[str, float]:
    """DER of an Annotation against the item's RTTM and its parts (miss, false alarm, confusion),
    as fractions of the reference speech: collar 0.25 s, overlap scored, inside the UEM (or the
    whole recording)."""
    from pyannote.core import Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    if "uem" in item["refs"]:
        uem = Timeline([Segment(float(f[2]), float(f[3])) for f in
                        (l.split() for l in (REAL / item["refs"]["uem"]).read_text().splitlines()) if f])
    else:
        uem = Timeline([Segment(0, duration_s)])
    parts = DiarizationErrorRate(collar=0.25, skip_overlap=False)(reference(item), hyp, uem=uem, detailed=True)
    total = parts["total"] or 1.0
    return {"der": parts["diarization error rate"], "miss": parts["missed detection"] / total,
            "false alarm": parts["false alarm"] / total, "confusion": parts["confusion"] / total}


def stm(path: Path) -> list[tuple[str, str]]:
    """(speaker, words) of each line of an STM file: ``file channel speaker start end [<label>] words``."""
    out = []
    for line in path.read_text().splitlines():
        f = line.split()
        if len(f) < 5 or line.startswith(";;"):
            continue
        words = f[5:]
        if words and words[0].startswith("<") and words[0].endswith(">"):
            words = words[1:]  # the optional label
        out.append((f[2], " ".join(words)))
    return out


def reference_text(item: dict) -> str | None:
    refs = item["refs"]
    if "text" in refs:
        return (REAL / refs["text"]).read_text()
    if "stm" in refs:
        return " ".join(text for _, text in stm(REAL / refs["stm"]))
    if "words" in refs:
        return " ".join(w["word"] for w in json.loads((REAL / refs["words"]).read_text()))
    return None


def reference_turns(item: dict) -> list[dict] | None:
    """Who said what, in order: the untimed turns, or the STM's lines (one speaker's lines in a row
    joined into one turn)."""
    refs = item["refs"]
    if "turns_untimed" in refs:
        return [{"speaker": t["speaker"], "text": t["text"]}
                for t in json.loads((REAL / refs["turns_untimed"]).read_text())]
    if "stm" in refs:
        turns: list[dict] = []
        for speaker, text in stm(REAL / refs["stm"]):
            if turns and turns[-1]["speaker"] == speaker:
                turns[-1]["text"] += " " + text
            else:
                turns.append({"speaker": speaker, "text": text})
        return turns
    return None


def row(item: dict, doc: Transcript, count: int | None, seconds: float) -> list:
    d = der(item, doc)
    text = reference_text(item)
    w = score.wer(text, doc.text())["wer"] if text else None
    names = ", ".join(s.full for s in doc.speakers if s.name) or "-"
    found = f"{len(doc.speakers)} of {item['speakers']}"
    if count is None:
        found += " (" + doc.engine.get("speakers", "(?)").split("(", 1)[-1]
    who = "-"
    turns = reference_turns(item)
    if turns:
        hyp = [(wd.text, (doc.speaker(wd.speaker).full if doc.speaker(wd.speaker) else wd.speaker)) for wd in doc.words]
        a = attribute(turns, hyp)
        who = (f"{a.mapped_share:.2%} mapped, {a.named_share:.2%} named, turns {a.turns_right}/{a.turns}, "
               f"aligned {a.coverage:.0%}")
    return [item["name"], "given" if count else "not given", f"{d:.1%}" if d is not None else "-", found,
            f"{w:.1%}" if w is not None else "-", names, who, f"{seconds:.1f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="recordings by name (default: all)")
    parser.add_argument("--embedding", default=diarize.DiarizeOptions().embedding, choices=diarize.EMBEDDINGS)
    parser.add_argument("--segmentation", default=diarize.DiarizeOptions().segmentation, choices=diarize.SEGMENTATIONS)
    parser.add_argument("--step", type=float, help="segmentation step, a fraction of the chunk (default: the stage's)")
    parser.add_argument("--threshold", type=float, help="clustering threshold (default: the embedding's own)")
    parser.add_argument("--align", nargs="*", metavar="NAME=VALUE",
                        help="words-to-speakers settings (AlignOptions fields), e.g. overheard_share=0.8")
    parser.add_argument("--no-synthetic", action="store_true", help="leave out podcast_004_short")
    parser.add_argument("--per-chunk", action="store_true",
                        help="embed every chunk's masked audio as pyannote does (GE2E: not from shared partials)")
    args = parser.parse_args()
    rows = []
    for item in recordings(not args.no_synthetic):
        if args.only and item["name"] not in args.only:
            continue
        if item["speakers"] < 2 and args.only is None:
            continue  # one voice (jfk): the speaker stage has nothing to separate
        source = audio.load(item["path"])
        doc = recognised(item, source)
        for count in (item["speakers"], None):
            out, seconds = speakers(doc, source, count, args)
            rows.append(row(item, out, count, seconds))
            print(" | ".join(str(c) for c in rows[-1]), file=sys.stderr, flush=True)
    threshold = args.threshold or diarize.CLUSTERING_THRESHOLDS[args.embedding]
    step = args.step or diarize.DiarizeOptions().segmentation_step
    print(f"segmentation {args.segmentation} (step {step}), embedding {args.embedding}"
          f"{' per chunk' if args.per_chunk else ''}, clustering threshold {threshold}"
          + (f", words to speakers: {' '.join(args.align)}" if args.align else ""))
    print(table(["recording", "count", "DER", "speakers found", "WER", "names", "words to the right speaker",
                 "speaker stage s"], rows))


if __name__ == "__main__":
    main()
