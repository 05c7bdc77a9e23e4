"""Places to check: runs of doubtful words, changes of voice, and names given on thin evidence.

A place is what an editor looks at once: one doubtful word (with the words around it
on screen), a change of voice, a name.  A doubtful word's neighbours are often part
of the same mistake, so they come later in the list (:func:`order`): a short list
covers many mistakes rather than a few long ones.
"""
from __future__ import annotations

import bisect
import hashlib
import heapq
from dataclasses import replace

from ..document import RECOVERED, UNRECOGNISED, ReviewPlace, Transcript
from . import model
from .signals import norm

SPEAKER_FEATURES = ("overlap", "short_turn", "close_gap", "small_voice", "inside", "other_voice", "own_unheard")


def place_id(kind: str, doc: Transcript, first: int, last: int) -> str:
    """Stable for the same words at the same times: a hash of the kind, the words' text and their times."""
    words = doc.words[first:last]
    text = " ".join(w.text for w in words)
    start, end = (words[0].start_ms, words[-1].end_ms) if words else (0, 0)
    return hashlib.sha1(f"{kind}\x1f{text}\x1f{start}\x1f{end}".encode("utf-8")).hexdigest()[:12]


def make(doc: Transcript, kind: str, first: int, last: int, score: float, reason: str,
         suggestion: str | None = None) -> ReviewPlace:
    words = doc.words[first:last]
    return ReviewPlace(id=place_id(kind, doc, first, last), kind=kind, words=(first, last),
                       start_ms=words[0].start_ms, end_ms=words[-1].end_ms, score=round(score, 3), reason=reason,
                       suggestion=suggestion)


# Reciprocal rank fusion's constant (Cormack, Clarke and Buettcher, SIGIR 2009), as published, not fitted.
FUSION_K = 60


def order(doubt: list[float], prior: list[float]) -> list[int]:
    """Word indices, most worth checking first.

    Two rankings are fused by reciprocal rank: the model's ``doubt`` (fitted on some voices) and the
    recogniser's own ``prior`` (1 - its probability, the anchor that holds on every voice), so that a
    model that carries badly to a new voice still cannot sink what the recogniser itself doubts.  Then,
    taking the words in that order, each word taken leaves its two neighbours worth only what they may
    add: a mistake often spans two words, and one of them brings an editor there, so a neighbour's doubts
    count ``1 - doubt`` of the word taken times as much (the chance that the word taken is right, when the
    neighbour's own mistake would be a mistake of its own), and they take the place that gives them among
    all the words.  A flat half before: the same or more found on every recording and budget but one
    (bench/README.md "Review queue").
    """
    tables = [sorted(values) for values in (doubt, prior)]

    def fused(i: int, factor: float = 1.0) -> float:  # a value's rank: how many words have more (ties share)
        return sum(1.0 / (FUSION_K + len(table) - bisect.bisect_right(table, values[i] * factor))
                   for table, values in zip(tables, (doubt, prior)))

    value = [fused(i) for i in range(len(doubt))]
    heap = [(-v, i) for i, v in enumerate(value)]
    heapq.heapify(heap)
    taken, factor, out = [False] * len(value), [1.0] * len(value), []
    while heap:
        v, i = heapq.heappop(heap)
        if taken[i] or -v != value[i]:
            continue  # taken already, or an entry from before the word was lowered
        taken[i] = True
        out.append(i)
        for j in (i - 1, i + 1):
            if 0 <= j < len(value) and not taken[j]:
                factor[j] *= 1.0 - doubt[i]
                value[j] = fused(j, factor[j])
                heapq.heappush(heap, (-value[j], j))
    return out


def recogniser_doubt(doc: Transcript, known: frozenset[str] = frozenset()) -> list[float]:
    """1 - the recogniser's probability of each word (0 where it gave none): the ranking :func:`order`
    fuses with the model's.  A word that spells a rare word of the episode's names (``known``: of the
    names the recogniser was told to expect, :func:`signals.vocabulary_keys`) counts as sure here: a rare
    name comes out of unusual tokens at a low probability even when heard right (on podcast_004_full
    the guests' names were 22 of the first 100 places, all right), and the model weighs it by its own
    ``known`` signal."""
    return [0.0 if norm(w.text) in known else 1.0 - (1.0 if w.probability is None else w.probability)
            for w in doc.words]


def word_places(doc: Transcript, doubt: list[float], prior: list[float], suggestions: dict[int, str],
                reasons: list[str], reach: float) -> list[tuple[float, ReviewPlace]]:
    """A one-word place for each of the first ``reach`` of the words in :func:`order`, with its priority.

    Its score is its own calibrated chance of touching a mistake; its priority in the list is the chance
    of the word at the same position in the model's own ranking, so places of other kinds (scored in
    chances too) fall in between at the right height."""
    ranked = order(doubt, prior)
    levels = sorted(doubt, reverse=True)
    out = []
    for position, i in enumerate(ranked[:max(1, int(reach * len(ranked)))]):
        score = model.predict("place", (model.logit(doubt[i]),))
        priority = model.predict("place", (model.logit(levels[position]),))
        out.append((priority, make(doc, "words", i, i + 1, score, reasons[i].replace("these words", "this word"),
                                   suggestions.get(i))))
    return out


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _covered(spans: list[tuple[int, int]], starts: list[int], a: int, b: int) -> int:
    """Milliseconds of [a, b) inside ``spans`` (merged, in order; ``starts`` their starts)."""
    total, j = 0, bisect.bisect_left(starts, b) - 1
    while j >= 0 and spans[j][1] > a:
        total += max(0, min(b, spans[j][1]) - max(a, spans[j][0]))
        j -= 1
    return total


def coverage(doc: Transcript) -> list[tuple[float, float]]:
    """For each word, the share of it the diarisation heard in its own voice, and in any other voice."""
    ids = {w.speaker for w in doc.words}
    own = {v: _merged([(s.start_ms, s.end_ms) for s in doc.segments if s.speaker == v]) for v in ids}
    other = {v: _merged([(s.start_ms, s.end_ms) for s in doc.segments if s.speaker != v]) for v in ids}
    starts = {k: {v: [a for a, _ in spans[v]] for v in ids} for k, spans in (("own", own), ("other", other))}
    out = []
    for w in doc.words:
        length = max(1, w.end_ms - w.start_ms)
        a, b = w.start_ms, max(w.end_ms, w.start_ms + 1)
        out.append((_covered(own[w.speaker], starts["own"][w.speaker], a, b) / length,
                    _covered(other[w.speaker], starts["other"][w.speaker], a, b) / length))
    return out


def speaker_rows(doc: Transcript) -> list[tuple[int, int, tuple[float, ...]]]:
    """Candidate speaker places: (first, last, SPEAKER_FEATURES) at every change of voice, and for words the
    diarisation heard in another voice as much as in their own (or hardly in their own)."""
    words = doc.words
    if len({w.speaker for w in words}) < 2 or not doc.segments:
        return []
    cover = coverage(doc)
    counts: dict[str | None, int] = {}
    for w in words:
        counts[w.speaker] = counts.get(w.speaker, 0) + 1
    turn_len = {k: t.end - t.start for t in doc.turns for k in range(t.start, t.end)}

    def row(first: int, last: int, close: float, inside: float) -> tuple[float, ...]:
        span = range(first, last)
        small = min(counts[words[k].speaker] for k in span) < 0.05 * len(words)
        return (float(any(cover[k][1] > 0 for k in span)), float(min(turn_len.get(k, 99) for k in span) <= 2), close,
                float(small), inside, max((cover[k][1] - cover[k][0] + 1) / 2 for k in span),
                max(1 - min(1.0, cover[k][0]) for k in span))

    out = []
    for j in range(1, len(words)):
        if words[j].speaker != words[j - 1].speaker:  # one word, on the side the diarisation heard less clearly
            k = j if cover[j][0] - cover[j][1] <= cover[j - 1][0] - cover[j - 1][1] else j - 1
            out.append((k, k + 1, row(j - 1, j + 1, float(words[j].start_ms - words[j - 1].end_ms < 150), 0.0)))
    edges = {k for first, last, _ in out for k in range(first, last)}
    doubtful = [k for k, (own, other) in enumerate(cover) if k not in edges and (other >= own - 0.1 or own < 0.5)]
    for first, last in _joined(doubtful, words):
        out.append((first, last, row(first, last, 0.0, 1.0)))
    return out


def _joined(doubtful: list[int], words, max_words: int = 4) -> list[tuple[int, int]]:
    """Doubtful words next to each other, of one voice, as one place (at most ``max_words``)."""
    out: list[tuple[int, int]] = []
    for k in doubtful:
        if out and out[-1][1] == k and k - out[-1][0] < max_words and words[k].speaker == words[k - 1].speaker:
            out[-1] = (out[-1][0], k + 1)
        else:
            out.append((k, k + 1))
    return out


PLAIN_CHANGE = "a change of speaker: check the words on each side belong to the right voice"


def _speaker_reason(row: tuple[float, ...]) -> str:
    f = dict(zip(SPEAKER_FEATURES, row))
    if f["other_voice"] > 0.7:
        return "the diarisation heard another voice here more than this one: these words may be the other person's"
    if f["overlap"] and f["own_unheard"] < 0.5:
        return "two voices at once; these words may be the other person's"
    if f["own_unheard"] >= 0.5:
        return "no voice was heard clearly here: check who says these words"
    if f["short_turn"]:
        return "a one- or two-word turn: it may belong to the voice around it"
    return PLAIN_CHANGE


def speaker_places(doc: Transcript, voice_weight: float = 1.0) -> list[tuple[float, ReviewPlace]]:
    """Each speaker place with its priority in the list: its chance of a wrong voice per word, counted
    ``voice_weight`` times where the diarisation itself heard a doubt (two voices, another voice more,
    none clearly, a one- or two-word turn).  A plain change of voice, both sides heard clearly, keeps its
    chance as it is: 50 of them on the six recordings with voices in their reference, none wrong
    (bench/README.md "Review queue")."""
    out = []
    for first, last, row in sorted(speaker_rows(doc)):
        reason = _speaker_reason(row)
        place = make(doc, "speaker", first, last, model.predict("speaker", row), reason)
        out.append((priority(place, 1.0 if reason == PLAIN_CHANGE else voice_weight), place))
    return out


def priority(place: ReviewPlace, weight: float = 1.0) -> float:
    """How worth checking a place other than a doubtful word is: its chance of a mistake per word to read
    (a two-word place at 0.6 after a one-word place at 0.4), ``weight`` times."""
    return weight * place.score / max(1, place.words[1] - place.words[0])


def name_places(doc: Transcript, weak: float) -> list[ReviewPlace]:
    """A place for each voice named without introducing themself: the name rests on others' words."""
    out = []
    for s in doc.speakers:
        if not s.name or any(e.startswith(("introduces themself", "renamed by an editor")) for e in s.evidence):
            continue
        first = next((i for i, w in enumerate(doc.words) if w.speaker == s.id), None)
        if first is None:
            continue
        why = "; ".join(s.evidence) if s.evidence else "no evidence recorded"
        single = len(s.evidence) <= 1
        out.append(make(doc, "name", first, first + 1, weak if single else weak / 2,
                        f"named {s.full} from {'one cue' if single else 'what others say'}: {why}"))
    return out


# The chance that a stretch of speech heard with no words, after a second decoding, is missing words: the
# detector heard speech there and nothing was written (bench/README.md "Sounds"); fixed, not fitted.
UNRECOGNISED_SCORE = 0.9
# Words recognised only on a second decoding of a stretch the first pass skipped: like any words, less sure.
RECOVERED_SCORE = 0.3
# A caption cue faster than anyone can read with all the time it may take: certain to break the rule; the
# editor decides whether to condense it, so it is listed as a place, not ranked as a likely mistake.
CONDENSE_SCORE = 0.5


def sound_places(doc: Transcript) -> list[ReviewPlace]:
    """Speech the recogniser gave no words (placed on the word before it, as a missing stretch is), and
    words that came only from decoding a skipped stretch again (the ``sounds`` stage)."""
    out = []
    starts = [w.start_ms for w in doc.words]
    for sound in doc.sounds:
        seconds = (sound.end_ms - sound.start_ms) / 1000
        if sound.kind == UNRECOGNISED and doc.words:
            k = max(1, bisect.bisect_left(starts, sound.start_ms))
            place = make(doc, UNRECOGNISED, k - 1, k, UNRECOGNISED_SCORE,
                         f"speech heard here ({seconds:.0f} s) that recognition could not put into words: "
                         "listen and type what is said")
            out.append(replace(place, start_ms=sound.start_ms, end_ms=sound.end_ms))
        elif sound.kind == RECOVERED:
            first = bisect.bisect_left(starts, sound.start_ms)
            last = bisect.bisect_right(starts, sound.end_ms)
            if last > first:
                out.append(make(doc, RECOVERED, first, last, RECOVERED_SCORE,
                                f"recognition skipped these {seconds:.0f} s at first; these words come from "
                                "decoding them again alone"))
    return out


def condense_places(doc: Transcript, captions) -> list[ReviewPlace]:
    """The caption cues no timing can make readable (``captions.cues_to_condense``): places to condense."""
    from ..captions import cues_to_condense

    return [make(doc, "condense", c.first_word, c.last_word + 1, CONDENSE_SCORE,
                 f"{c.figure} even with all the time its caption may take: too fast to read; condense it if the "
                 "house style allows") for c in cues_to_condense(doc, captions)]
