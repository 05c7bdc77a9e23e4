"""The vocabulary and house-style options of `process`, and `glossary suggest`, through the CLI."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CORPUS, need, write_wav
from transcribe_kit.audio import load
from transcribe_kit.cli import cli
from transcribe_kit.document import Change, Revision, Transcript, Word

TOML = '''
[[participants]]
name = "Dez Holmes"
role = "Director of Research in Practice"
host = true

[[participants]]
name = "Jo Todd"
role = "Chief Executive of Respect"

[[participants]]
name = "Kyla Kirkpatrick"
role = "Director of the Drive Partnership"
'''


@pytest.fixture(scope="module")
def intro(tmp_path_factory) -> Path:
    """The first 12 s of the short corpus episode (the host names the guests), with its metadata."""
    episode = need(CORPUS / "podcast_004_short" / "podcast_004_short.mp3")
    folder = tmp_path_factory.mktemp("ep")
    path = write_wav(folder / "intro.wav", load(episode).slice_ms(0, 12_000))
    (folder / "intro.toml").write_text(TOML, encoding="utf-8")
    return path


def test_process_prompts_with_names_and_records_corrections(intro, tmp_path):
    result = CliRunner().invoke(cli, ["process", str(intro), "-o", str(tmp_path), "--fast", "-q"])
    assert result.exit_code == 0, result.output
    doc = Transcript.load(tmp_path / "intro" / "transcript.json")
    assert doc.engine["initial_prompt"].startswith("Dez Holmes, Jo Todd, Kyla Kirkpatrick")
    text = doc.text()
    assert "Dez Holmes" in text and "Kyla Kirkpatrick" in text
    for c in doc.corrections:
        assert doc.words[c.index:c.index + c.count] and c.before


def test_process_without_vocabulary_and_with_us_spelling(intro, tmp_path):
    result = CliRunner().invoke(cli, ["process", str(intro), "-o", str(tmp_path), "--fast", "-q",
                                      "--no-vocabulary", "--spelling", "us", "--fillers", "keep"])
    assert result.exit_code == 0, result.output
    doc = Transcript.load(tmp_path / "intro" / "transcript.json")
    assert "initial_prompt" not in doc.engine
    assert all(c.rule in ("spelling", "style") for c in doc.corrections)


def test_bad_glossary_is_one_clear_error(intro, tmp_path):
    bad = tmp_path / "g.txt"
    bad.write_text("| heard as: nothing\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["process", str(intro), "-o", str(tmp_path), "--fast", "-q", "--glossary", str(bad)])
    assert result.exit_code == 1
    assert "Error:" in result.output and "term before '|' is missing" in result.output
    assert "Traceback" not in result.output


def _edited(folder: Path, name: str) -> Path:
    words = (Word("Kyla", 0, 500), Word("spoke", 600, 900))
    edit = Revision(2, "2026-01-02T00:00:00+00:00", "edit", changes=(Change("words", "Kayla", "Kyla", 0),))
    doc = Transcript(episode=name, words=words, history=(edit,))
    folder.mkdir()
    (folder / "transcript.json").write_text(doc.to_json(), encoding="utf-8")
    return folder


def test_glossary_suggest(tmp_path):
    a, b = _edited(tmp_path / "a", "ep1"), _edited(tmp_path / "b", "ep2")
    result = CliRunner().invoke(cli, ["glossary", "suggest", str(a), str(b)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Kyla | heard as: kayla    # ep1, ep2"
    glossary = tmp_path / "glossary.txt"
    glossary.write_text("Kyla | heard as: Kayla\n", encoding="utf-8")
    again = CliRunner().invoke(cli, ["glossary", "suggest", str(a), str(b), "--glossary", str(glossary)])
    assert again.exit_code == 0 and "No change was made" in again.output


def test_glossary_suggest_bad_transcript(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "transcript.json").write_text(json.dumps({"schema_version": 1}), encoding="utf-8")
    result = CliRunner().invoke(cli, ["glossary", "suggest", str(tmp_path / "x"), str(tmp_path / "x")])
    assert result.exit_code == 1 and result.output.startswith("Error:")
