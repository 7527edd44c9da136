"""Record linkage at registry scale: 1 M person records end to end, an incremental batch, and a plain Splink
model on the same data, in the same run.

    .venv/bin/python -m benchmarks.linkage_bench [--households 280000] [--batch 10000] [--floor P] [--json]

``--floor`` keeps scored pairs down to that probability (a full registry run keeps them down to the
household rule's ``review_together``, 0.1, so that a household listed twice reaches the queue); the
default is the review threshold.

The synthetic population (``inklusi.synth``: first round plus its re-enumerated duplicates, about 1.03 M
person records for 280,000 households) is generated once into a temporary folder (not timed). Then each
step runs in its own process, so that its peak memory (max RSS) is its own:

- ``inklusi``: Indonesian preparation, exact NIKs, training, prediction and the chaining-resistant
  clustering (``inklusi.linkage.pipeline.deduplicate``), with precision and recall against the truth;
- ``incremental``: the same model links a batch of new records (duplicates held back from the registry)
  against the rest, already clustered (``link_batch``);
- ``plain``: Splink with its standard comparisons on the raw columns (name, birth date, sex, NIK,
  village, KK), blocking on NIK, name + birth date, birth date + village and KK, no Indonesian
  preparation, EM training, connected components at the same threshold.

The machine's load (``uptime``) is printed before and after: figures taken on a busy machine are not
comparable.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from benchmarks.measuring import peak_gib

AUTO_MERGE = 0.999
PERSON_COLUMNS = ["person_id", "household_id", "kk_number", "nik", "name", "sex", "birth_date", "birth_place"]
MAPPING = (
    "full_name=name,birth_date=birth_date,sex=sex,nik=nik,kk=kk_number,village_code=village_code,"
    "birth_place=birth_place,household=household_id"
)


def load_people(folder: Path) -> pa.Table:
    def with_village(persons: str, households: str, extra: list[str]) -> pa.Table:
        people = pq.read_table(folder / persons, columns=PERSON_COLUMNS + extra)
        villages = pq.read_table(folder / households, columns=["household_id", "village_code"])
        return people.join(villages, "household_id")

    first = with_village("persons.parquet", "households.parquet", [])
    first = first.append_column("truth", first["person_id"])
    duplicates = with_village("duplicate_persons.parquet", "duplicate_households.parquet", ["true_person_id"])
    duplicates = duplicates.rename_columns(
        ["truth" if c == "true_person_id" else c for c in duplicates.column_names]
    )
    return pa.concat_tables([first, duplicates.select(first.column_names)])


def quality(left, right, probability, labels, truth) -> dict[str, float]:
    from inklusi.linkage import evaluation as ev

    true_pairs = ev.true_pair_count(truth)
    pairs = ev.pair_quality(left, right, probability, truth, AUTO_MERGE, true_pairs)
    clusters = ev.cluster_quality(labels, truth, true_pairs)
    return {
        "pair_precision": round(pairs.precision, 6),
        "pair_recall": round(pairs.recall, 6),
        "pair_f1": round(pairs.f1, 6),
        "cluster_precision": round(clusters.precision, 6),
        "cluster_recall": round(clusters.recall, 6),
        "cluster_f1": round(clusters.f1, 6),
        "true_pairs": true_pairs,
    }


def step_inklusi(folder: Path, floor: float | None = None) -> dict[str, object]:
    from inklusi.linkage import evaluation as ev
    from inklusi.linkage.model import ColumnMap
    from inklusi.linkage.pipeline import deduplicate
    from inklusi.linkage.prepare import prepare
    from inklusi.linkage.spec import load_settings

    table = load_people(folder)
    started = time.perf_counter()
    prepared = prepare(table, ColumnMap.parse(MAPPING, record_id="person_id"))
    prepared_at = time.perf_counter()
    outcome = deduplicate(prepared, load_settings("persons"), floor=floor)
    total = time.perf_counter() - started
    truth = ev.codes(table["truth"])
    pq.write_table(prepared, folder / "prepared.parquet")
    pq.write_table(table.select(["truth"]), folder / "truth.parquet")  # aligned with prepared
    pq.write_table(pa.table({"cluster": outcome.cluster_ids()}), folder / "clusters.parquet")
    (folder / "model.json").write_text(json.dumps(outcome.model))
    return {
        "records": prepared.num_rows,
        "seconds": round(total, 1),
        "steps": {
            "prepare": round(prepared_at - started, 1),
            **{k: round(v, 1) for k, v in outcome.seconds.items()},
        },
        "pairs_scored": outcome.pairs_scored,
        "pairs_kept": len(outcome.left),
        "peak_gib": round(peak_gib(), 2),
        **quality(outcome.left, outcome.right, outcome.probability, outcome.labels, truth),
    }


def step_incremental(folder: Path, batch: int) -> dict[str, object]:
    from inklusi.linkage.pipeline import link_batch
    from inklusi.linkage.spec import load_settings

    prepared = pq.read_table(folder / "prepared.parquet")
    clusters = pq.read_table(folder / "clusters.parquet")["cluster"].combine_chunks()
    truth = pq.read_table(folder / "truth.parquet")["truth"].combine_chunks()
    model = json.loads((folder / "model.json").read_text())
    # the newest records (the re-enumerated duplicates come last) arrive as a new batch
    cut = prepared.num_rows - batch
    existing, new = prepared.slice(0, cut), prepared.slice(cut)
    # the existing records keep the clusters they had among themselves
    existing_cluster = _clusters_without(clusters.slice(0, cut), prepared["unique_id"].slice(0, cut))
    started = time.perf_counter()
    result = link_batch(existing, existing_cluster, new, load_settings("persons"), model)
    seconds = time.perf_counter() - started
    assigned = dict(zip(result.local["unique_id"].to_pylist(), result.cluster.to_pylist(), strict=True))
    true_of = dict(zip(prepared["unique_id"].to_pylist(), truth.to_pylist(), strict=True))
    cluster_truth = {}
    for record, cluster in zip(existing["unique_id"].to_pylist(), existing_cluster.to_pylist(), strict=True):
        cluster_truth.setdefault(cluster, true_of[record])
    new_ids = new["unique_id"].to_pylist()
    right = sum(1 for r in new_ids if cluster_truth.get(assigned.get(r)) == true_of[r])
    wrong = sum(
        1 for r in new_ids if assigned.get(r) in cluster_truth and cluster_truth[assigned[r]] != true_of[r]
    )
    return {
        "existing": existing.num_rows,
        "new": new.num_rows,
        "seconds": round(seconds, 1),
        "steps": {k: round(v, 1) for k, v in result.seconds.items()},
        "joined_the_true_cluster": right,
        "joined_a_wrong_cluster": wrong,
        "peak_gib": round(peak_gib(), 2),
    }


def _clusters_without(clusters: pa.Array, ids: pa.Array) -> pa.Array:
    """Cluster ids of the existing records, renamed to the smallest existing member of each cluster."""
    smallest: dict[str, str] = {}
    for cluster, record in zip(clusters.to_pylist(), ids.to_pylist(), strict=True):
        smallest[cluster] = min(smallest.get(cluster, record), record)
    return pa.array([smallest[c] for c in clusters.to_pylist()], pa.string())


def step_plain(folder: Path) -> dict[str, object]:
    """Splink with standard comparisons on the raw columns: the baseline."""
    import logging

    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from inklusi.linkage import evaluation as ev

    table = load_people(folder)
    truth = ev.codes(table["truth"])
    started = time.perf_counter()
    raw = table.select(["person_id", "name", "birth_date", "sex", "nik", "village_code", "kk_number"])
    raw = raw.set_column(3, "sex", pc.cast(raw["sex"], pa.string()))
    db = DuckDBAPI()
    records = db.register(raw, table_name="plain_records")
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="person_id",
        comparisons=[
            cl.NameComparison("name"),
            cl.DateOfBirthComparison("birth_date", input_is_string=False),
            cl.ExactMatch("sex"),
            cl.LevenshteinAtThresholds("nik", [1, 2]),
            cl.ExactMatch("village_code"),
            cl.ExactMatch("kk_number"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("nik"),
            block_on("name", "birth_date"),
            block_on("birth_date", "village_code"),
            block_on("kk_number"),
        ],
        retain_matching_columns=False,
    )
    linker = Linker(records, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match([block_on("nik")], recall=0.9)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=42)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("nik"), max_pairs=5e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"), max_pairs=5e6)
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, AUTO_MERGE)
    total = time.perf_counter() - started
    pairs = predictions.as_pyarrow_table()
    labelled = clusters.as_pyarrow_table()
    index = {r: i for i, r in enumerate(table["person_id"].to_pylist())}
    left = np.array([index[r] for r in pairs["person_id_l"].to_pylist()], np.int64)
    right = np.array([index[r] for r in pairs["person_id_r"].to_pylist()], np.int64)
    probability = pairs["match_probability"].to_numpy()
    labels = np.arange(table.num_rows)
    cluster_codes = ev.codes(labelled["cluster_id"])
    rows = np.array([index[r] for r in labelled["person_id"].to_pylist()], np.int64)
    labels[rows] = cluster_codes + table.num_rows
    return {
        "records": table.num_rows,
        "seconds": round(total, 1),
        "peak_gib": round(peak_gib(), 2),
        **quality(left, right, probability, labels, truth),
        "constrained_clusters_on_plain_scores": _constrained(table, left, right, probability, truth),
    }


def _constrained(table: pa.Table, left, right, probability, truth) -> dict[str, float]:
    """The plain model's scores, clustered by Inklusi's chaining-resistant clustering instead of connected
    components (not timed): how much of the cluster quality the clustering alone recovers."""
    from inklusi.linkage import evaluation as ev
    from inklusi.linkage.clustering import ClusterRules, Conflicts, cluster
    from inklusi.linkage.model import ColumnMap
    from inklusi.linkage.prepare import prepare

    prepared = prepare(table, ColumnMap.parse(MAPPING, record_id="person_id"))
    rules = ClusterRules(auto_merge=AUTO_MERGE, transitive_threshold=0.6)
    labels = cluster(table.num_rows, left, right, probability, Conflicts.of(prepared, rules), rules).labels
    clusters = ev.cluster_quality(labels, truth, ev.true_pair_count(truth))
    return {k: round(v, 6) for k, v in (("precision", clusters.precision), ("recall", clusters.recall))}


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def run_step(step: str, folder: Path, batch: int, floor: float | None = None) -> dict[str, object]:
    command = [sys.executable, "-m", "benchmarks.linkage_bench", "--step", step, "--data", str(folder)]
    command += ["--batch", str(batch)] + (["--floor", str(floor)] if floor is not None else [])
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=os.environ.copy())
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--households", type=int, default=280_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--floor", type=float, help="keep scored pairs down to this probability")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--step", choices=["inklusi", "incremental", "plain"], help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        steps = {
            "inklusi": lambda: step_inklusi(args.data, args.floor),
            "incremental": lambda: step_incremental(args.data, args.batch),
            "plain": lambda: step_plain(args.data),
        }
        print(json.dumps(steps[args.step]()))
        return

    from inklusi.synth import SynthConfig, generate

    report: dict[str, object] = {"uptime_before": uptime(), "households": args.households}
    with tempfile.TemporaryDirectory(prefix="linkage-bench-") as folder:
        clock = time.perf_counter()
        generate(SynthConfig(households=args.households, seed=args.seed), Path(folder))
        report["generate_seconds"] = round(time.perf_counter() - clock, 1)
        for step in ("inklusi", "incremental", "plain"):
            report[step] = run_step(step, Path(folder), args.batch, args.floor if step == "inklusi" else None)
            report[f"uptime_after_{step}"] = uptime()
    ours, plain = report["inklusi"], report["plain"]
    report["time_ratio_inklusi_to_plain"] = round(ours["seconds"] / plain["seconds"], 2)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print(f"records: {ours['records']:,}   (generated in {report['generate_seconds']} s, not timed)")
    print(f"load before: {report['uptime_before']}")
    print("| model | seconds | peak GiB | pair P | pair R | cluster P | cluster R |")
    print("|---|---|---|---|---|---|---|")
    for name, row in (
        ("Inklusi (Indonesian preparation, constrained clusters)", ours),
        ("plain Splink", plain),
    ):
        figures = [row[k] for k in ("seconds", "peak_gib", "pair_precision", "pair_recall")]
        figures += [row["cluster_precision"], row["cluster_recall"]]
        print(f"| {name} | " + " | ".join(str(f) for f in figures) + " |")
    print(f"steps: {ours['steps']}; pairs scored {ours['pairs_scored']:,}, kept {ours['pairs_kept']:,}")
    print(f"plain scores, constrained clusters: {plain['constrained_clusters_on_plain_scores']}")
    incremental = report["incremental"]
    new, existing = incremental["new"], incremental["existing"]
    print(f"incremental: {new:,} new against {existing:,} in {incremental['seconds']} s ", end="")
    print(f"(peak {incremental['peak_gib']} GiB); joined the true cluster: ", end="")
    print(
        f"{incremental['joined_the_true_cluster']:,}, a wrong one: {incremental['joined_a_wrong_cluster']:,}"
    )
    print(f"time ratio Inklusi / plain Splink: {report['time_ratio_inklusi_to_plain']}")
    print(f"load after: {report['uptime_after_plain']}")


if __name__ == "__main__":
    main()
