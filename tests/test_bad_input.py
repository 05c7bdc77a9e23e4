"""Every bad input: one clear line, a non-zero exit, no traceback, nothing written."""
from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import write_video, write_wav
from transcribe_kit.cli import cli


def run(args):
    return CliRunner().invoke(cli, args, catch_exceptions=False)


def assert_clean_failure(result, out_dir, *phrases):
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    error_lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(error_lines) == 1, result.output
    for phrase in phrases:
        assert phrase in error_lines[0], error_lines[0]
    assert not any(p.is_file() for p in out_dir.rglob("*")), list(out_dir.rglob("*"))


@pytest.fixture
def out(tmp_path):
    d = tmp_path / "outputs"
    d.mkdir()
    return d


def test_missing_path(tmp_path, out):
    assert_clean_failure(run(["process", str(tmp_path / "nope.mp3"), "-o", str(out), "-q"]), out, "no such file")


def test_directory(tmp_path, out):
    folder = tmp_path / "season"
    folder.mkdir()
    assert_clean_failure(run(["process", str(folder), "-o", str(out), "-q"]), out, "is a folder")


def test_empty_file(tmp_path, out):
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    assert_clean_failure(run(["process", str(empty), "-o", str(out), "-q"]), out, "empty")


def test_corrupt_file(tmp_path, out):
    bad = tmp_path / "corrupt.mp3"
    bad.write_bytes(np.random.default_rng(1).integers(0, 256, 20000, dtype=np.uint8).tobytes())
    assert_clean_failure(run(["process", str(bad), "-o", str(out), "-q"]), out, "corrupt.mp3")


def test_png_renamed_mp3(tmp_path, out):
    png = tmp_path / "cover.mp3"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200))
    assert_clean_failure(run(["process", str(png), "-o", str(out), "-q"]), out, "cover.mp3")


def test_video_without_audio(tmp_path, out):
    video = write_video(tmp_path / "silent_film.mp4")
    assert_clean_failure(run(["process", str(video), "-o", str(out), "-q"]), out, "no audio track")


def test_too_short_clip(tmp_path, out):
    clip = write_wav(tmp_path / "blip.wav", 0.3 * np.sin(np.linspace(0, 600, 4800)))  # 0.3 s
    assert_clean_failure(run(["process", str(clip), "-o", str(out), "-q"]), out, "0.3 s", "at least")


@pytest.mark.parametrize("toml, phrase", [
    ('title = "x"\ncolour = "red"\n', "unknown key 'colour'"),
    ('published = "10/02/2022"\n', "published must be a TOML date"),
    ('title = "unclosed\n', "not valid TOML"),
    ('[[participants]]\nrole = "Host"\n', "name is missing"),
    ('[[participants]]\nname = "Jo"\nhost = "yes"\n', "host must be a bool"),
])
def test_bad_metadata(tmp_path, out, jfk_wav, toml, phrase):
    meta = tmp_path / "meta.toml"
    meta.write_text(toml)
    result = run(["process", str(jfk_wav), "--meta", str(meta), "-o", str(out), "-q", "--fast"])
    assert_clean_failure(result, out, phrase)


def test_missing_meta_file(tmp_path, out, jfk_wav):
    result = run(["process", str(jfk_wav), "--meta", str(tmp_path / "none.toml"), "-o", str(out), "-q", "--fast"])
    assert_clean_failure(result, out, "no such metadata file")


def test_one_bad_file_does_not_stop_the_others(tmp_path, out, jfk_wav):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    result = run(["process", str(empty), str(jfk_wav), "-o", str(out), "-q", "--fast"])
    assert result.exit_code == 1
    assert (out / "jfk" / "transcript.json").is_file()
    assert not (out / "empty").exists()


@pytest.mark.parametrize("kind", ["silence", "music"])
def test_silence_and_music_give_an_empty_transcript_and_a_warning(tmp_path, out, kind):
    t = np.arange(16000 * 6) / 16000
    if kind == "silence":
        samples = np.zeros_like(t)
    else:  # a chord progression with harmonics and a soft attack on every beat
        notes = [220.0, 277.2, 329.6, 440.0]
        envelope = 0.5 + 0.5 * np.minimum(1, (t % 0.5) * 20)
        samples = sum(0.1 * np.sin(2 * np.pi * f * k * t) / k for f in notes for k in (1, 2, 3)) * envelope
    clip = write_wav(tmp_path / f"{kind}.wav", samples)
    result = run(["process", str(clip), "-o", str(out), "-q", "--fast"])
    assert result.exit_code == 0, result.output
    assert "no speech found" in result.output
    from transcribe_kit.document import Transcript

    doc = Transcript.load(out / kind / "transcript.json")
    assert doc.words == ()


@pytest.mark.parametrize("where", ["output", "cache"])
def test_a_folder_that_cannot_be_written_fails_before_any_work(tmp_path, out, jfk_wav, where):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    args = ["process", str(jfk_wav), "-q", "--fast"]
    args += ["-o", str(blocker / "outputs")] if where == "output" else ["-o", str(out), "--cache-dir", str(blocker / "c")]
    assert_clean_failure(run(args), out, "cannot write to this folder")


def test_atomic_writes_fail_as_one_user_error(tmp_path):
    from transcribe_kit.fileio import WriteError, atomic_write, atomic_write_many

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(WriteError, match="cannot write"):
        atomic_write(blocker / "x.txt", "text")
    with pytest.raises(WriteError, match="cannot write"):
        atomic_write_many({tmp_path / "ok.txt": "fine", blocker / "x.txt": "text"})
    assert not (tmp_path / "ok.txt").exists()  # nothing renamed into place when one file fails


def test_every_error_of_the_package_is_a_user_error():
    """The CLI and the batch catch ``UserError`` alone: an error class outside it would surface
    as a traceback or an "internal error"."""
    import importlib
    import inspect
    import pkgutil

    import transcribe_kit
    from transcribe_kit.errors import UserError

    found = {}
    for info in pkgutil.walk_packages(transcribe_kit.__path__, "transcribe_kit."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Exception) and obj.__module__ == info.name:
                found[f"{info.name}.{name}"] = obj
    assert len(found) >= 15, sorted(found)
    assert [name for name, cls in found.items() if not issubclass(cls, UserError)] == []


def test_a_bad_glossary_in_a_batch_is_reported_as_the_user_error_it_is(tmp_path):
    season, out = tmp_path / "season", tmp_path / "out"
    season.mkdir()
    write_wav(season / "a.wav", np.zeros(16000, dtype=np.float32))
    (season / "glossary.txt").write_text("| heard as: drive\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(season), "-o", str(out), "--fast", "-q"])
    assert result.exit_code == 1
    assert "the term before '|' is missing" in result.output, result.output
    assert "internal error" not in result.output
