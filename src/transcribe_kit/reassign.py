"""Let the names fix the voices: re-assign stretches of speech to the nearest voice.

Clustering short windows merges similar voices and splits others.  Here
every stretch of one speaker's speech (phrases merged up to ``max_stretch_ms``)
is embedded as a whole, which is far more reliable than a 5 s window.  Turns
that introductions and hand-overs tie to one participant are labelled
examples of that person's voice (and so are voices from the library); a
cluster whose centroid is close to a named voice *is* that voice.  Every
stretch then moves to the voice it is nearest to, when it is clearly nearer
than to its own, for a few rounds with the centroids recomputed.  With no
names at all this is a plain nearest-centroid clean-up of the clusters.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace

import numpy as np

from .align import phrases
from .audio import Audio
from .document import Speaker, Transcript, Word


@dataclass(frozen=True)
class RefineOptions:
    enabled: bool = True
    pause_ms: int = 400  # phrases end at sentence ends and pauses this long (as in align)
    min_stretch_ms: int = 1500  # shorter stretches are not embedded and keep their voice
    max_stretch_ms: int = 10_000  # consecutive phrases of one voice are merged up to this
    margin: float = 0.05  # a stretch moves only when this much more similar to another voice
    explain_similarity: float = 0.85  # a cluster this close to a named voice is that voice
    min_seed_score: float = 2.0  # a turn's evidence must reach this to be a labelled example
    rounds: int = 2


@dataclass(frozen=True)
class Stretch:
    start: int  # word range [start, end)
    end: int
    speaker: str


def stretches(words: tuple[Word, ...], options: RefineOptions) -> list[Stretch]:
    """One speaker's runs of phrases, each at most ``max_stretch_ms`` long (unless one phrase is)."""
    out: list[Stretch] = []
    for a, b in _runs(words, options.pause_ms):
        speaker = words[a].speaker
        last = out[-1] if out else None
        if (last and last.speaker == speaker and last.end == a
                and words[b - 1].end_ms - words[last.start].start_ms <= options.max_stretch_ms):
            out[-1] = replace(last, end=b)
        else:
            out.append(Stretch(a, b, speaker))
    return out


def _runs(words: tuple[Word, ...], pause_ms: int) -> list[tuple[int, int]]:
    """Phrases, further cut wherever the speaker changes inside one."""
    out = []
    for a, b in phrases(words, pause_ms):
        start = a
        for i in range(a + 1, b + 1):
            if i == b or words[i].speaker != words[start].speaker:
                out.append((start, i))
                start = i
    return out


def seed_turns(evidence, n_turns: int, min_score: float) -> dict[int, str]:
    """Turns whose evidence names one person clearly: turn index -> person name."""
    per_turn: dict[int, Counter] = defaultdict(Counter)
    for e in evidence:
        per_turn[e.turn][e.person] += e.weight
    seeds = {}
    for t, scores in per_turn.items():
        positive = [(s, p) for p, s in scores.items() if s > 0]
        if len(positive) == 1 and positive[0][0] >= min_score and t < n_turns:
            seeds[t] = positive[0][1]
    return seeds


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-8)


def refine(doc: Transcript, source: Audio, encoder, evidence=(), library: dict[str, np.ndarray] | None = None,
           options: RefineOptions = RefineOptions()) -> tuple[Transcript, dict[str, np.ndarray]]:
    """Words re-assigned to voices; returns the new Transcript and each speaker's centroid."""
    parts = stretches(doc.words, options)
    if not parts:
        return doc, {}
    long = [i for i, s in enumerate(parts)
            if doc.words[s.end - 1].end_ms - doc.words[s.start].start_ms >= options.min_stretch_ms]
    vectors = encoder.embed_many([source.slice_ms(doc.words[parts[i].start].start_ms,
                                                  doc.words[parts[i].end - 1].end_ms) for i in long])
    emb = {i: v for i, v in zip(long, vectors) if np.all(np.isfinite(v))}
    seeds = seed_turns(evidence, len(doc.turns), options.min_seed_score) if options.enabled else {}
    fixed = _seeded(doc, parts, seeds)
    voice_of = _initial_voices(parts, emb, fixed, library or {}, options)
    for _ in range(options.rounds if options.enabled else 0):
        centroids = _centroids(voice_of, emb, library or {})
        for i, v in emb.items():
            if i in fixed or voice_of[i] not in centroids:
                continue
            sims = {name: float(v @ c) for name, c in centroids.items()}
            best = max(sims, key=sims.get)
            if sims[best] - sims[voice_of[i]] >= options.margin:
                voice_of[i] = best
    new_doc, ids = _relabel(doc, parts, voice_of)
    return new_doc, {ids[k]: v for k, v in _centroids(voice_of, emb, {}).items() if k in ids}


def _seeded(doc: Transcript, parts: list[Stretch], seeds: dict[int, str]) -> dict[int, str]:
    fixed = {}
    for t, name in seeds.items():
        turn = doc.turns[t]
        for i, s in enumerate(parts):
            if s.start >= turn.start and s.end <= turn.end:
                fixed[i] = "person:" + name
    return fixed


def _centroids(voice_of: dict[int, str], emb: dict[int, np.ndarray], library: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    members: dict[str, list[np.ndarray]] = defaultdict(list)
    for i, v in emb.items():
        members[voice_of[i]].append(v)
    for name, vec in library.items():
        members["person:" + name].append(_unit(np.asarray(vec, dtype=np.float32)))
    return {k: _unit(np.mean(vs, axis=0)) for k, vs in members.items() if vs}


def _initial_voices(parts, emb, fixed, library, options: RefineOptions) -> dict[int, str]:
    """Each stretch starts in its cluster's voice, or the named voice that cluster is."""
    voice_of = {i: fixed.get(i, "cluster:" + s.speaker) for i, s in enumerate(parts)}
    if not options.enabled:
        return voice_of
    named = {k: c for k, c in _centroids({i: voice_of[i] for i in fixed}, {i: emb[i] for i in fixed if i in emb},
                                         library).items()}
    clusters = _centroids({i: voice_of[i] for i in emb if i not in fixed}, {i: emb[i] for i in emb if i not in fixed}, {})
    alias = {}
    for key, c in clusters.items():
        if named:
            best = max(named, key=lambda n: float(c @ named[n]))
            if float(c @ named[best]) >= options.explain_similarity:
                alias[key] = best
    return {i: alias.get(v, v) if i not in fixed else v for i, v in voice_of.items()}


def _relabel(doc: Transcript, parts: list[Stretch], voice_of: dict[int, str]) -> tuple[Transcript, dict[str, str]]:
    """Fresh speaker ids S1, S2, ... in order of first speech."""
    ids: dict[str, str] = {}
    labels = []
    for i, s in enumerate(parts):
        sid = ids.setdefault(voice_of[i], f"S{len(ids) + 1}")
        labels += [sid] * (s.end - s.start)
    words = tuple(replace(w, speaker=lab) for w, lab in zip(doc.words, labels))
    speakers = tuple(Speaker(id=sid, label=f"Speaker {n}") for n, sid in enumerate(ids.values(), 1))
    return replace(doc, words=words, speakers=speakers), ids
