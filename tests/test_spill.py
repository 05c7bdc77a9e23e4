"""Long recordings are decoded to disk and read back memory-mapped (issue 17)."""
from __future__ import annotations

import sys

import numpy as np
import pytest
from conftest import write_wav

from transcribe_kit import audio


def rss_mb(samples: np.memmap) -> float:
    """Resident MB of the mapping that holds ``samples`` (its own pages, from /proc/self/smaps).

    The whole process's RSS would also count what other tests and the allocator do meanwhile."""
    address = samples.ctypes.data
    inside = False
    with open("/proc/self/smaps") as fh:
        for line in fh:
            head = line.split(maxsplit=1)[0]
            if "-" in head and not head.endswith(":"):
                start, end = (int(x, 16) for x in head.split("-"))
                inside = start <= address < end
            elif inside and head == "Rss:":
                return int(line.split()[1]) / 1024
    raise AssertionError("the samples are not in a mapping of this process")


@pytest.fixture
def noise_wav(tmp_path):
    rng = np.random.default_rng(7)
    return write_wav(tmp_path / "long.wav", rng.uniform(-0.5, 0.5, 16_000 * 300).astype(np.float32))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSCRIBE_KIT_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_long_recording_is_mapped_from_an_unnamed_file_with_the_same_samples(noise_wav, cache, monkeypatch):
    in_memory = audio.load(noise_wav)
    assert not isinstance(in_memory.samples, np.memmap)  # 5 minutes: under SPILL_MIN_S
    monkeypatch.setattr(audio, "SPILL_MIN_S", 60)
    spilled = audio.load(noise_wav)
    assert isinstance(spilled.samples, np.memmap) and not spilled.samples.flags.writeable
    np.testing.assert_array_equal(np.asarray(spilled.samples), in_memory.samples)
    assert spilled.duration_ms == in_memory.duration_ms == 300_000
    assert list((cache / "audio").iterdir()) == []  # the file has no name: nothing is left behind


def test_a_header_that_says_less_switches_to_the_file_while_decoding(noise_wav, cache, monkeypatch):
    monkeypatch.setattr(audio, "SPILL_MIN_S", 60)
    monkeypatch.setattr(audio, "_header_seconds", lambda container, stream: 0.0)
    spilled = audio.load(noise_wav)
    assert isinstance(spilled.samples, np.memmap)
    monkeypatch.setattr(audio, "SPILL_MIN_S", 600)
    np.testing.assert_array_equal(np.asarray(spilled.samples), audio.load(noise_wav).samples)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="resident pages from /proc")
def test_pages_read_are_given_back_and_the_samples_stay(noise_wav, cache, monkeypatch):
    monkeypatch.setattr(audio, "SPILL_MIN_S", 60)
    spilled = audio.load(noise_wav)  # 300 s: 19 MB of float32
    before = rss_mb(spilled.samples)
    total = float(np.sum(spilled.samples, dtype=np.float64))
    read = rss_mb(spilled.samples)
    spilled.drop_pages()
    dropped = rss_mb(spilled.samples)
    assert read - before > 15 and read - dropped > 15, (before, read, dropped)
    assert float(np.sum(spilled.samples, dtype=np.float64)) == total


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="resident pages from /proc")
def test_reading_pieces_all_over_holds_only_the_latest_minutes(noise_wav, cache, monkeypatch):
    monkeypatch.setattr(audio, "SPILL_MIN_S", 60)
    monkeypatch.setattr(audio, "DROP_AFTER_SAMPLES", 30 * 16_000)
    spilled = audio.load(noise_wav)
    before, highest = rss_mb(spilled.samples), 0.0
    for start in range(0, 300_000, 2_000):
        spilled.slice_ms(start, start + 2_000).sum()
        highest = max(highest, rss_mb(spilled.samples) - before)
    assert highest < 5, highest  # 30 s of samples are 1.9 MB; all 300 s would be 19 MB
    assert spilled.frame_db(100).shape == (3000,)
    assert rss_mb(spilled.samples) - before < 5


def test_an_unwritable_cache_is_one_clear_error(noise_wav, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TRANSCRIBE_KIT_CACHE", str(blocker))
    monkeypatch.setattr(audio, "SPILL_MIN_S", 60)
    with pytest.raises(audio.AudioError, match="cannot write the decoded audio to .*TRANSCRIBE_KIT_CACHE"):
        audio.load(noise_wav)
