"""From scored pairs to clusters that resist chaining. Pure (NumPy and SciPy).

Connected components over every pair above the threshold (Splink's default) let one false link join two
people, and a chain of them a whole village. Here, components are only candidates:

1. pairs at or above ``auto_merge`` (and stewards' "same person" decisions) form components;
2. a component of two records is kept unless the records conflict (:class:`Conflicts`: two valid NIKs more
   than one slip apart, different sexes both confirmed by their NIKs, two records of the same
   duplicate-free source) or a steward said "different";
3. larger components are rebuilt by constrained average linkage: every pair inside a component of up to
   ``closure_limit`` records is scored (pairs the blocking missed are scored on request), and two groups
   join only if their mean pair probability reaches ``transitive_threshold``, nothing conflicts (birth
   dates two years and more than a digit apart, each confirmed by its record's NIK, count too unless
   that very pair is strongly linked) and
   no steward separated them. The strongest join goes first.

Pairs at or above ``auto_merge`` that end up apart are returned as *refused*, with the reason, for review.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

SOFT_CONFLICTS = frozenset({"birth_date"})  # vetoes a transitive join, not a direct strong pair
PairScorer = Callable[[np.ndarray, np.ndarray], np.ndarray]  # record indices → probabilities


@dataclass(frozen=True)
class ClusterRules:
    auto_merge: float
    transitive_threshold: float
    closure_limit: int = 60
    conflicts: tuple[str, ...] = ("nik", "sex", "birth_date")
    one_per_source: bool = False
    constrained: bool = True


@dataclass
class Conflicts:
    """Per-record evidence that two records cannot be one person."""

    nik: np.ndarray  # (n, 16) uint8 digits, zero rows for no valid NIK
    has_nik: np.ndarray
    sex: np.ndarray  # 1/2 confirmed by the NIK, 0 unknown
    year: np.ndarray  # birth year confirmed by the record's own NIK, 0 unknown
    date: np.ndarray  # (n, 10) ISO bytes, zero rows for unknown
    source: np.ndarray  # source index, -1 unknown
    kinds: tuple[str, ...]
    one_per_source: bool

    @classmethod
    def of(cls, prepared: pa.Table, rules: ClusterRules) -> Conflicts:
        n = prepared.num_rows
        names = set(prepared.column_names)

        def fixed(column: str, width: int) -> tuple[np.ndarray, np.ndarray]:
            if column not in names:
                return np.zeros((n, width), np.uint8), np.zeros(n, bool)
            values = prepared[column].combine_chunks().cast(pa.string())
            present = values.is_valid().to_numpy(zero_copy_only=False)
            raw = np.array(pc.fill_null(values, "").to_pylist(), dtype=f"S{width}")
            return raw.view(np.uint8).reshape(n, width).copy(), present

        nik, has_nik = fixed("nik_key", 16)
        date, _ = fixed("birth_date", 10)
        nik_date, _ = fixed("nik_birth_date", 10)
        confirmed = (date == nik_date).all(axis=1) & has_nik  # the NIK says the same birth date

        def ints(column: str) -> np.ndarray:
            if column not in names:
                return np.zeros(n, np.int64)
            return pc.fill_null(prepared[column], 0).to_numpy().astype(np.int64)

        source = np.full(n, -1, np.int64)
        if "source_dataset" in names:
            values = prepared["source_dataset"].combine_chunks()
            source = pc.fill_null(pc.index_in(values, value_set=pc.unique(values)), -1).to_numpy()
        return cls(
            nik,
            has_nik,
            ints("sex_from_nik"),
            np.where(confirmed, ints("birth_year"), 0),
            date,
            source,
            rules.conflicts,
            rules.one_per_source,
        )

    def between(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """For each pair (vectorised): the first conflict kind, or "" when none."""
        reason = np.full(len(left), "", dtype=object)
        if "nik" in self.kinds:
            both = self.has_nik[left] & self.has_nik[right]
            differ = self.nik[left] != self.nik[right]
            count = differ.sum(axis=1)
            swapped = (count == 2) & _neighbours_swapped(self.nik[left], self.nik[right], differ)
            reason[both & (count > 1) & ~swapped & (reason == "")] = "nik"
        if "sex" in self.kinds:
            sl, sr = self.sex[left], self.sex[right]
            reason[(sl > 0) & (sr > 0) & (sl != sr) & (reason == "")] = "sex"
        if "birth_date" in self.kinds:
            yl, yr = self.year[left], self.year[right]
            far = (yl > 0) & (yr > 0) & (np.abs(yl - yr) >= 2)
            slips = (self.date[left] != self.date[right]).sum(axis=1)
            reason[far & (slips > 1) & (reason == "")] = "birth_date"
        if self.one_per_source:
            same = (self.source[left] >= 0) & (self.source[left] == self.source[right])
            reason[same & (reason == "")] = "same_source"
        return reason


def _neighbours_swapped(a: np.ndarray, b: np.ndarray, differ: np.ndarray) -> np.ndarray:
    first = differ.argmax(axis=1)
    second = np.minimum(first + 1, a.shape[1] - 1)
    rows = np.arange(len(a))
    return differ[rows, second] & (a[rows, first] == b[rows, second]) & (a[rows, second] == b[rows, first])


@dataclass
class Clusters:
    labels: np.ndarray  # cluster number per record (the smallest record index in the cluster)
    refused: list[tuple[int, int, float, str]] = field(default_factory=list)  # (i, j, p, reason)
    closure_pairs_scored: int = 0


def connected(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected components; each labelled by its smallest record index."""
    graph = coo_matrix((np.ones(len(left), np.int8), (left, right)), shape=(n, n))
    _count, component = connected_components(graph, directed=False)
    smallest = np.full(component.max() + 1 if n else 0, n, np.int64)
    np.minimum.at(smallest, component, np.arange(n))
    return smallest[component]


def cluster(
    n: int,
    left: np.ndarray,
    right: np.ndarray,
    probability: np.ndarray,
    conflicts: Conflicts,
    rules: ClusterRules,
    *,
    scorer: PairScorer | None = None,
    must_link: tuple[np.ndarray, np.ndarray] | None = None,
    cannot_link: set[tuple[int, int]] | None = None,
) -> Clusters:
    """Cluster ``n`` records given scored pairs (record indices ``left``/``right``)."""
    cannot = cannot_link or set()
    must_l, must_r = must_link if must_link is not None else (np.zeros(0, np.int64), np.zeros(0, np.int64))
    strong = probability >= rules.auto_merge
    graph_l = np.concatenate([left[strong], must_l])
    graph_r = np.concatenate([right[strong], must_r])
    labels = connected(n, graph_l, graph_r)
    if not rules.constrained:
        return Clusters(labels)
    size = np.bincount(labels, minlength=n)
    result = np.arange(n, dtype=np.int64)
    refused: list[tuple[int, int, float, str]] = []

    # Components of two: one strong pair (or a steward's "same person"), kept unless it conflicts.
    sl, sr = graph_l, graph_r
    sp = np.concatenate([probability[strong], np.ones(len(must_l))])
    pair_component = (size[labels[sl]] == 2) & (labels[sl] == labels[sr])
    reasons = conflicts.between(sl[pair_component], sr[pair_component])
    must = {(int(a), int(b)) for a, b in zip(must_l, must_r, strict=True)}
    must |= {(b, a) for a, b in must}
    for i, j, p, reason in zip(
        sl[pair_component], sr[pair_component], sp[pair_component], reasons, strict=True
    ):
        key = (int(i), int(j))
        separated = key in cannot or (key[1], key[0]) in cannot
        if key in must or (reason in SOFT_CONFLICTS | {""} and not separated):
            result[max(i, j)] = result[min(i, j)] = min(i, j)
        else:
            refused.append((key[0], key[1], float(p), reason or "steward_separated"))

    # Larger components: constrained average linkage over every pair inside.
    big = np.flatnonzero((size >= 3) & (np.arange(n) == labels))
    if len(big):
        members_of = _members(labels, set(big.tolist()))
        known = _known_pairs(left, right, probability, labels, members_of)
        scored = _close(members_of, known, rules.closure_limit, scorer)
        for members in members_of.values():
            groups, refusals = _agglomerate(members, known, conflicts, rules, cannot, must)
            for group in groups:
                result[group] = min(group)
            refused += refusals
        return Clusters(_relabel(result), refused, scored)
    return Clusters(_relabel(result), refused)


def _relabel(parent: np.ndarray) -> np.ndarray:
    """Each record labelled by the smallest index of its group (parents already point at it)."""
    return parent[parent]


def _members(labels: np.ndarray, roots: set[int]) -> dict[int, list[int]]:
    members: dict[int, list[int]] = {root: [] for root in roots}
    for index in np.flatnonzero(np.isin(labels, list(roots))).tolist():
        members[int(labels[index])].append(index)
    return members


def _known_pairs(left, right, probability, labels, members_of) -> dict[tuple[int, int], float]:
    inside = np.isin(labels[left], list(members_of)) & (labels[left] == labels[right])
    known: dict[tuple[int, int], float] = {}
    for i, j, p in zip(
        left[inside].tolist(), right[inside].tolist(), probability[inside].tolist(), strict=True
    ):
        key = (i, j) if i < j else (j, i)
        known[key] = max(p, known.get(key, 0.0))
    return known


def _close(members_of, known, limit: int, scorer: PairScorer | None) -> int:
    """Score the pairs the blocking missed inside components small enough to complete."""
    if scorer is None:
        return 0
    missing = [
        (a, b)
        for members in members_of.values()
        if len(members) <= limit
        for x, a in enumerate(members)
        for b in members[x + 1 :]
        if (a, b) not in known
    ]
    if not missing:
        return 0
    pairs = np.array(missing, np.int64)
    for (a, b), p in zip(missing, scorer(pairs[:, 0], pairs[:, 1]).tolist(), strict=True):
        known[(a, b)] = p
    return len(missing)


def _agglomerate(members, known, conflicts, rules, cannot, must):
    """Constrained average linkage inside one component; returns groups and refused strong pairs."""
    index = np.array(members, np.int64)
    k = len(index)
    local = {int(r): x for x, r in enumerate(index.tolist())}
    prob = np.zeros((k, k))
    for (a, b), p in known.items():
        if a in local and b in local:
            prob[local[a], local[b]] = prob[local[b], local[a]] = p
    rows, cols = np.triu_indices(k, 1)
    reasons = conflicts.between(index[rows], index[cols])
    blocked = np.zeros((k, k), bool)
    soft = np.isin(reasons, list(SOFT_CONFLICTS)) & (prob[rows, cols] >= rules.auto_merge)
    blocked[rows, cols] = blocked[cols, rows] = (reasons != "") & ~soft
    for a, b in cannot:
        if a in local and b in local:
            blocked[local[a], local[b]] = blocked[local[b], local[a]] = True
    groups = [[x] for x in range(k)]
    for a, b in must:
        if a in local and b in local:
            ga = next(g for g in groups if local[a] in g)
            gb = next(g for g in groups if local[b] in g)
            if ga is not gb:
                ga.extend(gb)
                groups.remove(gb)
    while True:
        best, pick = rules.transitive_threshold, None
        for x in range(len(groups)):
            for y in range(x + 1, len(groups)):
                gx, gy = groups[x], groups[y]
                block = prob[np.ix_(gx, gy)]
                if block.max() < rules.auto_merge or blocked[np.ix_(gx, gy)].any():
                    continue
                mean = block.mean()
                if mean >= best:
                    best, pick = mean, (x, y)
        if pick is None:
            break
        x, y = pick
        groups[x] = groups[x] + groups[y]
        del groups[y]
    owner = np.empty(k, np.int64)
    for number, group in enumerate(groups):
        owner[group] = number
    refused = [
        (int(index[x]), int(index[y]), float(prob[x, y]), reason or "transitive")
        for x, y, reason in zip(rows.tolist(), cols.tolist(), reasons.tolist(), strict=True)
        if prob[x, y] >= rules.auto_merge and owner[x] != owner[y]
    ]
    return [index[g].tolist() for g in groups], refused


def smallest_ids(ids: pa.Array, labels: np.ndarray) -> pa.Array:
    """For each record, the smallest id in its cluster (``labels``): a cluster id that stays stable."""
    order = np.argsort(np.array(ids.to_pylist(), dtype=object), kind="stable")
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    smallest = np.full(len(rank), len(rank), np.int64)
    np.minimum.at(smallest, labels, rank)
    return pc.take(ids, pa.array(order[smallest[labels]]))
