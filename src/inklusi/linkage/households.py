"""Household linkage from person linkage: two household records are the same household when enough of
their members are the same people. Pure (Arrow and NumPy).

For every two household records that share at least one resolved person, the share is the number of
shared persons over the size of the larger household. At or above ``min_shared`` (default one half) they
are linked. Dividing by the larger size (the default) keeps a family that split off (two of six members leave)
from being linked to the household it left, while a re-enumeration that missed a member, or a later
round with a birth or a death, still links. Lists that hold only some members of a household (a
programme's beneficiaries, a survey sample) divide by the smaller size instead (``denominator``). With
sources, a household links to at most one household of each other source (the strongest), so one list
cannot chain two different households of another.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from inklusi.linkage.clustering import connected, smallest_ids


@dataclass
class HouseholdLinks:
    households: pa.Array  # household record ids (distinct)
    labels: np.ndarray  # cluster per household (smallest index in the cluster)
    left: np.ndarray
    right: np.ndarray
    share: np.ndarray

    def cluster_ids(self) -> pa.Array:
        """Stable ids: the smallest household record id in each cluster."""
        ids = self.households
        return smallest_ids(ids, self.labels)


def link_households(
    household_of: pa.Array,
    person_entity: pa.Array,
    *,
    source: pa.Array | None = None,
    min_shared: float = 0.5,
    min_persons: int = 1,
    denominator: str = "larger",
) -> HouseholdLinks:
    """``household_of[i]`` is record i's household; ``person_entity[i]`` its resolved person."""
    table = pa.table({"household": household_of, "person": person_entity})
    if source is not None:
        table = table.append_column("source", source)
    table = table.filter(pc.is_valid(table["household"]))
    households = pc.unique(table["household"]).sort()
    h = pc.index_in(table["household"], value_set=households).to_numpy().astype(np.int64)
    p = pc.index_in(table["person"], value_set=pc.unique(table["person"])).to_numpy().astype(np.int64)
    pairs = np.unique(np.stack([h, p], axis=1), axis=0)  # a person counts once per household
    size = np.bincount(pairs[:, 0], minlength=len(households))
    by_person = pa.table({"h": pairs[:, 0], "p": pairs[:, 1]})
    joined = by_person.join(by_person, "p", left_suffix="_l", right_suffix="_r")
    joined = joined.filter(pc.less(joined["h_l"], joined["h_r"]))
    counted = joined.group_by(["h_l", "h_r"]).aggregate([("p", "count_distinct")])
    left = counted["h_l"].to_numpy().astype(np.int64)
    right = counted["h_r"].to_numpy().astype(np.int64)
    shared = counted["p_count_distinct"].to_numpy().astype(np.int64)
    sizes = np.maximum if denominator == "larger" else np.minimum
    share = shared / sizes(size[left], size[right])
    keep = (share >= min_shared) & (shared >= min_persons)
    left, right, share = left[keep], right[keep], share[keep]
    if source is not None:
        left, right, share = _best_per_source(table, households, h, left, right, share, shared[keep])
    labels = connected(len(households), left, right)
    return HouseholdLinks(households, labels, left, right, share)


def _best_per_source(table, households, h, left, right, share, shared):
    """Keep, for each household and each other source, only its strongest link (share, then persons)."""
    source_of = np.zeros(len(households), np.int64)
    codes = pc.index_in(table["source"], value_set=pc.unique(table["source"])).to_numpy()
    source_of[h] = codes
    order = np.lexsort((-shared, -share))
    taken: set[tuple[int, int]] = set()
    keep = np.zeros(len(share), bool)
    for index in order.tolist():
        a, b = int(left[index]), int(right[index])
        if (a, int(source_of[b])) in taken or (b, int(source_of[a])) in taken:
            continue
        taken.add((a, int(source_of[b])))
        taken.add((b, int(source_of[a])))
        keep[index] = True
    return left[keep], right[keep], share[keep]
