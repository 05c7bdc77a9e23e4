"""Acronyms the speaker defines: right everywhere after the definition, through `process`.

    /tmp/synthvenv/bin/python tools/make_event.py --acronyms --name event_acronyms --out /work/cache/event
    .venv/bin/python bench/acronyms.py --event /work/cache/event/event_acronyms

The event (tools/make_event.py --acronyms) is the four-minute talk of
bench/outline.py in which the presenter also defines two acronyms from the words
before them ("digital volunteer advisers, which I'll refer to as DVAs") and uses
them later; the deck does not mention them, so only the speaker's definition can
tell the recogniser's letters from the right ones.  For each acronym the
reference words are aligned with the output's, and every reference occurrence
from the definition on counts as right when the aligned output word has the
same letters (a plural "s" aside).  Rows: the words as recognised (every
automatic correction undone) and after the passes, without and with the deck as
`--outline`; WER from score.py.  Recognition is run once (the stage cache in a
temporary folder).
"""
from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from _common import alignment, bare, score, table

from transcribe_kit.document import Transcript
from transcribe_kit.pipeline import ProcessOptions, StageCache, process_file
from transcribe_kit.vocabulary.corrections import undo


def letters(word: str) -> str:
    core = bare(word).replace(".", "")
    return core[:-1] if core.endswith("s") and core[:-1].isupper() else core


def counts(doc: Transcript, ref: list[str], acronym: str) -> tuple[int, int, list[str]]:
    """Right / all reference occurrences of ``acronym`` from its definition on, and what was heard instead."""
    hyp = [bare(w.text) for w in doc.words]
    pairs = alignment([bare(w) for w in ref], hyp)
    places = [i for i, w in enumerate(ref) if letters(w) == acronym]
    right, heard = 0, []
    for i in places:
        got = hyp[pairs[i]] if i in pairs else "(nothing)"
        ok = letters(got) == acronym
        right += ok
        if not ok:
            heard.append(got)
    return right, len(places), heard


def recognised(doc: Transcript) -> Transcript:
    while doc.corrections:
        doc = undo(doc, len(doc.corrections) - 1)
    return doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--event", type=Path, required=True, help="NAME prefix written by make_event.py --acronyms")
    args = parser.parse_args()
    base = args.event
    meta = json.loads(base.with_suffix(".meta.json").read_text())
    acronyms = sorted(meta.get("defined_acronyms") or {})
    if not acronyms:
        raise SystemExit(f"{base}.meta.json defines no acronyms: make the event with make_event.py --acronyms")
    ref = [w["word"] for w in json.loads(base.with_suffix(".words.json").read_text())]
    variants = {"no outline": ProcessOptions(), "--outline deck": ProcessOptions(outline=Path(f"{base}.deck.txt"))}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cache = StageCache(Path(tmp) / "cache")
        for name, options in variants.items():
            doc = process_file(base.with_suffix(".mp3"), Path(tmp) / "out", options, cache=cache).transcript
            for label, version in (("as recognised", recognised(doc)), ("after the passes", doc)):
                text = Path(tmp) / "words.txt"
                text.write_text(version.text())
                cells = []
                for acronym in acronyms:
                    right, total, heard = counts(version, ref, acronym)
                    cells.append(f"{right}/{total}" + (f" (heard: {', '.join(heard)})" if heard else ""))
                fixes = sum(1 for c in version.corrections if c.rule == "acronym")
                rows.append([name, label, f"{score(base, '--hyp-text', str(text))['asr']['wer']:.2%}", *cells, fixes])
    print(table(["variant", "words", "WER", *acronyms, "acronym corrections"], rows))


if __name__ == "__main__":
    main()
