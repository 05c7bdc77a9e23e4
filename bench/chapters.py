"""Chapter boundaries and headings on a corpus episode: ours beside plain TextTiling.

    python bench/chapters.py --episode podcast_004_full [--transcript transcript.json] [--chapters N]

Starts from a transcript.json (e.g. the cached recognition result) or runs the
pipeline's recognition itself.  Each segmenter is scored with
../shared/corpus/score.py (boundary P/R/F1 at +-10 s and +-30 s, Pk,
WindowDiff, heading ROUGE-1) in three settings:

- asr: the recognised words as they are (one speaker: no diarisation yet);
- asr+speakers: the same words with speakers taken from the reference words
  (emulates a perfect diarisation stage);
- speakers: (with ``--speakers-transcript FILE``) a transcript that went through
  the pipeline's speaker stage (diarisation and naming, host from the metadata);
- reference: the reference words, turns and paragraphs (an upper bound).

Plain TextTiling: nltk's TextTilingTokenizer with its default w/k over the
transcript's paragraphs; its chapters are titled with their first ten words.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import reference  # noqa: E402

from transcribe_kit import chapters  # noqa: E402
from transcribe_kit.chapters import headings, signals  # noqa: E402
from transcribe_kit.document import Chapter, Transcript  # noqa: E402
from transcribe_kit.turns import paragraph_spans  # noqa: E402

METRICS = ("boundary_10s.f1", "boundary_30s.precision", "boundary_30s.recall", "boundary_30s.f1", "pk",
           "windowdiff", "heading_rouge1_f")


def ours(doc: Transcript, count: int | None) -> Transcript:
    return headings.add_headings(chapters.segment(doc, chapters.ChapterOptions(count=count)))


def texttiling(doc: Transcript, count: int | None) -> Transcript:
    """nltk TextTiling, defaults, over the paragraphs; each segment opens a chapter."""
    from nltk.tokenize.texttiling import TextTilingTokenizer

    paragraphs = [(a, " ".join(w.text for w in doc.words[a:b])) for t in doc.turns for a, b in paragraph_spans(t)]
    tiler = TextTilingTokenizer(stopwords=signals.stopwords())
    try:
        segments = tiler.tokenize("\n\n".join(text for _, text in paragraphs))
    except ValueError:
        segments = ["\n\n".join(text for _, text in paragraphs)]
    starts, at = [], 0
    for segment in segments:
        starts.append(paragraphs[min(at, len(paragraphs) - 1)][0])
        at += segment.strip("\n").count("\n\n") + 1
    titled = [Chapter(start_ms=doc.words[i].start_ms, heading=" ".join(w.text for w in doc.words[i:i + 10]))
              for i in sorted(set(starts))]
    return replace(doc, chapters=tuple(titled))


def score(episode: str, doc: Transcript) -> dict:
    hyp = [{"start": c.start_ms / 1000, "title": c.heading or ""} for c in doc.chapters]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(hyp, fh)
    out = subprocess.run([sys.executable, str(reference.CORPUS / "score.py"), "--ref",
                          str(reference.episode_dir(episode)), "--hyp-chapters", fh.name, "--json-only"],
                         capture_output=True, text=True, check=True)
    Path(fh.name).unlink()
    result = json.loads(out.stdout.strip().splitlines()[-1])["chapters"]
    flat = {}
    for key, value in result.items():
        if isinstance(value, dict):
            flat.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    return flat


def load(args) -> Transcript:
    if args.transcript:
        return Transcript.load(args.transcript)
    from transcribe_kit import audio, metadata, pipeline

    path = reference.episode_dir(args.episode) / f"{args.episode}.mp3"
    meta, _ = metadata.load_for(path)
    doc = pipeline.transcribe(audio.load(path), meta, pipeline.ProcessOptions(chapters=None), episode=args.episode)
    return doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--episode", default="podcast_004_full")
    parser.add_argument("--transcript", help="start from this transcript.json instead of running recognition")
    parser.add_argument("--speakers-transcript", help="also score this transcript, already through the speaker stage")
    parser.add_argument("--chapters", type=int, default=None, help="fix the number of topic chapters")
    args = parser.parse_args()
    asr = load(args)
    settings = {"asr": replace(asr, chapters=()),
                "asr+speakers": reference.with_reference_speakers(replace(asr, chapters=()), args.episode),
                "reference": replace(reference.reference_transcript(args.episode), chapters=())}
    if args.speakers_transcript:
        settings["speakers"] = replace(Transcript.load(args.speakers_transcript), chapters=())
    print(f"episode {args.episode}; chapters {'given: ' + str(args.chapters) if args.chapters else 'not given'}")
    print(f"{'setting':14} {'segmenter':11} {'n':>3} " + " ".join(f"{m:>22}" for m in METRICS) + "   seconds")
    for name, doc in settings.items():
        for label, method in (("ours", ours), ("texttiling", texttiling)):
            started = time.perf_counter()
            result = method(doc, args.chapters)
            seconds = time.perf_counter() - started
            figures = score(args.episode, result)
            cells = " ".join(f"{figures.get(m, float('nan')):>22.3f}" for m in METRICS)
            print(f"{name:14} {label:11} {len(result.chapters):>3} {cells}   {seconds:7.1f}")
            if label == "ours":
                for c in result.chapters:
                    print(f"{'':27}{c.start_ms / 1000:8.1f}  {c.heading or '(opening)'}")


if __name__ == "__main__":
    main()
