"""Event recordings: a talk that follows its slide deck, through `process --outline`.

    /tmp/synthvenv/bin/python tools/make_event.py --out /work/cache/event   # once (see make_sample.py)
    .venv/bin/python bench/outline.py --event /work/cache/event/event_talk

The event (tools/make_event.py) is a four-minute synthetic talk by one
presenter who follows a deck saved as text (title slide, agenda read aloud,
slide titles with bullets, quotations, footers), never mentions three of its
slides, and takes two questions from the audience.  Rows:

- outline: chapters from the deck's titles (`--outline NAME.deck.txt`);
- no outline at all: neither the deck's words in the prompt nor its titles as
  chapters (the topic segmenter);
- speakers from the metadata (one participant: one voice) and with
  `--min-speakers 2` (the audience's questions get voices of their own).

Printed: WER, chapter boundary P/R/F1 at +-10 s and +-30 s, Pk, heading
ROUGE-1 (score.py against NAME.chapters.json), the speakers found, the share
of the presenter's words given to her (the voice named Ann Lee) and of the
audience's words given to another voice.
Recognition is run once (the stage cache in a temporary folder).
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from _common import score, table

from transcribe_kit.chapters import ChapterOptions
from transcribe_kit.speakers.diarize import DiarizeOptions
from transcribe_kit.outline import read_outline
from transcribe_kit.pipeline import ProcessOptions, StageCache, process_file
from transcribe_kit.speakers import SpeakerOptions


def speaker_shares(doc, base: Path) -> tuple[float, float]:
    """Of the reference words, the presenter's given to the voice named Ann Lee, and the audience's
    given to another voice (each reference word takes the speaker of the nearest recognised word)."""
    presenter = next((s.id for s in doc.speakers if s.name and "Ann Lee" in s.name), None)
    right = {True: [0, 0], False: [0, 0]}
    for w in json.loads(base.with_suffix(".words.json").read_text()):
        mid = (w["start"] + w["end"]) / 2 * 1000
        near = min(doc.words, key=lambda x: abs((x.start_ms + x.end_ms) / 2 - mid))
        is_presenter = w["speaker"] == "Ann"
        right[is_presenter][0] += (near.speaker == presenter) == is_presenter
        right[is_presenter][1] += 1
    return right[True][0] / max(right[True][1], 1), right[False][0] / max(right[False][1], 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--event", type=Path, required=True, help="NAME prefix written by tools/make_event.py")
    args = parser.parse_args()
    base = args.event
    audio, deck = base.with_suffix(".mp3"), Path(f"{base}.deck.txt")
    titles = tuple(read_outline(deck))
    print(f"{audio.name}: {len(titles)} titles read from {deck.name}: {titles}")
    variants = {
        "outline, speakers from metadata": ProcessOptions(outline=deck),
        "outline, --min-speakers 2": ProcessOptions(outline=deck, speakers=SpeakerOptions(
            diarize=DiarizeOptions(min_speakers=2))),
        "no outline at all (topic segmenter)": ProcessOptions(chapters=ChapterOptions()),
    }
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cache = StageCache(Path(tmp) / "cache")
        for name, options in variants.items():
            started = time.perf_counter()
            result = process_file(audio, Path(tmp) / "out", options, cache=cache)
            seconds = time.perf_counter() - started
            doc = result.transcript
            text = Path(tmp) / "words.txt"
            text.write_text(" ".join(w.text for w in doc.words))
            chapters = result.out_dir / "chapters.json"
            s = score(base, "--hyp-chapters", str(chapters), "--hyp-text", str(text))
            c = s["chapters"]
            rows.append([name, f"{s['asr']['wer']:.2%}", len(doc.chapters), f"{c['boundary_10s']['f1']:.3f}",
                         f"{c['boundary_30s']['precision']:.3f}", f"{c['boundary_30s']['recall']:.3f}",
                         f"{c['boundary_30s']['f1']:.3f}", f"{c['pk']:.3f}", f"{c['heading_rouge1_f']:.3f}",
                         len(doc.speakers), *(f"{x:.0%}" for x in speaker_shares(doc, base)), f"{seconds:.0f}",
                         ",".join(result.cached) or "-"])
            for chapter in doc.chapters:
                print(f"  {name:34} {chapter.start_ms / 1000:7.1f}  {chapter.heading or '(opening)'}")
            print(f"  {name:34} voices: {[(s.id, s.display) for s in doc.speakers]}")
    print(table(["variant", "WER", "chapters", "F1 10s", "P 30s", "R 30s", "F1 30s", "Pk", "ROUGE-1",
                 "speakers", "presenter's words hers", "audience's words not hers", "s", "from cache"], rows))


if __name__ == "__main__":
    main()
