"""The linkage pipeline on Arrow tables: prepare, settle exact NIKs, train, predict, cluster; and the
incremental path that links a new batch against records already resolved. No database of the registry.

``deduplicate`` runs everything on one table (one source, or several in a ``source_dataset`` column);
``link_batch`` scores only new records against existing ones (Splink ``predict_between`` and
``predict_within``) and re-clusters only the clusters they touch, keeping every other cluster as it was.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from inklusi.linkage.clustering import (
    ClusterRules,
    Clusters,
    Conflicts,
    PairScorer,
    cluster,
    connected,
    one_per_pair_of_clusters,
    smallest_ids,
)
from inklusi.linkage.linker import Backend, LinkSession, TrainingReport, to_arrow
from inklusi.linkage.model import LinkReason
from inklusi.linkage.spec import LinkageSettings, WeakIdentifiersSpec

NIK_PROBABILITY = 1.0
PAIR_KEYS = ("unique_id_l", "unique_id_r", "match_probability", "match_weight")


def rules_of(settings: LinkageSettings, auto_merge: float | None = None) -> ClusterRules:
    """The clustering rules at ``auto_merge`` (default: the settings'). Two groups join when their mean
    pair probability reaches the settings' transitive threshold or ``auto_merge``, whichever is lower:
    where the model's own threshold (0.5 on lists without identity numbers) is below it, a mean at that
    threshold makes the two groups one person as likely as a pair the model links."""
    spec = settings.clustering
    threshold = settings.auto_merge if auto_merge is None else auto_merge
    return ClusterRules(
        auto_merge=threshold,
        transitive_threshold=min(spec.transitive_threshold, threshold),
        closure_limit=spec.closure_limit,
        conflicts=tuple(spec.conflicts),
        one_per_source=spec.one_per_source,
        constrained=spec.method == "constrained",
    )


@dataclass
class Outcome:
    """What a linkage run produced, by record index into ``prepared``."""

    prepared: pa.Table
    pairs: pa.Table  # scored pairs at or above the floor, with evidence columns; NIK pairs included
    by_nik: np.ndarray
    left: np.ndarray
    right: np.ndarray
    probability: np.ndarray
    clusters: Clusters
    cc_labels: np.ndarray
    nik_pairs: int
    model: dict[str, Any]
    pairs_scored: int = 0
    true_pairs_blocked: int | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    auto_merge: float = 0.999  # the threshold the clusters were made at
    training: TrainingReport = field(default_factory=TrainingReport)
    scorer: PairScorer | None = None  # scores any pair with the run's model (remembers what it scored)

    @property
    def labels(self) -> np.ndarray:
        return self.clusters.labels

    def cluster_ids(self) -> pa.Array:
        """Stable cluster ids: the smallest record id in each cluster."""
        ids = self.prepared["unique_id"].combine_chunks()
        return smallest_ids(ids, self.labels)

    def reasons(self) -> list[str]:
        """Why each record is where it is: alone, same NIK, or the model."""
        size = np.bincount(self.labels, minlength=len(self.labels))
        nik = np.zeros(len(self.labels), bool)
        sure = self.by_nik
        same = self.labels[self.left[sure]] == self.labels[self.right[sure]]
        nik[self.left[sure][same]] = nik[self.right[sure][same]] = True
        return [
            LinkReason.alone.value
            if size[label] == 1
            else (LinkReason.nik if by_nik else LinkReason.model).value
            for label, by_nik in zip(self.labels.tolist(), nik.tolist(), strict=True)
        ]


def index_of(ids: pa.Array, prepared: pa.Table) -> np.ndarray:
    return pc.index_in(ids, value_set=prepared["unique_id"]).to_numpy(zero_copy_only=False).astype(np.int64)


def nik_pairs(prepared: pa.Table, other: pa.Table | None = None) -> pa.Table:
    """Pairs with the same valid NIK whose names or birth dates agree too: settled without the model.
    (A NIK shared by people with different names and birth dates is left to the model and a steward.)"""
    if "nik_key" not in prepared.column_names:
        return pa.table({k: pa.array([], t) for k, t in zip(PAIR_KEYS, _KEY_TYPES, strict=True)})
    columns = ["unique_id", "nik_key", "name_first_phonetic", "name_phonetic", "birth_date"]
    columns = [c for c in columns if c in prepared.column_names]
    left = prepared.select(columns).filter(pc.is_valid(prepared["nik_key"]))
    right = left if other is None else other.select(columns).filter(pc.is_valid(other["nik_key"]))
    joined = left.join(right, "nik_key", left_suffix="_l", right_suffix="_r", join_type="inner")
    keep = pc.not_equal(joined["unique_id_l"], joined["unique_id_r"])
    if other is None:
        keep = pc.and_(keep, pc.less(joined["unique_id_l"], joined["unique_id_r"]))
    agree = None
    for column in columns[2:]:
        same = pc.fill_null(pc.equal(joined[f"{column}_l"], joined[f"{column}_r"]), False)
        agree = same if agree is None else pc.or_(agree, same)
    if agree is not None:
        keep = pc.and_(keep, agree)
    found = joined.filter(keep)
    n = found.num_rows
    return pa.table(
        {
            "unique_id_l": found["unique_id_l"],
            "unique_id_r": found["unique_id_r"],
            "match_probability": pa.array(np.full(n, NIK_PROBABILITY)),
            "match_weight": pa.array(np.full(n, 99.0)),
        }
    )


_KEY_TYPES = (pa.string(), pa.string(), pa.float64(), pa.float64())


def _key(table: pa.Table) -> pa.Array:
    a, b = table["unique_id_l"], table["unique_id_r"]
    first = pc.less_equal(a, b)
    return pc.binary_join_element_wise(pc.if_else(first, a, b), pc.if_else(first, b, a), "\x1f")


def _settled_mask(pairs: pa.Table, settled: pa.Table) -> np.ndarray:
    if settled.num_rows == 0:
        return np.zeros(pairs.num_rows, bool)
    return pc.is_in(_key(pairs), value_set=_key(settled)).to_numpy(zero_copy_only=False)


def _combine(scored: pa.Table, settled: pa.Table) -> pa.Table:
    """Scored pairs plus NIK-settled ones (a settled pair's probability becomes 1)."""
    if settled.num_rows == 0:
        return scored
    key = _key

    already = pc.is_in(key(scored), value_set=key(settled))
    probability = pc.if_else(already, NIK_PROBABILITY, scored["match_probability"])
    scored = scored.set_column(
        scored.schema.get_field_index("match_probability"), "match_probability", probability
    )
    missing = settled.filter(pc.invert(pc.is_in(key(settled), value_set=key(scored))))
    return pa.concat_tables([scored, missing], promote_options="default")


def pair_scorer(session: LinkSession, prepared: pa.Table):
    ids = prepared["unique_id"]

    def score(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        pairs = pa.table(
            {"unique_id_l": pc.take(ids, pa.array(left)), "unique_id_r": pc.take(ids, pa.array(right))}
        )
        scored = session.score_pairs(pairs)
        lookup = {
            (a, b): p
            for a, b, p in zip(
                scored["unique_id_l"].to_pylist(),
                scored["unique_id_r"].to_pylist(),
                scored["match_probability"].to_pylist(),
                strict=True,
            )
        }
        wanted = zip(pairs["unique_id_l"].to_pylist(), pairs["unique_id_r"].to_pylist(), strict=True)
        return np.array([lookup.get((a, b), lookup.get((b, a), 0.0)) for a, b in wanted])

    return score


def remembering(scorer: PairScorer) -> PairScorer:
    """The same scorer, asking the model once per pair of records (in either order); what it was told
    is kept as sorted pair keys, looked up vectorised."""
    keys = np.zeros(0, np.int64)
    values = np.zeros(0, float)

    def score(left: np.ndarray, right: np.ndarray) -> np.ndarray:
        nonlocal keys, values
        low, high = np.minimum(left, right).astype(np.int64), np.maximum(left, right).astype(np.int64)
        wanted = low * (1 << 32) + high
        place = np.searchsorted(keys, wanted).clip(0, max(len(keys) - 1, 0))
        known = (keys[place] == wanted) if len(keys) else np.zeros(len(wanted), bool)
        if not known.all():
            new, first = np.unique(wanted[~known], return_index=True)
            asked = np.flatnonzero(~known)[first]
            fresh = np.asarray(scorer(left[asked], right[asked]), float)
            order = np.argsort(np.r_[keys, new], kind="stable")
            keys, values = np.r_[keys, new][order], np.r_[values, fresh][order]
            place = np.searchsorted(keys, wanted)
        return values[place]

    return score


def _pairs_from(prepared: pa.Table, pairs: pa.Table) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    left, right = index_of(pairs["unique_id_l"], prepared), index_of(pairs["unique_id_r"], prepared)
    return left, right, pc.fill_null(pairs["match_probability"], 0.0).to_numpy().astype(float)


def deduplicate(
    prepared: pa.Table,
    settings: LinkageSettings,
    *,
    backend: Backend | None = None,
    labels: pa.Table | None = None,
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
    floor: float | None = None,
    truth: np.ndarray | None = None,
) -> Outcome:
    """Link every record of ``prepared`` with every other (through blocking). ``floor``: the lowest
    probability kept (default: the review threshold). With ``truth`` (codes per record), also count the
    true pairs among all blocked pairs (blocking recall)."""
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    settled = nik_pairs(prepared)
    seconds["nik"] = time.perf_counter() - clock
    clock = time.perf_counter()
    session = LinkSession(prepared, settings, backend=backend)
    session.train(labels)
    seconds["train"] = time.perf_counter() - clock
    clock = time.perf_counter()
    floor = settings.review if floor is None else floor
    predictions = session.predict()
    scored_count, true_blocked = _blocked_counts(session, predictions, prepared, truth)
    scored = _above(session, predictions, floor)
    auto_merge = settings.auto_merge
    weak = settings.weak_identifiers
    unlabelled = labels is None or labels.num_rows == 0
    if session.report.path == "expectation maximisation" and weak.auto_threshold and unlabelled:
        auto_merge = model_threshold(_above(session, predictions, 0.001)["match_probability"], weak)
    seconds["predict"] = time.perf_counter() - clock
    clock = time.perf_counter()
    pairs = _combine(scored, settled)
    left, right, probability = _pairs_from(prepared, pairs)
    by_nik = _settled_mask(pairs, settled)
    rules = rules_of(settings, auto_merge)
    conflicts = Conflicts.of(prepared, rules)
    must = _index_pairs(prepared, must_link)
    cannot = {tuple(p) for p in zip(*_index_pairs(prepared, cannot_link), strict=True)}
    scorer = remembering(pair_scorer(session, prepared))
    clusters = cluster(
        prepared.num_rows,
        left,
        right,
        probability,
        conflicts,
        rules,
        scorer=scorer,
        must_link=must,
        cannot_link=cannot,
    )
    strong = probability >= auto_merge
    cc_labels = connected(prepared.num_rows, left[strong], right[strong])
    seconds["cluster"] = time.perf_counter() - clock
    return Outcome(
        prepared,
        pairs,
        by_nik,
        left,
        right,
        probability,
        clusters,
        cc_labels,
        settled.num_rows,
        session.model(),
        scored_count,
        true_blocked,
        seconds,
        auto_merge,
        session.report,
        scorer,
    )


def model_threshold(probabilities: pa.ChunkedArray | pa.Array, spec: WeakIdentifiersSpec) -> float:
    """The auto-merge threshold from the model's own probabilities, when no labels exist: taking them as
    calibrated, a threshold t is expected to find Σ p over the pairs at or above t true pairs of Σ p in
    all; the threshold (within ``spec.threshold_range``) with the highest expected F1 is chosen."""
    low, high = spec.threshold_range
    p = np.sort(pc.fill_null(probabilities, 0.0).to_numpy())[::-1]
    if not len(p):
        return high
    expected = 2 * np.cumsum(p) / (np.arange(1, len(p) + 1) + p.sum())
    last = np.r_[p[1:] != p[:-1], True]  # a threshold keeps every pair with an equal score
    usable = last & (p >= low) & (p <= high)
    if not usable.any():
        return high
    return float(p[int(np.where(usable, expected, -1.0).argmax())])


@dataclass
class BatchOutcome:
    """A new batch linked against resolved records: ``cluster`` holds, for every record of ``local``
    (the new records and every existing record of a cluster they touched), its cluster id: an existing
    cluster's id when the record joined it, else the smallest new record id of its cluster."""

    local: pa.Table
    cluster: pa.Array
    is_new: np.ndarray
    pairs: pa.Table
    left: np.ndarray
    right: np.ndarray
    probability: np.ndarray
    clusters: Clusters
    seconds: dict[str, float] = field(default_factory=dict)
    auto_merge: float = 0.999  # the threshold the clusters were made at (the settings')


def to_review(outcome: Outcome | BatchOutcome, review: float) -> np.ndarray:
    """Indices of the pairs a steward should decide: records left apart at or above ``review`` (or the
    run's auto-merge threshold, when that is lower), one pair for each two clusters."""
    labels, left, right = outcome.clusters.labels, outcome.left, outcome.right
    candidates = (labels[left] != labels[right]) & (outcome.probability >= min(review, outcome.auto_merge))
    return one_per_pair_of_clusters(
        labels, left, right, outcome.probability, candidates, outcome.clusters.separated
    )


def link_batch(
    existing: pa.Table,
    existing_cluster: pa.Array,
    new: pa.Table,
    settings: LinkageSettings,
    model: dict[str, Any],
    *,
    backend: Backend | None = None,
    cannot_link: Iterable[tuple[str, str]] = (),
) -> BatchOutcome:
    """Link ``new`` prepared records against ``existing`` ones (already clustered: ``existing_cluster``)
    with a trained ``model``; nothing is retrained and no existing pair is scored again."""
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    new = new.cast(pa.schema([existing.schema.field(name) for name in new.column_names]))
    both = pa.concat_tables([existing, new.select(existing.column_names)])
    session = LinkSession(both, settings, backend=backend, model=model)
    between, within = session.predict_between(existing, new, threshold=settings.review)
    settled = pa.concat_tables([nik_pairs(new, existing).select(PAIR_KEYS), nik_pairs(new).select(PAIR_KEYS)])
    scored = pa.concat_tables([between, within], promote_options="default")
    pairs = _combine(scored, settled)
    seconds["predict"] = time.perf_counter() - clock
    clock = time.perf_counter()
    touched_ids = pc.unique(
        pa.concat_arrays([pairs["unique_id_l"].combine_chunks(), pairs["unique_id_r"].combine_chunks()])
    )
    in_existing = pc.is_in(existing["unique_id"], value_set=touched_ids)
    touched_clusters = pc.unique(pc.filter(existing_cluster, in_existing))
    members = pc.is_in(existing_cluster, value_set=touched_clusters)
    local_existing = existing.filter(members)
    local_cluster = pc.filter(existing_cluster, members)
    local = pa.concat_tables([local_existing, new.select(existing.column_names)])
    is_new = np.r_[np.zeros(local_existing.num_rows, bool), np.ones(new.num_rows, bool)]
    left, right, probability = _pairs_from(local, pairs)
    keep = (left >= 0) & (right >= 0)
    left, right, probability = left[keep], right[keep], probability[keep]
    pairs = pairs.filter(pa.array(keep))
    must = _same_cluster_chain(local_cluster)
    rules = rules_of(settings)
    cannot = {tuple(p) for p in zip(*_index_pairs(local, cannot_link), strict=True)}
    clusters = cluster(
        local.num_rows,
        left,
        right,
        probability,
        Conflicts.of(local, rules),
        rules,
        scorer=pair_scorer(session, local),
        must_link=must,
        cannot_link=cannot,
    )
    seconds["cluster"] = time.perf_counter() - clock
    assigned = _assign(clusters.labels, local_cluster, local["unique_id"], is_new)
    return BatchOutcome(
        local, assigned, is_new, pairs, left, right, probability, clusters, seconds, rules.auto_merge
    )


def _same_cluster_chain(cluster_of: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Must-link pairs that hold each existing cluster together (each member to the next)."""
    codes = pc.index_in(cluster_of, value_set=pc.unique(cluster_of)).to_numpy().astype(np.int64)
    order = np.argsort(codes, kind="stable")
    same = codes[order][1:] == codes[order][:-1]
    return order[:-1][same], order[1:][same]


def _assign(labels: np.ndarray, existing_cluster: pa.Array, ids: pa.Array, is_new: np.ndarray) -> pa.Array:
    """Cluster ids for the local records: the existing cluster with most records in the group, else the
    smallest new record id."""
    known = existing_cluster.to_pylist()
    names = ids.to_pylist()
    best: dict[int, tuple[int, str]] = {}
    counts: dict[tuple[int, str], int] = {}
    for index, label in enumerate(labels.tolist()):
        if index < len(known):
            key = (label, known[index])
            counts[key] = counts.get(key, 0) + 1
    for (label, cluster_id), count in counts.items():
        current = best.get(label)
        if current is None or count > current[0] or (count == current[0] and cluster_id < current[1]):
            best[label] = (count, cluster_id)
    fresh: dict[int, str] = {}
    for index, label in enumerate(labels.tolist()):
        if is_new[index] and label not in best:
            fresh[label] = min(fresh.get(label, names[index]), names[index])
    return pa.array(
        [best[label][1] if label in best else fresh[label] for label in labels.tolist()], pa.string()
    )


def _index_pairs(prepared: pa.Table, pairs: Iterable[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    listed = list(pairs)
    if not listed:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    left = index_of(pa.array([a for a, _ in listed], pa.string()), prepared)
    right = index_of(pa.array([b for _, b in listed], pa.string()), prepared)
    keep = (left >= 0) & (right >= 0)
    return left[keep], right[keep]


def _above(session: LinkSession, predictions: Any, floor: float) -> pa.Table:
    return session.query(
        f"SELECT * FROM {predictions.physical_name} WHERE match_probability >= {float(floor)!r}"
    )


def _blocked_counts(
    session: LinkSession, predictions: Any, prepared: pa.Table, truth: np.ndarray | None
) -> tuple[int, int | None]:
    if truth is None:
        counted = session.query(f"SELECT count(*) AS n FROM {predictions.physical_name}")
        return int(counted["n"][0].as_py()), None
    labels = session.db.register(
        pa.table({"unique_id": prepared["unique_id"], "truth": pa.array(truth, pa.int64())}), table_name=None
    )
    counted = session.query(
        "SELECT count(*) AS n, sum(CASE WHEN a.truth = b.truth THEN 1 ELSE 0 END) AS t "
        f"FROM {predictions.physical_name} AS p "
        f"JOIN {labels.physical_name} AS a ON a.unique_id = p.unique_id_l "
        f"JOIN {labels.physical_name} AS b ON b.unique_id = p.unique_id_r"
    )
    return int(counted["n"][0].as_py()), int(counted["t"][0].as_py() or 0)


__all__ = [
    "Backend",
    "BatchOutcome",
    "Outcome",
    "deduplicate",
    "link_batch",
    "nik_pairs",
    "pair_scorer",
    "rules_of",
    "to_arrow",
    "to_review",
]
