"""Clusters that resist chaining, stable entity ids, and the quality figures. Pure."""

from __future__ import annotations

import uuid
from itertools import count

import numpy as np
import pyarrow as pa

from inklusi.linkage import evaluation as ev
from inklusi.linkage.assignment import assign
from inklusi.linkage.clustering import (
    ClusterRules,
    Conflicts,
    cluster,
    connected,
    one_per_pair_of_clusters,
)

RULES = ClusterRules(auto_merge=0.99, transitive_threshold=0.6)


def records(niks=None, birth=None, sources=None, n=None) -> pa.Table:
    n = n or len(niks or birth or sources)
    columns = {"unique_id": [str(i) for i in range(n)]}
    if niks is not None:
        columns |= {"nik_key": niks, "nik_birth_date": birth or [None] * n}
    if birth is not None:
        columns |= {"birth_date": birth, "birth_year": [int(b[:4]) if b else None for b in birth]}
    if sources is not None:
        columns |= {"source_dataset": sources}
    return pa.table(columns)


def edges(*triples):
    left, right, p = zip(*triples, strict=True)
    return np.array(left), np.array(right), np.array(p, float)


def test_a_chain_through_one_false_link_is_cut_where_connected_components_join_everything():
    # 0-1 and 2-3 are two people; a false strong link 1-2 chains them; 0-2, 0-3, 1-3 are clearly apart.
    left, right, p = edges(
        (0, 1, 0.999), (2, 3, 0.999), (1, 2, 0.995), (0, 2, 0.01), (0, 3, 0.01), (1, 3, 0.02)
    )
    table = records(n=4)
    conflicts = Conflicts.of(table, RULES)
    assert len(set(connected(4, left[p >= 0.99], right[p >= 0.99]).tolist())) == 1
    result = cluster(4, left, right, p, conflicts, RULES)
    assert result.labels[0] == result.labels[1] != result.labels[2] == result.labels[3]
    assert any(reason == "transitive" for *_pair, reason in result.refused)


def test_missing_pairs_inside_a_component_are_scored_on_request():
    left, right, p = edges((0, 1, 0.999), (1, 2, 0.999))
    asked = []

    def scorer(a, b):
        asked.extend(zip(a.tolist(), b.tolist(), strict=True))
        return np.full(len(a), 0.995)

    result = cluster(3, left, right, p, Conflicts.of(records(n=3), RULES), RULES, scorer=scorer)
    assert asked == [(0, 2)] and result.closure_pairs_scored == 1
    assert len(set(result.labels.tolist())) == 1


def test_two_different_valid_niks_are_never_one_person_but_one_slip_is_tolerated():
    niks = ["3171014502900001", "3171014502900002", "3273011203850004", "3171014052900001"]
    table = records(niks=niks)
    rules = ClusterRules(auto_merge=0.99, transitive_threshold=0.6)
    conflicts = Conflicts.of(table, rules)
    reasons = conflicts.between(np.array([0, 0, 0]), np.array([1, 2, 3]))
    assert reasons.tolist() == ["", "nik", ""]
    left, right, p = edges((0, 2, 0.9999))
    assert len(set(cluster(4, left, right, p, conflicts, rules).labels[[0, 2]].tolist())) == 2


def test_birth_dates_confirmed_by_their_niks_split_a_transitive_join_only():
    birth = ["1950-01-01", "1950-01-01", "1990-07-07"]
    niks = ["3171010101500001", None, "3171010707900002"]
    table = records(niks=niks, birth=birth)
    table = table.set_column(
        table.schema.get_field_index("nik_birth_date"), "nik_birth_date", pa.array(birth)
    )
    left, right, p = edges((0, 1, 0.999), (1, 2, 0.999), (0, 2, 0.8))
    result = cluster(
        3, left, right, p, Conflicts.of(table, RULES), RULES, scorer=lambda a, b: np.zeros(len(a))
    )
    assert result.labels[0] != result.labels[2]


def test_one_record_per_source_when_the_sources_are_free_of_duplicates():
    rules = ClusterRules(auto_merge=0.99, transitive_threshold=0.6, one_per_source=True)
    table = records(sources=["a", "b", "b"])
    left, right, p = edges((0, 1, 0.999), (0, 2, 0.9999), (1, 2, 0.999))
    result = cluster(3, left, right, p, Conflicts.of(table, rules), rules)
    assert result.labels[0] == result.labels[2] != result.labels[1]


def test_stewards_decisions_override_the_scores():
    left, right, p = edges((0, 1, 0.999), (2, 3, 0.5))
    table = records(n=4)
    result = cluster(
        4,
        left,
        right,
        p,
        Conflicts.of(table, RULES),
        RULES,
        must_link=(np.array([2]), np.array([3])),
        cannot_link={(0, 1)},
    )
    assert result.labels[0] != result.labels[1] and result.labels[2] == result.labels[3]


def _ids():
    counter = count(1)
    return lambda: uuid.UUID(int=next(counter))


def test_entity_ids_stay_with_most_of_their_records_and_emptied_entities_retire():
    r = [uuid.uuid4() for _ in range(5)]
    old_a, old_b = uuid.UUID(int=100), uuid.UUID(int=200)
    current = {r[0]: old_a, r[1]: old_a, r[2]: old_b, r[3]: old_b}
    # r[2] joins r[0], r[1]; r[3] stays; r[4] is new and alone
    result = assign(r, [0, 0, 0, 1, 2], current, _ids())
    assert result.target[r[0]] == result.target[r[2]] == old_a
    assert result.target[r[3]] == old_b
    assert result.target[r[4]] not in (old_a, old_b) and result.created == [result.target[r[4]]]
    assert set(result.moved) == {r[2], r[4]} and result.retired == {}
    merged = assign(r[:4], [0, 0, 0, 0], current, _ids())
    assert merged.retired == {old_b: old_a}


def test_pair_and_cluster_quality():
    truth = np.array([0, 0, 0, 1, 2])
    true_pairs = ev.true_pair_count(truth)
    assert true_pairs == 3
    left, right, p = edges((0, 1, 0.99), (1, 2, 0.6), (3, 4, 0.95))
    at = ev.pair_quality(left, right, p, truth, 0.9, true_pairs)
    assert (at.predicted, at.true_positives) == (2, 1)
    best = ev.best_threshold(left, right, p, truth, true_pairs)
    assert best.threshold == 0.6 and best.true_positives == 2
    clusters = ev.cluster_quality(np.array([0, 0, 0, 3, 3]), truth, true_pairs)
    assert (clusters.predicted, clusters.true_positives) == (4, 3)
    across = ev.true_pair_count(np.array([0, 0, 0]), np.array([0, 1, 1]))
    assert across == 2  # only pairs from different sources count when linking


def test_the_review_queue_holds_one_pair_for_each_two_clusters_and_none_a_steward_separated():
    # clusters {0, 1}, {2, 3}, {4}, {5}: four pairs between the first two, two between {0, 1} and {4},
    # one between {4} and {5}, which a steward has separated through another pair of the same clusters
    labels = np.array([0, 0, 2, 2, 4, 5])
    left, right, p = edges(
        (0, 2, 0.7),
        (0, 3, 0.9),
        (1, 2, 0.8),
        (1, 3, 0.6),
        (0, 4, 0.85),
        (1, 4, 0.95),
        (4, 5, 0.9),
        (0, 1, 1.0),
    )
    apart = labels[left] != labels[right]
    chosen = one_per_pair_of_clusters(labels, left, right, p, apart)
    assert chosen.tolist() == [1, 5, 6]  # the strongest of each: 0-3, 1-4, 4-5
    assert one_per_pair_of_clusters(labels, left, right, p, apart, frozenset({(5, 4)})).tolist() == [1, 5]
    assert one_per_pair_of_clusters(labels, left, right, p, apart & (p < 0.9)).tolist() == [2, 4]


def test_a_steward_s_separation_is_kept_by_the_clusters_and_not_queued_again():
    left, right, p = edges((0, 1, 0.999), (2, 3, 0.999), (1, 3, 0.4))
    found = cluster(4, left, right, p, Conflicts.of(records(n=4), RULES), RULES, cannot_link={(0, 1)})
    assert found.labels[0] != found.labels[1] and found.labels[2] == found.labels[3]
    assert found.separated == frozenset({(0, 1)})
    apart = found.labels[left] != found.labels[right]
    assert one_per_pair_of_clusters(found.labels, left, right, p, apart, found.separated).tolist() == [2]
