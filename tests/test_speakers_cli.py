"""`transcribe-kit speakers --rename` and `voices`, through click's CliRunner."""
import webvtt
from click.testing import CliRunner

from transcribe_kit.cli import cli
from transcribe_kit.document import EpisodeMeta, Participant, Speaker, SpeechSegment, Transcript, Word
from transcribe_kit.fileio import atomic_write_many
from transcribe_kit.turns import build_turns
from transcribe_kit.captions import CaptionOptions
from transcribe_kit.writers import WriterOptions, render_all, with_options


def episode(tmp_path, options: WriterOptions = WriterOptions()):
    words = (Word("Hello", 0, 400, speaker="S1"), Word("everyone.", 400, 900, speaker="S1"),
             Word("Thanks", 1500, 1900, speaker="S2"), Word("Dez.", 1900, 2300, speaker="S2"))
    doc = build_turns(Transcript(
        episode="ep", duration_ms=3000,
        meta=EpisodeMeta(participants=(Participant("Dez Holmes", host=True), Participant("Kyla Kirkpatrick", "Director"))),
        speakers=(Speaker("S1", name="Dez Holmes", label="Dez", is_host=True), Speaker("S2", label="Speaker 2")),
        words=words, segments=(SpeechSegment(0, 900, "S1"), SpeechSegment(1500, 2300, "S2"))))
    doc = with_options(doc.with_revision("process"), options)
    out = tmp_path / "ep"
    atomic_write_many(render_all(doc, out, ["json", "txt", "vtt", "srt", "rttm"], options))
    return out


def test_rename_rewrites_every_output(tmp_path):
    out = episode(tmp_path)
    result = CliRunner().invoke(cli, ["speakers", str(out), "--rename", "Speaker 2=Kyla Kirkpatrick"])
    assert result.exit_code == 0, result.output
    assert "Kyla Kirkpatrick" in result.output
    assert "Kyla: Thanks Dez." in (out / "transcript.txt").read_text()
    voices = {c.voice for c in webvtt.read(str(out / "captions.vtt"))}
    assert voices == {"Dez Holmes", "Kyla Kirkpatrick"}
    assert "Kyla_Kirkpatrick" in (out / "speakers.rttm").read_text()
    doc = Transcript.load(out / "transcript.json")
    assert doc.speaker("S2").role == "Director" and doc.history[-1].kind == "rename"


def test_a_rename_keeps_the_outputs_settings_and_revert_undoes_it(tmp_path):
    made_with = WriterOptions(timestamps=True, captions=CaptionOptions(max_chars_per_line=37, pos_tags=False))
    out = episode(tmp_path, made_with)
    assert "[00:01] Speaker 2: Thanks Dez." in (out / "transcript.txt").read_text()
    renamed = CliRunner().invoke(cli, ["speakers", str(out), "--rename", "Speaker 2=Kyla Kirkpatrick"])
    assert renamed.exit_code == 0, renamed.output
    doc = Transcript.load(out / "transcript.json")
    assert "[00:01] Kyla: Thanks Dez." in (out / "transcript.txt").read_text()  # --timestamps kept
    assert (out / "captions.vtt").read_text() == render_all(doc, out, ["vtt"], made_with)[out / "captions.vtt"]
    assert doc.history[-1].kind == "rename" and doc.history[-1].changes[0].after == "Kyla"

    back = CliRunner().invoke(cli, ["revert", str(out), "1"])
    assert back.exit_code == 0, back.output
    doc = Transcript.load(out / "transcript.json")
    assert doc.speaker("S2").display == "Speaker 2" and doc.history[-1].kind == "revert"
    assert "[00:01] Speaker 2: Thanks Dez." in (out / "transcript.txt").read_text()
    assert "Speaker 2" in {c.voice for c in webvtt.read(str(out / "captions.vtt"))}


def test_rename_of_an_unknown_speaker_is_one_clear_error(tmp_path):
    out = episode(tmp_path)
    result = CliRunner().invoke(cli, ["speakers", str(out), "--rename", "Speaker 7=X"])
    assert result.exit_code == 1
    assert "Error: no speaker called 'Speaker 7'" in result.output
    assert "Traceback" not in result.output


def test_voices_add_needs_enough_speech(tmp_path, monkeypatch):
    import numpy as np
    import av  # noqa: F401  (PyAV writes the test clip)

    monkeypatch.setenv("TRANSCRIBE_KIT_DATA", str(tmp_path / "data"))
    from transcribe_kit.audio import SAMPLE_RATE
    import wave

    clip = tmp_path / "short.wav"
    with wave.open(str(clip), "wb") as fh:
        fh.setnchannels(1), fh.setsampwidth(2), fh.setframerate(SAMPLE_RATE)
        fh.writeframes((np.sin(np.arange(SAMPLE_RATE * 2) / 10) * 8000).astype("<i2").tobytes())
    result = CliRunner().invoke(cli, ["voices", "add", "Dez Holmes", str(clip)])
    assert result.exit_code == 1 and "a voice needs at least 3 s" in result.output
    listed = CliRunner().invoke(cli, ["voices", "list"])
    assert "no voices yet" in listed.output
