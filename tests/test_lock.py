"""The lock is complete and the install check names what drifted (tools/check_install.py)."""
from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def check():
    spec = importlib.util.spec_from_file_location("check_install", ROOT / "tools" / "check_install.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _requirements(path: Path) -> list[str]:
    """The requirement entries of a pip-compile file, each with its continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", path.read_text(encoding="utf-8"))
    return [line for line in text.splitlines() if line and not line.startswith(("#", " ", "-"))]


@pytest.mark.parametrize("name", ["lock.txt", "weights.txt"])
def test_every_locked_package_is_exact_and_hashed(name):
    entries = _requirements(ROOT / "requirements" / name)
    assert entries
    for entry in entries:
        assert re.match(r"[A-Za-z0-9._-]+==\S+ ", entry), entry
        assert "--hash=sha256:" in entry, f"{entry.split()[0]} has no hash"


def test_the_lock_covers_every_declared_dependency(check):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared += extra
    locked = check.locked()
    names = {check.canonical(re.match(r"[A-Za-z0-9._-]+", d).group()) for d in declared}
    missing = sorted(names - locked.keys())
    assert not missing, f"declared but not locked (run make lock): {missing}"


def test_torch_is_locked_to_the_cpu_build_and_nothing_pulls_cuda(check):
    locked = check.locked()
    assert locked["torch"].endswith("+cpu")
    assert not [n for n in locked if n.startswith("nvidia-") or n == "triton"]


def test_drift_names_each_package(check, monkeypatch):
    locked = check.locked()
    have = dict(locked)
    have["rich"] = "0.0.1"
    del have["click"]
    have["left-pad"] = "1.0"
    monkeypatch.setattr(check, "installed", lambda: have)
    problems = check.drift()
    assert f"click: locked at {locked['click']}, not installed" in problems
    assert "left-pad: 1.0 installed, not in the lock" in problems
    assert f"rich: 0.0.1 installed, the lock says {locked['rich']}" in problems
    assert len(problems) == 3


def test_this_venv_equals_the_lock(check):
    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        pytest.skip("runs in the project's own .venv (make test)")
    assert check.drift() == []
