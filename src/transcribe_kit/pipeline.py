"""The processing pipeline: stages that each take a Transcript and return a new one.

Progress goes through one hook, ``hook(stage, completed, total)``, which a
rich progress bar, a logger or a test can implement.  Outputs are rendered in
memory and only then written, each file atomically, so a failure never leaves
a half-written episode folder.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import asr, audio, glossary, metadata, vocabulary
from .checker import Rules, check_file
from .correct import CorrectOptions, correct
from .document import Speaker, Transcript
from .style import StyleOptions, apply_style
from .fileio import atomic_write_many
from .id3 import tagged_copy
from .timing import TimingOptions, refine
from .turns import TurnOptions, build_turns
from .writers import WriterOptions, render_all

log = logging.getLogger(__name__)

Hook = Callable[[str, int, int], None]  # (stage, completed, total)
CAPTION_FILES = ("captions.vtt", "captions.srt")  # checked after every run
DEFAULT_FORMATS = ("json", "txt", "vtt", "srt", "chapters-vtt", "chapters-json", "chapters-txt",
                   "podcast-json")


def _quiet(stage: str, completed: int, total: int) -> None:
    pass


@dataclass(frozen=True)
class VocabOptions:
    prompt: bool = True  # steer the recogniser with the episode's vocabulary (initial prompt, hotwords)
    correct: bool = True  # replace near-misses of the vocabulary after recognition
    outline: Path | None = None  # an event outline, one title a line
    glossary: Path | None = None  # a glossary file besides glossary.txt / series.toml / the episode TOML
    matching: CorrectOptions = field(default_factory=CorrectOptions)


@dataclass(frozen=True)
class ProcessOptions:
    asr: asr.AsrOptions = field(default_factory=asr.AsrOptions)
    timing: TimingOptions = field(default_factory=TimingOptions)
    vocab: VocabOptions = field(default_factory=VocabOptions)
    style: StyleOptions = field(default_factory=StyleOptions)
    turns: TurnOptions = field(default_factory=TurnOptions)
    writer: WriterOptions = field(default_factory=WriterOptions)
    formats: tuple[str, ...] = DEFAULT_FORMATS
    tag_audio: bool = False  # also write <stem>.chapters.mp3: the input MP3 with ID3 chapters


@dataclass(frozen=True)
class Result:
    transcript: Transcript
    out_dir: Path
    files: tuple[Path, ...]
    warnings: tuple[str, ...]
    checks: tuple = ()  # checker.Report for each caption file written


def transcribe(source: audio.Audio, episode: str, meta, options: ProcessOptions,
               hook: Hook = _quiet, vocab: vocabulary.Vocabulary | None = None) -> tuple[Transcript, list[str]]:
    """Audio in, Transcript out: every stage, nothing written."""
    warnings: list[str] = []
    vocab = vocab if vocab is not None else vocabulary.build(meta)
    doc = Transcript(episode=episode, duration_ms=source.duration_ms, meta=meta)
    total = source.duration_ms
    hook("recognise", 0, total)
    asr_options = prompted(options.asr, vocab) if options.vocab.prompt else options.asr
    if source.is_silent():
        result = asr.AsrResult(words=(), language=options.asr.language)
    else:
        result = asr.transcribe(source, asr_options, lambda done, tot: hook("recognise", done, tot))
    hook("recognise", total, total)
    if not result.words:
        warnings.append("no speech found: the transcript is empty (is the audio silent or music only?)")
    engine = dict(result.engine) | {k: v for k, v in (("initial_prompt", asr_options.initial_prompt),
                                                      ("hotwords", asr_options.hotwords)) if v}
    doc = replace(doc, words=result.words, language=result.language, engine=engine)
    doc = refine(doc, source, options.timing)
    doc = house_style(doc, vocab, options, hook)
    doc = assign_single_speaker(doc)
    hook("turns", 0, 1)
    doc = build_turns(doc, options.turns)
    hook("turns", 1, 1)
    return doc.with_revision("process", f"{result.engine.get('engine', 'asr')} {result.engine.get('model', '')}".strip()), warnings


def prompted(options: asr.AsrOptions, vocab: vocabulary.Vocabulary) -> asr.AsrOptions:
    """The recogniser's options with the vocabulary as prompt (a prompt the user gave wins)."""
    if not vocab.terms or options.initial_prompt or options.hotwords:
        return options
    model_dir = None
    if options.engine == "faster-whisper":
        from .models import ct2_dir
        model_dir = Path(options.model_path) if options.model_path else ct2_dir(options.model)
    prompt, hotwords = vocabulary.engine_prompt(vocab, vocabulary.whisper_token_counter(model_dir))
    return replace(options, initial_prompt=prompt, hotwords=hotwords if options.engine == "faster-whisper" else None)


def house_style(doc: Transcript, vocab: vocabulary.Vocabulary, options: ProcessOptions,
                hook: Hook = _quiet) -> Transcript:
    """After recognition: the vocabulary's spelling of names and terms, then the house style."""
    hook("style", 0, 2)
    if options.vocab.correct:
        doc = correct(doc, vocab, options.vocab.matching)
    hook("style", 1, 2)
    doc = apply_style(doc, vocab, options.style)
    hook("style", 2, 2)
    return doc


def vocabulary_for(path: Path, meta, meta_path: Path | None, options: VocabOptions) -> vocabulary.Vocabulary:
    """The episode's vocabulary: metadata, outline and every glossary that applies."""
    entries = glossary.load_for(path, meta_path, options.glossary)
    outline = vocabulary.read_outline(options.outline) if options.outline else ()
    return vocabulary.build(meta, entries, outline)


def assign_single_speaker(doc: Transcript) -> Transcript:
    """Before diarisation: everything is one voice, named when only one participant is known."""
    people = doc.meta.participants
    if len(people) == 1:
        speaker = Speaker(id="S1", name=people[0].name, label=people[0].name.split()[0],
                          role=people[0].role, is_host=people[0].host)
    else:
        speaker = Speaker(id="S1", label="Speaker 1")
    words = tuple(replace(w, speaker="S1") for w in doc.words)
    return replace(doc, speakers=(speaker,) if words else (), words=words)


def process_file(path: str | Path, out_root: str | Path, options: ProcessOptions = ProcessOptions(),
                 meta_path: str | Path | None = None, hook: Hook = _quiet) -> Result:
    """Process one audio or video file into ``out_root/<stem>/``."""
    path = audio.check_path(path)
    meta, found = metadata.load_for(path, Path(meta_path) if meta_path else None)
    warnings = []
    missing = metadata.missing_fields(meta)
    if missing:
        where = f"in {found}" if found else f"(no {path.with_suffix('.toml').name} beside the audio)"
        warnings.append(f"metadata {where} does not give: {', '.join(missing)}; those parts of the page are left out")
    vocab = vocabulary_for(path, meta, Path(meta_path) if meta_path else None, options.vocab)
    hook("decode", 0, 1)
    source = audio.load(path)
    hook("decode", 1, 1)
    doc, more = transcribe(source, path.stem, meta, options, hook, vocab)
    doc = replace(doc, source=str(path.resolve()))
    warnings += more
    out_dir = Path(out_root) / path.stem
    hook("write", 0, 1)
    files = render_all(doc, out_dir, list(options.formats), options.writer)
    if options.tag_audio:
        files[out_dir / f"{path.stem}.chapters.mp3"] = tagged_copy(path, doc)
    atomic_write_many(files)
    hook("write", 1, 1)
    checks = tuple(check_file(p, Rules.from_options(options.writer.caption_settings))
                   for p in files if p.name in CAPTION_FILES)
    return Result(doc, out_dir, tuple(files), tuple(warnings), checks)
