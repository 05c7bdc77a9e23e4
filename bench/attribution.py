"""Who said what, without reference times: hypothesis words aligned to untimed reference turns by text.

A reference given as speaker turns with no times (a published transcript,
``nasa_hwhap414_science_in_space.turns.json``) cannot be scored with DER.
Instead the recognised words are aligned to the reference words by their
text (difflib on normalised tokens); every reference word that found its
recognised word is then checked for its speaker:

- ``mapped``: each recognised voice counts as the reference speaker it was
  paired with by an optimal one-to-one assignment (Hungarian, on the word
  counts), as DER maps labels;
- ``named``: the voice's own label is compared with the reference name
  (first names, case-insensitive), so a voice counts only when it was named.

Turns count as right when most of their aligned words are right (mapped).
"""
from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def tokens(text: str) -> list[str]:
    """Lower-case word tokens, punctuation and hyphens dropped ("corn fields-" -> corn, fields)."""
    return _WORD.findall(text.lower().replace("’", "'"))


@dataclass(frozen=True)
class Attribution:
    ref_words: int  # words in the reference
    aligned: int  # reference words matched to a recognised word by text
    mapped_right: int  # aligned words whose voice maps to the right speaker
    named_right: int  # aligned words whose voice is named as the right speaker
    turns: int  # reference turns with at least one aligned word
    turns_right: int  # of those, turns whose aligned words mostly map to the right speaker
    mapping: dict[str, str]  # recognised voice -> reference speaker
    wrong_turns: tuple[int, ...]  # indices of the reference turns counted wrong

    @property
    def mapped_share(self) -> float:
        return self.mapped_right / self.aligned if self.aligned else 0.0

    @property
    def named_share(self) -> float:
        return self.named_right / self.aligned if self.aligned else 0.0

    @property
    def coverage(self) -> float:
        return self.aligned / self.ref_words if self.ref_words else 0.0


def attribute(ref_turns: list[dict], hyp_words: list[tuple[str, str | None]]) -> Attribution:
    """Score ``hyp_words`` ((text, voice label) in time order) against ``ref_turns`` ([{speaker, text}])."""
    ref: list[tuple[str, str, int]] = [(tok, t["speaker"], i) for i, t in enumerate(ref_turns) for tok in tokens(t["text"])]
    hyp: list[tuple[str, str]] = [(tok, voice or "?") for text, voice in hyp_words for tok in tokens(text)]
    matcher = difflib.SequenceMatcher(None, [r[0] for r in ref], [h[0] for h in hyp], autojunk=False)
    pairs = [(a + k, b + k) for a, b, n in matcher.get_matching_blocks() for k in range(n)]
    counts = Counter((hyp[b][1], ref[a][1]) for a, b in pairs)
    mapping = _best_mapping(counts)
    per_turn: dict[int, list[bool]] = {}
    mapped = named = 0
    for a, b in pairs:
        voice, truth = hyp[b][1], ref[a][1]
        ok = mapping.get(voice) == truth
        mapped += ok
        named += _same_name(voice, truth)
        per_turn.setdefault(ref[a][2], []).append(ok)
    wrong = tuple(sorted(i for i, oks in per_turn.items() if sum(oks) * 2 <= len(oks)))
    return Attribution(len(ref), len(pairs), mapped, named, len(per_turn), len(per_turn) - len(wrong),
                       mapping, wrong)


def _best_mapping(counts: Counter) -> dict[str, str]:
    from scipy.optimize import linear_sum_assignment

    voices = sorted({v for v, _ in counts})
    truths = sorted({t for _, t in counts})
    if not voices or not truths:
        return {}
    table = np.array([[counts.get((v, t), 0) for t in truths] for v in voices])
    rows, cols = linear_sum_assignment(-table)
    return {voices[r]: truths[c] for r, c in zip(rows, cols) if table[r, c] > 0}


def _same_name(voice: str, truth: str) -> bool:
    first = voice.split()[0].lower() if voice.strip() else ""
    return first == truth.split()[0].lower()
