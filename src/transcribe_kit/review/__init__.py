"""The review: where an editor should look first, as a short ranked list of places.

The stage (last, after the word edges) reads the finished Transcript and lists
places to check: runs of words the recogniser may have got wrong (``words``),
changes of voice where words may have gone to the wrong person (``speaker``),
and voices named on thin evidence (``name``).  Each place has a score, the
estimated chance that something there is wrong, from small logistic regressions
whose coefficients are data (``model.json``, fitted by ``bench/review.py``).

The places are derived data: they go to ``review.json`` in the episode folder,
never into transcript.json or any published file.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..captions.model import CaptionOptions
from ..document import ReviewPlace, Transcript
from ..errors import UserError
from ..stagecache import Context
from . import model
from .places import (condense_places, name_places, priority, recogniser_doubt, sound_places, speaker_places,
                     word_places)
from .signals import FEATURES, disagreements, word_signals

__all__ = ["REVIEW_FILE", "SCHEMA_VERSION", "ReviewError", "ReviewOptions", "ReviewPlan", "hear_again", "keep_checked",
           "places_of", "read_review", "review_json", "review_model_id", "review_stage", "second_words", "set_checked"]

REVIEW_FILE = "review.json"
SCHEMA_VERSION = 1
VERSION = 6  # the stage's version (pipeline.stages): bump when the places or scores change


class ReviewError(UserError):
    """A review.json that cannot be read."""


@dataclass(frozen=True)
class ReviewOptions:
    enabled: bool = True  # list places to check (review.json); off: an empty list
    # The most doubtful quarter of the words are places: the list reaches past a fifth of the words, so the
    # ranking, not this cut, decides what an editor sees first.
    reach: float = 0.25
    name_score: float = 0.5  # a name given from one cue (or by elimination); half that from several cues
    # A word given to the wrong voice is hard to see when reading (the words are right), a misheard word
    # often is not: in the order, a doubt the diarisation heard about who speaks counts this many times its
    # chance (its score stays the chance; a plain change of voice, both sides heard clearly, counts once).
    # 3 puts a change of voice the diarisation heard as overlapped speech (about 1 in 5 wrong) beside words
    # about 1 in 3 wrong, inside the first 5 % of the words.
    voice_weight: float = 3.0
    # A second opinion: the same audio heard again by another recogniser (``second_model``, greedy, text
    # only), beside recognition (a side stage); words where the two disagree are doubtful.  The strongest
    # signal on real speech (bench/README.md "Review queue"); its cost is stated there.
    second_opinion: bool = False
    second_model: str = "tiny.en"


@dataclass(frozen=True)
class ReviewPlan:
    """What the review stage is told: its options and the vocabulary's names (for near-misses)."""

    options: ReviewOptions = field(default_factory=ReviewOptions)
    names: tuple[str, ...] = ()
    captions: CaptionOptions = field(default_factory=CaptionOptions)  # the captions made: cues to condense


def _reason(row: tuple[float, ...], suggestion: str | None) -> str:
    f = dict(zip(FEATURES, row))
    if suggestion:
        return f"nearly spells {suggestion!r}, a name of this episode"
    if f["disagrees"]:
        return "a second recogniser heard something else here"
    if f["repeat"]:
        return "repeats the words just before it, as a recogniser does when it loops"
    if f["unknown"]:
        return "not an English word the dictionary knows"
    if f["corrected"]:
        return "the vocabulary changed these words; check the change"
    if f["marker"] and f["logp"] >= -1.5:
        return "a word said between others ('you know', 'yeah'): recognisers both invent and drop these"
    if f["logp"] < -1.5:
        return "the recogniser was unsure of these words"
    return "the recogniser was unsure of the words around it"


def places_of(doc: Transcript, plan: ReviewPlan, second: list[float] | None = None) -> tuple[ReviewPlace, ...]:
    """Every place to check in ``doc``, most worth checking first."""
    if not doc.words or not plan.options.enabled:
        return ()
    signals = word_signals(doc, plan.names, second)
    doubt = [model.predict("word", model.used("word", row, FEATURES)) for row in signals.rows]
    prior = recogniser_doubt(doc, signals.known)
    reasons = [_reason(row, signals.suggestions.get(i)) for i, row in enumerate(signals.rows)]
    ranked = word_places(doc, doubt, prior, signals.suggestions, reasons, plan.options.reach)
    others = name_places(doc, plan.options.name_score) + sound_places(doc) + condense_places(doc, plan.captions)
    ranked += speaker_places(doc, plan.options.voice_weight) + [(priority(p), p) for p in others]
    return tuple(p for _, p in sorted(ranked, key=lambda item: (-item[0], item[1].start_ms)))


def second_words(source, options: ReviewOptions, language: str | None = "en", hook=None) -> list[str]:
    """The words ``options.second_model`` hears in ``source`` (an ``audio.Audio``): greedy, no prompt, text
    only (no word times: only the words are compared)."""
    from ..asr import AsrOptions, faster

    asr_options = AsrOptions(model=options.second_model, beam_size=1, language=language or "en", window_s=1800)
    return faster.heard_text(source, asr_options, hook)


def hear_again(doc: Transcript, options: ReviewOptions, ctx: Context) -> list[str]:
    """The side stage ``second``: the second opinion's words, heard beside recognition (it needs only the
    audio), for the review stage to compare."""
    ctx.hook("second", 0, 1)
    return second_words(ctx.audio, options, "en", lambda done, total: ctx.hook("second", done, total))


def review_stage(doc: Transcript, plan: ReviewPlan, ctx: Context) -> Transcript:
    ctx.hook("review", 0, 1)
    heard = ctx.results.get("second") if plan.options.second_opinion else None
    second = disagreements(doc.words, heard) if heard is not None and doc.words else None
    doc = replace(doc, review=places_of(doc, plan, second))
    ctx.hook("review", 1, 1)
    return doc


def review_model_id(options: ReviewOptions) -> str:
    """The stage's model id (its cache key): the coefficients' hash (the second opinion's recogniser is in
    the key of the side stage ``second``, which joins this stage's key)."""
    return f"review:{model.digest()}"


def review_json(places: tuple[ReviewPlace, ...], doc: Transcript) -> str:
    """review.json: the schema version, what it was made from, and the places, most doubtful first."""
    data = {"schema_version": SCHEMA_VERSION, "episode": doc.episode, "transcript_version": doc.version,
            "words": len(doc.words), "model": model.coefficients().get("fitted_on", ""),
            "items": [_place_dict(p) for p in places]}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _place_dict(p: ReviewPlace) -> dict:
    return {"id": p.id, "kind": p.kind, "words": list(p.words), "start_ms": p.start_ms, "end_ms": p.end_ms,
            "score": p.score, "reason": p.reason, "suggestion": p.suggestion, "checked": p.checked}


def read_review(path: Path) -> dict:
    """A review.json as written by :func:`review_json` (an empty one when there is no file)."""
    if not path.is_file():
        return {"schema_version": SCHEMA_VERSION, "items": []}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReviewError(f"{path}: not a review file this version reads ({exc})") from None
    if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
        raise ReviewError(f"{path}: review schema_version {SCHEMA_VERSION} expected")
    return data


def keep_checked(places: tuple[ReviewPlace, ...], path: Path) -> tuple[ReviewPlace, ...]:
    """``places`` with the ``checked`` marks an earlier review.json at ``path`` gave the same places (same id)."""
    try:
        done = {it["id"] for it in read_review(path)["items"] if it.get("checked")}
    except ReviewError:
        return places
    return tuple(replace(p, checked=True) if p.id in done else p for p in places)


def set_checked(path: Path, place_id: str, checked: bool = True) -> dict:
    """Mark the place ``place_id`` of the review.json at ``path`` as checked (or not); the place, as stored."""
    from ..fileio import atomic_write

    data = read_review(path)
    found = next((it for it in data["items"] if it.get("id") == place_id), None)
    if found is None:
        raise ReviewError(f"{path}: no place {place_id!r}")
    found["checked"] = checked
    atomic_write(path, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return found
