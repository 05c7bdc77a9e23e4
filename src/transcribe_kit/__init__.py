"""transcribe_kit: podcast and event recordings to publishable, accessible transcripts.

The public API (see README "Using it from Python")::

    doc = transcribe_kit.transcribe("episode.mp3", meta="episode.toml")   # a Transcript, nothing written
    result = transcribe_kit.process_file("episode.mp3", "outputs")         # what `process` does
    transcribe_kit.Episode(result.out_dir).apply_edits("edited.txt")       # an editor's correction

The pipeline and the editing package load on first use, so ``import transcribe_kit``
(and the CLI's ``--help``) stays quick.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

from .document import Transcript  # noqa: E402
from .errors import UserError  # noqa: E402

__all__ = ["Episode", "ProcessOptions", "Transcript", "UserError", "__version__", "process_file", "transcribe"]

_LAZY = {"ProcessOptions": "pipeline", "process_file": "pipeline", "transcribe": "pipeline", "Episode": "editing"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
