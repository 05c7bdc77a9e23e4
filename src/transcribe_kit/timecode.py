"""The one place where integer milliseconds become clock text and back.

Every writer formats times through here, from integers, so ``59.9996 s`` can
never print as ``00:00:60.000`` (the float-rounding bug of several tools).
"""
from __future__ import annotations

import re

from .errors import UserError


class TimecodeError(UserError, ValueError):
    pass


def seconds_to_ms(seconds: float) -> int:
    """Round a time in seconds (float, as models return them) to whole ms."""
    return int(round(float(seconds) * 1000.0))


def ms_to_seconds(ms: int) -> float:
    return ms / 1000.0


def _split(ms: int) -> tuple[int, int, int, int]:
    if ms < 0:
        raise TimecodeError(f"negative time {ms} ms")
    hours, rest = divmod(int(ms), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return hours, minutes, seconds, millis


def vtt(ms: int) -> str:
    """``HH:MM:SS.mmm`` (hours grow past 99 if they must)."""
    h, m, s, f = _split(ms)
    return f"{h:02d}:{m:02d}:{s:02d}.{f:03d}"


def srt(ms: int) -> str:
    """``HH:MM:SS,mmm``."""
    h, m, s, f = _split(ms)
    return f"{h:02d}:{m:02d}:{s:02d},{f:03d}"


def clock(ms: int) -> str:
    """``mm:ss`` below an hour, ``h:mm:ss`` above (YouTube chapters, [mm:ss] marks)."""
    h, m, s, _ = _split(ms)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


_TIME = re.compile(r"^(?:(\d+):)?([0-5]?\d):([0-5]\d)(?:[.,](\d{1,3}))?$")


def parse(text: str) -> int:
    """Parse ``HH:MM:SS.mmm``, ``HH:MM:SS,mmm``, ``MM:SS.mmm`` or ``h:mm:ss`` into ms."""
    match = _TIME.match(text.strip())
    if not match:
        raise TimecodeError(f"not a timecode: {text!r}")
    hours, minutes, seconds, frac = match.groups()
    millis = int((frac or "0").ljust(3, "0"))
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + millis
