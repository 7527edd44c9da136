"""Evaluate linkage on any labelled person file (CSV or Parquet) with a column mapping: the engine of
``inklusi linkage evaluate``. Reads no registry data and writes nothing.

Reported: pairwise precision, recall and F1 at the configured auto-merge threshold and at the best
threshold; the same for the pairs the final clusters imply and for connected components at the
threshold; pairs scored; blocking recall; time per step; and, with ``sweep``, the trade-off between
pairwise F1, connected components and the chaining-resistant clustering over several thresholds.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from inklusi.errors import Invalid
from inklusi.i18n import msg
from inklusi.linkage import evaluation as ev
from inklusi.linkage.clustering import Conflicts, cluster, connected
from inklusi.linkage.linker import Backend, LinkSession
from inklusi.linkage.model import ColumnMap, LinkType, Role
from inklusi.linkage.pipeline import deduplicate, pair_scorer, remembering, rules_of, to_review
from inklusi.linkage.prepare import prepare
from inklusi.linkage.spec import LinkageSettings, load_settings

SWEEP = (0.5, 0.9, 0.99, 0.999, 0.99999)


def read_table(path: Path) -> pa.Table:
    """A CSV (every column as text, so postcodes keep their zeros) or a Parquet file."""
    if not path.is_file():
        raise Invalid(msg("No file {path}", path=str(path)))
    if path.suffix.lower() in (".parquet", ".pq"):
        return pq.read_table(path)
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle), [])
    options = pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=True)
    return pacsv.read_csv(path, convert_options=options)


def _settings_for(base: LinkageSettings, columns: ColumnMap, link_type: LinkType | None) -> LinkageSettings:
    chosen = link_type or (LinkType.link if columns.has(Role.source) else LinkType.dedupe)
    if chosen is not LinkType.dedupe and not columns.has(Role.source):
        raise Invalid(msg("Linking across sources needs a source column: --map source=COLUMN"))
    clustering = base.clustering.model_copy(update={"one_per_source": chosen is LinkType.link})
    return base.model_copy(update={"link_type": chosen, "clustering": clustering})


def evaluate_table(
    table: pa.Table,
    columns: ColumnMap,
    truth_column: str,
    *,
    settings: str | LinkageSettings = "persons",
    link_type: LinkType | None = None,
    backend: Backend | None = None,
    sweep: bool = True,
) -> ev.Evaluation:
    missing = [c for c in [*columns.columns(), truth_column] if c not in table.column_names]
    if missing:
        raise Invalid(msg("Columns not in the file: {columns}", columns=", ".join(missing)))
    base = settings if isinstance(settings, LinkageSettings) else load_settings(settings)
    spec = _settings_for(base, columns, link_type)
    started = time.perf_counter()
    prepared = prepare(table, columns)
    prepared_at = time.perf_counter()
    truth = ev.codes(table[truth_column])
    source = ev.codes(prepared["source_dataset"]) if spec.link_type is LinkType.link else None
    true_pairs = ev.true_pair_count(truth, source)
    outcome = deduplicate(prepared, spec, backend=backend, floor=min(0.01, spec.review), truth=truth)
    clock = time.perf_counter()
    left, right, probability = outcome.left, outcome.right, outcome.probability
    result = ev.Evaluation(
        records=prepared.num_rows,
        true_pairs=true_pairs,
        pairs_scored=outcome.pairs_scored,
        true_pairs_blocked=outcome.true_pairs_blocked or 0,
        at_threshold=ev.pair_quality(left, right, probability, truth, outcome.auto_merge, true_pairs),
        at_best=ev.best_threshold(left, right, probability, truth, true_pairs),
        clusters=ev.cluster_quality(outcome.labels, truth, true_pairs, source),
        connected_components=ev.cluster_quality(outcome.cc_labels, truth, true_pairs, source),
        clusters_count=len(np.unique(outcome.labels)),
        settings=f"{spec.name} v{spec.version} ({spec.link_type.value})",
    )
    queued = to_review(outcome, spec.review)
    result.extra["training"] = _training(outcome)
    result.extra["review_pairs"] = len(queued)  # one per two clusters left apart
    result.extra["review_pairs_same_person"] = int((truth[left[queued]] == truth[right[queued]]).sum())
    if sweep:
        result.extra["trade_off"] = _trade_off(outcome, spec, truth, true_pairs, source, backend)
    result.seconds = {
        "prepare": prepared_at - started,
        **outcome.seconds,
        "evaluate": time.perf_counter() - clock,
        "total": time.perf_counter() - started,
    }
    return result


def _training(outcome) -> dict[str, object]:
    """How the model was trained and the pairs blocked: which path, which rules, which threshold."""
    report = outcome.training
    return {
        "path": report.path,
        "identity_numbers": report.anchored,
        "label_rule": report.label_column,
        "em_rules": report.em_rules,
        "blocking_rules": [",".join(rule) for rule in report.blocking],
        "blocking_rules_added": [",".join(rule) for rule in report.blocking_added],
        "comparisons_per_record": round(outcome.pairs_scored / max(outcome.prepared.num_rows, 1), 1),
        "auto_merge": outcome.auto_merge,
        "prior": report.prior,
    }


def _trade_off(outcome, spec: LinkageSettings, truth, true_pairs, source, backend) -> list[dict[str, object]]:
    """For each threshold: pairwise quality, connected components, and the constrained clustering. The
    conflicts are read once and each missing pair is scored once for every threshold (the model is the
    same): the clustering is what takes the time."""
    scorer = outcome.scorer or remembering(
        pair_scorer(
            LinkSession(outcome.prepared, spec, backend=backend, model=outcome.model), outcome.prepared
        )
    )
    rows = []
    n = outcome.prepared.num_rows
    conflicts = Conflicts.of(outcome.prepared, rules_of(spec))
    for threshold in sorted({*SWEEP, outcome.auto_merge}):
        rules = rules_of(spec, threshold)
        strong = outcome.probability >= threshold
        cc = connected(n, outcome.left[strong], outcome.right[strong])
        constrained = (
            outcome.clusters  # the run's own clusters: made at this threshold
            if threshold == outcome.auto_merge
            else cluster(n, outcome.left, outcome.right, outcome.probability, conflicts, rules, scorer=scorer)
        )
        rows.append(
            {
                "threshold": threshold,
                "pairwise": ev.pair_quality(
                    outcome.left, outcome.right, outcome.probability, truth, threshold, true_pairs
                ).as_dict(),
                "connected_components": ev.cluster_quality(cc, truth, true_pairs, source).as_dict(),
                "constrained": ev.cluster_quality(constrained.labels, truth, true_pairs, source).as_dict(),
            }
        )
    return rows


def evaluate_file(
    path: Path,
    *,
    id_column: str,
    truth_column: str,
    mapping: str,
    settings: str | LinkageSettings = "persons",
    link_type: LinkType | None = None,
    backend: Backend | None = None,
    sweep: bool = True,
) -> ev.Evaluation:
    columns = ColumnMap.parse(mapping, record_id=id_column)
    return evaluate_table(
        read_table(path),
        columns,
        truth_column,
        settings=settings,
        link_type=link_type,
        backend=backend,
        sweep=sweep,
    )
