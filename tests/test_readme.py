"""README's "Using it from Python" block, run as written on a 10-second clip."""
from __future__ import annotations

import re
from pathlib import Path

from clips import corpus_or_skip, cut

README = Path(__file__).resolve().parents[1] / "README.md"


def python_block() -> str:
    section = README.read_text(encoding="utf-8").split("## Using it from Python", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_python_example_runs(tmp_path, monkeypatch, capsys):
    cut(corpus_or_skip() / "real" / "jfk.wav", 0.0, 10.5, tmp_path / "episode.mp3")
    (tmp_path / "episode.toml").write_text('title = "Inaugural address"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    names = {"__name__": "readme"}
    exec(compile(python_block(), str(README), "exec"), names)
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("Inaugural address - ") and "country" in printed[0]
    edited = names["edit"].transcript
    assert "nation" in edited.text() and "country" not in edited.text() and printed[2].endswith("words")
    assert [round(w.start_ms, -3) for w in edited.words] == [round(w.start_ms, -3) for w in names["doc"].words]
    assert printed[-1] == "['process', 'edit', 'rename', 'revert']"
    assert "nation" not in (tmp_path / "outputs" / "episode" / "transcript.txt").read_text()  # reverted to v1
