"""Benchmark: the episode's vocabulary and the house style, with and without.

    python bench/vocabulary.py --episode podcast_004_full \\
        [--transcript FILE]            # recognition without the vocabulary prompt
        [--prompted-transcript FILE]   # recognition with it (made and saved when missing)
        [--glossary FILE] [--show-misses]

Rows: recognition without / with the vocabulary prompt, each raw and after the
correction + house-style passes.  Columns:
- WER from the corpus's score.py (its normaliser ignores case, punctuation and
  British/American spelling, so it measures words, not style);
- recall of participants' names, of organisations (read from the participants'
  roles, with the word an organisation named "<word> Partnership/Project/..." is
  called by, and the glossary's terms that are not acronyms; a word of the page
  counts once, for the longest name it is part of) and of acronyms (every all-capital word of the reference): each
  occurrence in the reference counts as found when the aligned output word is
  spelt the same, case included;
- American spellings where the page has the British one (aligned word pairs that
  breame lists as an American/British pair);
- how long the correction and style passes take on the whole episode.

Without --transcript the unprompted recognition is run; without
--prompted-transcript the prompted one is run and saved to
$TRANSCRIBE_KIT_BENCH_CACHE/vocab/EPISODE/transcript.json (default /work/cache) for the next time.  Both take minutes:
wrap the command in `flock /tmp/heavy.lock`.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from _common import CORPUS, alignment, bare, score

from transcribe_kit import audio, metadata, pipeline  # noqa: E402
from transcribe_kit.stagecache import Context  # noqa: E402
from transcribe_kit.vocabulary import HouseStyle, VocabOptions, glossary, style_stage  # noqa: E402
from transcribe_kit.vocabulary import terms as vocabulary  # noqa: E402
from transcribe_kit.vocabulary.corrections import undo  # noqa: E402
from transcribe_kit.vocabulary.namesense import ORGANISATION_HEADS  # noqa: E402
from transcribe_kit.document import Transcript  # noqa: E402
from transcribe_kit.vocabulary.style import StyleOptions  # noqa: E402

CACHE = Path(os.environ.get("TRANSCRIBE_KIT_BENCH_CACHE", "/work/cache"))
RAW_STYLE = StyleOptions(spelling="off", drop_fillers=(), spell_numbers_to=0, glossary_case=False)


def raw(doc: Transcript) -> Transcript:
    """The words as recognised: every automatic correction undone."""
    while doc.corrections:
        doc = undo(doc, len(doc.corrections) - 1)
    return doc


def recognise(src: Path, meta, vocab, prompt: bool) -> Transcript:
    options = pipeline.ProcessOptions(vocab=VocabOptions(prompt=prompt, correct=False), style=RAW_STYLE)
    doc = pipeline.transcribe(audio.load(src), meta, options, episode=src.stem, vocab=vocab)
    return doc


def passes(doc: Transcript, vocab) -> tuple[Transcript, float]:
    options = pipeline.ProcessOptions()
    best, out = float("inf"), doc
    for _ in range(3):
        start = time.perf_counter()
        out = style_stage(doc, HouseStyle(vocab, options.vocab.correct, options.vocab.matching, options.style),
                          Context(None))
        best = min(best, time.perf_counter() - start)
    return out, best


def wer(doc: Transcript, episode: str) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write(doc.text())
    try:
        return score(episode, "--hyp-text", fh.name)["asr"]["wer"]
    finally:
        Path(fh.name).unlink()


def occurrences(ref: list[str], phrase: list[str]) -> list[int]:
    n = len(phrase)
    return [i for i in range(len(ref) - n + 1)
            if [w.casefold() for w in ref[i:i + n]] == [w.casefold() for w in phrase] and ref[i][:1].isupper()]


MISSES: list[str] = []


def recall(ref: list[str], hyp: list[str], pairs: dict[int, int], terms: list[str]) -> tuple[int, int]:
    """Occurrences of ``terms`` in the reference whose aligned output words are spelt the same; a
    word counts once, for the longest term it is part of ("Drive Partnership", not also "Drive")."""
    found = total = 0
    claimed: set[int] = set()
    for term in sorted(terms, key=lambda t: -len(t.split())):
        phrase = [bare(w) for w in term.split()]  # as the reference words are: "Women's" -> "Women"
        for i in occurrences(ref, phrase):
            if len(phrase) == 1 and ref[i] != term:
                continue  # names and acronyms: the reference's own case
            if claimed & set(range(i, i + len(phrase))):
                continue
            claimed |= set(range(i, i + len(phrase)))
            total += 1
            got = [hyp[pairs[i + k]] if i + k in pairs else None for k in range(len(phrase))]
            ok = got == ref[i:i + len(phrase)] or (None not in got and got[0] == ref[i] and
                                                   [g.casefold() for g in got] == [r.casefold() for r in ref[i:i + len(phrase)]])
            found += ok
            if not ok:
                j = pairs.get(i, pairs.get(i - 1, 0))
                MISSES.append(f"{term!r}: ref ...{' '.join(ref[i - 3:i + len(phrase) + 2])}... "
                              f"out ...{' '.join(hyp[max(0, j - 3):j + len(phrase) + 3])}...")
    return found, total


def american(ref: list[str], hyp: list[str], pairs: dict[int, int]) -> int:
    from breame.data.spelling_constants import AMERICAN_ENGLISH_SPELLINGS as us_to_uk

    return sum(1 for i, j in pairs.items() if us_to_uk.get(hyp[j].casefold()) == ref[i].casefold())


def measure(doc: Transcript, episode: str, ref: list[str], sets: dict[str, list[str]]) -> dict:
    hyp = [bare(w.text) for w in doc.words]
    pairs = alignment(ref, hyp)
    row = {"wer": wer(doc, episode)}
    for name, terms in sets.items():
        row[name] = recall(ref, hyp, pairs, terms)
    row["american"] = american(ref, hyp, pairs)
    return row


def term_sets(meta, vocab, ref: list[str]) -> dict[str, list[str]]:
    names = sorted({p for t in vocabulary.build(meta).of_kind("name") for p in t.text.split()})
    orgs = {o for p in meta.participants for o in vocabulary.split_role(p.role or "")[1]}
    # what people call "the Drive Partnership": "Drive" (counted where the page writes it alone)
    orgs |= {o.split()[0] for o in orgs if len(o.split()) == 2 and o.split()[1].casefold() in ORGANISATION_HEADS}
    # a glossary's terms that are not acronyms: the series' organisations and names
    orgs |= {t.text for t in vocab.of_kind("glossary") if not vocabulary.is_acronym(t.text)}
    orgs = sorted(orgs)
    acronyms = sorted({w for w in ref if vocabulary.is_acronym(w) and not w.endswith("s")})
    return {"names": names, "organisations": orgs, "acronyms": acronyms}


def load_or_run(path: Path | None, default: Path, src: Path, meta, vocab, prompt: bool) -> Transcript:
    for candidate in (path, default):
        if candidate and candidate.is_file():
            return raw(Transcript.load(candidate))
    if path:
        sys.exit(f"{path}: no such transcript")
    print(f"running recognition ({'with' if prompt else 'without'} the prompt) on {src.name} ...", file=sys.stderr)
    start = time.perf_counter()
    doc = recognise(src, meta, vocab, prompt)
    seconds = time.perf_counter() - start
    print(f"recognition took {seconds:.0f} s (RTF {seconds * 1000 / max(1, doc.duration_ms):.3f})", file=sys.stderr)
    default.parent.mkdir(parents=True, exist_ok=True)
    default.write_text(doc.to_json(), encoding="utf-8")
    return doc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--episode", default="podcast_004_full")
    ap.add_argument("--transcript", type=Path, help="recognition without the vocabulary prompt")
    ap.add_argument("--prompted-transcript", type=Path, help="recognition with the vocabulary prompt")
    ap.add_argument("--glossary", type=Path, help="a series glossary to add to the vocabulary")
    ap.add_argument("--show-misses", action="store_true", help="print each missed occurrence of the last run")
    args = ap.parse_args()
    ref_dir = CORPUS / args.episode
    src = ref_dir / f"{args.episode}.mp3"
    meta, _ = metadata.load_for(src)
    vocab = vocabulary.build(meta, glossary.load_for(src, None, args.glossary))
    ref = [bare(w["word"]) for w in json.loads((ref_dir / f"{args.episode}.words.json").read_text())]
    sets = term_sets(meta, vocab, ref)
    plain = load_or_run(args.transcript, CACHE / "asr" / args.episode / "transcript.json", src, meta, vocab, False)
    prompted = load_or_run(args.prompted_transcript, CACHE / "vocab" / args.episode / "transcript.json",
                           src, meta, vocab, True)
    rows = []
    for label, doc in (("without vocabulary", plain), ("with vocabulary prompt", prompted)):
        rows.append((label + ", raw", measure(doc, args.episode, ref, sets), None))
        fixed, seconds = passes(doc, vocab)
        MISSES.clear()
        rows.append((label + " + passes", measure(fixed, args.episode, ref, sets), (seconds, len(fixed.corrections))))
    report(args.episode, sets, rows, len(plain.words))
    if args.show_misses:
        print("\n".join(MISSES))


def report(episode: str, sets: dict, rows: list, words: int) -> None:
    print(f"episode {episode} ({words} words); terms: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in sets.items()))
    head = f"{'run':38} {'WER':>7} {'names':>13} {'orgs':>13} {'acronyms':>13} {'US sp.':>6} {'passes':>14}"
    print(head)
    for label, row, extra in rows:
        cells = [f"{row[k][0]}/{row[k][1]} {100 * row[k][0] / max(1, row[k][1]):3.0f}%"
                 for k in ("names", "organisations", "acronyms")]
        timing = f"{extra[0] * 1000:.0f} ms, {extra[1]} fixes" if extra else "-"
        print(f"{label:38} {100 * row['wer']:6.2f}% {cells[0]:>13} {cells[1]:>13} {cells[2]:>13} "
              f"{row['american']:>6} {timing:>14}")


if __name__ == "__main__":
    main()
