"""Helpers shared by the benchmarks: corpus paths and score.py."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TRANSCRIBE_KIT_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
sys.path.insert(0, str(ROOT / "src"))


def episode_audio(name: str) -> Path:
    path = CORPUS / name / f"{name}.mp3"
    if not path.exists():
        sys.exit(f"bench: {path} not found (is ../shared beside the project?)")
    return path


def score(episode: str | Path, *args: str) -> dict:
    """Run shared/corpus/score.py and return its JSON line.

    ``episode`` is a corpus episode's name, or a Path to any reference score.py
    reads (an episode folder or its NAME prefix, e.g. one made by tools/make_event.py)."""
    ref = episode if isinstance(episode, Path) else CORPUS / episode
    cmd = [sys.executable, str(CORPUS / "score.py"), "--ref", str(ref), "--json-only", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def words_json(doc, path: Path) -> Path:
    """Write a Transcript's words in score.py's --hyp-words form."""
    rows = [{"word": w.text, "start": w.start_ms / 1000, "end": w.end_ms / 1000,
             **({"speaker": (doc.speaker(w.speaker).full if doc.speaker(w.speaker) else w.speaker)} if w.speaker else {})}
            for w in doc.words]
    path.write_text(json.dumps(rows))
    return path


def table(headers: list[str], rows: list[list]) -> str:
    cells = [headers] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths)) + " |" for r in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def bare(token: str) -> str:
    return re.sub(r"(['’]s)$", "", token.strip(" .,;:!?\"'“”‘’()[]…-"))


def alignment(ref: list[str], hyp: list[str]) -> dict[int, int]:
    """Reference index -> output index, from a word-level edit alignment (case-folded)."""
    from rapidfuzz.distance import Levenshtein

    pairs = {}
    for op in Levenshtein.opcodes([w.casefold() for w in ref], [w.casefold() for w in hyp]):
        if op.tag in ("equal", "replace") and op.src_end - op.src_start == op.dest_end - op.dest_start:
            for k in range(op.src_end - op.src_start):
                pairs[op.src_start + k] = op.dest_start + k
    return pairs
