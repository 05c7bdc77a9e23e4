"""Who speaks when, as data: segments of one voice, a diarisation, its JSON, and the segment
arithmetic that turns pyannote's two outputs (exclusive and overlap-aware) into ours."""
from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    start_ms: int
    end_ms: int
    speaker: str  # a local cluster label, "SPEAKER_00", ...


@dataclass(frozen=True)
class Diarization:
    segments: tuple[Segment, ...]  # exclusive: at most one speaker at any time, in time order
    speakers: tuple[str, ...]  # labels in order of first appearance
    estimated: bool  # True when the number of speakers was estimated, not given
    overlaps: tuple[Segment, ...] = ()  # a second voice talking over the exclusive one
    # When estimated: the counts the clustering gives a little below and above its threshold
    # (count_range), widened to hold the count found; equal to it when the count is clear.
    count_range: tuple[int, int] | None = None

    @property
    def count_sure(self) -> bool:
        return not self.estimated or self.count_range is None or self.count_range[0] == self.count_range[1]


def to_json(found: Diarization | None) -> str:
    """A diarisation as JSON (the stage cache keeps the side stage's result so)."""
    if found is None:
        return "null"
    segs = lambda segments: [[s.start_ms, s.end_ms, s.speaker] for s in segments]  # noqa: E731
    return json.dumps({"segments": segs(found.segments), "speakers": list(found.speakers),
                       "estimated": found.estimated, "overlaps": segs(found.overlaps),
                       "count_range": list(found.count_range) if found.count_range else None})


def from_json(text: str) -> Diarization | None:
    data = json.loads(text)
    if data is None:
        return None
    segs = lambda rows: tuple(Segment(int(a), int(b), str(c)) for a, b, c in rows)  # noqa: E731
    spread = data["count_range"]
    return Diarization(segs(data["segments"]), tuple(data["speakers"]), bool(data["estimated"]),
                       segs(data["overlaps"]), tuple(spread) if spread else None)


def from_annotation(annotation) -> list[Segment]:
    """A pyannote ``Annotation``'s tracks as Segments in time order (empty ones left out)."""
    segments = []
    for seg, _, label in annotation.itertracks(yield_label=True):
        start, end = round(seg.start * 1000), round(seg.end * 1000)
        if end > start:
            segments.append(Segment(start, end, str(label)))
    return sorted(segments, key=lambda s: (s.start_ms, s.end_ms))


def overlaps_of(regular: list[Segment], exclusive: list[Segment]) -> list[Segment]:
    """Where the overlap-aware output has a voice that the exclusive one does not show."""
    out = []
    for r in regular:
        for e in exclusive:
            if e.start_ms >= r.end_ms:
                break
            start, end = max(r.start_ms, e.start_ms), min(r.end_ms, e.end_ms)
            if end > start and e.speaker != r.speaker:
                out.append(Segment(start, end, r.speaker))
    return out


def exclusive_of(segments: list[Segment]) -> list[Segment]:
    """Remove the overlaps pyannote's exclusive output can still have after gap filling.

    A segment inside another is dropped; two that overlap meet half-way.
    """
    out: list[Segment] = []
    for seg in segments:
        if out and seg.start_ms < out[-1].end_ms:
            if seg.end_ms <= out[-1].end_ms:
                continue
            middle = (seg.start_ms + out[-1].end_ms) // 2
            out[-1] = Segment(out[-1].start_ms, middle, out[-1].speaker)
            seg = Segment(middle, seg.end_ms, seg.speaker)
        out.append(seg)
    return [s for s in out if s.end_ms > s.start_ms]
