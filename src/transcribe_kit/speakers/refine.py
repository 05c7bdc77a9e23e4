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

from ..audio import Audio
from ..document import Speaker, Transcript, Word
from .assign import phrases


@dataclass(frozen=True)
class RefineOptions:
    enabled: bool = True
    pause_ms: int = 400  # phrases end at sentence ends and pauses this long (as in align)
    min_stretch_ms: int = 1500  # shorter stretches are not embedded and keep their voice
    max_stretch_ms: int = 10_000  # consecutive phrases of one voice are merged up to this
    margin: float = 0.05  # a stretch of an unnamed cluster moves only when this much nearer another voice
    # A cluster whose centroid is this similar to a named voice is (partly) that voice.  Same-speaker
    # stretch centroids measured >= 0.97, different voices <= 0.94 (podcast_004's closest pair, which
    # share one synthetic base voice; real voices are further apart).
    explain_similarity: float = 0.95
    min_seed_score: float = 2.0  # a turn's evidence must reach this to be a labelled example
    rounds: int = 2


@dataclass(frozen=True)
class Stretch:
    start: int  # word range [start, end)
    end: int
    speaker: str


def stretches(words: tuple[Word, ...], options: RefineOptions, breaks: frozenset[int] = frozenset()) -> list[Stretch]:
    """One speaker's runs of phrases, each at most ``max_stretch_ms`` long (unless one phrase is).

    A stretch never crosses a word index in ``breaks`` (where a labelled example starts or ends).
    """
    out: list[Stretch] = []
    for a, b in _runs(words, options.pause_ms, breaks):
        speaker = words[a].speaker
        last = out[-1] if out else None
        if (last and last.speaker == speaker and last.end == a and a not in breaks
                and words[b - 1].end_ms - words[last.start].start_ms <= options.max_stretch_ms):
            out[-1] = replace(last, end=b)
        else:
            out.append(Stretch(a, b, speaker))
    return out


def _runs(words: tuple[Word, ...], pause_ms: int, breaks: frozenset[int]) -> list[tuple[int, int]]:
    """Phrases, further cut wherever the speaker changes inside one (or at a break)."""
    out = []
    for a, b in phrases(words, pause_ms):
        start = a
        for i in range(a + 1, b + 1):
            if i == b or i in breaks or words[i].speaker != words[start].speaker:
                out.append((start, i))
                start = i
    return out


def seed_spans(doc: Transcript, evidence, min_score: float) -> list[tuple[int, int, str]]:
    """Word ranges that the evidence ties to one person: ``(start, end, person)``.

    An introduction speaks for the words from it to the next introduction in
    its turn; any other turn counts whole when its evidence names exactly one
    person strongly enough.
    """
    spans = [(e.span[0], e.span[1], e.person) for e in evidence if e.span and e.weight >= min_score]
    introduced = {e.turn for e in evidence if e.span}
    per_turn: dict[int, Counter] = defaultdict(Counter)
    for e in evidence:
        per_turn[e.turn][e.person] += e.weight
    for t, scores in per_turn.items():
        positive = [(v, p) for p, v in scores.items() if v > 0]
        if t not in introduced and len(positive) == 1 and positive[0][0] >= min_score:
            spans.append((doc.turns[t].start, doc.turns[t].end, positive[0][1]))
    return spans


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-8)


def refine(doc: Transcript, source: Audio, encoder, evidence=(), library: dict[str, np.ndarray] | None = None,
           options: RefineOptions = RefineOptions(), max_voices: int | None = None) -> tuple[Transcript, dict[str, np.ndarray]]:
    """Words re-assigned to voices; returns the new Transcript and each speaker's centroid.

    ``max_voices`` (the exact speaker count, when known) caps the voices kept.
    """
    seeds = seed_spans(doc, evidence, options.min_seed_score) if options.enabled else []
    parts = stretches(doc.words, options, frozenset(x for a, b, _ in seeds for x in (a, b)))
    if not parts:
        return doc, {}
    fixed = {i: "person:" + name for i, s in enumerate(parts) for a, b, name in seeds if a <= s.start and s.end <= b}
    long = [i for i, s in enumerate(parts)  # labelled examples are too precious to skip for length
            if doc.words[s.end - 1].end_ms - doc.words[s.start].start_ms >= (0 if i in fixed else options.min_stretch_ms)]
    vectors = encoder.embed_many(source.slice_ms(doc.words[parts[i].start].start_ms,
                                                 doc.words[parts[i].end - 1].end_ms) for i in long)
    emb = {i: v for i, v in zip(long, vectors) if np.all(np.isfinite(v))}
    voice_of = {i: fixed.get(i, "cluster:" + s.speaker) for i, s in enumerate(parts)}
    if options.enabled:
        voice_of = _follow_neighbours(_reassign(voice_of, emb, fixed, library or {}, parts, options), parts, emb)
        voice_of = _at_most(voice_of, emb, parts, max_voices, doc.words, _seeded(fixed, parts))
    new_doc, ids = _relabel(doc, parts, voice_of)
    return new_doc, {ids[k]: v for k, v in _centroids(voice_of, emb, {}).items() if k in ids}


def _reassign(voice_of: dict[int, str], emb: dict[int, np.ndarray], fixed: dict[int, str],
              library: dict[str, np.ndarray], parts: list[Stretch], options: RefineOptions) -> dict[int, str]:
    """Move stretches to their nearest voice, a few rounds.

    A cluster is explained by the people whose labelled examples lie in it and
    by named voices whose centroid is close to its own: each of its stretches
    goes to the nearest of those.  A stretch of a cluster that nothing
    explains moves only when clearly (``margin``) nearer another voice.
    """
    free = {i: v for i, v in emb.items() if i not in fixed}
    origin = {i: "cluster:" + s.speaker for i, s in enumerate(parts)}
    clusters = _centroids(origin, free, {})
    seeded = _seeded(fixed, parts)
    voice_of = dict(voice_of)
    for _ in range(options.rounds):
        named = {k: c for k, c in _centroids({i: voice_of[i] for i in emb}, emb, library).items()
                 if k.startswith("person:")}
        explained = {k: sorted(set(seeded.get(k, ())) & set(named) | {n for n, c in named.items()
                                                       if float(clusters[k] @ c) >= options.explain_similarity})
                     for k in clusters}
        centroids = {**named, **{k: c for k, c in clusters.items() if not explained[k]}}
        for i, v in free.items():
            if explained[origin[i]]:
                voice_of[i] = max(explained[origin[i]], key=lambda n: float(v @ named[n]))
                continue
            sims = {k: float(v @ c) for k, c in centroids.items()}
            best = max(sims, key=sims.get)
            if sims[best] - sims[origin[i]] >= options.margin:
                voice_of[i] = best
    return voice_of


def _seeded(fixed: dict[int, str], parts: list[Stretch]) -> dict[str, Counter]:
    """For each cluster, how many labelled examples of each person lie in it."""
    seeded: dict[str, Counter] = defaultdict(Counter)
    for i, person in fixed.items():
        seeded["cluster:" + parts[i].speaker][person] += 1
    return seeded


def _at_most(voice_of: dict[int, str], emb: dict[int, np.ndarray], parts: list[Stretch], limit: int | None,
             words: tuple[Word, ...], seeded: dict[str, Counter]) -> dict[int, str]:
    """Merge the least-heard unnamed voices until ``limit`` remain: into the person whose
    examples lie in that cluster, else into the nearest voice."""
    voice_of = dict(voice_of)
    while limit and len(set(voice_of.values())) > limit:
        heard: Counter = Counter()
        for i, s in enumerate(parts):
            heard[voice_of[i]] += words[s.end - 1].end_ms - words[s.start].start_ms
        unnamed = [k for k in heard if not k.startswith("person:")]
        if not unnamed:
            break
        smallest = min(unnamed, key=heard.get)
        centroids = _centroids(voice_of, emb, {})
        others = [k for k in centroids if k != smallest]
        if seeded.get(smallest):
            target = seeded[smallest].most_common(1)[0][0]
        elif smallest not in centroids or not others:
            target = max((k for k in heard if k != smallest), key=heard.get)
        else:
            target = max(others, key=lambda k: float(centroids[smallest] @ centroids[k]))
        voice_of = {i: target if v == smallest else v for i, v in voice_of.items()}
    return voice_of


def _follow_neighbours(voice_of: dict[int, str], parts: list[Stretch], emb: dict[int, np.ndarray]) -> dict[int, str]:
    """A stretch too short to embed goes with the nearest embedded stretch of its cluster,
    when its cluster's long stretches have all moved to other voices."""
    kept = {voice_of[i] for i in emb}
    out = dict(voice_of)
    for i, s in enumerate(parts):
        if i in emb or voice_of[i] in kept or not voice_of[i].startswith("cluster:"):
            continue
        same = [j for j in emb if parts[j].speaker == s.speaker]
        if same:
            out[i] = voice_of[min(same, key=lambda j: abs(j - i))]
    return out


def _centroids(voice_of: dict[int, str], emb: dict[int, np.ndarray], library: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    members: dict[str, list[np.ndarray]] = defaultdict(list)
    for i, v in emb.items():
        members[voice_of[i]].append(v)
    for name, vec in library.items():
        members["person:" + name].append(_unit(np.asarray(vec, dtype=np.float32)))
    return {k: _unit(np.mean(vs, axis=0)) for k, vs in members.items() if vs}


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
