"""Decode any audio or video container to 16 kHz mono float32 with PyAV.

PyAV ships its own FFmpeg libraries, so no ``ffmpeg`` binary is needed.
Every failure a user can cause becomes an ``AudioError`` whose message says
what is wrong and what to do.
"""
from __future__ import annotations

import mmap
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import UserError

SAMPLE_RATE = 16_000
MIN_DURATION_MS = 1_000  # shorter clips carry too little speech to transcribe
# Recordings longer than this are decoded to a file on disk and read from it (memory-mapped), so the
# process holds only the pieces a stage is reading: 10 minutes are 38 MB in memory, three hours 690 MB.
SPILL_MIN_S = 10 * 60
DROP_AFTER_SAMPLES = 5 * 60 * SAMPLE_RATE  # pieces of a spilled recording read before its pages are given back
# What `batch` picks up in a folder and an episode folder's recording may be: audio and the video
# containers PyAV decodes (the audio track is used).
AUDIO_SUFFIXES = frozenset(
    ".mp3 .wav .flac .ogg .oga .opus .m4a .aac .wma .aiff .aif .mp4 .m4v .mov .mkv .webm .avi".split()
)


class AudioError(UserError, ValueError):
    """The input cannot be used as audio; the message is meant for the user."""


@dataclass(frozen=True)
class Audio:
    samples: np.ndarray  # float32, mono, SAMPLE_RATE; a read-only np.memmap for a long recording
    path: Path | None = None
    _read: list = field(default_factory=lambda: [0], compare=False, repr=False)  # samples read since a drop

    @property
    def duration_ms(self) -> int:
        return int(round(len(self.samples) * 1000 / SAMPLE_RATE))

    def slice_ms(self, start_ms: int, end_ms: int) -> np.ndarray:
        a = max(0, start_ms * SAMPLE_RATE // 1000)
        b = min(len(self.samples), end_ms * SAMPLE_RATE // 1000)
        if not isinstance(self.samples, np.memmap):
            return self.samples[a:b]
        self.reading(b - a)
        return np.array(self.samples[a:b])  # an ordinary (writable) array, for torch and the like

    def reading(self, count: int) -> None:
        """Note that ``count`` samples are about to be read: a spilled recording gives its pages
        back every few minutes read, so reading pieces all over it holds only the latest."""
        if isinstance(self.samples, np.memmap):
            self._read[0] += count
            if self._read[0] > DROP_AFTER_SAMPLES:
                self.drop_pages()

    def drop_pages(self) -> None:
        """Let the system take back the pages of a spilled recording that were read.

        They stay on disk and are read again when needed; samples held in memory are kept."""
        mapping = getattr(self.samples, "_mmap", None)
        if mapping is not None and hasattr(mapping, "madvise"):
            mapping.madvise(mmap.MADV_DONTNEED)
        self._read[0] = 0

    def is_silent(self, threshold_dbfs: float = -60.0) -> bool:
        """True when no 100 ms frame is louder than ``threshold_dbfs``."""
        db = self.frame_db(100)
        return db.size == 0 or bool(db.max() < threshold_dbfs)

    def frame_db(self, frame_ms: int) -> np.ndarray:
        """The level (dBFS, float64) of each whole ``frame_ms`` frame.

        Computed a minute at a time: squaring the whole recording at once held two
        float64 copies of it (almost 1 GB for an hour)."""
        hop = SAMPLE_RATE * frame_ms // 1000
        n = len(self.samples) // hop
        out = np.empty(n, dtype=np.float64)
        block = max(1, 60_000 // frame_ms)  # frames a minute
        for a in range(0, n, block):
            b = min(n, a + block)
            self.reading((b - a) * hop)
            frames = self.samples[a * hop: b * hop].reshape(b - a, hop).astype(np.float64)
            out[a:b] = 10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-12)
        return out


def check_path(path: str | Path) -> Path:
    """Fail early, with a plain message, for paths that cannot be audio."""
    path = Path(path)
    if not path.exists():
        raise AudioError(f"{path}: no such file. Check the path and try again.")
    if path.is_dir():
        raise AudioError(f"{path}: is a folder, not an audio file (use `batch` for folders).")
    if path.stat().st_size == 0:
        raise AudioError(f"{path}: the file is empty (0 bytes).")
    return path


def load(path: str | Path, min_duration_ms: int = MIN_DURATION_MS) -> Audio:
    """Decode the first audio stream of ``path`` to 16 kHz mono float32."""
    import av  # lazy: keeps `--help` fast

    path = check_path(path)
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise AudioError(
            f"{path}: not a readable audio or video file ({_reason(exc)})."
        ) from None
    with container:
        if not container.streams.audio:
            fmt = container.format.name or ""
            if "image" in fmt or fmt.endswith("_pipe"):
                kind = fmt.replace("_pipe", "").replace("image2", "image")
                raise AudioError(f"{path}: is an image ({kind}), not audio or video.")
            kinds = ", ".join(sorted({s.type for s in container.streams})) or "no streams"
            raise AudioError(f"{path}: has no audio track ({kinds}); nothing to transcribe.")
        samples = _decode(container, path)
    if samples.size == 0:
        raise AudioError(f"{path}: the audio track holds no samples.")
    audio = Audio(samples=samples, path=path)
    if audio.duration_ms < min_duration_ms:
        raise AudioError(
            f"{path}: only {audio.duration_ms / 1000:.1f} s of audio; "
            f"at least {min_duration_ms / 1000:.0f} s is needed."
        )
    return audio


def is_media(path: str | Path) -> bool:
    """Does ``path`` hold an audio track that decodes (whatever its name says)?"""
    import av  # lazy: keeps `--help` fast

    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                return False
            next(container.decode(container.streams.audio[0]))
            return True
    except (av.error.FFmpegError, UnicodeDecodeError, StopIteration, OSError):
        return False


def _decode(container, path: Path) -> np.ndarray:
    """The first audio stream as 16 kHz mono float32, decoded into one buffer.

    A recording of up to ``SPILL_MIN_S`` goes into memory, in a buffer sized from the
    container's duration that grows by half when that was short (a list of frames
    joined at the end held it twice); a longer one (by its header, or once decoded
    that far) goes to a file and comes back memory-mapped: ``Audio.drop_pages``."""
    import av  # PyAV loads when audio is first decoded

    stream = container.streams.audio[0]
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    seconds = _header_seconds(container, stream)
    if seconds > SPILL_MIN_S:
        buffer: _Buffer | _Spill = _Spill()
    else:
        buffer = _Buffer(int(seconds * SAMPLE_RATE) + SAMPLE_RATE)  # a header may lie: it grows

    def add(piece: np.ndarray) -> None:
        nonlocal buffer
        if isinstance(buffer, _Buffer) and buffer.size > SPILL_MIN_S * SAMPLE_RATE:  # the header said less
            spill = _Spill()
            spill.add(buffer.data[: buffer.size])
            buffer = spill
        buffer.add(piece)

    try:
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                add(out.to_ndarray().reshape(-1))
        for out in resampler.resample(None):
            add(out.to_ndarray().reshape(-1))
    except av.error.FFmpegError as exc:
        if not buffer.size:
            raise AudioError(f"{path}: the audio could not be decoded ({_reason(exc)}).") from None
        # a damaged tail: keep what decoded, as players do
    return buffer.samples()


class _Buffer:
    def __init__(self, capacity: int) -> None:
        self.data = np.empty(max(capacity, SAMPLE_RATE), dtype=np.float32)
        self.size = 0

    def add(self, piece: np.ndarray) -> None:
        if self.size + len(piece) > len(self.data):
            grown = np.empty(max(self.size + len(piece), len(self.data) * 3 // 2), dtype=np.float32)
            grown[: self.size] = self.data[: self.size]
            self.data = grown
        self.data[self.size: self.size + len(piece)] = piece
        self.size += len(piece)

    def samples(self) -> np.ndarray:
        if len(self.data) - self.size > SAMPLE_RATE * 60:  # far too big (a wrong duration): give the rest back
            return self.data[: self.size].copy()
        return self.data[: self.size]


def _header_seconds(container, stream) -> float:
    """The length the container says it has (0 when it does not say; it may be wrong)."""
    return float(stream.duration * stream.time_base) if stream.duration else (container.duration or 0) / 1e6


def spill_dir() -> Path:
    """Where long recordings are decoded to: the user's cache (on disk; /tmp may be memory)."""
    from .models import cache_dir

    return cache_dir() / "audio"


def _cannot_write(exc: OSError) -> AudioError:
    return AudioError(f"cannot write the decoded audio to {spill_dir()} ({_reason(exc)}); "
                      "free some disk space or set TRANSCRIBE_KIT_CACHE to a writable folder.")


class _Spill:
    """Decoded samples written to an unnamed file and mapped back read-only.

    The file has no name (it goes when the process does, even when killed), and
    writing goes through the system's cache, not the process's memory."""

    def __init__(self) -> None:
        directory = spill_dir()
        try:
            directory.mkdir(parents=True, exist_ok=True)
            self.file = tempfile.TemporaryFile(dir=directory)
        except OSError as exc:
            raise _cannot_write(exc) from None
        self.size = 0

    def add(self, piece: np.ndarray) -> None:
        try:
            self.file.write(memoryview(np.ascontiguousarray(piece, dtype=np.float32)))
        except OSError as exc:
            raise _cannot_write(exc) from None
        self.size += len(piece)

    def samples(self) -> np.ndarray:
        with self.file:
            self.file.flush()
            if not self.size:
                return np.empty(0, dtype=np.float32)
            return np.memmap(self.file, dtype=np.float32, mode="r", shape=(self.size,))


def _reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return text.split(":")[0].strip().rstrip(".") or type(exc).__name__
