"""Where a host leads the conversation: which of the host's turns open a new topic.

In an interview podcast the host opens most topics, so once the speakers are
known (several voices, one of them flagged as the host) chapters open where the
host's turn opens (and, see ``chapters.segment``, where a guest moves the talk on
unprompted).  Not every host turn opens one: many are follow-ups
("Jo, would you like to come in on that?").  A turn that opens a topic sets the
agenda for the answers that follow it, so its words relate more to those
answers (up to the host's next turn) than to the answers it follows (since the
host's previous turn); a follow-up refers back.  The score of a host turn is

    cos(turn, answers after) - cos(turn, answers before)

in the offline MiniLM sentence embeddings, and a turn with a positive score
points ahead: that is the cutoff, with nothing fitted to any recording.
"""
from __future__ import annotations

import numpy as np

from ..document import Transcript


def is_host_led(doc: Transcript, us: list) -> bool:
    """More than one voice speaks and the host's turns are known."""
    return len({w.speaker for w in doc.words}) > 1 and any(u.host for u in us)


def host_turns(us: list) -> list[tuple[int, int]]:
    """``[start, end)`` unit ranges of the host's turns."""
    spans, i = [], 0
    while i < len(us):
        if us[i].host:
            j = i + 1
            while j < len(us) and not us[j].opens_turn:
                j += 1
            spans.append((i, j))
            i = j
        else:
            i += 1
    return spans


def _mean(cum: np.ndarray, a: int, b: int) -> np.ndarray | None:
    if b <= a:
        return None
    v = cum[b] - cum[a]
    n = np.linalg.norm(v)
    return v / n if n else None


def _cos(head: np.ndarray, other: np.ndarray | None) -> float:
    return float(head @ other) if other is not None else 0.0


def agenda_scores(us: list, vectors: np.ndarray) -> dict[int, float]:
    """For each host turn's first unit: how much more the turn relates to the answers after it
    than to the answers before it (word-weighted mean embeddings)."""
    sizes = np.array([u.end - u.start for u in us], dtype=float)
    cum = np.vstack([np.zeros(vectors.shape[1]), np.cumsum(vectors * sizes[:, None], axis=0)])
    spans = host_turns(us)
    scores = {}
    for n, (a, b) in enumerate(spans):
        head = _mean(cum, a, b)
        if head is None or a == 0:
            continue
        before_from = spans[n - 1][1] if n else 0
        after_to = spans[n + 1][0] if n + 1 < len(spans) else len(us)
        scores[a] = _cos(head, _mean(cum, b, after_to)) - _cos(head, _mean(cum, before_from, a))
    return scores
