"""How good a linkage is, against known truth: pairs at a threshold, the best threshold, the pairs that
the clusters imply, and how many true pairs the blocking let through. Pure (NumPy).

True pairs are every two records with the same truth label (for ``link_only``, only pairs from different
sources). Cluster quality counts the pairs a clustering puts together, which is what the registry uses:
one false link between two clusters of five adds 25 false pairs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from inklusi.linkage.model import PairQuality


def codes(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Dense integer codes of a column (null gets a code of its own per record: never a match)."""
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    found = pc.index_in(values, value_set=pc.unique(values.drop_null()))
    index = pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    missing = index < 0
    index[missing] = index.max(initial=-1) + 1 + np.arange(missing.sum())
    return index


def _pairs_in_groups(group: np.ndarray, source: np.ndarray | None) -> int:
    """Σ C(size, 2) over groups; across sources only when ``source`` is given."""
    if source is None:
        sizes = np.bincount(group)
        return int((sizes * (sizes - 1) // 2).sum())
    total = np.bincount(group)
    _, per_source = np.unique(np.stack([group, source]), axis=1, return_counts=True)
    same_source = int((per_source * (per_source - 1) // 2).sum())
    return int((total * (total - 1) // 2).sum()) - same_source


def true_pair_count(truth: np.ndarray, source: np.ndarray | None = None) -> int:
    return _pairs_in_groups(truth, source)


def pair_quality(
    left: np.ndarray,
    right: np.ndarray,
    probability: np.ndarray,
    truth: np.ndarray,
    threshold: float,
    true_pairs: int,
) -> PairQuality:
    chosen = probability >= threshold
    correct = truth[left[chosen]] == truth[right[chosen]]
    return PairQuality(threshold, int(chosen.sum()), int(correct.sum()), true_pairs)


def best_threshold(
    left: np.ndarray, right: np.ndarray, probability: np.ndarray, truth: np.ndarray, true_pairs: int
) -> PairQuality:
    """The threshold (among the scores seen) with the highest pairwise F1."""
    if len(probability) == 0:
        return PairQuality(None, 0, 0, true_pairs)
    order = np.argsort(-probability, kind="stable")
    scores = probability[order]
    correct = (truth[left[order]] == truth[right[order]]).astype(np.int64)
    tp = np.cumsum(correct)
    predicted = np.arange(1, len(scores) + 1)
    last = np.r_[scores[1:] != scores[:-1], True]  # a threshold keeps every pair with an equal score
    f1 = 2 * tp / (predicted + true_pairs)
    f1 = np.where(last, f1, -1.0)
    best = int(f1.argmax())
    return PairQuality(float(scores[best]), int(predicted[best]), int(tp[best]), true_pairs)


def cluster_quality(
    labels: np.ndarray, truth: np.ndarray, true_pairs: int, source: np.ndarray | None = None
) -> PairQuality:
    """Pairs implied by the clusters (every two records in a cluster) against the true pairs."""
    predicted = _pairs_in_groups(labels, source)
    _, both = np.unique(np.stack([labels, truth]), axis=1, return_inverse=True)
    correct = _pairs_in_groups(both.ravel(), source)
    return PairQuality(None, predicted, correct, true_pairs)


@dataclass
class Evaluation:
    """Everything ``inklusi linkage evaluate`` prints."""

    records: int
    true_pairs: int
    pairs_scored: int
    true_pairs_blocked: int
    at_threshold: PairQuality
    at_best: PairQuality
    clusters: PairQuality
    connected_components: PairQuality
    clusters_count: int
    seconds: dict[str, float] = field(default_factory=dict)
    settings: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def blocking_recall(self) -> float:
        return self.true_pairs_blocked / self.true_pairs if self.true_pairs else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "records": self.records,
            "true_pairs": self.true_pairs,
            "pairs_scored": self.pairs_scored,
            "blocking_recall": round(self.blocking_recall, 6),
            "pairwise_at_threshold": self.at_threshold.as_dict(),
            "pairwise_at_best_threshold": self.at_best.as_dict(),
            "clusters": {**self.clusters.as_dict(), "count": self.clusters_count},
            "connected_components_at_threshold": self.connected_components.as_dict(),
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            **self.extra,
        }
