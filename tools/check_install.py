"""Check that ``.venv`` is exactly the lock and that what the lock cannot promise holds (run with the venv's python).

* Every package installed equals ``requirements/lock.txt`` + ``requirements/weights.txt``: same
  names, same versions, nothing missing, nothing extra (the project itself and pip aside). A drifted
  install fails, naming each package.
* torchaudio: pyannote.audio 4.0.7 imports it for pure-Python parts only (``functional.resample``,
  ``compliance.kaldi.fbank``, ``transforms.MFCC``, ``models.wav2vec2_model``), and so do we
  (``functional.melscale_fbanks``). PyPI's torchaudio wheels are CUDA builds whose compiled
  extensions fail to load beside the CPU torch (``libc10_cuda.so``), so ``--fix`` deletes every
  compiled file under ``torchaudio/`` by pattern, whatever this release names them; torchaudio then
  imports without its extension. Checked after: pyannote.audio and torchaudio import, the extension
  is off, the pure-Python functions we rely on run, and torch is the CPU build.
* the project's models are all present with the right hashes (``transcribe-kit models``).

``--extra`` only prints the installed packages the lock does not list (``tools/install.py`` removes them).
Exit 0 when everything holds; otherwise one line per problem and exit 1. Standard library only.
"""
from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys
import sysconfig
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = (ROOT / "requirements" / "lock.txt", ROOT / "requirements" / "weights.txt")
NOT_LOCKED = {"transcribe-kit", "pip"}  # the project (installed editable from the checkout) and the venv's own pip
COMPILED = ("*.so", "*.so.*", "*.pyd", "*.dylib")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked() -> dict[str, str]:
    pins: dict[str, str] = {}
    for path in LOCKS:
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", line)
            if m:
                pins[canonical(m.group(1))] = m.group(2)
    return pins


def installed() -> dict[str, str]:
    return {canonical(d.metadata["Name"]): d.version for d in importlib.metadata.distributions()
            if canonical(d.metadata["Name"]) not in NOT_LOCKED}


def drift() -> list[str]:
    want, have = locked(), installed()
    problems = [f"{name}: locked at {want[name]}, not installed" for name in sorted(want.keys() - have.keys())]
    problems += [f"{name}: {have[name]} installed, not in the lock" for name in sorted(have.keys() - want.keys())]
    problems += [f"{name}: {have[name]} installed, the lock says {want[name]}"
                 for name in sorted(want.keys() & have.keys()) if have[name] != want[name]]
    return problems


def strip_torchaudio() -> list[Path]:
    """Delete torchaudio's compiled extensions (CUDA-linked on PyPI), by pattern; return what went."""
    package = Path(sysconfig.get_paths()["purelib"], "torchaudio")
    gone = [p for pattern in COMPILED for p in package.rglob(pattern) if p.is_file()]
    for path in gone:
        path.unlink()
    return gone


def torch_problems() -> list[str]:
    """Import pyannote.audio and torchaudio as the diarisation stage does, and run what we use."""
    try:
        import torch
        import torchaudio
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torchcodec's FFmpeg warning, as in diarize.py: never decoded with
            import pyannote.audio  # noqa: F401  (imports torchaudio at module level)
        from torchaudio._extension import _IS_TORCHAUDIO_EXT_AVAILABLE
    except Exception as exc:  # any import failure is the finding
        return [f"import pyannote.audio, torchaudio fails: {type(exc).__name__}: {exc}"]
    problems = []
    if torch.version.cuda is not None or not torch.__version__.endswith("+cpu"):
        problems.append(f"torch {torch.__version__} is not the CPU build (CUDA {torch.version.cuda})")
    if _IS_TORCHAUDIO_EXT_AVAILABLE:
        problems.append("torchaudio loaded its compiled extension; run tools/check_install.py --fix")
    try:
        wave = torch.sin(torch.arange(16000) / 10.0)[None]
        assert torchaudio.functional.resample(wave, 16000, 8000).shape[-1] == 8000
        assert torchaudio.compliance.kaldi.fbank(wave, num_mel_bins=80, sample_frequency=16000).shape[-1] == 80
        assert torchaudio.functional.melscale_fbanks(201, 0.0, 8000.0, 40, 16000).shape == (201, 40)
        assert torchaudio.transforms.MFCC(sample_rate=16000, n_mfcc=13, melkwargs={
            "n_fft": 400, "hop_length": 160, "n_mels": 40})(wave).shape[-2] == 13
    except Exception as exc:
        problems.append(f"torchaudio's pure-Python functions fail: {type(exc).__name__}: {exc}")
    return problems


def main(argv: list[str]) -> int:
    if "--extra" in argv:
        print(" ".join(sorted(installed().keys() - locked().keys())))
        return 0
    if "--fix" in argv:
        for path in strip_torchaudio():
            print(f"removed torchaudio's compiled {path.name}")
    problems = [f"drift: {p}" for p in drift()] + torch_problems()
    if not problems:
        models = subprocess.run([sys.executable, "-m", "transcribe_kit", "models"], capture_output=True, text=True)
        if models.returncode:
            problems.append(f"transcribe-kit models fails: {(models.stderr or models.stdout).strip()}")
    for problem in problems:
        print(f"check_install: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"check_install: the venv equals the lock ({len(locked())} packages), torch is the CPU build, "
          "pyannote.audio and torchaudio import, every model is in place")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
