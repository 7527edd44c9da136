"""The same ranking on DuckDB and on local PySpark: identical scores, province and regency deciles; national
deciles within the documented tolerance (Spark uses approximate cut-offs: ``docs/welfare.md``)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from inklusi.analytics.engine import Engine, read_arrow
from inklusi.welfare.model import ModelKind
from inklusi.welfare.scoring import score_and_rank
from inklusi.welfare.service import fit_survey
from inklusi.welfare.spec import load_spec

TOLERANCE_SHARE = 0.005  # at most 0.5 % of households in another national decile (or percentile) …
TOLERANCE_GROUPS = 1  # … and then only a neighbouring one


@pytest.mark.spark
def test_duckdb_and_spark_rank_the_same(tmp_path, survey_dir, quick_spec_file):
    spec = load_spec(quick_spec_file)
    trained, _sample = fit_survey(
        spec,
        survey_dir / "survey_households.parquet",
        survey_dir / "persons.parquet",
        candidates=(ModelKind.ols_area,),
    )
    households = pq.read_table(survey_dir / "households.parquet")
    households = households.filter(pc.less(households["household_id"], "H000012000"))
    pq.write_table(households, tmp_path / "households.parquet")
    outputs = {}
    for backend in ("duckdb", "pyspark"):
        conf = {"spark.driver.memory": "1g", "spark.sql.shuffle.partitions": "2"}
        engine = Engine.open(backend, spark_conf=conf)
        try:
            ranked = score_and_rank(
                engine,
                spec,
                trained.model,
                tmp_path / "households.parquet",
                survey_dir / "persons.parquet",
                date(2025, 6, 30),
                tmp_path / f"ranked-{backend}",
            )
        finally:
            engine.close()
        outputs[backend] = read_arrow(ranked.path).sort_by("household_id").to_pydict()

    duck, spark = outputs["duckdb"], outputs["pyspark"]
    assert (
        duck["household_id"] == spark["household_id"]
        and len(duck["household_id"]) == households.num_rows > 10_000
    )
    assert duck["score"] == spark["score"]  # bit for bit
    for exact in ("province_decile", "regency_decile"):
        assert duck[exact] == spark[exact]
    for approximate in ("national_decile", "household_decile", "national_percentile"):
        difference = np.abs(np.array(duck[approximate]) - np.array(spark[approximate]))
        assert difference.max() <= TOLERANCE_GROUPS
        assert (difference > 0).mean() <= TOLERANCE_SHARE
