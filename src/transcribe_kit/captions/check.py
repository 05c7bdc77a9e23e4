"""A linter for caption files, ours or anyone's: WebVTT or SubRip against the caption rules.

Files are parsed with webvtt-py and srt.  Both are lenient (a broken timing
line is silently skipped or swallowed into the text), so a short scan first
makes sure every line holding ``-->`` is a timing line, and reports the line
number when it is not.  Text is read as a viewer sees it: tags removed,
entities decoded, lines joined by a space.  Given the transcript of the speech,
the cues whose speech is faster than anyone can read whatever their timing are
marked unavoidable (``condense``): still hard breaks, reported apart.
"""
from __future__ import annotations

import dataclasses
import html
import io
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import srt
import webvtt

from .. import timecode
from ..document import Transcript
from ..errors import UserError
from .condense import SPEED_RULES, WordSpans
from .model import CaptionOptions, Words
from .rules import CONTROL, HARD, NOTE, WARN, cue_problems


CAPTION_FILES = ("captions.vtt", "captions.srt")  # what process writes and checks


class CaptionParseError(UserError, ValueError):
    """The caption file cannot be read; the message names the line."""


@dataclass(frozen=True)
class Rules:
    """The limits checked; defaults are the builder's (shared/reference/caption-rules.md)."""

    max_chars_per_line: int = CaptionOptions.max_chars_per_line
    max_lines: int = CaptionOptions.max_lines
    target_cps: float = CaptionOptions.target_cps
    max_cps: float = CaptionOptions.max_cps
    min_duration_ms: int = CaptionOptions.min_duration_ms
    max_duration_ms: int = CaptionOptions.max_duration_ms
    min_gap_ms: int = CaptionOptions.min_gap_ms

    @classmethod
    def from_options(cls, options: CaptionOptions) -> Rules:
        """The rules matching the builder's settings."""
        return cls(**{f.name: getattr(options, f.name) for f in dataclasses.fields(cls)})

    @classmethod
    def load(cls, path: str | Path) -> Rules:
        """Rules from a TOML file of ``name = value`` lines (any subset of the fields)."""
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CaptionParseError(f"{path}: cannot read ({exc.strerror})") from None
        except tomllib.TOMLDecodeError as exc:
            raise CaptionParseError(f"{path}: not valid TOML ({exc})") from None
        fields = {f.name: f.type for f in dataclasses.fields(cls)}
        for key, value in data.items():
            if key not in fields:
                raise CaptionParseError(f"{path}: unknown rule {key!r}; rules: {', '.join(fields)}")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise CaptionParseError(f"{path}: {key} must be a number")
        return cls(**data)


@dataclass(frozen=True)
class Cue:
    start_ms: int
    end_ms: int
    lines: tuple[str, ...]  # as shown: tags removed, entities decoded


@dataclass(frozen=True)
class Violation:
    cue: int  # 1-based position in the file
    start_ms: int
    rule: str
    severity: str
    detail: str
    unavoidable: str = ""  # "speech at 24.1 characters a second": no timing mends it (``condense``)

    def __str__(self) -> str:
        text = f"cue {self.cue} at {timecode.vtt(self.start_ms)}: {self.severity} {self.rule}: {self.detail}"
        if self.unavoidable:
            text += f"; unavoidable ({self.unavoidable} with all the time the cue may take): an editor may condense it"
        return text


@dataclass(frozen=True)
class Report:
    name: str
    cues: int
    violations: tuple[Violation, ...]

    def count(self, severity: str) -> int:
        return sum(v.severity == severity for v in self.violations)

    def unavoidable_cues(self) -> list[int]:
        """The cues (1-based) whose hard breaks no timing mends: speech faster than anyone can read."""
        return sorted({v.cue for v in self.violations if v.unavoidable})

    @property
    def ok(self) -> bool:
        return self.count(HARD) == 0

    def summary(self) -> str:
        by_rule = Counter(v.rule for v in self.violations)
        rules = ", ".join(f"{rule} {n}" for rule, n in sorted(by_rule.items()))
        fast = by_rule.get("reading-speed", 0)
        share = f" ({fast / self.cues:.1%} of cues over the target reading speed)" if self.cues else ""
        unavoidable = sum(bool(v.unavoidable) for v in self.violations)
        hard = f"{self.count(HARD)} hard violations" + (
            f" ({unavoidable} unavoidable: speech faster than anyone can read, in "
            f"{len(self.unavoidable_cues())} cues to condense)" if unavoidable else "")
        return (f"{self.name}: {self.cues} cues, {hard}, "
                f"{self.count(WARN)} warnings, {self.count(NOTE)} notes"
                + (f" [{rules}]" if rules else "") + share)


# ---- reading -------------------------------------------------------------------

_TIMING = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)(?:\s.*)?$")
_TAG = re.compile(r"<[^>]*>")


def read_text(path: str | Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except OSError as exc:
        raise CaptionParseError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise CaptionParseError(f"{path}: not UTF-8 text") from None


def _scan(text: str, name: str, kind: str) -> None:
    lines = text.split("\n")
    if kind == "vtt" and not re.match(r"^WEBVTT(?:[ \t].*)?$", lines[0]):
        raise CaptionParseError(f"{name}:1: a WebVTT file must start with 'WEBVTT'")
    for number, line in enumerate(lines, 1):
        if "-->" not in line:
            continue
        match = _TIMING.match(line)
        try:
            if not match:
                raise timecode.TimecodeError(line)
            for stamp in match.groups():
                _check_stamp(stamp, kind)
        except timecode.TimecodeError:
            raise CaptionParseError(f"{name}:{number}: not a cue timing line: {line.strip()!r}") from None
    if kind == "vtt":
        _scan_vtt_blocks(text, name)


def _scan_vtt_blocks(text: str, name: str) -> None:
    """Every block after the header is a NOTE, STYLE or REGION, or has a timing line."""
    number = 1
    for block in text.split("\n\n"):
        lines = block.strip("\n").split("\n")
        first = number + len(block) - len(block.lstrip("\n"))
        number += block.count("\n") + 2
        if first == 1 or not block.strip() or lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        if not any("-->" in line for line in lines[:2]):
            raise CaptionParseError(f"{name}:{first}: expected a cue timing line "
                                    f"('00:00:01.000 --> 00:00:02.000'), found {lines[0].strip()!r}")


def _check_stamp(stamp: str, kind: str) -> None:
    pattern = r"(?:\d{2,}:)?[0-5]\d:[0-5]\d\.\d{3}" if kind == "vtt" else r"\d{1,}:[0-5]?\d:[0-5]?\d[,.]\d{1,3}"
    if not re.fullmatch(pattern, stamp):
        raise timecode.TimecodeError(stamp)


def shown(line: str) -> str:
    return html.unescape(_TAG.sub("", line))


def read_cues(path: str | Path) -> list[Cue]:
    """Parse a .vtt or .srt file (by its first line, then its suffix) into cues."""
    path = Path(path)
    text = read_text(path)
    kind = "vtt" if text.lstrip().startswith("WEBVTT") or path.suffix.lower() == ".vtt" else "srt"
    _scan(text, path.name, kind)
    return _read_vtt(text, path.name) if kind == "vtt" else _read_srt(text, path.name)


def _read_vtt(text: str, name: str) -> list[Cue]:
    try:
        captions = webvtt.from_buffer(io.StringIO(text)).captions
    except Exception as exc:  # webvtt-py raises several error types
        raise CaptionParseError(f"{name}: not valid WebVTT ({exc})") from None
    return [Cue(timecode.parse(c.start), timecode.parse(c.end), tuple(shown(line) for line in c.lines))
            for c in captions]


def _read_srt(text: str, name: str) -> list[Cue]:
    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as exc:
        line = text[:exc.actual_start].count("\n") + 1
        raise CaptionParseError(f"{name}:{line}: not valid SubRip (expected a cue number and timing)") from None
    return [Cue(_ms(s.start), _ms(s.end), tuple(shown(line) for line in s.content.split("\n")))
            for s in subtitles]


def _ms(delta: timedelta) -> int:
    return delta // timedelta(milliseconds=1)


# ---- checking ------------------------------------------------------------------

def check_cues(cues: list[Cue], rules: Rules = Rules()) -> list[Violation]:
    found: list[Violation] = []
    for n, cue in enumerate(cues, 1):
        previous = cues[n - 2] if n > 1 else None
        for rule, severity, detail in _cue_problems(cue, previous, rules):
            found.append(Violation(n, cue.start_ms, rule, severity, detail))
    return found


def _cue_problems(cue: Cue, previous: Cue | None, r: Rules):
    yield from cue_problems(cue.lines, cue.end_ms - cue.start_ms, r)
    for i, line in enumerate(cue.lines, 1):
        found = CONTROL.search(line)
        if found:
            yield "control-character", HARD, f"line {i} holds U+{ord(found.group()):04X}, which players show as garbage or drop"
    if previous is not None:
        gap = cue.start_ms - previous.end_ms
        if gap < 0:
            yield "overlap", HARD, f"starts {-gap} ms before the previous cue ends"
        elif 0 < gap < r.min_gap_ms:
            yield "gap", NOTE, f"{gap} ms after the previous cue (chain it or leave {r.min_gap_ms} ms)"


def check_file(path: str | Path, rules: Rules = Rules(), transcript: Transcript | None = None) -> Report:
    """Check a caption file; with the ``transcript`` of its speech, the cues too fast or too short
    however they are timed are marked unavoidable (still hard)."""
    cues = read_cues(path)
    found = check_cues(cues, rules)
    if transcript is not None and transcript.words:
        found = mark_unavoidable(cues, found, transcript, rules)
    return Report(Path(path).name, len(cues), tuple(found))


def mark_unavoidable(cues: list[Cue], found: list[Violation], transcript: Transcript,
                     rules: Rules = Rules()) -> list[Violation]:
    """The violations, those of speed and duration marked with their figure on cues that no timing
    can mend: speech faster than anyone can read with all the time the cue may take (``condense``)."""
    limits = dataclasses.replace(CaptionOptions(pos_tags=False), **dataclasses.asdict(rules))
    spans = WordSpans(Words(transcript, limits))
    shown = [(c.start_ms, c.end_ms, len(" ".join(c.lines))) for c in cues]
    figures: dict[int, str] = {}
    for v in found:
        if v.severity == HARD and v.rule in SPEED_RULES and v.cue not in figures:
            figures[v.cue] = spans.unavoidable(shown, v.cue - 1)
    return [dataclasses.replace(v, unavoidable=figures.get(v.cue, "")) if v.rule in SPEED_RULES else v
            for v in found]
