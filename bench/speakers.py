"""Benchmark the speaker stage: DER, speaker count, speaker-attributed words, names, speed.

    python bench/speakers.py --episode podcast_004_short [--transcript FILE] [--no-meta]
    python bench/speakers.py --clip pyannote_sample --speakers 2

--episode runs on a corpus episode (shared/corpus/EP): the recognition comes
from --transcript (e.g. /work/cache/asr/EP/transcript.json) or is run here
(faster-whisper base); then diarisation, words to speakers, voice refinement
and naming.  Scores come from shared/corpus/score.py.  --clip runs
diarisation alone on a real clip of shared/corpus/real and prints its DER.
Wrap in `flock /tmp/heavy.lock` on a shared machine.
"""
from __future__ import annotations

import argparse
import difflib
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from _common import CORPUS, episode_audio, score, words_json

from transcribe_kit.speakers import diarize
from transcribe_kit import audio, metadata, pipeline, speakers
from transcribe_kit.document import Transcript
from transcribe_kit.writers import WriterOptions, rttm


def timed_diarize(source, options):
    pipe = diarize.build_pipeline(options)
    start = time.perf_counter()
    found = diarize.diarize(source, options, pipeline=pipe)
    return found, time.perf_counter() - start


def load_diarization(path: Path) -> diarize.Diarization:
    data = json.loads(path.read_text())
    segments = tuple(diarize.Segment(a, b, label) for a, b, label in data["segments"])
    return diarize.Diarization(segments, tuple(dict.fromkeys(s.speaker for s in segments)), data["estimated"])


def name_accuracy(doc: Transcript, ref_words: list[dict]) -> tuple[int, int, list[str]]:
    """Participants whose name went to their own voice (by majority of reference words)."""
    import bisect

    starts = [w.start_ms for w in doc.words]
    votes: dict[str, dict[str, int]] = {}
    for r in ref_words:
        i = bisect.bisect_right(starts, r["start"] * 1000) - 1
        if i >= 0:
            votes.setdefault(doc.words[i].speaker, {}).setdefault(r["speaker"], 0)
            votes[doc.words[i].speaker][r["speaker"]] += 1
    lines, right = [], 0
    for s in doc.speakers:
        truth = max(votes.get(s.id, {"?": 0}).items(), key=lambda kv: kv[1])[0]
        ok = s.label == truth
        # without metadata the name is the recogniser's spelling of the introduction ("Des" for Dez)
        heard = not ok and bool(s.label) and difflib.SequenceMatcher(None, s.label.lower(), truth.lower()).ratio() >= 0.5
        right += ok
        verdict = "right" if ok else "right person, spelt as heard" if heard else "WRONG"
        lines.append(f"  {s.id}: named {s.full!r} ({'; '.join(s.evidence[:2])}) - mostly {truth}: {verdict}")
    return right, len({r["speaker"] for r in ref_words}), lines


def run_episode(args) -> None:
    ep_dir = CORPUS / args.episode
    mp3 = episode_audio(args.episode)
    meta = metadata.load_for(mp3)[0] if not args.no_meta else metadata.parse({}, mp3)
    source = audio.load(mp3)
    if args.transcript:
        doc = replace(Transcript.load(args.transcript), meta=meta)
    else:
        opts = pipeline.ProcessOptions(speakers=speakers.SpeakerOptions(enabled=False))
        doc = pipeline.transcribe(source, meta, opts, episode=args.episode)
    options = speakers.SpeakerOptions(diarize=diarize.DiarizeOptions(
        num_speakers=args.speakers, embedding=args.embedding, segmentation=args.segmentation,
        **({"segmentation_step": args.step} if args.step else {})))
    if args.onset is not None:
        options = replace(options, diarize=replace(options.diarize, onset=args.onset,
                                                   min_duration_off=args.min_duration_off))
    count = speakers.speaker_count(doc, options.diarize)
    if args.diarization and args.diarization.exists():
        found, diar_s = load_diarization(args.diarization), float("nan")
    else:
        found, diar_s = timed_diarize(source, count)
        if args.diarization:
            args.diarization.write_text(json.dumps({"estimated": found.estimated, "segments": [
                [s.start_ms, s.end_ms, s.speaker] for s in found.segments]}))
    start = time.perf_counter()
    named, notes = speakers.identify_speakers(doc, source, options, found=found)
    rest_s = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        words = words_json(named, Path(tmp) / "words.json")
        hyp = Path(tmp) / "hyp.rttm"
        hyp.write_text(rttm.render(named, WriterOptions()))
        d = score(args.episode, "--hyp-words", str(words), "--hyp-rttm", str(hyp))["diarization"]
    ref_words = json.loads((ep_dir / f"{args.episode}.words.json").read_text())
    right, total, lines = name_accuracy(named, ref_words)
    dur = source.duration_ms / 1000
    print(f"episode {args.episode}  metadata {'no' if args.no_meta else 'yes'}  duration {dur:.0f} s")
    print(f"DER {d['der']:.2%} (missed {d['missed']:.2%}, false alarm {d['false_alarm']:.2%}, "
          f"confusion {d['confusion']:.2%})  collar {d['collar']}")
    print(f"speakers found {d['hyp_speakers']} of {d['ref_speakers']} (error {d['speaker_count_error']:+d})"
          f"{'  estimated' if found.estimated else ''}")
    print(f"speaker-attributed word accuracy {d['sa_word_accuracy']:.2%} ({d.get('label_mapping')})")
    print(f"names right {right} of {total}")
    print("\n".join(lines))
    print(f"diarisation {diar_s:.1f} s RTF {diar_s / dur:.3f}; words/refine/names {rest_s:.1f} s; "
          f"stage RTF {(diar_s + rest_s) / dur:.3f}")
    for note in notes:
        print("note:", note)
    if args.out:
        from transcribe_kit.fileio import atomic_write_many
        from transcribe_kit.writers import render_all

        atomic_write_many(render_all(named, args.out / args.episode, ["json", "txt", "vtt", "srt", "rttm"]))
        print(f"outputs in {args.out / args.episode}/")


def run_clip(args) -> None:
    """Diarisation alone on a real clip: speakers found, and DER where a reference RTTM exists
    (inside its UEM), for each clustering threshold of --thresholds."""
    from pyannote.core import Annotation, Segment, Timeline
    from pyannote.metrics.diarization import DiarizationErrorRate

    real = CORPUS / "real"
    path = next(p for p in sorted(real.glob(f"{args.clip}.*")) if p.suffix in (".wav", ".mp3"))
    source = audio.load(path)
    options = diarize.DiarizeOptions(num_speakers=args.speakers, embedding=args.embedding,
                                     segmentation=args.segmentation, **({"segmentation_step": args.step} if args.step else {}))
    if args.onset is not None:
        options = replace(options, onset=args.onset)
    if args.off is not None:
        options = replace(options, min_duration_off=args.off)
    if args.include_overlap:
        options = replace(options, exclude_overlap=False)
    ref = uem = None
    if (real / f"{args.clip}.rttm").exists():
        ref = Annotation()
        for line in (real / f"{args.clip}.rttm").read_text().splitlines():
            f = line.split()
            if f and f[0] == "SPEAKER":
                ref[Segment(float(f[3]), float(f[3]) + float(f[4])), len(ref)] = f[7]
        uem = Timeline([Segment(0, source.duration_ms / 1000)])
        if (real / f"{args.clip}.uem").exists():
            uem = Timeline([Segment(float(f[2]), float(f[3])) for f in
                            (l.split() for l in (real / f"{args.clip}.uem").read_text().splitlines()) if f])
    pipe = diarize.build_pipeline(options)
    for threshold in args.thresholds or [diarize.clustering_threshold(options)]:
        pipe.clustering.threshold = threshold
        start = time.perf_counter()
        found = diarize.diarize(source, options, pipeline=pipe)
        seconds = time.perf_counter() - start
        der = "-"
        if ref is not None:
            hyp = Annotation()
            for s in found.segments + found.overlaps:
                hyp[Segment(s.start_ms / 1000, s.end_ms / 1000), len(hyp)] = s.speaker
            d = DiarizationErrorRate(collar=0.25, skip_overlap=False)(ref, hyp, uem=uem, detailed=True)
            total = d["total"] or 1
            der = (f"{d['diarization error rate']:.2%} (missed {d['missed detection'] / total:.1%}, "
                   f"false alarm {d['false alarm'] / total:.1%}, confusion {d['confusion'] / total:.1%})")
        print(f"clip {args.clip}  {options.segmentation}+{options.embedding}  threshold {threshold}  "
              f"speakers given {args.speakers}  found {len(found.speakers)}  DER {der}  "
              f"RTF {seconds / (source.duration_ms / 1000):.3f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--episode", choices=["podcast_004_short", "podcast_004_full"])
    parser.add_argument("--clip", help="a real clip in shared/corpus/real, e.g. pyannote_sample")
    parser.add_argument("--transcript", type=Path, help="start from this transcript.json (no ASR run)")
    parser.add_argument("--speakers", type=int, default=None, help="give the speaker count")
    parser.add_argument("--no-meta", action="store_true", help="ignore the episode metadata (count estimated)")
    parser.add_argument("--out", type=Path, help="also write the episode's outputs under this folder")
    parser.add_argument("--onset", type=float, help="try another speech threshold (with --min-duration-off)")
    parser.add_argument("--min-duration-off", type=float, default=0.0)
    parser.add_argument("--embedding", default=diarize.DiarizeOptions().embedding, choices=diarize.EMBEDDINGS)
    parser.add_argument("--segmentation", default=diarize.DiarizeOptions().segmentation, choices=diarize.SEGMENTATIONS)
    parser.add_argument("--step", type=float, help="segmentation step (fraction of the chunk)")
    parser.add_argument("--off", type=float, help="--clip: min_duration_off (s)")
    parser.add_argument("--include-overlap", action="store_true", help="--clip: embed overlapped frames too")
    parser.add_argument("--thresholds", type=float, nargs="*", help="--clip: clustering thresholds to try")
    parser.add_argument("--diarization", type=Path,
                        help="cache of the raw diarisation: written when missing, reused when present")
    args = parser.parse_args()
    if bool(args.episode) == bool(args.clip):
        parser.error("give --episode or --clip")
    run_episode(args) if args.episode else run_clip(args)


if __name__ == "__main__":
    main()
