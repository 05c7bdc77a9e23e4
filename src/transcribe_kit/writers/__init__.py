"""Output formats, one module each, chosen by name from a registry.

A writer is a function ``(Transcript, WriterOptions) -> str | bytes``
registered with the file name it writes.  Adding a format is one module that
uses ``@register`` and is listed in ``_MODULES``.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..document import Transcript


@dataclass(frozen=True)
class WriterOptions:
    timestamps: bool = False  # [mm:ss] before each paragraph in layout formats
    caption_settings: dict = field(default_factory=dict)


Render = Callable[[Transcript, WriterOptions], "str | bytes"]


@dataclass(frozen=True)
class Writer:
    name: str
    filename: str
    render: Render
    description: str


_REGISTRY: dict[str, Writer] = {}
_MODULES = ("json", "text", "markdown", "html", "docx", "captions", "chapters", "podcast", "rttm")


def register(name: str, filename: str, description: str = "") -> Callable[[Render], Render]:
    def wrap(fn: Render) -> Render:
        _REGISTRY[name] = Writer(name, filename, fn, description or (fn.__doc__ or "").strip())
        return fn
    return wrap


def writers() -> dict[str, Writer]:
    for module in _MODULES:
        importlib.import_module(f"{__name__}.{module}")
    return dict(_REGISTRY)


def get(name: str) -> Writer:
    available = writers()
    if name not in available:
        raise KeyError(f"unknown format {name!r}; choose from: {', '.join(sorted(available))}")
    return available[name]


def render_all(doc: Transcript, out_dir: Path, names: list[str] | None = None,
               options: WriterOptions = WriterOptions()) -> dict[Path, str | bytes]:
    chosen = [get(n) for n in names] if names else list(writers().values())
    return {out_dir / w.filename: w.render(doc, options) for w in chosen}
