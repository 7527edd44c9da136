"""Linkage without identity numbers: the hard scenario (``inklusi.synth.weak_lists``), plain Splink 5 and
Inklusi's ``evaluate`` on the same file, in the same process.

    .venv/bin/python -m benchmarks.linkage_hard_bench [--people 5000] [--seed 13] [--out FILE.csv] [--json]

The scenario lists each of ``--people`` people 3 to 20 times (about 10 on average) with typos in given and
family names, dates of birth off by a digit, swapped or missing, noisy birth places and postcodes, people
outside households, and no NIK or KK. It is written to ``--out`` (CSV; a temporary file by default) and
then linked twice:

- **plain Splink 5 defaults**: Splink's standard comparisons on the raw columns (``NameComparison`` for
  given and family names, ``DateOfBirthComparison``, exact sex, postcode and occupation, Levenshtein on the
  birth place), the tutorial's blocking rules (given + family name, birth date, postcode + family name),
  the prior from exact given + family name + birth date, u by random sampling, m by expectation
  maximisation over two blocking passes, connected components at 0.5;
- **Inklusi**: ``inklusi linkage evaluate FILE --id record_id --truth truth --map …`` (the same call, the
  trade-off sweep included), with its time of evaluation.

Both print blocking recall, pairwise F1 at their threshold and at the best one, cluster F1 and time.
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

MAPPING = (
    "given_name=given_name,family_name=family_name,birth_date=birth_date,sex=sex,postcode=postcode,"
    "birth_place=birth_place,extra:occupation=occupation"
)
PLAIN_THRESHOLD = 0.5


def write_scenario(path: Path, people: int, seed: int) -> pa.Table:
    from inklusi.synth.weak_lists import WeakListsConfig, weak_lists

    table = weak_lists(WeakListsConfig(people=people, seed=seed))
    pacsv.write_csv(table, path)
    return table


def _f(value: float) -> float:
    return round(float(value), 4)


def plain_splink(table: pa.Table) -> dict[str, object]:
    """Splink 5 with its standard comparisons and the tutorial's training and blocking."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from inklusi.linkage import evaluation as ev

    started = time.perf_counter()
    raw = table.drop_columns(["truth", "household"])
    db = DuckDBAPI()
    records = db.register(raw, table_name="plain_records")
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("family_name"),
            cl.DateOfBirthComparison("birth_date", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.ExactMatch("postcode"),
            cl.LevenshteinAtThresholds("birth_place", 2),
            cl.ExactMatch("occupation"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "family_name"),
            block_on("birth_date"),
            block_on("postcode", "family_name"),
        ],
        retain_matching_columns=False,
    )
    linker = Linker(records, settings, log_level=logging.ERROR)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "birth_date")], recall=0.7
    )
    training.estimate_u_using_random_sampling(max_pairs=1e6, seed=42)
    training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "family_name"))
    training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    predictions = linker.inference.predict()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, PLAIN_THRESHOLD)
    pairs = predictions.as_pyarrow_table()
    labelled = clusters.as_pyarrow_table()
    seconds = time.perf_counter() - started
    ids = table["record_id"]
    left = pc.index_in(pairs["record_id_l"], value_set=ids).to_numpy().astype(np.int64)
    right = pc.index_in(pairs["record_id_r"], value_set=ids).to_numpy().astype(np.int64)
    probability = pc.fill_null(pairs["match_probability"], 0.0).to_numpy()
    truth = ev.codes(table["truth"])
    true_pairs = ev.true_pair_count(truth)
    rows = pc.index_in(labelled["record_id"], value_set=ids).to_numpy().astype(np.int64)
    labels = np.arange(table.num_rows)
    labels[rows] = ev.codes(labelled["cluster_id"]) + table.num_rows
    at = ev.pair_quality(left, right, probability, truth, PLAIN_THRESHOLD, true_pairs)
    best = ev.best_threshold(left, right, probability, truth, true_pairs)
    clustered = ev.cluster_quality(labels, truth, true_pairs)
    return {
        "blocking_recall": _f(int((truth[left] == truth[right]).sum()) / true_pairs),
        "pairs_scored": len(left),
        "threshold": PLAIN_THRESHOLD,
        "pairwise": _quality(at),
        "best": _quality(best),
        "clusters": _quality(clustered),
        "seconds": round(seconds, 1),
    }


def _quality(q) -> dict[str, object]:
    return {
        "threshold": q.threshold,
        "precision": _f(q.precision),
        "recall": _f(q.recall),
        "f1": _f(q.f1),
    }


def inklusi(path: Path) -> dict[str, object]:
    from inklusi.linkage.service import evaluate_file

    started = time.perf_counter()
    report = evaluate_file(path, id_column="record_id", truth_column="truth", mapping=MAPPING)
    seconds = time.perf_counter() - started
    data = report.as_dict()
    return {
        "blocking_recall": _f(data["blocking_recall"]),
        "pairs_scored": data["pairs_scored"],
        "threshold": data["pairwise_at_threshold"]["threshold"],
        "pairwise": _pick(data["pairwise_at_threshold"]),
        "best": _pick(data["pairwise_at_best_threshold"]),
        "clusters": _pick(data["clusters"]),
        "connected_components": _pick(data["connected_components_at_threshold"]),
        "seconds": round(seconds, 1),
        "steps": data["seconds"],
        **{k: data[k] for k in ("training", "review_pairs", "review_pairs_same_person") if k in data},
    }


def _pick(quality: dict) -> dict[str, object]:
    return {k: (_f(v) if isinstance(v, float) and k != "threshold" else v) for k, v in quality.items()}


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, help="write the scenario here (CSV)")
    parser.add_argument("--skip-plain", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="linkage-hard-") as folder:
        path = args.out or Path(folder) / "weak_lists.csv"
        clock = time.perf_counter()
        table = write_scenario(path, args.people, args.seed)
        report: dict[str, object] = {
            "uptime_before": uptime(),
            "records": table.num_rows,
            "people": args.people,
            "generate_seconds": round(time.perf_counter() - clock, 1),
        }
        if not args.skip_plain:
            report["plain"] = plain_splink(table)
        report["inklusi"] = inklusi(path)
        report["uptime_after"] = uptime()
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"{report['records']:,} records of {args.people:,} people (seed {args.seed})")
    print(report["uptime_before"])
    print("| | blocking recall | pairwise F1 at threshold (P / R) | best pairwise F1 ", end="")
    print("| cluster F1 (P / R) | time |")
    print("|---|---|---|---|---|---|")
    for name in ("plain", "inklusi"):
        if name not in report:
            continue
        row = report[name]
        assert isinstance(row, dict)
        pair, best, clusters = row["pairwise"], row["best"], row["clusters"]
        print(
            f"| {name} | {row['blocking_recall']} | {pair['f1']} at {row['threshold']} "
            f"({pair['precision']} / {pair['recall']}) | {best['f1']} at {best['threshold']} | "
            f"{clusters['f1']} ({clusters['precision']} / {clusters['recall']}) | {row['seconds']} s |"
        )
    print(f"inklusi steps: {report['inklusi']['steps']}")  # type: ignore[index]
    print(report["uptime_after"])


if __name__ == "__main__":
    main()
