"""The episode's own words: who and what it names, spelt the house's way.

Before recognition the episode's vocabulary (``terms``: the metadata, the
glossaries of ``glossary`` and the outline) steers the recogniser as its prompt
(:func:`prompted`).  After recognition the style stage puts the vocabulary's
spelling on near-misses (``correct``), the initials on acronyms the speaker
defines (``acronyms``) and one name to the show titles the recogniser cut into a
clause (``titles``), then the house style (``style``:
British spelling, numbers, fillers, and ``namesense``: ordinary words used as
names).  Every change is recorded as a correction (``corrections``) an editor
can undo.  ``wordfreq`` says how common a word is.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from ..document import EpisodeMeta, Transcript
from ..models import ct2_dir
from ..outline import outline_lines
from ..stagecache import Context
from . import glossary
from .acronyms import fix_defined_acronyms
from .correct import CorrectOptions, correct
from .style import StyleOptions, apply_style
from .titles import TitleOptions, show_titles
from .terms import Term, Vocabulary, build, engine_prompt, whisper_token_counter

__all__ = ["CorrectOptions", "HouseStyle", "StyleOptions", "Term", "TitleOptions", "VocabOptions", "Vocabulary", "build",
           "prompted", "style_stage", "vocabulary_for"]


@dataclass(frozen=True)
class VocabOptions:
    prompt: bool = True  # steer the recogniser with the episode's vocabulary (initial prompt, hotwords)
    correct: bool = True  # replace near-misses of the vocabulary after recognition
    glossary: Path | None = None  # a glossary file besides glossary.txt / series.toml / the episode TOML
    matching: CorrectOptions = field(default_factory=CorrectOptions)
    titles: TitleOptions = field(default_factory=TitleOptions)  # show titles said in the episode


def vocabulary_for(path: Path | None, meta: EpisodeMeta, meta_path: Path | None, options: VocabOptions,
                   outline: Path | None = None) -> Vocabulary:
    """The episode's vocabulary: metadata, the outline's lines and every glossary that applies
    (those beside the audio at ``path``, when there is one, and ``options.glossary``)."""
    if path is not None:
        entries = glossary.load_for(path, meta_path, options.glossary)
    else:
        entries = glossary.merge(glossary.load_file(options.glossary)) if options.glossary else ()
    return build(meta, entries, outline_lines(outline) if outline else ())


def prompted(options, vocab: Vocabulary):
    """The recogniser's options (``asr.AsrOptions``) with the vocabulary as prompt (a prompt the
    user gave wins)."""
    if not vocab.terms or options.initial_prompt or options.hotwords:
        return options
    model_dir = None
    if options.engine == "faster-whisper":
        model_dir = Path(options.model_path) if options.model_path else ct2_dir(options.model)
    prompt, hotwords = engine_prompt(vocab, whisper_token_counter(model_dir))
    return replace(options, initial_prompt=prompt, hotwords=hotwords if options.engine == "faster-whisper" else None)


@dataclass(frozen=True)
class HouseStyle:
    """Everything the style stage reads: the episode's vocabulary and the passes' settings."""

    vocab: Vocabulary
    correct: bool
    matching: CorrectOptions
    style: StyleOptions
    titles: TitleOptions = TitleOptions()


def style_stage(doc: Transcript, settings: HouseStyle, ctx: Context) -> Transcript:
    """After recognition: the vocabulary's spelling of names and terms, then the house style."""
    ctx.hook("style", 0, 2)
    if settings.correct:
        doc = fix_defined_acronyms(correct(doc, settings.vocab, settings.matching), settings.vocab)
        doc = show_titles(doc, settings.titles)
    ctx.hook("style", 1, 2)
    doc = apply_style(doc, settings.vocab, settings.style)
    ctx.hook("style", 2, 2)
    return doc
