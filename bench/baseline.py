"""The plain recipe of shared/corpus/BASELINE.md, rebuilt: what a user gets from faster-whisper + pyannote.

    python bench/baseline.py AUDIO [--speakers 4] [--out DIR]

faster-whisper base int8 (beam 5, VAD, word timestamps), then pyannote.audio's
SpeakerDiarization with the local segmentation model (whisperx's multilabel PyanNet) and the
resemblyzer GE2E embedding, the speaker count given, pyannote's own default hyperparameters
and speaker-diarization-3.1's batch sizes (no tuning, no chunk-wise shortcuts); each word to the speaker of largest overlap; one caption
cue per Whisper segment, prefixed ``[SPEAKER_XX]: ``.  One step after the other, as WhisperX
runs them.  Writes DIR/<stem>.words.json (score.py's --hyp-words form), .rttm and .vtt, and
prints one JSON line: the wall time of each step.  The model files are located with
transcribe_kit's helpers (the same offline files BASELINE.md used), nothing else of it is used.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def recognise(samples, model_dir: str) -> list:
    from faster_whisper import WhisperModel

    whisper = WhisperModel(model_dir, device="cpu", compute_type="int8")
    segments, _ = whisper.transcribe(samples, language="en", beam_size=5, vad_filter=True, word_timestamps=True)
    return [(s.start, s.end, s.text, [(w.word.strip(), w.start, w.end) for w in s.words or ()]) for s in segments]


def diarise(samples, speakers: int):
    import torch
    from pyannote.audio import Model
    from pyannote.audio.pipelines import speaker_diarization as sd

    from transcribe_kit.speakers.diarize import _local_only, segmentation_path
    from transcribe_kit.speakers.voiceprint import PyannoteEmbedding, encoder

    segmentation = Model.from_pretrained(str(segmentation_path("pyannote-multilabel")))
    with _local_only(sd):  # local objects instead of hub names; no PLDA (hub-only): agglomerative clustering
        # the batch sizes and overlap handling of pyannote's published speaker-diarization-3.1
        # configuration (WhisperX's), the constructor's defaults being a batch of one
        pipeline = sd.SpeakerDiarization(segmentation=segmentation, embedding=PyannoteEmbedding(encoder("ge2e")),
                                         plda=None, clustering="AgglomerativeClustering", segmentation_batch_size=32,
                                         embedding_batch_size=32, embedding_exclude_overlap=True)
    pipeline.instantiate({"segmentation": {"threshold": 0.5, "min_duration_off": 0.0},
                          "clustering": {"method": "centroid", "threshold": 0.7, "min_cluster_size": 12}})
    waveform = torch.from_numpy(samples).float()[None]
    output = pipeline({"waveform": waveform, "sample_rate": 16000}, num_speakers=speakers)
    annotation = getattr(output, "speaker_diarization", output)
    return [(seg.start, seg.end, label) for seg, _, label in annotation.itertracks(yield_label=True)]


def speaker_of(start: float, end: float, turns: list) -> str:
    best, label = 0.0, "SPEAKER_00"
    for a, b, who in turns:
        overlap = min(end, b) - max(start, a)
        if overlap > best:
            best, label = overlap, who
    return label


def clock(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def write(out: Path, stem: str, segments: list, turns: list) -> None:
    out.mkdir(parents=True, exist_ok=True)
    words, cues = [], ["WEBVTT", ""]
    for start, end, text, seg_words in segments:
        for word, a, b in seg_words:
            words.append({"word": word, "start": a, "end": b, "speaker": speaker_of(a, b, turns)})
        cues += [f"{clock(start)} --> {clock(end)}", f"[{speaker_of(start, end, turns)}]: {text.strip()}", ""]
    (out / f"{stem}.words.json").write_text(json.dumps(words))
    (out / f"{stem}.vtt").write_text("\n".join(cues))
    (out / f"{stem}.rttm").write_text("".join(f"SPEAKER {stem} 1 {a:.3f} {b - a:.3f} <NA> <NA> {who} <NA> <NA>\n"
                                              for a, b, who in turns))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("audio", type=Path)
    parser.add_argument("--speakers", type=int, default=4)
    parser.add_argument("--out", type=Path, default=Path("outputs/baseline"))
    args = parser.parse_args()
    started = time.perf_counter()
    from faster_whisper import decode_audio

    from transcribe_kit.models import ct2_dir, offline_environment

    offline_environment()
    samples = decode_audio(str(args.audio), sampling_rate=16000)
    times = {"decode": time.perf_counter() - started}
    segments = recognise(samples, str(ct2_dir("base")))
    times["asr"] = time.perf_counter() - started - sum(times.values())
    turns = diarise(samples, args.speakers)
    times["diarisation"] = time.perf_counter() - started - sum(times.values())
    write(args.out, args.audio.stem, segments, turns)
    times["total"] = time.perf_counter() - started
    print(json.dumps({"seconds": {k: round(v, 2) for k, v in times.items()}, "duration_s": len(samples) / 16000,
                      "words": sum(len(s[3]) for s in segments)}))


if __name__ == "__main__":
    main()
