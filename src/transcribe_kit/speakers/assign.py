"""Words to speakers, with speaker changes only where a person could change.

Each word first gets the diarised speaker that overlaps it most (the
exclusive diarisation has one speaker at a time).  Diarisation edges are
fuzzy by a few hundred milliseconds, so the words are then grouped into
*phrases* (split at sentence ends and at pauses) and each phrase goes to
the speaker who holds most of its time: a turn never changes mid-phrase.
A phrase whose words clearly split in two (the recogniser missed a full
stop at a real change of speaker) is cut at its widest gap.  A one- or
two-word phrase by someone else inside another person's turn ("Yeah.") is
kept as its own turn only if it is audible on its own (its own diarised
speech, at a sentence end of the turn it interrupts); otherwise it joins the
surrounding turn, which is never split mid-sentence.  The first word or two of
a sentence that a pause cut off from the rest of it ("care. So | the Drive
Partnership came together") go with the rest, whoever the recogniser's timing
gave them to.
"""
from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, replace

from ..document import Word
from ..turns import ends_on_clitic, ends_sentence
from .segments import Segment


# Replies: what answers the voice before rather than finishes its sentence.  A phrase that is one of
# these ("engineering | got it.", the recogniser writing both voices into one sentence) keeps the
# voice the diarisation gave it, where a phrase that carries the sentence on joins it.
# A tuple, not a set: the options' repr is part of the stage cache's key, and a set's order changes
# from one process to the next.
REPLIES = ("yeah", "yes", "yep", "yup", "no", "nope", "okay", "ok", "alright", "right", "sure", "exactly",
           "absolutely", "definitely", "true", "wow", "oh", "ah", "mhm", "mm", "hmm", "uh-huh", "got it", "i see",
           "of course", "that's right", "great", "cool", "nice")


@dataclass(frozen=True)
class AlignOptions:
    pause_ms: int = 400  # a gap this long between words may hold a change of speaker
    nearest_ms: int = 1000  # a word outside every segment takes the nearest one this close
    split_min_words: int = 4  # inside a phrase, a speaker needs this many words in a row to take over
    backchannel_max_words: int = 2
    backchannel_min_ms: int = 200  # diarised speech the reply needs of its own
    # A phrase of at most this many words that lies mostly (overheard_share of its time) where
    # the diarisation hears a second voice over the main one is that voice's interjection
    # ("I love it." while the guest talks on): the recogniser writes both voices into one stream.
    # Not where that voice's own speech is within nearest_ms of the overlap: there the overlap is a
    # change of speaker blurred (the last voice trailing on, the next starting early), and the word
    # under it is whoever's turn the phrases say (pyannote sample: "Hello." and "Okay." had gone to
    # the voice before or after them).
    overheard_max_words: int = 4
    overheard_share: float = 0.6
    replies: tuple[str, ...] = REPLIES  # whole phrases, or any run of their one-word entries ("yeah, yeah")


def word_speakers(words: tuple[Word, ...], segments: tuple[Segment, ...],
                  options: AlignOptions = AlignOptions()) -> list[str | None]:
    """The speaker overlapping each word most (or the nearest one), in one sweep."""
    out: list[str | None] = []
    j = 0
    for w in words:
        while j < len(segments) and segments[j].end_ms <= w.start_ms - options.nearest_ms:
            j += 1
        best, best_key = None, None
        k = j
        while k < len(segments) and segments[k].start_ms < w.end_ms + options.nearest_ms:
            seg = segments[k]
            overlap = min(seg.end_ms, w.end_ms) - max(seg.start_ms, w.start_ms)
            key = overlap if overlap > 0 else overlap - 10_000  # any overlap beats nearness
            if best_key is None or key > best_key:
                best, best_key = seg.speaker, key
            k += 1
        out.append(best)
    return out


def overlap_ms(word: Word, speaker: str, segments: tuple[Segment, ...]) -> int:
    return sum(max(0, min(s.end_ms, word.end_ms) - max(s.start_ms, word.start_ms))
               for s in segments if s.speaker == speaker and s.start_ms < word.end_ms and s.end_ms > word.start_ms)


def phrases(words: tuple[Word, ...], pause_ms: int) -> list[tuple[int, int]]:
    """``[start, end)`` word ranges between sentence ends and pauses."""
    spans, start = [], 0
    for i in range(len(words)):
        last = i == len(words) - 1
        if last or ends_sentence(words[i]) or words[i + 1].start_ms - words[i].end_ms >= pause_ms:
            spans.append((start, i + 1))
            start = i + 1
    return spans


def _majority(labels: list[str | None], words: tuple[Word, ...]) -> str | None:
    weight: Counter = Counter()
    for label, w in zip(labels, words):
        if label is not None:
            weight[label] += max(w.end_ms - w.start_ms, 1)
    return weight.most_common(1)[0][0] if weight else None


def _pieces(a: int, b: int, raw: list[str | None], words: tuple[Word, ...], options: AlignOptions) -> list[tuple[int, int]]:
    """A phrase, cut where its words clearly change speaker.

    The recogniser sometimes drops every full stop for minutes, so a phrase
    can hold several changes.  Runs of one label shorter than
    ``split_min_words`` join a neighbour; each cut that remains moves to the
    widest gap within two words of it.
    """
    runs: list[list] = []
    for i in range(a, b):
        label = raw[i] if raw[i] is not None else (runs[-1][2] if runs else None)
        if runs and runs[-1][2] == label:
            runs[-1][1] = i + 1
        else:
            runs.append([i, i + 1, label])
    while len(runs) > 1:
        k = min(range(len(runs)), key=lambda r: runs[r][1] - runs[r][0])
        if runs[k][1] - runs[k][0] >= options.split_min_words:
            break
        j = k - 1 if k == len(runs) - 1 or (k > 0 and _longer(runs[k - 1], runs[k + 1])) else k + 1
        runs[min(j, k)][1], runs[min(j, k)][0] = runs[max(j, k)][1], runs[min(j, k)][0]
        runs[min(j, k)][2] = runs[j][2]
        del runs[max(j, k)]
        runs = _join_same(runs)
    cuts = [_widest_gap(r[0], words, max(a + 1, r[0] - 2), min(b - 1, r[0] + 2)) for r in runs[1:]]
    edges = [a, *cuts, b]
    return [(x, y) for x, y in zip(edges, edges[1:]) if y > x]


def _longer(left: list, right: list) -> bool:
    return left[1] - left[0] >= right[1] - right[0]


def _join_same(runs: list[list]) -> list[list]:
    out: list[list] = []
    for r in runs:
        if out and out[-1][2] == r[2]:
            out[-1][1] = r[1]
        else:
            out.append(r)
    return out


def _widest_gap(k: int, words: tuple[Word, ...], lo: int, hi: int) -> int:
    """The word index in ``[lo, hi]`` after the longest silence, nearest ``k`` on ties."""
    return max(range(lo, hi + 1), key=lambda i: (words[i].start_ms - words[i - 1].end_ms, -abs(i - k)))


def assign(words: tuple[Word, ...], segments: tuple[Segment, ...],
           options: AlignOptions = AlignOptions(), overlaps: tuple[Segment, ...] = ()) -> tuple[Word, ...]:
    """Words with ``speaker`` set to a diarisation label, changing only at phrase edges.

    ``overlaps``: a second voice heard over the exclusive one (``Diarization.overlaps``)."""
    if not words:
        return words
    raw = word_speakers(words, segments, options)
    units: list[tuple[int, int, str | None]] = []
    for a, b in phrases(words, options.pause_ms):
        units += [(x, y, _majority(raw[x:y], words[x:y])) for x, y in _pieces(a, b, raw, words, options)]
    units = _fill_unknown(units)
    units, moved = _join_broken_openings(units, words, options)
    units = _join_broken_endings(units, words, options)
    units = _overheard(units, words, _interjections(overlaps, segments, options.nearest_ms), options)
    units = _absorb_backchannels(units, words, tuple(sorted(segments + overlaps, key=lambda s: s.start_ms)), options)
    labels = [lab for a, b, lab in units for _ in range(a, b)]
    out = [replace(w, speaker=lab) for w, lab in zip(words, labels)]
    for a, b in moved:
        out[a:b] = _just_before(out[a:b], out[b].start_ms, out[a - 1].end_ms if a else 0)
    return tuple(out)


def _just_before(moved: list[Word], end_ms: int, floor_ms: int) -> list[Word]:
    """Words re-timed to end where the words they open begin (their own lengths kept, squeezed
    if the silence is shorter), marked ``estimated``: the recogniser had put them before the pause."""
    total = sum(w.end_ms - w.start_ms for w in moved)
    start = max(floor_ms, end_ms - total)
    if start >= end_ms or end_ms <= moved[-1].end_ms:
        return moved  # no silence to move them into
    scale = (end_ms - start) / total if total else 0.0
    out, at = [], start
    for k, w in enumerate(moved):
        length = end_ms - at if k == len(moved) - 1 else round((w.end_ms - w.start_ms) * scale)
        out.append(replace(w, start_ms=at, end_ms=at + length, estimated=True))
        at += length
    return out


def _fill_unknown(units: list) -> list:
    """A phrase with no diarised speech near it belongs to the speaker before it (or after)."""
    known = [u[2] for u in units if u[2] is not None]
    previous = known[0] if known else None
    out = []
    for a, b, lab in units:
        previous = lab if lab is not None else previous
        out.append((a, b, previous))
    return out


_I = ("I", "I'm", "I’m", "I've", "I’ve", "I'd", "I’d", "I'll", "I’ll")


def _join_broken_openings(units: list, words: tuple[Word, ...],
                           options: AlignOptions) -> tuple[list, list[tuple[int, int]]]:
    """The first word or two of a new sentence, cut off by a pause, go with the rest of it.

    "...children's social care. So | the Drive Partnership came together": the
    recogniser timed "So" before the pause, inside the last speaker's speech,
    but a sentence that "So" opens and "the Drive Partnership" continues (lower
    case, unfinished before it) is one person's: the turn changes before "So".
    A name is capitalised where it goes on: "I'm | Tobias Lindqvist" is one
    sentence too, since "I'm" cannot end one.
    Returns the units and the word ranges that moved (to be re-timed).
    """
    out, moved = list(units), []
    for i in range(len(out) - 1):
        (a, b, lab), (c, _, nxt) = out[i], out[i + 1]
        if lab == nxt or b - a > options.backchannel_max_words or ends_sentence(words[b - 1]):
            continue
        opens = a == 0 or ends_sentence(words[a - 1])
        first = words[c].text.lstrip("\"'“‘(")
        # a clitic verb ("I'm") cannot end a sentence: what comes after is the same one, capitalised or not
        continues = first[:1].islower() or first.rstrip(",") in _I or ends_on_clitic(words[b - 1].text)
        if opens and continues:
            out[i] = (a, b, nxt)
            moved.append((a, b))
    return out, moved


def _join_broken_endings(units: list, words: tuple[Word, ...], options: AlignOptions) -> list:
    """The last words of a sentence go with its start: "...and then I | started a project there."

    A short phrase (``overheard_max_words``) that the diarisation gave to someone else but that
    carries on an unfinished sentence (no sentence end before it, its first word in lower case)
    and ends it is the same person's; a new turn opens a sentence.  A reply ("got it.",
    ``AlignOptions.replies``) is not a sentence's end: it keeps the voice it was given.  Nor is
    a phrase after which the voice before it goes on ("...at Old Dominion | close to Langley,
    right? | Yeah, it is."): the diarisation heard the other voice come in and go again, a
    question put in or a sentence finished for the speaker, not a turn's edge that came early.
    """
    out = list(units)
    for i in range(1, len(out)):
        (_, pb, before), (a, b, lab) = out[i - 1], out[i]
        if lab == before or b - a > options.overheard_max_words or ends_sentence(words[pb - 1]):
            continue
        if i + 1 < len(out) and out[i + 1][2] == before:
            continue
        first = words[a].text.lstrip("\"'“‘(")
        if first[:1].islower() and ends_sentence(words[b - 1]) and not is_reply(words[a:b], options.replies):
            out[i] = (a, b, before)
    return out


def is_reply(words, replies: tuple[str, ...]) -> bool:
    """The words are a reply on their own: one of ``replies``, or only one-word replies."""
    said = [w.text.strip(".,!?;:\"'“”‘’()").lower().replace("’", "'") for w in words]
    return " ".join(said) in replies or all(w in replies for w in said)


def _interjections(overlaps: tuple[Segment, ...], segments: tuple[Segment, ...], near_ms: int) -> tuple[Segment, ...]:
    """The overlaps whose voice has no exclusive speech of its own within ``near_ms`` of them: a
    voice heard inside someone else's turn, not at the edge of its own."""
    ends: dict[str, list[int]] = {}
    starts: dict[str, list[int]] = {}
    for seg in segments:  # exclusive: one voice's segments never overlap, so ends sort as starts do
        starts.setdefault(seg.speaker, []).append(seg.start_ms)
        ends.setdefault(seg.speaker, []).append(seg.end_ms)
    out = []
    for o in overlaps:
        own_ends = ends.get(o.speaker, [])
        i = bisect.bisect_left(own_ends, o.start_ms - near_ms)  # the first of its segments ending near or after
        if i == len(own_ends) or starts[o.speaker][i] >= o.end_ms + near_ms:
            out.append(o)
    return tuple(out)


def _overheard(units: list, words: tuple[Word, ...], overlaps: tuple[Segment, ...], options: AlignOptions) -> list:
    """Short phrases spoken over someone else go to the voice heard over them (see AlignOptions)."""
    if not overlaps:
        return units
    overlaps = tuple(sorted(overlaps, key=lambda s: s.start_ms))
    starts = [s.start_ms for s in overlaps]
    longest = max(s.end_ms - s.start_ms for s in overlaps)
    out = []
    for a, b, lab in units:
        if b - a <= options.overheard_max_words:
            length = sum(max(w.end_ms - w.start_ms, 1) for w in words[a:b])
            heard: Counter = Counter()
            near = overlaps[bisect.bisect_left(starts, words[a].start_ms - longest):
                            bisect.bisect_left(starts, words[b - 1].end_ms)]
            for seg in near:
                if seg.speaker != lab:
                    heard[seg.speaker] += sum(max(0, min(seg.end_ms, w.end_ms) - max(seg.start_ms, w.start_ms))
                                              for w in words[a:b])
            if heard:
                voice, ms = heard.most_common(1)[0]
                if ms >= options.overheard_share * length:
                    lab = voice
        out.append((a, b, lab))
    return out


def _absorb_backchannels(units: list, words: tuple[Word, ...], segments: tuple[Segment, ...],
                         options: AlignOptions) -> list:
    out = list(units)
    for i in range(1, len(out) - 1):
        (_, pb, before), (a, b, lab), (_, _, after) = out[i - 1], out[i], out[i + 1]
        if lab == before or before != after or b - a > options.backchannel_max_words:
            continue
        own = sum(overlap_ms(w, lab, segments) for w in words[a:b])
        audible = own >= options.backchannel_min_ms and ends_sentence(words[pb - 1])
        if not audible:
            out[i] = (a, b, before)
    return out


def relabel_segments(segments: tuple[Segment, ...], raw: tuple[Word, ...], final: tuple[Word, ...],
                     overlaps: tuple[Segment, ...] = (), min_cut_ms: int = 1500) -> list[Segment]:
    """Diarised segments carrying the final speaker ids of the words inside them.

    Who speaks when stays the diarisation's: a segment is cut only where at
    least ``min_cut_ms`` of its words went to another voice (the names and the
    voice refinement moved a stretch); shorter runs (a turn edge moved to a
    sentence end, a word or two) keep the voice of the segment's cluster.  One
    with no words takes the speaker its cluster's
    words mostly went to, and so does overlapped speech (``overlaps``); a
    cluster none of whose words survived keeps its own label, so a voice the
    diarisation heard is never dropped from who-speaks-when.
    """
    by_cluster: dict[str, Counter] = {}
    for r, f in zip(raw, final):
        if r.speaker is not None and f.speaker is not None:
            by_cluster.setdefault(r.speaker, Counter())[f.speaker] += 1
    out, j = [], 0
    for seg in segments:
        while j < len(final) and final[j].end_ms <= seg.start_ms:
            j += 1
        inside = []
        k = j
        while k < len(final) and final[k].start_ms < seg.end_ms:
            if final[k].speaker is not None and _mostly_inside(final[k], seg):
                inside.append(final[k])
            k += 1
        if inside:
            out += _cut(seg, _smooth(inside, _voice(seg.speaker, by_cluster), min_cut_ms))
        else:
            out.append(replace(seg, speaker=_voice(seg.speaker, by_cluster)))
    extra = [replace(o, speaker=_voice(o.speaker, by_cluster)) for o in overlaps]
    under = {(s.start_ms, s.end_ms, s.speaker) for s in out}
    extra = [o for o in extra if not any(a <= o.start_ms and o.end_ms <= b and sp == o.speaker for a, b, sp in under)]
    return sorted(out + extra, key=lambda s: (s.start_ms, s.end_ms))


def _smooth(words: list[Word], voice: str, min_ms: int) -> list[Word]:
    """Runs of one speaker shorter than ``min_ms`` take ``voice``."""
    out, start = list(words), 0
    for i in range(1, len(words) + 1):
        if i == len(words) or words[i].speaker != words[start].speaker:
            if words[i - 1].end_ms - words[start].start_ms < min_ms and words[start].speaker != voice:
                out[start:i] = [replace(w, speaker=voice) for w in words[start:i]]
            start = i
    return out


def _voice(cluster: str, by_cluster: dict[str, Counter]) -> str:
    """The speaker most of a cluster's words went to; a cluster that no word went to stays a
    voice of its own (heard, but with nothing transcribed: its label, e.g. "SPEAKER_03")."""
    return by_cluster[cluster].most_common(1)[0][0] if cluster in by_cluster else cluster


def _mostly_inside(word: Word, seg: Segment) -> bool:
    overlap = min(word.end_ms, seg.end_ms) - max(word.start_ms, seg.start_ms)
    return overlap * 2 >= max(word.end_ms - word.start_ms, 1)


def _cut(seg: Segment, words: list[Word]) -> list[Segment]:
    pieces, start = [], seg.start_ms
    for a, b in zip(words, words[1:]):
        if a.speaker != b.speaker:
            edge = min(max((a.end_ms + b.start_ms) // 2, start), seg.end_ms)
            pieces.append(Segment(start, edge, a.speaker))
            start = edge
    pieces.append(Segment(start, seg.end_ms, words[-1].speaker))
    return [p for p in pieces if p.end_ms > p.start_ms]
