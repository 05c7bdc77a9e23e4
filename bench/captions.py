"""Caption benchmark: our cues beside plain Whisper-segment-like cues, on a corpus episode.

    python bench/captions.py --episode podcast_004_full [--transcript FILE]

Without --transcript the pipeline is run on the episode's MP3 first (minutes;
wrap in ``flock /tmp/heavy.lock``).  Variants:

- ``ours``: the transcript as it is (one speaker until diarisation lands);
- ``ours+ref speakers``: the same words, each given the reference speaker
  (``NAME.rttm``) whose speech holds the word's middle (else the nearest), so
  the speaker-change rule is tested;
- ``whisper-like``: one cue per sentence (or 1 s pause), one line, no limits,
  the way plain Whisper segments come out;
- ``previous``: the builder this issue replaced (cached ``captions.vtt`` beside
  the transcript, when there is one).

Prints a table (cues, hard violations by rule, share of cues over 17 cps and
between 17 and 20 cps, word coverage), score.py's caption figures for ours, and
how long the captions take: loading spaCy (import included, first thing in the
process), tagging the episode, laying out the cues once the tags are known, and
rendering captions.vtt + captions.srt from the document (tags included), each
the best and the worst of three runs.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import tempfile
import time
from collections import Counter
from pathlib import Path

from _common import CORPUS, episode_audio
from _common import score as run_score

from transcribe_kit.captions import check as checker, linebreak
from transcribe_kit.captions import CaptionOptions, build_cues
from transcribe_kit.document import Speaker, Transcript
from transcribe_kit.turns import ends_sentence
from transcribe_kit.writers import WriterOptions, get


def load_transcript(episode: str, path: str | None) -> Transcript:
    if path:
        return Transcript.load(path)
    from transcribe_kit import audio, metadata, pipeline

    mp3 = episode_audio(episode)
    meta, _ = metadata.load_for(mp3, None)
    doc = pipeline.transcribe(audio.load(mp3), meta, pipeline.ProcessOptions(), episode=episode)
    return doc


def with_reference_speakers(doc: Transcript, episode: str) -> Transcript:
    base = CORPUS / episode / episode
    segments = []
    for line in (base.with_suffix(".rttm")).read_text().splitlines():
        parts = line.split()
        start = round(float(parts[3]) * 1000)
        segments.append((start, start + round(float(parts[4]) * 1000), parts[7]))
    meta = json.loads(base.with_suffix(".meta.json").read_text())
    speakers = tuple(Speaker(id=p["first"], name=p["display_name"], label=p["first"])
                     for p in meta["participants"])

    def who(word) -> str:
        middle = (word.start_ms + word.end_ms) / 2

        def score(seg):  # the segment holding the word's middle, else the nearest
            return -max(seg[0] - middle, middle - seg[1], 0)
        return max(segments, key=score)[2]

    words = tuple(dataclasses.replace(w, speaker=who(w)) for w in doc.words)
    return dataclasses.replace(doc, words=words, speakers=speakers)


def whisper_like_vtt(doc: Transcript) -> str:
    out, cue = ["WEBVTT", ""], []
    for i, word in enumerate(doc.words):
        cue.append(word)
        pause = doc.words[i + 1].start_ms - word.end_ms if i + 1 < len(doc.words) else 0
        if ends_sentence(word) or pause >= 1000 or i + 1 == len(doc.words):
            from transcribe_kit.timecode import vtt
            out += [f"{vtt(cue[0].start_ms)} --> {vtt(max(cue[-1].end_ms, cue[0].start_ms + 1))}",
                    " ".join(w.text for w in cue), ""]
            cue = []
    return "\n".join(out)


def coverage(doc: Transcript) -> str:
    cues = build_cues(doc)
    seen = [i for c in cues for i in range(c.first_word, c.last_word + 1)]
    ok = seen == list(range(len(doc.words)))
    return f"{len(set(seen))}/{len(doc.words)} words, each once, in order" if ok else "WORDS LOST OR REPEATED"


CLOSED = linebreak.DETERMINERS | linebreak.PREPOSITIONS | linebreak.CONJUNCTIONS | linebreak.SUBJECT_PRONOUNS


def bad_breaks(cues: list[checker.Cue]) -> tuple[int, int]:
    """Line breaks inside cues, and cue ends, right after an article, preposition, conjunction or I/we/they."""
    def bad(line: str) -> bool:
        return bool(line.split()) and linebreak.bare(line.split()[-1]) in CLOSED
    inside = sum(bad(line) for c in cues for line in c.lines[:-1])
    ends = sum(bad(c.lines[-1]) for c in cues if c.lines)
    return inside, ends


def row(name: str, path: Path) -> dict:
    report = checker.check_file(path)
    cues = checker.read_cues(path)
    inside, ends = bad_breaks(cues)
    cps = [len(" ".join(c.lines)) * 1000 / max(c.end_ms - c.start_ms, 1) for c in cues]
    hard = Counter(v.rule for v in report.violations if v.severity == checker.HARD)
    return {"variant": name, "cues": report.cues, "hard": sum(hard.values()), "hard_by_rule": dict(hard),
            "over_17": sum(c > 17 for c in cps) / len(cps), "between_17_20": sum(17 < c <= 20 for c in cps) / len(cps),
            "over_20": sum(c > 20 for c in cps) / len(cps), "bad_line_breaks": inside, "bad_cue_ends": ends}


def score(path: Path, episode: str) -> dict:
    return run_score(episode, "--captions", str(path))["captions"]


def timings(doc: Transcript, runs: int = 3) -> dict[str, tuple[float, float]]:
    """Seconds (best, worst of ``runs``) of each step of the captions, spaCy already loaded."""
    from transcribe_kit import nlp
    from transcribe_kit.captions import Words

    texts = list(Words(doc, CaptionOptions(pos_tags=False)).texts)  # what build_cues tags
    tags = nlp.pos_tags(texts)
    steps = {"tag the words (spaCy)": lambda: nlp.pos_tags(texts),
             "lay out the cues (tags known)": lambda: build_cues(doc, tagger=lambda _: tags),
             "render vtt + srt (tags included)": lambda: render_captions(dataclasses.replace(doc))}
    out = {}
    for name, step in steps.items():
        seconds = []
        for _ in range(runs):
            began = time.perf_counter()
            step()
            seconds.append(time.perf_counter() - began)
        out[name] = (min(seconds), max(seconds))
    return out


def render_captions(doc: Transcript) -> list[str]:
    """Both caption files of a document not rendered before (so nothing is remembered)."""
    return [get(name).render(doc, WriterOptions()) for name in ("vtt", "srt")]


def load_spacy() -> float:
    from transcribe_kit import nlp

    began = time.perf_counter()
    nlp.load()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episode", default="podcast_004_full")
    parser.add_argument("--transcript", help="start from this transcript.json instead of running the pipeline")
    args = parser.parse_args()
    spacy_s = load_spacy()  # first, so the import is counted as a fresh process pays it
    doc = load_transcript(args.episode, args.transcript)
    tmp = Path(tempfile.mkdtemp(prefix="bench-captions-"))
    variants = {"ours": doc, "ours+ref speakers": with_reference_speakers(doc, args.episode)}
    rows, scores = [], {}
    for name, variant in variants.items():
        began = time.perf_counter()
        text = get("vtt").render(variant, WriterOptions())
        seconds = time.perf_counter() - began
        path = tmp / f"{name.replace(' ', '_').replace('+', '_')}.vtt"
        path.write_text(text, encoding="utf-8")
        rows.append(row(name, path) | {"build_s": round(seconds, 1), "coverage": coverage(variant)})
        scores[name] = score(path, args.episode)
        srt_path = path.with_suffix(".srt")  # the same cues, with NAME: labels counted
        srt_path.write_text(get("srt").render(variant, WriterOptions()), encoding="utf-8")
        rows.append(row(f"{name} (srt)", srt_path))
    (tmp / "whisper_like.vtt").write_text(whisper_like_vtt(doc), encoding="utf-8")
    rows.append(row("whisper-like", tmp / "whisper_like.vtt"))
    if args.transcript and (Path(args.transcript).parent / "captions.vtt").exists():
        rows.append(row("previous builder", Path(args.transcript).parent / "captions.vtt"))
    print(f"episode {args.episode}: {len(doc.words)} words; files in {tmp}")
    print(f"{'variant':24} {'cues':>5} {'hard':>5} {'>17cps':>7} {'17-20':>7} {'>20':>6} {'badbrk':>6} "
          f"{'badend':>6}  hard by rule")
    for r in rows:
        print(f"{r['variant']:24} {r['cues']:5d} {r['hard']:5d} {r['over_17']:7.1%} {r['between_17_20']:7.1%} "
              f"{r['over_20']:6.1%} {r['bad_line_breaks']:6d} {r['bad_cue_ends']:6d}  {r['hard_by_rule'] or '-'}")
    print("badbrk/badend: line breaks / cue ends right after an article, preposition, conjunction or I/we/they")
    for r in rows:
        if "coverage" in r:
            print(f"{r['variant']}: built in {r['build_s']} s; {r['coverage']}")
    keys = ("cues", "cues_over_max_chars", "cues_over_max_lines", "cps_warn", "cps_fail", "too_short",
            "too_long", "overlaps", "spans_speaker_change", "voice_spans_present")
    for name, s in scores.items():
        print(f"score.py {name}: " + ", ".join(f"{k} {s.get(k)}" for k in keys))
    print(f"timing ({len(doc.words)} words): load spaCy (import included) {spacy_s:.2f} s")
    for name, (best, worst) in timings(doc).items():
        print(f"timing: {name} {best:.2f}-{worst:.2f} s")


if __name__ == "__main__":
    main()
