"""Grouping: the transcript's words cut into cue-sized ranges, then laid out as cues.

Every operation maps a list of ``[start, end)`` word ranges to a new list, so no
word is ever lost, repeated or reordered; ``place_on_words`` then breaks each
range into lines (``linebreak``) and makes it a ``Cue``.  A range holds one
speaker's words, or (``join_quick_exchanges``, last) two speakers' short turns.
"""
from __future__ import annotations

from collections.abc import Callable

from . import linebreak
from .model import Cue, Group, Words
from .split import best_split


def _split_where(groups: list[Group], cut: Callable[[int], bool]) -> list[Group]:
    """Split each group after every word ``i`` for which ``cut(i)`` holds."""
    out: list[Group] = []
    for a, b in groups:
        start = a
        for i in range(a, b - 1):
            if cut(i):
                out.append((start, i + 1))
                start = i + 1
        out.append((start, b))
    return out


def split_at_speaker_change(words: Words, groups: list[Group]) -> list[Group]:
    return _split_where(groups, lambda i: words.speakers[i] != words.speakers[i + 1])


def split_at_sentence_end(words: Words, groups: list[Group]) -> list[Group]:
    return _split_where(groups, lambda i: linebreak.ends_sentence(words.texts[i]))


def split_at_pause(words: Words, groups: list[Group]) -> list[Group]:
    return _split_where(groups, lambda i: words.pause_after(i) >= words.options.pause_split_ms)


def split_by_length(words: Words, groups: list[Group]) -> list[Group]:
    """Split groups too long for one cue where the cues read best (dynamic programming, ``split``)."""
    out: list[Group] = []
    for a, b in groups:
        out += [(a, b)] if words.fits(a, b) else best_split(words, a, b)
    return out


def merge_short_neighbours(words: Words, groups: list[Group]) -> list[Group]:
    """Join neighbouring cues of one speaker when together they read better."""
    groups = list(groups)
    changed = True
    while changed:
        changed = False
        k = 0
        while k + 1 < len(groups):
            if _merge_gain(words, groups[k], groups[k + 1]) > 0:
                groups[k:k + 2] = [(groups[k][0], groups[k + 1][1])]
                changed = True
            k += 1
    return groups


def _merge_gain(words: Words, left: Group, right: Group) -> float:
    (a, m), (_, b) = left, right
    o = words.options
    # a pause ends a cue, unless the cue before it could not stay up for the minimum time
    pause = words.pause_after(m - 1) >= o.pause_split_ms and words.screen_time(a, m) >= o.min_duration_ms
    if words.speakers[m - 1] != words.speakers[m] or pause or not words.fits(a, b):
        return 0.0
    return words.badness(a, m) + words.badness(m, b) - words.badness(a, b)


def rebalance_short(words: Words, groups: list[Group]) -> list[Group]:
    """A cue that cannot stay up for the minimum time and cannot join a whole neighbour (too long
    together) shares words with it instead: the two are split again as one ("You're" | pause |
    "making some really important points..." becomes two cues that both last)."""
    o = words.options
    out = list(groups)
    k = 0
    while k < len(out):
        a, b = out[k]
        if words.longest_time(a, b) < o.min_duration_ms:
            for j in (k + 1, k - 1):  # the sentence it opens, else the one it ends
                if not 0 <= j < len(out):
                    continue
                lo, hi = min(a, out[j][0]), max(b, out[j][1])
                if len(set(words.speakers[lo:hi])) != 1:
                    continue
                again = best_split(words, lo, hi)
                if sum(words.badness(x, y) for x, y in again) < words.badness(a, b) + words.badness(*out[j]):
                    out[min(j, k):max(j, k) + 1] = again
                    k = min(j, k) + len(again) - 1
                    break
        k += 1
    return out


def join_quick_exchanges(words: Words, groups: list[Group]) -> list[Group]:
    """Two turns of a quick exchange share a cue, one speaker a line, when either is too short to
    stand alone ("Hello." / "Hello.": neither can stay up for a second or be read in its own time).

    Which neighbours join is chosen over the whole list at once (the best matching of a path):
    a cue holds at most two speakers, and every joined pair must read better together."""
    if not words.options.exchanges:
        return list(groups)
    gains = [_exchange_gain(words, left, right) for left, right in zip(groups, groups[1:])]
    best = [0.0, 0.0]  # best[k]: the most gained joining pairs within groups[:k]
    for k in range(2, len(groups) + 1):
        best.append(max(best[k - 1], best[k - 2] + gains[k - 2]))
    out: list[Group] = []
    k = len(groups)
    while k > 0:
        if k >= 2 and gains[k - 2] > 0 and best[k] == best[k - 2] + gains[k - 2]:
            out.append((groups[k - 2][0], groups[k - 1][1]))
            k -= 2
        else:
            out.append(groups[k - 1])
            k -= 1
    return out[::-1]


def _exchange_gain(words: Words, left: Group, right: Group) -> float:
    (a, m), (_, b) = left, right
    if words.speakers[m - 1] == words.speakers[m] or words.change_within(a, m) or words.change_within(m, b):
        return 0.0
    if words.stands_alone(a, m) and words.stands_alone(m, b) or not words.exchange_fits(a, m, b):
        return 0.0
    return words.badness(a, m) + words.badness(m, b) - words.exchange_badness(a, m, b)


def lend_a_line(words: Words, groups: list[Group]) -> list[Group]:
    """A turn that cannot stay up for the minimum time even with every silence around it, whose
    neighbours are too long to share a cue whole, shares one with the neighbour's nearest words
    that fit a line, cut where a line may end ("- Yeah." / "- and that is what we found," then
    the rest of that sentence on its own)."""
    if not words.options.exchanges:
        return list(groups)
    out = list(groups)
    k = 0
    while k < len(out):
        a, b = out[k]
        if words.change_within(a, b) is None and words.longest_time(a, b) < words.options.min_duration_ms:
            k = _lend(words, out, k)
        k += 1
    return out


def _lend(words: Words, out: list[Group], k: int) -> int:
    """Share group ``k`` with a line of the next group, else of the one before (in place); the index
    of the last group it changed (``k`` when it changed none)."""
    a, b = out[k]
    for j in (k + 1, k - 1):
        if not 0 <= j < len(out) or words.change_within(*out[j]) is not None:
            continue
        c, d = out[j]
        if words.speakers[min(b, d) - 1] == words.speakers[max(a, c)]:
            continue
        before = words.badness(a, b) + words.badness(c, d)
        best, cut = 0.0, None
        for e in range(c + 1, d):  # the neighbour cut after word e - 1, at a good place to break
            if words.costs[e - 1] > 0:
                continue
            if j > k and words.exchange_fits(a, b, e):
                gain = before - words.exchange_badness(a, b, e) - words.badness(e, d) - words.costs[e - 1]
            elif j < k and words.exchange_fits(e, a, b):
                gain = before - words.badness(c, e) - words.exchange_badness(e, a, b) - words.costs[e - 1]
            else:
                continue
            if gain > best:
                best, cut = gain, e
        if cut is not None:
            if j > k:
                out[k:k + 2] = [(a, cut), (cut, d)]
                return k + 1
            out[k - 1:k + 1] = [(c, cut), (cut, b)]
            return k
    return k


GROUPING = (split_at_speaker_change, split_at_sentence_end, split_at_pause, split_by_length,
            merge_short_neighbours, rebalance_short, join_quick_exchanges, lend_a_line)


def place_on_words(words: Words, groups: list[Group]) -> list[Cue]:
    """Each range as a cue: its lines, speaker and label; a range of two speakers (a quick exchange)
    has one line for each and no label."""
    o = words.options
    cues = []
    for a, b in groups:
        start, end = words.starts[a], max(words.ends[b - 1], words.starts[a] + 1)
        m = words.change_within(a, b)
        if m is not None:
            lines = (" ".join(words.texts[a:m]), " ".join(words.texts[m:b]))
            cues.append(Cue(start_ms=start, end_ms=end, lines=lines, speaker=words.speakers[a],
                            first_word=a, last_word=b - 1, second_speaker=words.speakers[m], second_word=m))
            continue
        lines = linebreak.split_lines(words.texts[a:b], words.costs[a:b], o.max_chars_per_line,
                                      o.max_lines, words.reserve(a))
        cues.append(Cue(start_ms=start, end_ms=end, lines=lines, speaker=words.speakers[a], first_word=a,
                        last_word=b - 1, label=words.label(a)))
    return cues
