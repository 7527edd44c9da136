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

Pairs at or above ``auto_merge`` that end up apart are returned as *refused*, with the reason, for review;
:func:`one_per_pair_of_clusters` keeps one of them (the strongest) for each two clusters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

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
    separated: frozenset[tuple[int, int]] = frozenset()  # the stewards' "different people" it obeyed


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
    sp = np.concatenate([probability[strong], np.ones(len(must_l))])
    labels = connected(n, graph_l, graph_r)
    separated = frozenset(cannot)
    if not rules.constrained:
        return Clusters(labels, separated=separated)
    labels = _split_giants(n, labels, graph_l, graph_r, sp, rules.auto_merge)
    size = np.bincount(labels, minlength=n)
    result = np.arange(n, dtype=np.int64)
    refused: list[tuple[int, int, float, str]] = []

    # Components of two: one strong pair (or a steward's "same person"), kept unless it conflicts.
    sl, sr = graph_l, graph_r
    pair_component = (size[labels[sl]] == 2) & (labels[sl] == labels[sr])
    reasons = conflicts.between(sl[pair_component], sr[pair_component])
    must = {(int(a), int(b)) for a, b in zip(must_l, must_r, strict=True)}
    must |= {(b, a) for a, b in must}
    for i, j, p, reason in zip(
        sl[pair_component], sr[pair_component], sp[pair_component], reasons, strict=True
    ):
        key = (int(i), int(j))
        by_steward = key in cannot or (key[1], key[0]) in cannot
        if key in must or (reason in SOFT_CONFLICTS | {""} and not by_steward):
            result[max(i, j)] = result[min(i, j)] = min(i, j)
        else:
            refused.append((key[0], key[1], float(p), reason or "steward_separated"))

    # Larger components: constrained average linkage over every pair inside.
    big = np.flatnonzero((size >= 3) & (np.arange(n) == labels))
    if not len(big):
        return Clusters(_relabel(result), refused, separated=separated)
    inside = _Inside.of(labels, big, left, right, probability)
    scored = inside.close(rules.closure_limit, scorer)
    cannot_in = inside.local_pairs(cannot)
    must_in = inside.local_pairs(must)
    conflicting = inside.reasons(conflicts)
    for number, (members, prob) in enumerate(inside.matrices()):
        groups, refusals = _agglomerate(
            members, prob, conflicting[number], rules, cannot_in.get(number, []), must_in.get(number, [])
        )
        for group in groups:
            result[group] = min(group)
        refused += refusals
    return Clusters(_relabel(result), refused, scored, separated)


def one_per_pair_of_clusters(
    labels: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    probability: np.ndarray,
    candidates: np.ndarray,
    separated: frozenset[tuple[int, int]] = frozenset(),
) -> np.ndarray:
    """Indices of the ``candidates`` (a mask over the pairs) a steward needs to see: of the pairs between
    the same two clusters only the strongest, since one decision settles both clusters ("same person"
    merges them, "different people" keeps them apart in every later run), and none between two clusters
    that a steward's "different people" (``separated``: pairs of records) already keeps apart."""
    index = np.flatnonzero(candidates)
    a, b = labels[left[index]], labels[right[index]]
    n = max(len(labels), 1)
    key = np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b)
    if separated:
        sa, sb = (labels[np.array(side, np.int64)] for side in zip(*separated, strict=True))
        decided = np.minimum(sa, sb).astype(np.int64) * n + np.maximum(sa, sb)
        index, key = index[~np.isin(key, decided)], key[~np.isin(key, decided)]
    order = np.lexsort((-probability[index], key))
    first = np.r_[True, key[order][1:] != key[order][:-1]] if len(order) else np.zeros(0, bool)
    return np.sort(index[order][first])


GIANT = 500  # records: a component this large is chained, not one person


def _split_giants(n, labels, left, right, probability, threshold: float) -> np.ndarray:
    """Components of more than :data:`GIANT` records (weak models chain thousands of records at a low
    threshold) are split by raising the threshold inside them only (1 - (1 - t) / 10 at each step)
    until every piece is smaller; the constrained clustering then works on the pieces."""
    while (np.bincount(labels, minlength=n) > GIANT).any() and threshold < 1 - 1e-9:
        threshold = 1 - (1 - threshold) / 10
        giant = np.bincount(labels, minlength=n)[labels[left]] > GIANT
        keep = ~giant | (probability >= threshold)
        left, right, probability = left[keep], right[keep], probability[keep]
        labels = connected(n, left, right)
    return labels


def _relabel(parent: np.ndarray) -> np.ndarray:
    """Each record labelled by the smallest index of its group (parents already point at it)."""
    return parent[parent]


@dataclass
class _Inside:
    """The components to rebuild and the scored pairs inside each (vectorised, one sort)."""

    n: int
    members: list[np.ndarray]  # record indices of each component, ascending
    component: np.ndarray  # per record: its component number, -1 outside
    position: np.ndarray  # per record: its place in its component
    pair_component: np.ndarray
    pair_a: np.ndarray  # the smaller record index of each known pair
    pair_b: np.ndarray
    pair_p: np.ndarray

    @classmethod
    def of(cls, labels, roots, left, right, probability) -> _Inside:
        n = len(labels)
        component = np.full(n, -1, np.int64)
        component[roots] = np.arange(len(roots))
        component = component[labels]
        records = np.flatnonzero(component >= 0)
        order = records[np.argsort(component[records], kind="stable")]
        bounds = np.searchsorted(component[order], np.arange(len(roots) + 1))
        members = [order[bounds[k] : bounds[k + 1]] for k in range(len(roots))]
        position = np.zeros(n, np.int64)
        for chunk in members:
            position[chunk] = np.arange(len(chunk))
        keep = (component[left] >= 0) & (labels[left] == labels[right]) & (left != right)
        a = np.minimum(left[keep], right[keep])
        b = np.maximum(left[keep], right[keep])
        return cls(n, members, component, position, component[a], a, b, probability[keep])

    def close(self, limit: int, scorer: PairScorer | None) -> int:
        """Score the pairs the blocking missed inside components small enough to complete."""
        if scorer is None:
            return 0
        small = [m for m in self.members if len(m) <= limit]
        if not small:
            return 0
        everything = [(m[r], m[c]) for m in small for r, c in [np.triu_indices(len(m), 1)]]
        a = np.concatenate([pair[0] for pair in everything])
        b = np.concatenate([pair[1] for pair in everything])
        missing = ~np.isin(a * self.n + b, self.pair_a * self.n + self.pair_b)
        a, b = a[missing], b[missing]
        if not len(a):
            return 0
        p = np.asarray(scorer(a, b), float)
        self.pair_component = np.concatenate([self.pair_component, self.component[a]])
        self.pair_a = np.concatenate([self.pair_a, a])
        self.pair_b = np.concatenate([self.pair_b, b])
        self.pair_p = np.concatenate([self.pair_p, p])
        return len(a)

    def matrices(self):
        """Per component: its records and the matrix of pair probabilities (the highest of duplicates;
        0 for pairs never scored)."""
        order = np.argsort(self.pair_component, kind="stable")
        component, a, b, p = (x[order] for x in (self.pair_component, self.pair_a, self.pair_b, self.pair_p))
        bounds = np.searchsorted(component, np.arange(len(self.members) + 1))
        for number, members in enumerate(self.members):
            span = slice(bounds[number], bounds[number + 1])
            rows, cols = self.position[a[span]], self.position[b[span]]
            prob = np.zeros((len(members), len(members)))
            np.maximum.at(prob, (rows, cols), p[span])
            prob = np.maximum(prob, prob.T)
            yield members, prob

    def reasons(self, conflicts: Conflicts) -> list[np.ndarray]:
        """Per component: the conflict of every pair of its records (upper triangle, row by row), all
        components in one vectorised call."""
        if not self.members:
            return []
        pairs = [_triangle(len(m)) for m in self.members]
        a = np.concatenate([m[rows] for m, (rows, _) in zip(self.members, pairs, strict=True)])
        b = np.concatenate([m[cols] for m, (_, cols) in zip(self.members, pairs, strict=True)])
        found = conflicts.between(a, b)
        bounds = np.cumsum([0, *(len(rows) for rows, _ in pairs)])
        return [found[bounds[k] : bounds[k + 1]] for k in range(len(self.members))]

    def local_pairs(self, pairs) -> dict[int, list[tuple[int, int]]]:
        """Pairs of records (in their given order) by component, as places within it."""
        found: dict[int, list[tuple[int, int]]] = {}
        for a, b in pairs:
            number = self.component[a]
            if number >= 0 and number == self.component[b]:
                found.setdefault(int(number), []).append((int(self.position[a]), int(self.position[b])))
        return found


@cache
def _triangle(k: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(k, 1)


def _agglomerate(index, prob, reasons, rules, cannot, must):
    """Constrained average linkage inside one component (``index``: its records; ``prob``: the pair
    probabilities; ``reasons``: the conflict of each pair of the upper triangle; ``cannot``/``must``:
    pairs of places); returns groups and refused strong pairs."""
    k = len(index)
    rows, cols = _triangle(k)
    blocked = np.zeros((k, k), bool)
    soft = np.isin(reasons, list(SOFT_CONFLICTS)) & (prob[rows, cols] >= rules.auto_merge)
    blocked[rows, cols] = blocked[cols, rows] = (reasons != "") & ~soft
    for a, b in cannot:
        blocked[a, b] = blocked[b, a] = True
    groups = [[x] for x in range(k)]
    for a, b in must:
        ga = next(g for g in groups if a in g)
        gb = next(g for g in groups if b in g)
        if ga is not gb:
            ga.extend(gb)
            groups.remove(gb)
    groups = _join(groups, prob, blocked, rules)
    owner = np.empty(k, np.int64)
    for number, group in enumerate(groups):
        owner[group] = number
    strong = prob[rows, cols] >= rules.auto_merge
    apart = strong & (owner[rows] != owner[cols])
    pairs = zip(rows[apart].tolist(), cols[apart].tolist(), reasons[apart].tolist(), strict=True)
    refused = [
        (int(index[x]), int(index[y]), float(prob[x, y]), reason or "transitive") for x, y, reason in pairs
    ]
    return [index[g].tolist() for g in groups], refused


_TIE = 1e-9  # running sums and a block's own mean may differ in the last bits: recheck near the top


def _join(groups: list[list[int]], prob: np.ndarray, blocked: np.ndarray, rules: ClusterRules):
    """Average linkage with constraints: repeatedly join the two groups with the highest mean pair
    probability (at least ``transitive_threshold``; ties: the last pair in list order) that hold a strong
    pair and no blocked one. Group sums, maxima and blocks are kept as matrices and updated per join;
    the winner's mean is recomputed from its block, exactly as the pairwise loop did."""
    g = len(groups)
    if g < 2:
        return groups
    if all(len(group) == 1 for group in groups):
        order = [group[0] for group in groups]
        total = prob[np.ix_(order, order)].copy()
        top = total.copy()
        veto = blocked[np.ix_(order, order)].copy()
    else:
        total, top, veto = np.zeros((g, g)), np.zeros((g, g)), np.zeros((g, g), bool)
        for x in range(g):
            for y in range(g):
                if x != y:
                    block = prob[np.ix_(groups[x], groups[y])]
                    total[x, y], top[x, y] = block.sum(), block.max()
                    veto[x, y] = blocked[np.ix_(groups[x], groups[y])].any()
    sizes = np.array([len(group) for group in groups], float)
    alive = np.ones(g, bool)
    upper = np.triu(np.ones((g, g), bool), 1)
    while True:
        usable = upper & alive[:, None] & alive[None, :] & (top >= rules.auto_merge) & ~veto
        if not usable.any():
            break
        means = np.where(usable, total / np.outer(sizes, sizes), -1.0)
        highest = means.max()
        if highest < rules.transitive_threshold - _TIE:
            break
        best, pick = rules.transitive_threshold, None
        near = np.flatnonzero(means.ravel() >= highest - _TIE).tolist()
        if len(near) == 1 and highest >= rules.transitive_threshold + _TIE:
            pick = divmod(near[0], g)
        for flat in near if pick is None else []:
            x, y = divmod(flat, g)
            # a sum of one or two probabilities is exact; longer ones are summed again as numpy would
            small = sizes[x] * sizes[y] <= 2
            mean = means.flat[flat] if small else prob[groups[x]][:, groups[y]].mean()
            if mean >= best:
                best, pick = mean, (x, y)
        if pick is None:
            break
        x, y = pick
        groups[x] = groups[x] + groups[y]
        alive[y] = False
        sizes[x] += sizes[y]
        total[x, :] += total[y, :]
        total[:, x] = total[x, :]
        top[x, :] = np.maximum(top[x, :], top[y, :])
        top[:, x] = top[x, :]
        veto[x, :] |= veto[y, :]
        veto[:, x] = veto[x, :]
    return [group for group, kept in zip(groups, alive.tolist(), strict=True) if kept]


def smallest_ids(ids: pa.Array, labels: np.ndarray) -> pa.Array:
    """For each record, the smallest id in its cluster (``labels``): a cluster id that stays stable."""
    order = np.argsort(np.array(ids.to_pylist(), dtype=object), kind="stable")
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    smallest = np.full(len(rank), len(rank), np.int64)
    np.minimum.at(smallest, labels, rank)
    return pc.take(ids, pa.array(order[smallest[labels]]))
