"""End to end on a 4-second real clip: process writes every caption and chapter file, checks its
captions, and --tag-audio writes a chaptered copy of the MP3 without touching the input."""
import hashlib
from pathlib import Path

import av
import pytest
from click.testing import CliRunner

from transcribe_kit.audio import AudioError
from transcribe_kit.cli import cli
from transcribe_kit.document import Chapter, Transcript
from transcribe_kit.id3 import tagged_copy


@pytest.fixture(scope="module")
def clip(tmp_path_factory, jfk_wav) -> Path:
    """The first 4 s of jfk.wav as a 16 kHz mono MP3 ("And so my fellow Americans")."""
    out = tmp_path_factory.mktemp("clip") / "jfk4.mp3"
    with av.open(str(jfk_wav)) as src, av.open(str(out), "w", format="mp3") as dst:
        stream = dst.add_stream("libmp3lame", rate=16000, layout="mono")
        resampler = av.AudioResampler(format="s16p", layout="mono", rate=16000)
        for frame in src.decode(audio=0):
            if frame.time is not None and frame.time >= 4.0:
                break
            for chunk in resampler.resample(frame):
                dst.mux(stream.encode(chunk))
        dst.mux(stream.encode(None))
    return out


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_tagged_copy_has_chapters_and_leaves_the_input_alone(clip):
    from mutagen.id3 import ID3

    before = digest(clip)
    doc = Transcript(episode="jfk4", duration_ms=4000,
                     chapters=(Chapter(0, "Opening"), Chapter(2000, "Fellow Americans")))
    data = tagged_copy(clip, doc)
    assert digest(clip) == before
    copy = clip.with_name("copy.mp3")
    copy.write_bytes(data)
    tags = ID3(copy)
    chapters = tags.getall("CHAP")
    assert [(c.start_time, c.end_time, c.sub_frames.getall("TIT2")[0].text[0]) for c in chapters] == [
        (0, 2000, "Opening"), (2000, 4000, "Fellow Americans")]
    assert tags.getall("CTOC")[0].child_element_ids == [c.element_id for c in chapters]


def test_tag_audio_refuses_other_formats(jfk_wav):
    with pytest.raises(AudioError, match="only MP3"):
        tagged_copy(jfk_wav, Transcript(episode="x"))


def test_process_writes_and_checks_captions(clip, tmp_path):
    before = digest(clip)
    result = CliRunner().invoke(cli, ["process", str(clip), "-o", str(tmp_path), "--fast", "-q", "--tag-audio"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "jfk4"
    for name in ("captions.vtt", "captions.srt", "chapters.vtt", "chapters.json", "chapters.txt",
                 "transcript.podcast.json", "jfk4.chapters.mp3"):
        assert (out / name).stat().st_size > 0, name
    assert "check captions.vtt: " in result.output and "0 hard violations" in result.output
    assert "fellow" in (out / "captions.vtt").read_text().lower()
    assert digest(clip) == before
