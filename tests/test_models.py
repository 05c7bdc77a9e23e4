from __future__ import annotations

import hashlib

import numpy as np
import pytest

from transcribe_kit import models
from transcribe_kit.asr import convert


def test_base_is_assembled_once_and_checks_out(tmp_path, monkeypatch):
    monkeypatch.setenv("TRANSCRIBE_KIT_CACHE", str(tmp_path))
    path = models.ct2_dir("base")
    assert path.parent.parent == tmp_path
    assert (path / "config.json").is_file() and (path / "tokenizer.json").is_file()
    digest = hashlib.sha256((path / "model.bin").read_bytes()).hexdigest()
    assert digest.startswith("d01c3014")
    mtime = (path / "model.bin").stat().st_mtime_ns
    assert models.ct2_dir("base") == path and (path / "model.bin").stat().st_mtime_ns == mtime
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".assemble")]
    assert models.status("base").ok


def test_unknown_model_is_a_clear_error():
    with pytest.raises(models.ModelError, match="unknown model 'large'"):
        models.ct2_dir("large")


def test_ct2_conversion_maps_every_weight():
    variables = convert.read_ct2(models.ct2_dir("tiny.en") / "model.bin")
    dims, state = convert.to_whisper_state(variables)
    assert dims == {"n_mels": 80, "n_audio_ctx": 1500, "n_audio_state": 384, "n_audio_head": 6,
                    "n_audio_layer": 4, "n_vocab": 51864, "n_text_ctx": 448, "n_text_state": 384,
                    "n_text_head": 6, "n_text_layer": 4}
    import whisper
    import torch

    model = whisper.model.Whisper(whisper.model.ModelDimensions(**dims))
    expected = set(model.state_dict())
    assert set(state) == expected
    # the key projections of whisper have no bias: the fused CT2 slice must be all zeros
    fused = variables["encoder/layer_0/self_attention/linear_0/bias"]
    assert np.all(fused[384:768] == 0)
    model.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in state.items()}, strict=True)


def test_models_command_lists_both(tmp_path):
    from click.testing import CliRunner

    from transcribe_kit.cli import cli

    result = CliRunner().invoke(cli, ["models"])
    assert result.exit_code == 0, result.output
    assert "tiny.en" in result.output and "base" in result.output and "sha256 ok" in result.output
