"""The vectorised clustering gives exactly what the pairwise loop gave (``legacy_clustering`` keeps the
earlier implementation as the reference): same clusters, same refused pairs, same closure."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from inklusi.linkage.clustering import ClusterRules, Conflicts, cluster
from tests.linkage import legacy_clustering as legacy


def _population(seed: int):
    """People with 1-8 records, strong pairs inside, some false strong links between people, ties."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 9, 40)
    person = np.repeat(np.arange(len(sizes)), sizes)
    n = len(person)
    left, right = np.triu_indices(n, 1)
    same = person[left] == person[right]
    near = np.abs(person[left] - person[right]) <= 2
    keep = (same & (rng.random(len(left)) < 0.7)) | (near & ~same & (rng.random(len(left)) < 0.03))
    left, right = left[keep], right[keep]
    levels = np.array([0.2, 0.65, 0.95, 0.999, 0.9995, 1.0])
    p = np.where(
        person[left] == person[right],
        levels[rng.integers(2, 6, len(left))],
        levels[rng.integers(0, 5, len(left))],
    )
    flip = rng.random(len(left)) < 0.5
    left, right = np.where(flip, right, left), np.where(flip, left, right)
    niks = [f"31710101019{int(x):05d}" if rng.random() < 0.3 else None for x in person]
    table = pa.table(
        {
            "unique_id": [str(i) for i in range(n)],
            "nik_key": niks,
            "source_dataset": [str(int(x)) for x in rng.integers(0, 3, n)],
        }
    )
    return n, left, right, p, table, rng


def _scorer(a, b):
    return ((a * 31 + b * 17) % 7) / 6.0


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("limit", [60, 4])
def test_the_same_clusters_refusals_and_closure_as_the_pairwise_loop(seed, limit):
    n, left, right, p, table, rng = _population(seed)
    rules = ClusterRules(
        auto_merge=0.999, transitive_threshold=0.6, closure_limit=limit, one_per_source=seed % 2 == 1
    )
    cannot = {(int(a), int(b)) for a, b in rng.integers(0, n, (5, 2)) if a != b}
    must = (rng.integers(0, n, 4), rng.integers(0, n, 4))
    conflicts = Conflicts.of(table, rules)
    old = legacy.cluster(
        n,
        left,
        right,
        p,
        legacy.Conflicts.of(table, rules),
        rules,
        scorer=_scorer,
        must_link=must,
        cannot_link=cannot,
    )
    new = cluster(n, left, right, p, conflicts, rules, scorer=_scorer, must_link=must, cannot_link=cannot)
    assert new.labels.tolist() == old.labels.tolist()
    assert sorted(new.refused) == sorted(old.refused)
    assert new.closure_pairs_scored == old.closure_pairs_scored


def _legacy_trade_off(outcome, spec, truth, true_pairs):
    """The trade-off sweep as ``evaluate`` computed it before (a fresh clustering and scorer per
    threshold, the pairwise loop)."""
    from inklusi.linkage import evaluation as ev
    from inklusi.linkage.linker import LinkSession
    from inklusi.linkage.pipeline import pair_scorer, rules_of
    from inklusi.linkage.service.evaluating import SWEEP

    session = LinkSession(outcome.prepared, spec, model=outcome.model)
    scorer = pair_scorer(session, outcome.prepared)
    rows, n = [], outcome.prepared.num_rows
    for threshold in sorted({*SWEEP, outcome.auto_merge}):
        rules = rules_of(spec, threshold)
        strong = outcome.probability >= threshold
        cc = legacy.connected(n, outcome.left[strong], outcome.right[strong])
        conflicts = legacy.Conflicts.of(outcome.prepared, rules)
        labels = legacy.cluster(
            n, outcome.left, outcome.right, outcome.probability, conflicts, rules, scorer=scorer
        ).labels
        rows.append(
            {
                "threshold": threshold,
                "pairwise": ev.pair_quality(
                    outcome.left, outcome.right, outcome.probability, truth, threshold, true_pairs
                ).as_dict(),
                "connected_components": ev.cluster_quality(cc, truth, true_pairs).as_dict(),
                "constrained": ev.cluster_quality(labels, truth, true_pairs).as_dict(),
            }
        )
    return rows


def test_the_trade_off_table_is_the_one_the_pairwise_loop_gave_on_a_labelled_file():
    from inklusi.linkage import evaluation as ev
    from inklusi.linkage.model import ColumnMap
    from inklusi.linkage.pipeline import deduplicate
    from inklusi.linkage.prepare import prepare
    from inklusi.linkage.service.evaluating import _trade_off
    from inklusi.linkage.spec import load_settings
    from inklusi.synth.weak_lists import WeakListsConfig, weak_lists

    table = weak_lists(WeakListsConfig(people=150, seed=3))
    mapping = "given_name=given_name,family_name=family_name,birth_date=birth_date,sex=sex,postcode=postcode"
    prepared = prepare(table, ColumnMap.parse(mapping, record_id="record_id"))
    spec = load_settings("persons")
    outcome = deduplicate(prepared, spec, floor=0.01)
    truth = ev.codes(table["truth"])
    true_pairs = ev.true_pair_count(truth)
    new = _trade_off(outcome, spec, truth, true_pairs, None, None)
    assert new == _legacy_trade_off(outcome, spec, truth, true_pairs)
    assert any(row["constrained"]["predicted_pairs"] > 0 for row in new)


def test_a_chained_giant_component_is_split_by_a_higher_threshold_inside_it():
    n = 1_200  # one chain: strong links, every tenth one weak (a weak model at a low threshold)
    left = np.arange(n - 1)
    right = left + 1
    p = np.where(left % 10 == 9, 0.6, 0.999999)
    rules = ClusterRules(auto_merge=0.5, transitive_threshold=0.6)
    table = pa.table({"unique_id": [str(i) for i in range(n)]})
    labels = cluster(n, left, right, p, Conflicts.of(table, rules), rules).labels
    assert np.bincount(labels).max() <= 10
    assert labels[9] != labels[10] and labels[0] == labels[1]
