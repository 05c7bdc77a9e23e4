"""Captions of real conversation: issue 37's table, re-rendered from processed transcripts.

    python bench/conversation.py [FOLDER ...] [--reference EPISODE] [--keep DIR]

Each FOLDER is an episode folder written by ``process`` (default: the four real
clips in ``outputs-real/``: pyannote_sample, nasa_hwhap414_science_in_space,
pyannote_test_dev00, pyannote_test_tst00); ``--reference podcast_004_full``
adds the synthetic corpus's reference words (exact words, times, speakers).
No recognition runs: captions.vtt and
captions.srt are rendered again from the folder's transcript.json with the
writer options it records, then counted twice: by the corpus scorer
(``score.caption_scores``, a cue counted once per hard rule it breaks: over 42
characters a line or 2 lines, over 20 characters a second, under 1 s or over
7 s, overlapping) and by our ``check`` (cues with a hard violation, and of those
the ones marked unavoidable: speech faster than anyone can read even with all
the time the cue may borrow).  Also: two-speaker cues, the share of cues at
17-20 characters a second (VTT) and the fastest cue.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import tempfile
from pathlib import Path

from _common import CORPUS, ROOT

from transcribe_kit.captions import check as checker
from transcribe_kit.document import Speaker, Transcript, Word
from transcribe_kit.writers import get, recorded_options
from transcribe_kit.writers.captions import cues_for

REAL = ("pyannote_sample", "nasa_hwhap414_science_in_space", "pyannote_test_dev00", "pyannote_test_tst00")
SCORE_HARD = ("cues_over_max_chars", "cues_over_max_lines", "cps_fail", "too_short", "too_long", "overlaps")


def _score_module():
    spec = importlib.util.spec_from_file_location("corpus_score", CORPUS / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure(folder: Path, out: Path, score) -> dict:
    doc = Transcript.load(folder / "transcript.json")
    options = recorded_options(doc)
    row: dict = {"name": folder.name}
    for fmt in ("vtt", "srt"):
        path = out / f"{folder.name}.{fmt}"
        path.write_text(get(fmt).render(doc, options), encoding="utf-8")
        scores = score.caption_scores(path, [])
        report = _check(path, options, doc)
        hard = {v.cue for v in report.violations if v.severity == "hard"}
        unavoidable = {v.cue for v in report.violations if getattr(v, "unavoidable", False)}
        row[fmt] = {"cues": scores["cues"], "score_hard": sum(scores[k] for k in SCORE_HARD),
                    "hard_cues": len(hard), "unavoidable": len(unavoidable), "warn": scores["cps_warn"]}
        if fmt == "vtt":
            _, read = score.read_captions(path)
            row["both_named"] = sum(len(set(c["voices"])) == 2 for c in read)
            row["three"] = sum(len(c["voices"]) > 2 for c in read)
            cues = checker.read_cues(path)
            row["fastest"] = max((len(" ".join(c.lines)) * 1000 / max(c.end_ms - c.start_ms, 1) for c in cues),
                                 default=0.0)
    row["two_speaker"] = sum(getattr(c, "second_speaker", None) is not None
                             for c in cues_for(doc, options.captions))
    return row


def _check(path: Path, options, doc: Transcript) -> checker.Report:
    rules = checker.Rules.from_options(options.captions)
    try:
        return checker.check_file(path, rules, transcript=doc)
    except TypeError:  # the checker before issue 37 reads the file alone (no unavoidable cues)
        return checker.check_file(path, rules)


def table(rows: list[dict]) -> str:
    head = ("| recording | cues VTT/SRT | hard VTT (score / check) | hard SRT (score / check) | "
            "of which unavoidable VTT/SRT | two-speaker cues | 17-20 cps (VTT) | fastest cps |")
    out = [head, "|" + "---|" * 8]
    total = {"cues": 0, "vtt": 0, "srt": 0, "un_v": 0, "un_s": 0, "two": 0, "warn": 0}
    for r in rows:
        v, s = r["vtt"], r["srt"]
        out.append(f"| {r['name']} | {v['cues']}/{s['cues']} | {v['score_hard']} / {v['hard_cues']} | "
                   f"{s['score_hard']} / {s['hard_cues']} | {v['unavoidable']}/{s['unavoidable']} | "
                   f"{r['two_speaker']} ({r['both_named']} with both names, {r['three']} with more) | "
                   f"{v['warn'] / max(v['cues'], 1):.1%} | {r['fastest']:.1f} |")
        for key, value in (("cues", v["cues"]), ("vtt", v["score_hard"]), ("srt", s["score_hard"]),
                           ("un_v", v["unavoidable"]), ("un_s", s["unavoidable"]), ("two", r["two_speaker"]),
                           ("warn", v["warn"])):
            total[key] += value
    n = max(total["cues"], 1)
    out.append(f"| all | {total['cues']} | {total['vtt']} ({total['vtt'] / n:.1%}) | "
               f"{total['srt']} ({total['srt'] / n:.1%}) | {total['un_v']}/{total['un_s']} "
               f"({total['un_v'] / n:.1%}/{total['un_s'] / n:.1%} of cues) | {total['two']} | {total['warn'] / n:.1%} | |")
    return "\n".join(out)


def reference_folder(episode: str, tmp: Path) -> Path:
    """A folder holding a transcript.json of a corpus episode's reference words (``NAME.words.json``:
    exact words, times and speakers), as the synthetic corpus's captions are counted."""
    rows = json.loads((CORPUS / episode / f"{episode}.words.json").read_text(encoding="utf-8"))
    words = tuple(Word(r["word"], round(r["start"] * 1000), round(r["end"] * 1000), speaker=r["speaker"])
                  for r in rows)
    speakers = tuple(Speaker(id=name, name=name) for name in dict.fromkeys(r["speaker"] for r in rows))
    doc = Transcript(episode=episode, duration_ms=words[-1].end_ms + 1000, words=words, speakers=speakers)
    folder = tmp / f"{episode}-reference"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "transcript.json").write_text(doc.to_json(), encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--keep", type=Path, help="write the re-rendered captions here (else a temporary folder)")
    parser.add_argument("--reference", action="append", default=[], metavar="EPISODE",
                        help="also count a corpus episode's reference words (e.g. podcast_004_full)")
    args = parser.parse_args()
    folders = args.folders or ([] if args.reference else [ROOT / "outputs-real" / name for name in REAL])
    score = _score_module()
    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        folders += [reference_folder(name, Path(tmp)) for name in args.reference]
        print(table([measure(f, out, score) for f in folders]))


if __name__ == "__main__":
    main()
