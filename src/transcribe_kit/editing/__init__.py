"""Editing a processed episode: the folder, edited pages read back, and the web editor.

``Episode`` owns an episode folder (its transcript, outputs, kept versions and
recording) and makes every change to it: an edited page (``readback`` reads
it, ``apply`` and ``structure`` turn it into a new Transcript that keeps the
timings), a speaker rename, a revert.  ``server`` is the local web editor.
"""
from __future__ import annotations

from .apply import EditOptions, EditResult
from .episode import Conflict, Episode, Version
from .readback import EditError

__all__ = ["Conflict", "EditError", "EditOptions", "EditResult", "Episode", "Version"]
