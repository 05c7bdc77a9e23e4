"""The caption checker on hand-made good and bad files, through the API and the CLI."""
from pathlib import Path

import pytest
from click.testing import CliRunner

from transcribe_kit.captions.check import CaptionParseError, Rules, check_file
from transcribe_kit.cli import cli

GOOD_VTT = """WEBVTT

00:00:01.000 --> 00:00:03.500
<v Jo Todd>Hello &amp; welcome to the show.

00:00:03.500 --> 00:00:06.000
<v Dez Holmes>Thank you, it is good
to be here.
"""

BAD_VTT = """WEBVTT

NOTE made by hand with one fault per cue

00:00:01.000 --> 00:00:04.000
This line is far too long for anybody to read it easily.

00:00:04.000 --> 00:00:07.000
one
two
three

00:00:06.500 --> 00:00:08.000
Overlapping the cue before.

00:00:08.000 --> 00:00:08.400
Too short.

00:00:09.000 --> 00:00:10.500
Thirty-two characters in 1.5 sec

00:00:10.530 --> 00:00:18.000
Too long on screen, and only 30 ms after the cue before.
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_file_passes(tmp_path):
    report = check_file(write(tmp_path, "good.vtt", GOOD_VTT))
    assert report.ok and report.cues == 2 and report.violations == ()


def test_every_fault_is_reported_with_cue_number_and_rule(tmp_path):
    report = check_file(write(tmp_path, "bad.vtt", BAD_VTT))
    found = {(v.cue, v.rule, v.severity) for v in report.violations}
    assert (1, "line-length", "hard") in found
    assert (2, "lines", "hard") in found
    assert (3, "overlap", "hard") in found
    assert (4, "too-short", "hard") in found
    assert (5, "reading-speed-max", "hard") in found
    assert (6, "too-long", "hard") in found
    assert (6, "gap", "note") in found
    assert not report.ok
    assert report.summary().startswith("bad.vtt: 6 cues, ")


def test_srt_with_tags_and_labels(tmp_path):
    path = write(tmp_path, "ok.srt", "1\n00:00:01,000 --> 00:00:03,000\nJO: <i>Hello</i> there.\n\n"
                                      "2\n00:00:03,000 --> 00:00:09,000\nA reply that is long enough.\n")
    report = check_file(path)
    assert report.cues == 2 and report.ok


@pytest.mark.parametrize("name,text,line", [
    ("nohead.vtt", "00:00:01.000 --> 00:00:02.000\nHi\n", 1),
    ("timing.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n\n00:00:03.000 -> 00:00:04.000\nYo\n", 6),
    ("stamp.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:0x.000\nHi\n", 3),
    ("number.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi\n\n2\n00:00:0x,000 --> 00:00:04,000\nYo\n", 6),
    ("stray.srt", "1\n00:00:01,000 --> 00:00:02,000\nHi\n\nxx\nyy 00:00:05,000 --> 00:00:06,000\nzz\n", 6),
])
def test_malformed_files_name_the_line(tmp_path, name, text, line):
    with pytest.raises(CaptionParseError, match=rf"{name}:{line}: "):
        check_file(write(tmp_path, name, text))


def test_rules_file_changes_the_limits(tmp_path):
    rules = write(tmp_path, "rules.toml", "max_chars_per_line = 20\n")
    assert Rules.load(rules).max_chars_per_line == 20
    with pytest.raises(CaptionParseError, match="unknown rule"):
        Rules.load(write(tmp_path, "bad.toml", "max_chars = 20\n"))


def test_cli_exit_codes_and_output(tmp_path):
    runner = CliRunner()
    good = runner.invoke(cli, ["check", str(write(tmp_path, "good.vtt", GOOD_VTT))])
    assert good.exit_code == 0 and "0 hard violations" in good.output
    bad = runner.invoke(cli, ["check", str(write(tmp_path, "bad.vtt", BAD_VTT))])
    assert bad.exit_code == 1
    assert "cue 1 at 00:00:01.000: hard line-length: line 1 has 56 characters (max 42)" in bad.output
    strict = runner.invoke(cli, ["check", str(tmp_path / "good.vtt"), "--rules",
                                 str(write(tmp_path, "r.toml", "max_chars_per_line = 10\n"))])
    assert strict.exit_code == 1
    broken = runner.invoke(cli, ["check", str(write(tmp_path, "x.vtt", "WEBVTT\n\nnonsense\n"))])
    assert broken.exit_code == 1
    assert broken.output.startswith("Error: x.vtt:3: ") and "Traceback" not in broken.output
    missing = runner.invoke(cli, ["check", str(tmp_path / "nope.vtt")])
    assert missing.exit_code == 1 and missing.output.startswith("Error: ")


def test_control_characters_in_a_caption_file_break_a_hard_rule(tmp_path):
    for suffix, text in ((".vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nHello\u0007 there\n"),
                         (".srt", "1\n00:00:01,000 --> 00:00:03,000\nHello\u001b there\n")):
        path = tmp_path / f"c{suffix}"
        path.write_text(text, encoding="utf-8")
        report = check_file(path)
        assert not report.ok and [v.rule for v in report.violations] == ["control-character"]
