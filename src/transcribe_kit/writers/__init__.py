"""Output formats, one module each, chosen by name from a registry.

A writer is a function ``(Transcript, WriterOptions) -> str | bytes``
registered with the file name it writes.  Adding a format is one module that
uses ``@register`` and is listed in ``_MODULES``.
"""
from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from json import dumps, loads  # names, not the module: this package's json writer shadows it
from pathlib import Path

from ..captions import CaptionOptions
from ..document import DocumentError, Transcript

RECORD_KEY = "writer"  # doc.engine[RECORD_KEY]: the writer options the outputs were made with


@dataclass(frozen=True)
class WriterOptions:
    timestamps: bool = False  # [mm:ss] before each paragraph in layout formats
    captions: CaptionOptions = field(default_factory=CaptionOptions)  # caption layout and timing limits

    def record(self) -> str | None:
        """The settings that differ from the defaults, as compact JSON (None when all are default)."""
        changed = {}
        if self.timestamps:
            changed["timestamps"] = True
        captions = {f.name: getattr(self.captions, f.name) for f in dataclasses.fields(CaptionOptions)
                    if getattr(self.captions, f.name) != f.default}
        if captions:
            changed["captions"] = captions
        return dumps(changed, sort_keys=True, separators=(",", ":")) if changed else None

    @classmethod
    def from_record(cls, text: str | None) -> WriterOptions:
        if not text:
            return cls()
        try:
            data = loads(text)
            return cls(timestamps=bool(data.get("timestamps", False)),
                       captions=CaptionOptions(**data.get("captions", {})))
        except (ValueError, TypeError, AttributeError) as exc:
            raise DocumentError(f"engine.{RECORD_KEY}: not the writer settings this version reads ({exc})") from None


def recorded_options(doc: Transcript) -> WriterOptions:
    """The writer options ``doc``'s outputs were last made with (defaults when none are recorded)."""
    return WriterOptions.from_record(doc.engine.get(RECORD_KEY))


def with_options(doc: Transcript, options: WriterOptions) -> Transcript:
    """``doc`` recording ``options``, so a later re-render (an edit, a rename, a revert) keeps them."""
    engine = {k: v for k, v in doc.engine.items() if k != RECORD_KEY}
    record = options.record()
    return replace(doc, engine=engine | ({RECORD_KEY: record} if record else {}))


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
