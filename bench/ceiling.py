"""What the segmentation allows: DER with the speakers told, on every real clip with an RTTM.

    python bench/ceiling.py [--only NAME ...] [--steps 0.1 0.25] [--onsets 0.5]

pyannote's pipeline runs with the segmentation models we ship and
``OracleClustering``: every chunk's local speakers get the reference speaker
they overlap most, so no embedding or clustering can do better with that
segmentation (what is left is speech the segmentation did not hear, voices
it merged inside a chunk, and its edges).  Beside it, "two at once": the
reference itself with at most two voices kept at each moment (the two whose
segments there are longest), what a perfect model that hears two voices at a
time (segmentation-3.0's powerset) could reach.  Scored as bench/real.py
scores ``speakers.rttm`` (collar 0.25 s, overlap scored, inside the UEM), for
the overlap-aware output and the exclusive one.  Wrap in `flock /tmp/heavy.lock`.
"""
from __future__ import annotations

import argparse
import sys
import warnings

import numpy as np

import real
from _common import table

from transcribe_kit import audio
from transcribe_kit.speakers import diarize

FRAME_S = 0.01


def oracle(model, waveform, ref, uri: str, step: float, onset: float):
    """pyannote's outputs (overlap-aware, exclusive) with ``model`` segmenting and oracle clustering."""
    _, sd = diarize._import_pyannote()
    with diarize._local_only(sd):
        pipeline = sd.SpeakerDiarization(segmentation=model, segmentation_step=step, embedding=None, plda=None,
                                         clustering="OracleClustering")
    params = {"min_duration_off": diarize.DiarizeOptions().min_duration_off}
    if not model.specifications.powerset:
        params["threshold"] = onset
    pipeline.instantiate({"segmentation": params})
    # OracleClustering reads no embeddings, but pyannote 4 computes them anyway: it gets zeros
    zeros = lambda file, seg, **k: np.zeros((seg.data.shape[0], seg.data.shape[2], 1))  # noqa: E731
    with warnings.catch_warnings(), diarize._shadowed(pipeline, get_embeddings=zeros):
        warnings.simplefilter("ignore")
        out = pipeline({"waveform": waveform, "sample_rate": audio.SAMPLE_RATE, "uri": uri, "annotation": ref})
    return out.speaker_diarization, out.exclusive_speaker_diarization


def two_at_once(ref, duration_s: float):
    """The reference with at most two voices at any moment: the two whose segments there are longest."""
    from pyannote.core import Annotation, Segment

    frames = int(duration_s / FRAME_S) + 1
    length = {}  # speaker -> per-frame length of the segment covering it (0: silent)
    for seg, _, who in ref.itertracks(yield_label=True):
        row = length.setdefault(who, np.zeros(frames))
        a, b = int(seg.start / FRAME_S), min(int(seg.end / FRAME_S), frames)
        row[a:b] = np.maximum(row[a:b], seg.duration)
    names = sorted(length)
    grid = np.stack([length[n] for n in names])
    keep = np.zeros_like(grid, dtype=bool)
    top = np.argsort(-grid, axis=0)[:2]
    for k in range(top.shape[0]):
        keep[top[k], np.arange(frames)] = True
    keep &= grid > 0
    out = Annotation()
    for i, name in enumerate(names):
        edges = np.flatnonzero(np.diff(np.r_[0, keep[i].astype(np.int8), 0]))
        for a, b in zip(edges[::2], edges[1::2]):
            out[Segment(a * FRAME_S, b * FRAME_S), len(out)] = name
    return out


def percent(parts: dict) -> list[str]:
    return [f"{100 * parts[k]:.1f}%" for k in ("der", "miss", "false alarm", "confusion")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="recordings by name (default: every one with an RTTM)")
    parser.add_argument("--steps", nargs="*", type=float, default=[diarize.DiarizeOptions().segmentation_step, 0.25],
                        help="segmentation steps (fractions of the chunk)")
    parser.add_argument("--onsets", nargs="*", type=float, default=[diarize.DiarizeOptions().onset],
                        help="speech thresholds of the multilabel model")
    args = parser.parse_args()
    import torch

    Model, _ = diarize._import_pyannote()
    models = {s: Model.from_pretrained(str(diarize.segmentation_path(s))) for s in diarize.SEGMENTATIONS}
    rows = []
    for item in real.recordings(False):
        if "rttm" not in item["refs"] or (args.only and item["name"] not in args.only):
            continue
        ref = real.reference(item)
        duration = max(seg.end for seg in ref.get_timeline())
        rows.append([item["name"], "reference, two at once", "-", "-"] + percent(
            real.der_parts(item, two_at_once(ref, duration), duration)))
        source = audio.load(item["path"])
        waveform, seconds = torch.from_numpy(source.samples).float()[None], source.duration_ms / 1000
        for segmentation, model in models.items():
            for step in args.steps:
                for onset in args.onsets if segmentation == "pyannote-multilabel" else [None]:
                    overlapping, exclusive = oracle(model, waveform, ref, item["name"], step, onset or 0.5)
                    label = segmentation + (f", onset {onset}" if onset is not None else "")
                    for kind, hyp in (("overlap-aware", overlapping), ("exclusive", exclusive)):
                        rows.append([item["name"], label, step, kind] + percent(real.der_parts(item, hyp, seconds)))
                        print(" | ".join(str(c) for c in rows[-1]), file=sys.stderr, flush=True)
    print("oracle clustering: each chunk's local speakers given the reference speaker they overlap most")
    print(table(["recording", "segmentation", "step", "output", "DER", "miss", "false alarm", "confusion"], rows))


if __name__ == "__main__":
    main()
