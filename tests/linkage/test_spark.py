"""The same settings on Spark: Splink compiles them for the Spark SQL dialect (slow: starts a local JVM)."""

from __future__ import annotations

import pyarrow as pa
import pytest

from inklusi.linkage import evaluation as ev
from inklusi.linkage.linker import Backend, spark_jar
from inklusi.linkage.model import ColumnMap
from inklusi.linkage.pipeline import deduplicate
from inklusi.linkage.prepare import prepare
from inklusi.linkage.spec import load_settings
from tests.linkage import populations


@pytest.mark.slow
def test_febrl3_on_spark_matches_duckdb(tmp_path):
    pyspark = pytest.importorskip("pyspark.sql")
    spark = (
        pyspark.SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.jars", spark_jar())
        .getOrCreate()
    )
    try:
        from pyarrow import csv

        table = csv.read_csv(
            populations.febrl3_csv(tmp_path),
            convert_options=csv.ConvertOptions(
                column_types={"postcode": pa.string(), "soc_sec_id": pa.string()}
            ),
        )
        columns = ColumnMap.parse(populations.FEBRL_MAP, record_id="rec_id")
        prepared = prepare(table, columns)
        truth = ev.codes(table["truth"])
        true_pairs = ev.true_pair_count(truth)
        spec = load_settings("persons")
        on_spark = deduplicate(prepared, spec, backend=Backend("spark", spark))
        on_duckdb = deduplicate(prepared, spec)
        spark_quality = ev.cluster_quality(on_spark.labels, truth, true_pairs)
        duckdb_quality = ev.cluster_quality(on_duckdb.labels, truth, true_pairs)
        assert spark_quality.f1 >= 0.99
        assert abs(spark_quality.f1 - duckdb_quality.f1) < 0.005
    finally:
        spark.stop()
