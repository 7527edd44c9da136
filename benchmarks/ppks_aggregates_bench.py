"""PPKS who/where/what at population scale: rules -> flags -> cube -> protection, Ibis vs hand-written SQL.

    inklusi synth -n 10000000 -o /tmp/synth10m
    .venv/bin/python -m benchmarks.ppks_aggregates_bench /tmp/synth10m [--memory-limit 8GB] [--breakdowns ...]
        [--materialise-members] [--save-cube cube.parquet]
    .venv/bin/python -m benchmarks.ppks_aggregates_bench cube.parquet      # the protection alone

On a folder written by ``inklusi synth`` (persons, households, families, people outside households):

0. deciles: a stand-in decile per household (a hash of its id; fitting and ranking a PMT is the welfare
   benchmark's business), written to Parquet before the clock starts;
1. **flags**: the national rule set (:func:`inklusi.ppks.expr.candidates`) and
   :func:`~inklusi.ppks.aggregates.flags_from_candidates`, materialised (with ``--materialise-members``
   the rules' members table is kept in DuckDB while they run and dropped after);
2. **cube**: :mod:`inklusi.ppks.aggregates` (programmes and needs met, village counts materialised, rolled
   up to every level) into Arrow;
3. **sql**: the same cube from the same flags, as one hand-written DuckDB statement (``GROUPING SETS``),
   in the same process; its totals per level are compared with the cube's (they must be equal);
4. **protection**: :func:`inklusi.ppks.publication.publish` on the cube (pure numpy, one core): every
   area's sex, age group, decile and child-area table of every measure, small cells and their
   complements suppressed (:func:`inklusi.disclosure.protect_many`), linked tables agreeing. It has no
   external baseline: printed are its seconds (wall and CPU), the peak resident memory while it runs and
   the tables, entries and suppressed entries it publishes.

Printed: seconds per stage, the ratio cube/sql, cube + protection against the issue's 60 s, peak
resident memory of the process, and the load average before and after (other work on the machine slows
every stage: re-run when it is busy; the CPU seconds of the protection show how much).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from benchmarks.measuring import peak_gib, watched
from inklusi.analytics.engine import Engine
from inklusi.ppks.aggregates import (
    AGE_GROUPS,
    MEASURES,
    flags_from_candidates,
    person_rows,
    rollup,
    snapshot_programmes,
    village_cube,
)
from inklusi.ppks.expr import candidates, with_outside
from inklusi.ppks.needs import category_masks, needs_profile
from inklusi.ppks.publication import BREAKDOWN_LEVELS, publish
from inklusi.ppks.spec import load_rules
from inklusi.ppks.taxonomy import categories

AS_OF = date(2025, 6, 30)


def handwritten_sql(folder: Path, flags: Path, deciles: Path) -> str:
    """The cube as a DuckDB user would write it: one statement, ``GROUPING SETS`` over the areas."""
    profile = needs_profile()
    programme = " ".join(f"WHEN '{code}' THEN {mask}" for code, mask in profile.programme_masks().items())
    need = " ".join(f"WHEN '{code}' THEN {mask}" for code, mask in category_masks().items())
    useful = ", ".join(f"'{code}'" for code in profile.programme_masks())
    pbi = profile.programme("pbi_jkn")
    age = (
        f"year(DATE '{AS_OF}') - year(birth_date) - CAST(month(birth_date) * 100 + day(birth_date) > "
        f"{AS_OF.month * 100 + AS_OF.day} AS INTEGER)"
    )
    groups = " ".join(
        f"WHEN age BETWEEN {low} AND {high} THEN '{label}'"
        if high is not None
        else f"WHEN age >= {low} THEN '{label}'"
        for label, low, high in AGE_GROUPS
    )
    keys = "category, sex, age_group, decile"
    return f"""
    WITH people AS (
      SELECT person_id, household_id, family_id, sex, birth_date, health_insurance, programmes,
             NULL::VARCHAR AS own_village FROM read_parquet('{folder}/persons.parquet')
      UNION ALL
      SELECT person_id, NULL, NULL, sex, birth_date, NULL, NULL, village_code
      FROM read_parquet('{folder}/outside_households.parquet')
    ),
    flagged AS (
      SELECT person_id, category, max(CAST(status = 'verified' AS INTEGER)) AS verified
      FROM read_parquet('{flags}') GROUP BY ALL
    ),
    recorded AS (
      SELECT person_id, unnest(programmes) AS programme FROM people WHERE programmes IS NOT NULL
      UNION ALL
      SELECT p.person_id, f.programme
      FROM (SELECT family_id, unnest(programmes) AS programme
            FROM read_parquet('{folder}/families.parquet')) f
      JOIN people p USING (family_id) WHERE f.programme IN ({useful})
      UNION ALL
      SELECT person_id, 'pbi_jkn' FROM people
      WHERE health_insurance BETWEEN 1 AND 15 AND (health_insurance & {pbi.flag}) <> 0
    ),
    met AS (
      SELECT person_id, bit_or(CASE programme {programme} END) AS met
      FROM recorded WHERE programme IN ({useful}) GROUP BY person_id
    ),
    rows AS (
      SELECT coalesce(p.own_village, h.village_code) AS village, f.category,
             CASE p.sex WHEN 1 THEN 'male' WHEN 2 THEN 'female' ELSE 'unknown' END AS sex,
             coalesce(CASE {groups.replace("age", f"({age})")} END, 'unknown') AS age_group,
             coalesce(CAST(d.national_decile AS VARCHAR), 'unknown') AS decile,
             f.verified, CASE f.category {need} END AS needed, coalesce(m.met, 0) AS met,
             CAST(p.household_id IS NULL AS INTEGER) AS outside
      FROM flagged f JOIN people p USING (person_id)
      LEFT JOIN read_parquet('{folder}/households.parquet') h USING (household_id)
      LEFT JOIN read_parquet('{deciles}') d USING (household_id)
      LEFT JOIN met m USING (person_id)
    )
    SELECT CASE WHEN grouping(village) = 0 THEN 'village' WHEN grouping(district) = 0 THEN 'district'
                WHEN grouping(regency) = 0 THEN 'regency' WHEN grouping(province) = 0 THEN 'province'
                ELSE 'national' END AS level,
           coalesce(village, district, regency, province, 'ID') AS area_code, {keys},
           count(*) AS flagged, sum(verified) AS verified,
           sum(CAST((needed & met) <> needed AS INTEGER)) AS unmet_need,
           sum(CAST((needed & met) = 0 AS INTEGER)) AS unserved, sum(outside) AS outside_households
    FROM (SELECT *, village[1:2] AS province, village[1:5] AS regency, village[1:8] AS district FROM rows)
    GROUP BY GROUPING SETS (
      ({keys}), (province, {keys}), (regency, {keys}), (district, {keys}), (village, {keys})
    )
    """


def per_level(table: pa.Table) -> dict[str, tuple[int, ...]]:
    """Rows and the sum of every measure per level (areas without a code left out)."""
    totals: dict[str, list[int]] = {}
    for row in table.select(["level", "area_code", *MEASURES]).to_pylist():
        if row["area_code"] is None:
            continue
        entry = totals.setdefault(row["level"], [0] * (len(MEASURES) + 1))
        entry[0] += 1
        for i, measure in enumerate(MEASURES):
            entry[i + 1] += int(row[measure])
    return {level: tuple(values) for level, values in sorted(totals.items())}


def protection_figures(cube: pa.Table, breakdowns: list[str]) -> tuple[float, str]:
    """Publish the cube; its wall seconds and a line of figures."""
    published, wall, cpu, peak = watched(lambda: publish(cube, categories(), breakdowns=breakdowns))
    tables = published.group_by(["measure", "area_code", "slice"]).aggregate([])
    hidden = int(pc.sum(published.column("suppressed")).as_py() or 0)
    return wall, (
        f"\n  protection ({', '.join(breakdowns)}): {wall:.1f} s (CPU {cpu:.1f} s), peak resident "
        f"{peak:.2f} GiB while it ran; {tables.num_rows:,} tables published with {published.num_rows:,} "
        f"entries (non-zero or suppressed), {hidden:,} suppressed"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", type=Path)
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory_limit, e.g. 8GB")
    parser.add_argument("--breakdowns", nargs="*", default=list(BREAKDOWN_LEVELS))
    parser.add_argument("--skip-protection", action="store_true")
    parser.add_argument("--save-cube", type=Path, default=None, help="write the cube to this Parquet file")
    parser.add_argument(
        "--materialise-members",
        action="store_true",
        help="compute the rules' members table once (candidates(keep=...)) instead of once per rule",
    )
    args = parser.parse_args()
    folder: Path = args.folder
    if folder.suffix == ".parquet":  # a cube written by --save-cube: the protection alone
        print(f"load before: {os.getloadavg()}", flush=True)
        cube = pq.read_table(folder)
        print(f"cube rows {cube.num_rows:,}" + protection_figures(cube, args.breakdowns)[1], flush=True)
        print(f"load after: {os.getloadavg()}", flush=True)
        return
    print(f"load before: {os.getloadavg()}", flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="ppks-bench-"))
    engine = Engine.open("duckdb", memory_limit=args.memory_limit, temp_directory=scratch / "spill")
    deciles = scratch / "deciles.parquet"
    engine.execute_sql(
        f"COPY (SELECT household_id, CAST(1 + hash(household_id) % 10 AS SMALLINT) AS national_decile "
        f"FROM read_parquet('{folder}/households.parquet')) TO '{deciles}' (FORMAT parquet)"
    )
    times: dict[str, float] = {}

    started = time.perf_counter()
    persons = engine.read_parquet(folder / "persons.parquet")
    households = engine.read_parquet(folder / "households.parquet")
    everyone = with_outside(persons, engine.read_parquet(folder / "outside_households.parquet"))
    ranks = engine.read_parquet(deciles)
    keep = (lambda members: engine.materialise(members, "ppks_members")) if args.materialise_members else None
    found = candidates(everyone, households, ranks, load_rules("national"), as_of=AS_OF, keep=keep)
    flags_file = engine.write_parquet(flags_from_candidates(found), scratch / "flags.parquet")
    if (
        keep is not None
    ):  # the rules' table is done with: kept, it costs the cube 13 s of CPU (DuckDB's memory)
        engine.execute_sql("DROP TABLE ppks_members")
    times["flags"] = time.perf_counter() - started
    print(f"  flags: {times['flags']:.1f} s, peak so far {peak_gib():.2f} GiB", flush=True)

    started, cpu = time.perf_counter(), time.process_time()
    flags = engine.read_parquet(flags_file)
    programmes = snapshot_programmes(
        everyone, engine.read_parquet(folder / "families.parquet"), needs_profile()
    )
    rows = person_rows(
        flags, everyone, households, ranks, needs_profile(), as_of=AS_OF, programmes=programmes
    )
    villages = engine.materialise(village_cube(rows), "ppks_villages")
    cube = engine.to_arrow(rollup(villages))
    times["cube"], times["cube cpu"] = time.perf_counter() - started, time.process_time() - cpu
    print(f"  cube: {times['cube']:.1f} s, peak so far {peak_gib():.2f} GiB", flush=True)

    started, cpu = time.perf_counter(), time.process_time()
    baseline = engine.con.con.sql(handwritten_sql(folder, flags_file, deciles)).to_arrow_table()
    times["sql"], times["sql cpu"] = time.perf_counter() - started, time.process_time() - cpu
    print(f"  sql: {times['sql']:.1f} s, peak so far {peak_gib():.2f} GiB", flush=True)
    same = per_level(cube) == per_level(baseline)
    if args.save_cube is not None:
        pq.write_table(cube, args.save_cube)
    flagged = int(engine.execute_sql(f"SELECT count(*) FROM read_parquet('{flags_file}')")[0][0])
    households_n = int(engine.execute_sql(f"SELECT count(*) FROM read_parquet('{deciles}')")[0][0])
    engine.close()
    shutil.rmtree(scratch)

    protection = ""
    if not args.skip_protection:
        wall, text = protection_figures(cube, args.breakdowns)
        times["protection"] = wall
        protection = text + f"\n  cube + protection: {times['cube'] + wall:.1f} s (goal: 60 s)"
        print(f"  protection: {wall:.1f} s, peak so far {peak_gib():.2f} GiB", flush=True)
    whole = times["flags"] + times["cube"] + times.get("protection", 0.0)
    print(
        f"households {households_n:,}  flags {flagged:,}  cube rows {cube.num_rows:,}"
        f"\n  rules -> flags (Ibis): {times['flags']:.1f} s"
        f"\n  flags -> cube (Ibis): {times['cube']:.1f} s (CPU {times['cube cpu']:.1f} s, all threads)"
        f"\n  hand-written DuckDB SQL cube: {times['sql']:.1f} s (CPU {times['sql cpu']:.1f} s)"
        f"   ratio ibis/sql: {times['cube'] / times['sql']:.2f}x   same totals per level: {same}"
        + protection
        + f"\n  whole (flags + cube + protection): {whole:.1f} s   peak memory {peak_gib():.2f} GiB"
        f"\nload after: {os.getloadavg()}",
        flush=True,
    )


if __name__ == "__main__":
    main()
