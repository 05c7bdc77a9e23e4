"""pyannote's diarisation steps without arrays that grow with the recording's length.

pyannote's ``SpeakerDiarization`` builds, for the whole recording, a float64 copy of
every chunk's segmentation to embed overlap-free speech, and a chunks x frames x
clusters array to reconstruct the result (together about 400 MB for three hours at a
1 s hop); it stacks the segmentation's batches into a second copy of them all, and
masks a float copy of the whole segmentation to choose the embeddings to cluster.
These are computed here a chunk (or a batch, or a block) at a time, with pyannote's
results exactly (tests/test_diarize_long.py compares them).  Its clustering holds every pairwise
distance of the chunk embeddings: past ``MAX_CLUSTERED`` the voices are learnt from
every k-th chunk (``strided_clustering``).
"""
from __future__ import annotations

import itertools
import logging
import math

import numpy as np

log = logging.getLogger(__name__)

# The most chunk embeddings the clustering learns the voices from.  The agglomerative clustering
# holds every pairwise distance twice (8 n^2 bytes: 3,000 take 72 MB, the 3,800 of an hour 115 MB,
# the 11,000 of three hours almost 1 GB), so a longer recording learns them from every k-th chunk
# (at a 1 s hop a chunk shares nine-tenths of its audio with the next) and pyannote then gives every
# chunk its nearest voice, as it always does.  podcast_004_full, count given, raw diarisation DER:
# 22.64 % from all 3,778, 22.61 % from every 2nd chunk (every 2nd embedding of the list instead: 47 %).
MAX_CLUSTERED = 3000


# Chunks whose segmentation ``filter_embeddings`` looks at together.
FILTER_BLOCK = 1000


def filter_embeddings(embeddings, segmentations=None, min_active_ratio: float = 0.2):
    """pyannote's ``Clustering.filter_embeddings`` (the embeddings of voices heard alone long enough
    in their chunk, and not NaN), a block of chunks at a time: pyannote multiplies the whole
    segmentation by its single-voice mask at once, a float copy of it (76 MB for three hours)."""
    data = segmentations.data
    num_chunks, num_frames, num_speakers = data.shape
    active = np.empty((num_chunks, num_speakers), dtype=bool)
    for a in range(0, num_chunks, FILTER_BLOCK):
        block = data[a: a + FILTER_BLOCK]
        single_active_mask = np.sum(block, axis=2, keepdims=True) == 1
        active[a: a + FILTER_BLOCK] = np.sum(block * single_active_mask, axis=1) >= min_active_ratio * num_frames
    valid = ~np.any(np.isnan(embeddings), axis=2)
    chunk_idx, speaker_idx = np.where(active * valid)
    return embeddings[chunk_idx, speaker_idx], chunk_idx, speaker_idx


def strided_clustering(clustering, captured: dict | None = None) -> dict:
    """Replacements for the clustering's ``filter_embeddings`` and ``cluster`` methods.

    The embeddings are filtered as pyannote does (``filter_embeddings``, in blocks).  Past
    ``MAX_CLUSTERED`` chunk embeddings the voices are learnt from every k-th chunk, with
    ``min_cluster_size`` divided by k; ``captured["embeddings"]`` and
    ``captured["min_cluster_size"]`` receive what the clustering saw."""
    original = clustering.cluster
    stride = 1

    def strided_filter(embeddings, *args, **kwargs):
        nonlocal stride
        train, chunk_idx, speaker_idx = filter_embeddings(embeddings, *args, **kwargs)
        stride = -(-len(train) // MAX_CLUSTERED)
        if stride > 1:  # the chunks' voices are learnt from every stride-th chunk; all chunks are assigned
            keep = chunk_idx % stride == 0
            log.info("clustering the embeddings of every %d-th chunk (%d of %d)", stride, int(keep.sum()), len(train))
            train, chunk_idx, speaker_idx = train[keep], chunk_idx[keep], speaker_idx[keep]
        return train, chunk_idx, speaker_idx

    def cluster(embeddings, *args, **kwargs):
        if captured is not None:
            captured["embeddings"] = embeddings.copy()
            captured["min_cluster_size"] = -(-clustering.min_cluster_size // stride)
        size = clustering.min_cluster_size
        clustering.min_cluster_size = -(-size // stride)  # as many seconds of a voice as before
        try:
            return original(embeddings, *args, **kwargs)
        finally:
            clustering.min_cluster_size = size

    return {"filter_embeddings": strided_filter, "cluster": cluster}


def segmentations(pipeline, file, hook=None):
    """pyannote's ``SpeakerDiarization.get_segmentations``: the segmentation of every chunk.

    pyannote's ``Inference.slide`` keeps each batch's output and stacks them at the end,
    holding the whole segmentation twice (2 x 76 MB for three hours at a 1 s hop); here
    each batch is written into one array as it comes.  The pipeline's segmentation is
    never aggregated and has one output; anything else is left to pyannote."""
    import torch.nn.functional as F  # with pyannote
    from pyannote.audio.utils.reproducibility import fix_reproducibility
    from pyannote.core import SlidingWindow, SlidingWindowFeature

    inference = pipeline._segmentation
    if not inference.skip_aggregation or isinstance(inference.model.specifications, tuple):
        return type(pipeline).get_segmentations(pipeline, file, hook=hook)
    fix_reproducibility(inference.device)
    waveform, sample_rate = inference.model.audio(file)
    window = inference.model.audio.get_num_samples(inference.duration)
    step = round(inference.step * sample_rate)
    num_samples = waveform.shape[1]
    complete = (num_samples - window) // step + 1 if num_samples >= window else 0
    total = complete + int(num_samples < window or (num_samples - window) % step > 0)
    out = None

    def put(start: int, batch) -> None:
        nonlocal out
        result = inference.infer(batch)
        if out is None:
            out = np.empty((total, *result.shape[1:]), dtype=result.dtype)
        out[start: start + len(result)] = result
        if hook is not None:
            hook("segmentation", None, completed=start + len(result), total=total)

    if hook is not None:
        hook("segmentation", None, completed=0, total=total)
    if complete:
        chunks = waveform.unfold(1, window, step).transpose(0, 1)  # chunk, channel, sample: a view
        for c in range(0, complete, inference.batch_size):
            put(c, chunks[c: c + inference.batch_size])
    if total > complete:  # the end, padded with zeros to a whole chunk
        last = waveform[:, complete * step:]
        put(complete, F.pad(last, (0, window - last.shape[1]))[None])
    return SlidingWindowFeature(out, SlidingWindow(start=0.0, duration=inference.duration, step=inference.step))


def embeddings(pipeline, file, binary_segmentations, exclude_overlap: bool = False, hook=None,
               shared_partials: bool = False, captured: dict | None = None) -> np.ndarray:
    """pyannote's ``SpeakerDiarization.get_embeddings``: one embedding per (chunk, local speaker).

    pyannote zeroes the overlapped frames of all chunks at once (a float64 copy of the
    whole segmentation: 150 MB for three hours); here each chunk's clean masks are made
    when its audio is cropped.  Where a speaker has too little speech alone, the whole
    mask is used, as in pyannote.  ``shared_partials`` (GE2E only): a speaker's vector is
    made from d-vectors computed once over the recording (``partials``) wherever it can be;
    ``captured["grid"]`` then receives them."""
    import torch  # with pyannote

    from . import partials

    duration = binary_segmentations.sliding_window.duration
    num_chunks, num_frames, num_speakers = binary_segmentations.data.shape
    embedding = pipeline._embedding
    min_num_frames = (math.ceil(num_frames * embedding.min_num_samples / (duration * embedding.sample_rate))
                      if exclude_overlap else -1)
    size = pipeline.embedding_batch_size
    batch_count = math.ceil(num_chunks * num_speakers / size)  # at most, through pyannote's path
    grid, done = None, 0
    if shared_partials and partials.supported(embedding):
        def progress(completed: int, total: int) -> None:
            if hook is not None:
                hook("embeddings", None, total=total + batch_count, completed=completed)

        grid = partials.PartialGrid(embedding.encoder, file["waveform"][0], progress)
        done = partials.batches(len(grid.starts))
        if captured is not None:
            captured["grid"] = grid
    out = np.full((num_chunks * num_speakers, embedding.dimension), np.nan, dtype=np.float32)

    def waveforms_and_masks():
        for c, (chunk, masks) in enumerate(binary_segmentations):
            clean = masks * (1.0 * (np.sum(masks, axis=1, keepdims=True) < 2)) if exclude_overlap else masks
            masks = np.nan_to_num(masks, nan=0.0).astype(np.float32)
            clean = np.nan_to_num(clean, nan=0.0).astype(np.float32)
            waveform = None
            for s, (mask, clean_mask) in enumerate(zip(masks.T, clean.T)):
                used = clean_mask if np.sum(clean_mask) > min_num_frames else mask
                vector = grid.vector(chunk.start, chunk.duration, used) if grid is not None else None
                if vector is not None:
                    out[c * num_speakers + s] = vector
                    continue
                if waveform is None:
                    waveform, _ = pipeline._audio.crop(file, chunk, mode="pad")
                yield c * num_speakers + s, waveform[None], torch.from_numpy(np.ascontiguousarray(used))[None]

    if hook is not None:
        hook("embeddings", None, total=done + batch_count, completed=done)
    for i, batch in enumerate(itertools.zip_longest(*[waveforms_and_masks()] * size), 1):
        rows, waveforms, masks = zip(*(b for b in batch if b is not None))
        vectors = embedding(torch.vstack(waveforms), masks=torch.vstack(masks))
        out[list(rows)] = vectors
        if hook is not None:
            hook("embeddings", vectors, total=done + batch_count, completed=done + i)
    return out.reshape(num_chunks, num_speakers, -1)


def reconstruct(segmentations, hard_clusters: np.ndarray, count):
    """pyannote's ``SpeakerDiarization.reconstruct`` (and ``to_diarization``), one chunk at a time.

    pyannote builds every chunk's frames per cluster as one float64 array (chunks x
    frames x clusters: 200 MB for three hours) and then sums it into frames; the sum
    is made here directly, with the same result (a test compares the two)."""
    from pyannote.core import SlidingWindow, SlidingWindowFeature  # with pyannote

    num_chunks, num_frames, _ = segmentations.data.shape
    num_clusters = int(np.max(hard_clusters)) + 1
    chunks = segmentations.sliding_window
    frames = SlidingWindow(start=chunks.start, duration=count.sliding_window.duration, step=count.sliding_window.step)
    total = frames.closest_frame(chunks.start + chunks.duration + (num_chunks - 1) * chunks.step
                                 + 0.5 * frames.duration) + 1
    summed = np.zeros((total, max(num_clusters, int(np.max(count.data)))), dtype=np.float32)
    for cluster, (chunk, segmentation) in zip(hard_clusters, segmentations):
        start = frames.closest_frame(chunk.start + 0.5 * frames.duration)
        for k in np.unique(cluster):
            if k == -2:
                continue
            best = np.max(segmentation[:, cluster == k], axis=1)
            summed[start: start + num_frames, k] += np.nan_to_num(best, nan=0.0)[: total - start]
    activations = SlidingWindowFeature(summed, frames)
    extent = activations.extent & count.extent
    activations = activations.crop(extent, return_data=False)
    count = count.crop(extent, return_data=False)
    order = np.argsort(-activations.data, axis=-1)
    binary = np.zeros_like(activations.data)
    chosen = np.arange(binary.shape[1])[None, :] < count.data.reshape(-1, 1)
    np.put_along_axis(binary, order, chosen.astype(binary.dtype), axis=-1)
    return SlidingWindowFeature(binary, activations.sliding_window)
