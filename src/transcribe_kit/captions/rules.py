"""The caption rules, written once: what a single cue may not do.

The builder flags its own cues with them (``flag_violations``) and ``check``
applies them to any caption file it reads, so a cue the builder passes is a
cue the checker passes.  The limits are ``CaptionOptions`` fields (``check``'s
``Rules`` has the same names); their defaults come from
``shared/reference/caption-rules.md``.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from .model import CaptionOptions, Cue, Words

HARD, WARN, NOTE = "hard", "warn", "note"
READING_SPEED_WARN = "reading-speed"  # over the target reading speed: the one rule that only warns
# C0 control characters and DEL, but tab, newline and carriage return: no caption or page may hold them
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# a cue that only describes a sound: every line one bracketed description ("[music]"); nothing to
# read, so no reading speed and no longest time on screen apply to it
SOUND_LABEL = re.compile(r"^\s*\[[^\[\]]+\]\s*$")


def is_sound_label(lines: tuple[str, ...] | list[str]) -> bool:
    return bool(lines) and all(SOUND_LABEL.match(line) for line in lines)


def cue_problems(lines: tuple[str, ...], duration_ms: int, limits) -> Iterator[tuple[str, str, str]]:
    """``(rule, severity, detail)`` for each rule a cue showing ``lines`` for ``duration_ms`` breaks.

    ``lines`` are the lines as a viewer reads them (a SubRip speaker label included);
    ``limits`` is a ``CaptionOptions`` or ``check.Rules``."""
    text = " ".join(lines)
    for i, line in enumerate(lines, 1):
        if len(line) > limits.max_chars_per_line:
            yield "line-length", HARD, f"line {i} has {len(line)} characters (max {limits.max_chars_per_line})"
    if len(lines) > limits.max_lines:
        yield "lines", HARD, f"{len(lines)} lines (max {limits.max_lines})"
    if not text.strip():
        yield "empty", WARN, "no text"
    sound = is_sound_label(lines)
    cps = 0.0 if sound else len(text) * 1000 / duration_ms if duration_ms > 0 else float("inf")
    if cps > limits.max_cps:
        yield "reading-speed-max", HARD, f"{cps:.1f} characters a second (never above {limits.max_cps:g})"
    elif cps > limits.target_cps:
        yield READING_SPEED_WARN, WARN, f"{cps:.1f} characters a second (target {limits.target_cps:g})"
    if duration_ms < limits.min_duration_ms:
        yield "too-short", HARD, f"on screen {duration_ms} ms (min {limits.min_duration_ms})"
    if duration_ms > limits.max_duration_ms and not sound:
        yield "too-long", HARD, f"on screen {duration_ms} ms (max {limits.max_duration_ms})"


def violations(cue: Cue, o: CaptionOptions) -> tuple[str, ...]:
    """The rules a built cue breaks, once each; all but ``reading-speed`` are hard."""
    return tuple(dict.fromkeys(rule for rule, _, _ in cue_problems(cue.shown_lines, cue.end_ms - cue.start_ms, o)))


def flag_violations(words: Words, cues: list[Cue]) -> list[Cue]:
    return [replace(c, flags=violations(c, words.options)) for c in cues]


def hard_flags(cue: Cue) -> tuple[str, ...]:
    return tuple(f for f in cue.flags if f != READING_SPEED_WARN)
