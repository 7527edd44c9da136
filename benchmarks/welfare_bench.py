"""Welfare ranking at population scale: score + rank + write, Ibis (Inklusi) vs hand-written DuckDB SQL.

    .venv/bin/python -m benchmarks.welfare_bench [--households 10000000] [--memory-limit 4GB] [--repeat 2]

1. A national PMT model is trained on a synthetic survey (``inklusi synth``, 5,000 survey households):
   ``ols-area``, the model the registry ranks with when it wins (a linear score: coefficients and ``CASE``
   lookups per answer and per province).
2. A features table of N households is generated in DuckDB (every proxy of the national specification, a
   province, a regency, a village and a household size per row) and written to Parquet: the input.
3. Each contender runs in its own process (so peak memory is its own): read the features, score every
   household, rank it (national percentile and decile by people, household-count decile, province and
   regency deciles: the decile rule of ``docs/welfare.md``), write the result to Parquet.
   - **ibis**: ``inklusi.welfare.scoring``/``ranking`` expressions on the analytics engine (DuckDB);
   - **sql**: the same computation written by hand as one DuckDB ``COPY (SELECT …) TO``.
4. The outputs are compared (row count and an order-free digest of all rows: they must be identical),
   and the script prints seconds, the ratio ibis/sql, peak resident memory of each process, and the load
   average before and after (other work on the machine slows both contenders: re-run when it is busy).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from inklusi.analytics.engine import Engine
from inklusi.welfare.linear import LinearModel
from inklusi.welfare.model import ModelKind
from inklusi.welfare.ranking import RANK_COLUMNS, SCORE_DECIMALS, rank
from inklusi.welfare.scoring import OUTPUT_COLUMNS
from inklusi.welfare.service import fit_survey
from inklusi.welfare.spec import load_spec
from inklusi.welfare.training import model_from_json, model_to_json

PROVINCES = (
    "11 12 13 14 15 16 17 18 19 21 31 32 33 34 35 36 51 52 53 61 62 63 64 65 71 72 73 74 75 76 81 82 91 92"
    " 93 94 95 96"
).split()
REGENCIES_PER_PROVINCE = 14  # 38 × 14 = 532, about Indonesia's 514


def train_model(folder: Path) -> LinearModel:
    from inklusi.synth import SynthConfig, generate

    generate(SynthConfig(households=50_000, seed=5, survey_share=0.1, duplicate_share=0.0), folder)
    trained, _n = fit_survey(
        load_spec("national"),
        folder / "survey_households.parquet",
        folder / "persons.parquet",
        candidates=(ModelKind.ols_area,),
    )
    return trained.model


def generate_features(engine: Engine, model: LinearModel, households: int, path: Path) -> None:
    """A features table with every proxy the model uses, deterministic (hashes of the row number)."""
    columns = [
        "'H' || lpad(CAST(i AS VARCHAR), 10, '0') AS household_id",
        f"list_extract({list(PROVINCES)}, CAST(hash(i, 'p') % {len(PROVINCES)} AS BIGINT) + 1)"
        " AS province_code",
        "1 + CAST(hash(i, 'n') % 7 AS BIGINT) AS people",
    ]
    for k, name in enumerate(model.numeric):
        columns.append(f"CAST(hash(i, {k}) % 6 AS DOUBLE) / 4.0 AS {name}")
    for k, (name, coefficients) in enumerate(model.categorical.items()):
        codes = sorted(coefficients)
        columns.append(f"list_extract({codes}, CAST(hash(i, 'c{k}') % {len(codes)} AS BIGINT) + 1) AS {name}")
    inner = f"SELECT {', '.join(columns)} FROM range({households}) AS r(i)"
    number = f"CAST(1 + hash(household_id) % {REGENCIES_PER_PROVINCE} AS VARCHAR)"
    regency = f"province_code || '.' || lpad({number}, 2, '0')"
    outer = f"SELECT *, {regency} AS regency_code, {regency} || '.01.2001' AS village_code FROM ({inner})"
    engine.execute_sql(f"COPY ({outer}) TO '{path}' (FORMAT parquet, COMPRESSION zstd)")


def sql_literal(value: float) -> str:
    return f"CAST({value!r} AS DOUBLE)"


def handwritten_sql(model: LinearModel, features: Path, output: Path) -> str:
    """The same score and ranks, as one statement a DuckDB user would write."""
    terms = [sql_literal(model.intercept)]
    terms += [f"CAST({name} AS DOUBLE) * {sql_literal(c)}" for name, c in model.numeric.items()]
    for name, coefficients in model.categorical.items():
        whens = " ".join(f"WHEN {code} THEN {sql_literal(c)}" for code, c in coefficients.items() if c != 0.0)
        terms.append(f"(CASE CAST({name} AS BIGINT) {whens} ELSE 0.0 END)" if whens else "0.0")
    whens = " ".join(
        f"WHEN '{area}' THEN {sql_literal(c)}" for area, c in model.area_effects.items() if c != 0.0
    )
    terms.append(f"(CASE CAST({model.area_column} AS VARCHAR) {whens} ELSE 0.0 END)")
    score = " + ".join(terms)
    return f"""
    COPY (
      WITH scored AS (
        SELECT household_id, village_code, province_code, regency_code, CAST(people AS BIGINT) AS people,
               round({score}, {SCORE_DECIMALS}) AS score
        FROM read_parquet('{features}')
      )
      SELECT household_id, village_code, province_code, regency_code, people, score,
        CAST((SUM(people) OVER w - people) * 100 // SUM(people) OVER () + 1 AS SMALLINT)
          AS national_percentile,
        CAST((SUM(people) OVER w - people) * 10 // SUM(people) OVER () + 1 AS SMALLINT) AS national_decile,
        CAST((ROW_NUMBER() OVER w - 1) * 10 // COUNT(*) OVER () + 1 AS SMALLINT) AS household_decile,
        CAST((SUM(people) OVER wp - people) * 10 // SUM(people) OVER (PARTITION BY province_code) + 1
             AS SMALLINT) AS province_decile,
        CAST((SUM(people) OVER wr - people) * 10 // SUM(people) OVER (PARTITION BY regency_code) + 1
             AS SMALLINT) AS regency_decile
      FROM scored
      WINDOW w AS (ORDER BY score, household_id ROWS UNBOUNDED PRECEDING),
             wp AS (PARTITION BY province_code ORDER BY score, household_id ROWS UNBOUNDED PRECEDING),
             wr AS (PARTITION BY regency_code ORDER BY score, household_id ROWS UNBOUNDED PRECEDING)
    ) TO '{output}' (FORMAT parquet, COMPRESSION zstd)
    """


def run_contender(
    kind: str, model_file: Path, features: Path, output: Path, memory_limit: str | None
) -> dict:
    """In this (child) process: one contender, timed; peak memory of the process."""
    model = model_from_json(json.loads(model_file.read_text()))
    spill = Path(tempfile.mkdtemp(prefix="welfare-bench-spill-"))
    engine = Engine.open("duckdb", memory_limit=memory_limit, temp_directory=spill)
    started = time.perf_counter()
    if kind == "ibis":
        table = engine.read_parquet(features)
        scored = table.mutate(score=model.expression(table)).select(*OUTPUT_COLUMNS)
        engine.write_parquet(rank(engine, scored).select(*OUTPUT_COLUMNS, *RANK_COLUMNS), output)
    else:
        engine.execute_sql(handwritten_sql(model, features, output))
    seconds = time.perf_counter() - started
    engine.close()
    shutil.rmtree(spill, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"kind": kind, "seconds": seconds, "peak_gib": peak / 2**30}


def in_child(kind: str, model_file: Path, features: Path, output: Path, memory_limit: str | None) -> dict:
    command = [
        sys.executable,
        "-m",
        "benchmarks.welfare_bench",
        "--child",
        kind,
        "--model-file",
        str(model_file),
    ]
    command += ["--features", str(features), "--output", str(output)]
    command += ["--memory-limit", memory_limit] if memory_limit else []
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def identical(engine: Engine, left: Path, right: Path) -> bool:
    """Same rows in both files: row count and an order-free digest (sum of row hashes), streamed."""
    columns = ", ".join((*OUTPUT_COLUMNS, *RANK_COLUMNS))

    def digest(path: Path) -> tuple:
        query = f"SELECT count(*), sum(hash({columns})::HUGEINT) FROM read_parquet('{path}')"
        return tuple(engine.execute_sql(query)[0])

    return digest(left) == digest(right)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--households", type=int, default=10_000_000)
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory_limit, e.g. 4GB")
    parser.add_argument("--repeat", type=int, default=1, help="runs per contender (the fastest counts)")
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep the features in (reused)")
    parser.add_argument("--child", choices=("ibis", "sql"), help=argparse.SUPPRESS)
    parser.add_argument("--model-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--features", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(
            json.dumps(
                run_contender(args.child, args.model_file, args.features, args.output, args.memory_limit)
            )
        )
        return

    folder = args.keep or Path(tempfile.mkdtemp(prefix="welfare-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    model_file, features = folder / "model.json", folder / f"features-{args.households}.parquet"
    print(f"load before: {os.getloadavg()}", flush=True)
    if not model_file.exists():
        model = train_model(folder / "survey")
        model_file.write_text(json.dumps(model_to_json(model)))
    model = model_from_json(json.loads(model_file.read_text()))
    engine = Engine.open("duckdb")
    if not features.exists():
        started = time.perf_counter()
        generate_features(engine, model, args.households, features)
        print(
            f"features: {args.households:,} households in {time.perf_counter() - started:.1f} s", flush=True
        )
    results: dict[str, dict] = {}
    for _ in range(args.repeat):
        for kind in ("sql", "ibis"):
            result = in_child(
                kind, model_file, features, folder / f"ranked-{kind}.parquet", args.memory_limit
            )
            best = results.get(kind)
            results[kind] = result if best is None or result["seconds"] < best["seconds"] else best
            print(f"  {kind}: {result['seconds']:.1f} s, peak {result['peak_gib']:.2f} GiB", flush=True)
    same = identical(engine, folder / "ranked-ibis.parquet", folder / "ranked-sql.parquet")
    engine.close()
    ibis_run, sql_run = results["ibis"], results["sql"]
    print(
        f"households {args.households:,}  memory_limit {args.memory_limit or 'default'}\n"
        f"  hand-written DuckDB SQL: {sql_run['seconds']:.1f} s, peak {sql_run['peak_gib']:.2f} GiB\n"
        f"  Inklusi (Ibis on DuckDB): {ibis_run['seconds']:.1f} s, peak {ibis_run['peak_gib']:.2f} GiB\n"
        f"  ratio ibis/sql: {ibis_run['seconds'] / sql_run['seconds']:.2f}x   identical output: {same}\n"
        f"load after: {os.getloadavg()}"
    )


if __name__ == "__main__":
    main()
