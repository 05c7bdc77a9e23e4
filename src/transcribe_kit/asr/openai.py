"""openai-whisper (PyTorch), loaded from a checkpoint converted locally.

Its own ``load_model(name)`` downloads from a CDN, so we only ever give it a
path.  Audio goes in as a numpy array, so no ``ffmpeg`` binary is needed.
"""
from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from ..audio import Audio
from ..models import ALIGNMENT_HEADS, ModelError
from .base import AsrOptions, AsrResult, Progress, monotonic, segment_words
from .convert import whisper_checkpoint


@functools.lru_cache(maxsize=2)
def _model(path: str, heads_key: str | None):
    try:
        import torch  # torch and whisper load with the openai-whisper engine
        import whisper
    except ImportError:
        raise ModelError("the openai-whisper engine needs: pip install torch==2.13.0 && "
                         "pip install --no-deps openai-whisper==20250625") from None
    model = whisper.load_model(path, device="cpu")
    if heads_key in ALIGNMENT_HEADS:
        dims = model.dims
        mask = torch.zeros(dims.n_text_layer, dims.n_text_head, dtype=torch.bool)
        for layer, head in ALIGNMENT_HEADS[heads_key]:
            mask[layer, head] = True
        model.register_buffer("alignment_heads", mask.to_sparse(), persistent=False)
    return model


def transcribe(audio: Audio, options: AsrOptions, progress: Progress | None = None) -> AsrResult:
    if options.model_path and Path(options.model_path).suffix == ".pt":
        path, heads = options.model_path, None
    else:
        path, heads = str(whisper_checkpoint(options.model)), options.model
    model = _model(path, heads)
    greedy = options.beam_size <= 1
    result = model.transcribe(
        np.array(audio.samples),  # a writable copy (it pads a copy anyway): a spilled recording is read-only
        language=options.language,
        beam_size=None if greedy else options.beam_size,
        temperature=0.0 if greedy else (0.0, 0.2, 0.4, 0.6, 0.8, 1.0),
        word_timestamps=True,
        initial_prompt=options.initial_prompt,
        fp16=False,
        verbose=None,
    )
    words = []
    for segment in result["segments"]:
        words += segment_words([(w["word"], w["start"], w["end"], w["probability"])
                                for w in segment.get("words", ())])
    if progress:
        progress(audio.duration_ms, audio.duration_ms)
    engine = {"engine": "openai-whisper", "model": options.model_path or options.model,
              "beam_size": str(options.beam_size)}
    return AsrResult(words=tuple(monotonic(words)), language=result.get("language"), engine=engine)
