"""Join the corpus recordings into one long MP3, for the memory and speed benchmark.

    .venv/bin/python tools/make_long.py --minutes 180 --out /tmp/long_180min.mp3

The corpus episodes (podcast_004_full, podcast_004_short, the NASA interview) are
decoded and appended in turn, with a second of silence between them, until the
recording is ``--minutes`` long; the last piece is cut there.  The file goes
wherever ``--out`` says (never into the repository: it is hundreds of MB of
audio made from files we already hold).  Mono, 16 kHz, 48 kbit/s, like the corpus.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from transcribe_kit import audio  # noqa: E402
from transcribe_kit.fileio import atomic_write  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
PIECES = ("podcast_004_full/podcast_004_full.mp3", "podcast_004_short/podcast_004_short.mp3",
          "real/nasa_hwhap414_science_in_space.mp3")
SR = audio.SAMPLE_RATE


def encode_mp3(samples: np.ndarray, bitrate: int = 48_000) -> bytes:
    import io

    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp3") as out:
        stream = out.add_stream("mp3", rate=SR, layout="mono")
        stream.bit_rate = bitrate
        pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
        for start in range(0, len(pcm), SR * 10):
            frame = av.AudioFrame.from_ndarray(pcm[None, start:start + SR * 10], format="s16", layout="mono")
            frame.sample_rate = SR
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=180)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    wanted = int(args.minutes * 60 * SR)
    parts, have, i = [], 0, 0
    decoded = {}
    while have < wanted:
        name = PIECES[i % len(PIECES)]
        if name not in decoded:
            decoded[name] = audio.load(CORPUS / name).samples
        piece = np.concatenate([decoded[name], np.zeros(SR, dtype=np.float32)])[: wanted - have]
        parts.append(piece)
        have += len(piece)
        i += 1
    atomic_write(args.out, encode_mp3(np.concatenate(parts)))
    print(f"{args.out}: {have / SR / 60:.1f} min from {i} pieces")


if __name__ == "__main__":
    main()
