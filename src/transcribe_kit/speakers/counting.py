"""How sure an estimated speaker count is: the clustering repeated a little either side of its threshold."""
from __future__ import annotations

import numpy as np


def count_range(embeddings, threshold: float, min_cluster_size: int, margin: float) -> tuple[int, int]:
    """How many voices the clustering finds at ``threshold - margin`` and ``threshold + margin``.

    pyannote's agglomerative clustering (centroid linkage on unit embeddings, clusters
    under ``min_cluster_size`` embeddings not counted) is repeated on the chunk embeddings
    it clustered; a count that holds across the margin is clear, one that changes within
    it depends on a threshold no recording can be tuned to, and the user should give it.
    """
    from scipy.cluster.hierarchy import fcluster, linkage  # scipy loads only when a count is estimated

    x = np.asarray(embeddings, dtype=np.float64)
    x = x[np.all(np.isfinite(x), axis=1)]
    if len(x) < 2:
        return (len(x), len(x))
    x /= np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-12)
    tree = linkage(x, method="centroid", metric="euclidean")
    smallest = min(min_cluster_size, max(1, round(0.1 * len(x))))

    def count(t: float) -> int:
        _, sizes = np.unique(fcluster(tree, t, criterion="distance"), return_counts=True)
        return max(1, int(np.sum(sizes >= smallest)))

    counts = [count(threshold - margin), count(threshold + margin)]
    return (min(counts), max(counts))
