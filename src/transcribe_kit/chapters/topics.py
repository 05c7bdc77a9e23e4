"""Topic chapters: where the conversation moves on, found from the words alone.

The transcript is cut into sentence units.  A chapter may open only where a
turn opens (or a paragraph, or inside a long monologue a sentence), and the
introductions at the start form the untitled opening chapter.  Every other
place gets a score that adds up these signals, each in standard units, over
``window_ms`` of speech either side (the signals are in ``signals.py``):

- lexical cohesion: nltk's TextTiling depth score (stop-words passed in, since
  nltk's own list is not available offline);
- meaning: how much the sentence embeddings (the offline MiniLM model) of the
  words before and after the place differ, as a depth score; and whether the
  turn opening there relates more to what follows than to what went before
  (a new question sets the agenda; a follow-up refers back);
- structure: a turn by the host, and a question in it, is where a new topic is
  usually raised; any turn start, and a long pause, count a little.

The best places are chosen greedily, never closer than ``min_chapter_ms`` to
one another; their number is ``count`` when given, otherwise every place that
stands out (a score above the mean of the local peaks, the best places within
half a chapter of themselves, by ``cutoff`` standard deviations), and any
chapter longer than ``max_chapter_ms`` is split at its best place.

When the speakers and the host are known, the host's turns that point ahead
open the chapters instead (``hostled.py``); then a guest's turn may open one
too, where the host did not just open a topic (the host's turn before it is a
follow-up) and the guest's turn stands out by the scores above just as it
would without a host: a guest who moves the talk on by themselves.
"""
from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from ..document import MUSIC, Chapter, Transcript
from . import hostled
from .signals import embed, embedding_scores, forward_scores, tiling_scores
from .units import OPENING, ChapterOptions, Unit, units

MIN_PEAKS = 5  # fewer local peaks than this (a short recording) are too few to judge a cutoff among


def structure_prior(u: Unit, options: ChapterOptions) -> float:
    return (options.turn_weight * u.opens_turn + options.host_weight * u.host
            + options.question_weight * (u.host and u.question_turn))


def candidates(doc: Transcript, us: list[Unit], options: ChapterOptions) -> list[int]:
    """Units that may open a chapter: turn and paragraph starts; before diarisation (one
    speaker), also sentences inside turns long enough to hold a whole chapter."""
    if len({w.speaker for w in doc.words}) > 1:
        return [i for i, u in enumerate(us) if i > 0 and u.opens_paragraph]
    long_turn = np.zeros(len(us), dtype=bool)
    turn_of, current = [], -1
    for i, u in enumerate(us):
        current += u.opens_turn or i == 0
        turn_of.append(current)
    spans: dict[int, list[int]] = {}
    for i, t in enumerate(turn_of):
        spans.setdefault(t, []).append(i)
    for members in spans.values():
        first, last = us[members[0]], us[members[-1]]
        if doc.words[last.end - 1].end_ms - first.start_ms >= options.min_chapter_ms:
            long_turn[members] = True
    return [i for i, u in enumerate(us) if i > 0 and (u.opens_paragraph or long_turn[i])]


def _standard(values: np.ndarray) -> np.ndarray:
    std = values.std()
    return (values - values.mean()) / std if std > 0 else np.zeros_like(values)


# ---- choosing the places --------------------------------------------------------

_INTRODUCTION = re.compile(r"(?:\b[Mm]y name(?:'s| is)|\bI'm|\bI am)\s+(?:Dr\.?\s+|Professor\s+)?[A-Z][\w'-]+")


def opening_end(us: list[Unit], cands: list[int], scores: dict[int, float],
                options: ChapterOptions) -> int | None:
    """The unit after the introductions ("I'm Jo Todd...", "My name is..."), or None.

    After the last self-introduction near the start, the opening ends at the host's next
    turn (or the next turn when no host is known); when turns are not known, at the best
    place within half a chapter."""
    intro = [i for i, u in enumerate(us) if u.start_ms <= options.opening_search_ms
             and _INTRODUCTION.search(u.text)]
    if not intro:
        return None
    last = intro[-1]
    after = [c for c in cands if c > last]
    turns = [c for c in after if us[c].host] or [c for c in after if us[c].opens_turn]
    if turns and us[turns[0]].start_ms - us[last].start_ms <= options.min_chapter_ms:
        return turns[0]
    near = [c for c in after if us[c].start_ms - us[last].start_ms <= options.min_chapter_ms // 2]
    return max(near, key=lambda c: scores[c]) if near else None


def window_words(doc: Transcript, options: ChapterOptions) -> int:
    """``window_ms`` of speech as a number of words, at this episode's speaking rate."""
    span = max(doc.words[-1].end_ms - doc.words[0].start_ms, 1)
    return max(int(len(doc.words) * options.window_ms / span), 2 * options.tiling_w)


def score_places(doc: Transcript, us: list[Unit], cands: list[int], options: ChapterOptions,
                 vectors: np.ndarray | None = None) -> dict[int, float]:
    """Each candidate's score: lexical depth + embedding depth (standardised) + structure.
    ``vectors``: the units' embeddings, when already computed."""
    idx = np.asarray(cands, dtype=int)
    width = window_words(doc, options)
    total = options.tiling_weight * _standard(tiling_scores(us, width, options)[idx])
    if options.use_embeddings:
        vectors = embed([u.text for u in us]) if vectors is None else vectors
        total = total + options.depth_weight * _standard(embedding_scores(us, vectors, width)[idx])
        total = total + options.forward_weight * _standard(forward_scores(us, vectors, width)[idx])
    pauses = np.array([doc.words[us[c].start].start_ms - doc.words[us[c].start - 1].end_ms for c in cands],
                      dtype=float)
    total = total + np.clip(_standard(pauses), 0, 3) * options.turn_weight
    prior = np.array([structure_prior(us[c], options) for c in cands])
    music = options.music_weight * music_before(doc, [us[c].start for c in cands])
    return dict(zip(cands, (total + prior + music).tolist()))


STING_SLACK_MS = 500  # word edges are a little uncertain: music this close to the pause still lies in it


def music_before(doc: Transcript, starts: list[int]) -> np.ndarray:
    """1 where music with no speech over it (a sting) lies in the pause before word ``starts[i]``."""
    stings = [(s.start_ms, s.end_ms) for s in doc.sounds if s.kind == MUSIC]
    out = np.zeros(len(starts))
    for i, k in enumerate(starts):
        if k:
            before, after = doc.words[k - 1].end_ms, doc.words[k].start_ms
            out[i] = any(before - STING_SLACK_MS <= a and b <= after + STING_SLACK_MS for a, b in stings)
    return out


def peak_cutoff(us: list[Unit], scores: dict[int, float], pool: list[int], options: ChapterOptions) -> float:
    """Mean + ``cutoff`` std of the local peaks (the best places within half a chapter of
    themselves), so the cutoff does not depend on how many candidates there are."""
    half = options.min_chapter_ms // 2
    peaks = [c for c in pool if all(scores[c] >= scores[o] for o in pool
                                    if abs(us[o].start_ms - us[c].start_ms) < half)]
    values = np.array([scores[c] for c in (peaks if len(peaks) >= MIN_PEAKS else pool)])
    return float(values.mean() + options.cutoff * values.std()) if len(values) else np.inf


def choose(us: list[Unit], scores: dict[int, float], first: int, end_ms: int,
           options: ChapterOptions, threshold: float | None = None, chosen: tuple[int, ...] = ()) -> list[int]:
    """Greedy: best places first, none within ``min_chapter_ms`` of another (``chosen``
    included) or of the edges.  With no count, places must score above ``threshold``
    (default: the peaks' cutoff)."""
    pool = [c for c in scores if c > first]
    if not pool:
        return list(chosen)
    limit = options.count if options.count is not None else len(pool) + len(chosen)
    cutoff = -np.inf if options.count is not None else peak_cutoff(us, scores, pool, options)
    if options.count is None and threshold is not None:
        cutoff = threshold
    edges = [us[first].start_ms, end_ms, *(us[c].start_ms for c in chosen)]
    picked = list(chosen)
    for c in sorted(pool, key=lambda c: -scores[c]):
        if len(picked) >= limit or scores[c] <= cutoff:
            break
        if all(abs(us[c].start_ms - t) >= options.min_chapter_ms for t in edges):
            picked.append(c)
            edges.append(us[c].start_ms)
    return sorted(picked)


def unprompted_guest_turns(us: list[Unit], agenda: dict[int, float], general: dict[int, float]) -> dict[int, float]:
    """The scores (``score_places``) of the guest turns that may open a chapter in a host-led
    conversation: those the host did not just open a topic for (the host's turn before them
    does not point ahead), where a guest moves the talk on by themselves."""
    out, prompted = {}, False
    for i, u in enumerate(us):
        if u.host:
            prompted = agenda.get(i, 0.0) > 0
        elif u.opens_turn and i in general and not prompted:
            out[i] = general[i]
    return out


def host_led_places(doc: Transcript, us: list[Unit], vectors: np.ndarray, agenda: dict[int, float], first: int,
                    end_ms: int, options: ChapterOptions) -> list[int]:
    """Chapter starts when a host leads: the host's turns that point ahead, then the guests'
    turns that move the talk on unprompted and stand out (judged against every place, as
    without a host).  A given count is filled from those first, then from the other host
    turns and the other unprompted guest turns, best first."""
    general = score_places(doc, us, candidates(doc, us, options), options, vectors)
    cutoff = peak_cutoff(us, general, [c for c in general if c > first], options)
    guests = unprompted_guest_turns(us, agenda, general)
    pools = [{c: v for c, v in agenda.items() if v > 0}, {c: v for c, v in guests.items() if v > cutoff}]
    if options.count is not None:
        pools += [agenda, guests]
    places: list[int] = []
    for pool in pools:
        places = choose(us, pool, first, end_ms, options, threshold=-np.inf, chosen=tuple(places))
    return places


def _split_long(us, scores, chosen, first, end_ms, options) -> list[int]:
    if options.count is not None:
        return chosen
    starts = [first, *chosen]
    for a, b in zip(starts, [*chosen, None]):
        stop = us[b].start_ms if b is not None else end_ms
        if stop - us[a].start_ms <= options.max_chapter_ms:
            continue
        inside = [c for c in scores if us[a].start_ms + options.min_chapter_ms <= us[c].start_ms
                  <= stop - options.min_chapter_ms]
        if inside:
            best = max(inside, key=lambda c: scores[c])
            return _split_long(us, scores, sorted([*chosen, best]), first, end_ms, options)
    return chosen


def segment(doc: Transcript, options: ChapterOptions = ChapterOptions()) -> Transcript:
    """A new Transcript with ``chapters``: the untitled opening, then one per topic (no headings yet)."""
    if not doc.words:
        return replace(doc, chapters=())
    us = units(doc, options)
    end_ms = doc.duration_ms or doc.words[-1].end_ms
    host_led = options.host_led and options.use_embeddings and hostled.is_host_led(doc, us)
    if host_led:
        vectors = embed([u.text for u in us])
        scores = hostled.agenda_scores(us, vectors)
        cands = sorted(scores)
    else:
        cands = candidates(doc, us, options)
        scores = score_places(doc, us, cands, options) if cands else {}
    opening = opening_end(us, cands, scores, options)
    if options.count is not None:  # the first topic chapter opens after the introductions (or at the start)
        options = replace(options, count=max(options.count - 1, 0))
    first = opening if opening is not None else 0
    if host_led:
        places = host_led_places(doc, us, vectors, scores, first, end_ms, options)
    else:
        places = choose(us, scores, first, end_ms, options)
    places = _split_long(us, scores, places, first, end_ms, options)
    doc = open_paragraphs(doc, [us[p].start for p in [first, *places] if p])
    untitled = opening is not None or not places  # one chapter for everything needs no heading
    chapters = [Chapter(start_ms=doc.words[0].start_ms, source=OPENING if untitled else "auto")]
    chapters += [Chapter(start_ms=us[p].start_ms) for p in ([opening] if opening is not None else []) + places]
    return replace(doc, chapters=tuple(chapters))


def open_paragraphs(doc: Transcript, word_indices: list[int]) -> Transcript:
    """Make each of these words open a paragraph, so a chapter heading can sit before it."""
    wanted = set(word_indices)
    turns = []
    for t in doc.turns:
        extra = {i for i in wanted if t.start < i < t.end} - set(t.paragraphs)
        turns.append(replace(t, paragraphs=tuple(sorted({*t.paragraphs, *extra}))) if extra else t)
    return replace(doc, turns=tuple(turns))
