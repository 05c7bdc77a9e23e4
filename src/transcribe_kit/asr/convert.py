"""Convert a CTranslate2 Whisper ``model.bin`` (format v6) into an openai-whisper checkpoint.

openai-whisper's own loader downloads from a CDN; we build its checkpoint from
the weights already on disk instead.  Layout and name mapping: shared/models.md §B.
"""
from __future__ import annotations

import os
import re
import struct
import tempfile
from pathlib import Path

import numpy as np

from ..models import DEFAULT_MODEL, cache_dir, ct2_dir

_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16}


def read_ct2(path: Path) -> dict[str, np.ndarray]:
    data = Path(path).read_bytes()
    pos = 0

    def take(fmt: str):
        nonlocal pos
        values = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return values

    def string() -> str:
        nonlocal pos
        (n,) = take("H")
        text = data[pos:pos + n - 1].decode("utf-8")
        pos += n
        return text

    (version,) = take("I")
    if version != 6:
        raise ValueError(f"unsupported CTranslate2 model version {version}")
    spec = string()
    if spec != "WhisperSpec":
        raise ValueError(f"not a Whisper model ({spec})")
    take("I")  # spec revision
    (count,) = take("I")
    variables: dict[str, np.ndarray] = {}
    for _ in range(count):
        name = string()
        (rank,) = take("B")
        shape = take("I" * rank) if rank else ()
        (dtype_id,) = take("B")
        (nbytes,) = take("I")
        dtype = _DTYPES[dtype_id]
        array = np.frombuffer(data, dtype=dtype, count=nbytes // np.dtype(dtype).itemsize, offset=pos)
        variables[name] = array.reshape(shape)
        pos += nbytes
    (aliases,) = take("I")
    for _ in range(aliases):
        alias, target = string(), string()
        variables[alias] = variables[target]
    if pos != len(data):
        raise ValueError("trailing bytes after the CTranslate2 model")
    return variables


def _attention(state: dict, src: str, dst: str, fused_qkv: bool, v: dict, d: int) -> None:
    if fused_qkv:
        w, b = v[f"{src}/linear_0/weight"], v[f"{src}/linear_0/bias"]
        state[f"{dst}.query.weight"], state[f"{dst}.key.weight"], state[f"{dst}.value.weight"] = w[:d], w[d:2 * d], w[2 * d:]
        state[f"{dst}.query.bias"], state[f"{dst}.value.bias"] = b[:d], b[2 * d:]
        out = "linear_1"
    else:  # cross attention: query from linear_0, key+value fused in linear_1
        state[f"{dst}.query.weight"] = v[f"{src}/linear_0/weight"]
        state[f"{dst}.query.bias"] = v[f"{src}/linear_0/bias"]
        w, b = v[f"{src}/linear_1/weight"], v[f"{src}/linear_1/bias"]
        state[f"{dst}.key.weight"], state[f"{dst}.value.weight"] = w[:d], w[d:]
        state[f"{dst}.value.bias"] = b[d:]
        out = "linear_2"
    state[f"{dst}.out.weight"] = v[f"{src}/{out}/weight"]
    state[f"{dst}.out.bias"] = v[f"{src}/{out}/bias"]


def _norm(state: dict, src: str, dst: str, v: dict) -> None:
    state[f"{dst}.weight"] = v[f"{src}/gamma"]
    state[f"{dst}.bias"] = v[f"{src}/beta"]


def _ffn(state: dict, src: str, dst: str, v: dict) -> None:
    for i, j in ((0, 0), (1, 2)):
        state[f"{dst}.mlp.{j}.weight"] = v[f"{src}/linear_{i}/weight"]
        state[f"{dst}.mlp.{j}.bias"] = v[f"{src}/linear_{i}/bias"]
    _norm(state, f"{src}/layer_norm", f"{dst}.mlp_ln", v)


def to_whisper_state(v: dict[str, np.ndarray]) -> tuple[dict, dict]:
    d = v["encoder/conv1/weight"].shape[0]
    layers = lambda side: len({m.group(1) for k in v if (m := re.match(rf"{side}/layer_(\d+)/", k))})  # noqa: E731
    state: dict[str, np.ndarray] = {}
    for conv in ("conv1", "conv2"):
        state[f"encoder.{conv}.weight"] = v[f"encoder/{conv}/weight"]
        state[f"encoder.{conv}.bias"] = v[f"encoder/{conv}/bias"]
    state["encoder.positional_embedding"] = v["encoder/position_encodings/encodings"]
    for i in range(layers("encoder")):
        src, dst = f"encoder/layer_{i}", f"encoder.blocks.{i}"
        _attention(state, f"{src}/self_attention", f"{dst}.attn", True, v, d)
        _norm(state, f"{src}/self_attention/layer_norm", f"{dst}.attn_ln", v)
        _ffn(state, f"{src}/ffn", dst, v)
    _norm(state, "encoder/layer_norm", "encoder.ln_post", v)
    state["decoder.token_embedding.weight"] = v["decoder/embeddings/weight"]
    state["decoder.positional_embedding"] = v["decoder/position_encodings/encodings"]
    for i in range(layers("decoder")):
        src, dst = f"decoder/layer_{i}", f"decoder.blocks.{i}"
        _attention(state, f"{src}/self_attention", f"{dst}.attn", True, v, d)
        _norm(state, f"{src}/self_attention/layer_norm", f"{dst}.attn_ln", v)
        _attention(state, f"{src}/attention", f"{dst}.cross_attn", False, v, d)
        _norm(state, f"{src}/attention/layer_norm", f"{dst}.cross_attn_ln", v)
        _ffn(state, f"{src}/ffn", dst, v)
    _norm(state, "decoder/layer_norm", "decoder.ln", v)
    dims = {
        "n_mels": int(v["encoder/conv1/weight"].shape[1]),
        "n_audio_ctx": int(v["encoder/position_encodings/encodings"].shape[0]),
        "n_audio_state": int(d),
        "n_audio_head": int(v["encoder/num_heads"]),
        "n_audio_layer": layers("encoder"),
        "n_vocab": int(v["decoder/embeddings/weight"].shape[0]),
        "n_text_ctx": int(v["decoder/position_encodings/encodings"].shape[0]),
        "n_text_state": int(v["decoder/embeddings/weight"].shape[1]),
        "n_text_head": int(v["decoder/num_heads"]),
        "n_text_layer": layers("decoder"),
    }
    return dims, state


def convert_ct2_to_whisper(model_bin: Path, out: Path) -> None:
    import torch  # torch only when a checkpoint is converted

    dims, state = to_whisper_state(read_ct2(model_bin))
    tensors = {k: torch.from_numpy(np.array(a, copy=True)) for k, a in state.items()}
    torch.save({"dims": dims, "model_state_dict": tensors}, out)


def whisper_checkpoint(name: str = DEFAULT_MODEL) -> Path:
    """Path of an openai-whisper ``.pt`` converted locally from the CT2 weights."""
    target = cache_dir() / "models" / f"openai-whisper-{name}-converted.pt"
    if target.exists():
        return target
    source = ct2_dir(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".convert-", suffix=".pt", dir=target.parent)
    os.close(fd)
    try:
        convert_ct2_to_whisper(source / "model.bin", Path(tmp))
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target
