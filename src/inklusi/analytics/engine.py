"""The analytics engine: Ibis on DuckDB (default) or PySpark, chosen by setting, with the same expressions.

This is the only module of Inklusi that imports ``duckdb`` or ``pyspark`` (an import-linter contract keeps it
so). Everything else builds Ibis expressions over the tables an :class:`Engine` reads (Parquet snapshots,
survey files, Arrow tables) and hands them back here to run or write.

- **DuckDB** runs in-process, spills to ``temp_directory`` when ``memory_limit`` is reached, and computes
  windows over the whole table (national ranks) in parallel.
- **PySpark** runs locally (``local[*]``) or on the cluster its session is configured for. A window over the
  whole table runs as one task on one core there, so callers ask :attr:`Engine.global_windows` and use
  approximate cut-offs instead (see :mod:`inklusi.welfare.ranking`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import ibis
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

Backend = Literal["duckdb", "pyspark"]
BACKENDS: tuple[Backend, ...] = ("duckdb", "pyspark")


@dataclass
class Engine:
    """An open Ibis backend plus what callers need to know about it."""

    backend: Backend
    con: ibis.BaseBackend
    _spark: object | None = None
    _scratch: list[Path] = field(default_factory=list)

    @classmethod
    def open(
        cls,
        backend: Backend = "duckdb",
        *,
        memory_limit: str | None = None,
        threads: int | None = None,
        temp_directory: Path | None = None,
        spark_master: str | None = None,
        spark_conf: Mapping[str, str] | None = None,
    ) -> Engine:
        """Connect to ``backend``. ``memory_limit`` (e.g. ``"4GB"``) and ``threads`` apply to DuckDB;
        ``spark_master`` and ``spark_conf`` to PySpark (default ``local[*]``, UI off, UTC)."""
        if backend == "duckdb":
            config: dict[str, object] = {}
            if memory_limit:
                config["memory_limit"] = memory_limit
            if threads:
                config["threads"] = threads
            if temp_directory:
                config["temp_directory"] = str(temp_directory)
            config["preserve_insertion_order"] = False
            con = ibis.duckdb.connect(**config)
            con.raw_sql("SET enable_progress_bar = false")
            return cls("duckdb", con)
        if backend == "pyspark":
            from pyspark.sql import SparkSession

            builder = SparkSession.builder.master(spark_master or os.environ.get("SPARK_MASTER", "local[*]"))
            settings = {
                "spark.ui.enabled": "false",
                "spark.sql.session.timeZone": "UTC",
                "spark.sql.shuffle.partitions": "8",
                "spark.sql.execution.arrow.pyspark.enabled": "true",
                "spark.driver.memory": "4g",
                **(spark_conf or {}),
            }
            for key, value in settings.items():
                builder = builder.config(key, value)
            session = builder.getOrCreate()
            session.sparkContext.setLogLevel("ERROR")
            return cls("pyspark", ibis.pyspark.connect(session), session)
        raise ValueError(f"unknown analytics backend {backend!r}; use one of {', '.join(BACKENDS)}")

    @property
    def global_windows(self) -> bool:
        """Whether a window over the whole table runs in parallel (DuckDB) or on one core (Spark)."""
        return self.backend == "duckdb"

    # --- Reading ------------------------------------------------------------------------------------

    def read_parquet(self, path: Path | str, name: str | None = None) -> ibis.Table:
        return self.con.read_parquet(str(path), table_name=name)

    def read_csv(self, path: Path | str, name: str | None = None) -> ibis.Table:
        return self.con.read_csv(str(path), table_name=name)

    def read_file(self, path: Path | str, name: str | None = None) -> ibis.Table:
        """A CSV or Parquet file (or a folder of Parquet files), by its suffix."""
        path = Path(path)
        if path.suffix.lower() in (".csv", ".txt") or path.name.lower().endswith(".csv.gz"):
            return self.read_csv(path, name)
        return self.read_parquet(path, name)

    def table(self, data: pa.Table, name: str | None = None) -> ibis.Table:
        """An Arrow table as an Ibis table (registered with the backend when an expression uses it)."""
        return ibis.memtable(data)

    # --- Running and writing ------------------------------------------------------------------------

    def to_arrow(self, expr: ibis.Expr) -> pa.Table:
        return self.con.to_pyarrow(expr)

    def batches(self, expr: ibis.Table, rows: int = 500_000) -> Iterator[pa.RecordBatch]:
        """The result as a stream of Arrow batches (memory bounded by a batch)."""
        if self.backend == "duckdb":
            # Ibis 12 streams through a cursor method DuckDB 2 no longer has: read DuckDB's own Arrow reader
            # (and the main connection: temporary views and memtables are not seen from a cursor)
            self.con._run_pre_execute_hooks(expr)  # registers the memtables the expression reads
            yield from self.con.con.sql(self.con.compile(expr)).to_arrow_reader(rows)
            return
        yield from self.con.to_pyarrow_batches(expr, chunk_size=rows)

    def write_parquet(self, expr: ibis.Table, path: Path) -> Path:
        """Write ``expr`` to ``path``: one file on DuckDB, a folder of part files on Spark."""
        path = Path(path)
        if path.exists():
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.backend == "duckdb":
            self.con.to_parquet(expr, path, compression="zstd")
        else:
            self.con.to_parquet(expr, path)  # Spark writes a folder of part files
        return path

    def materialise(self, expr: ibis.Table, name: str) -> ibis.Table:
        """Compute ``expr`` once and keep it (a temporary table on DuckDB, a cached view on Spark)."""
        if self.backend == "duckdb":
            # Not ``create_table(..., overwrite=True)``: with sqlglot 30 Ibis 12 renders its
            # ``DROP TABLE IF EXISTS <name>`` without the name, a parser error on DuckDB
            self.con._run_pre_execute_hooks(expr)  # registers the memtables the expression reads
            quoted = '"' + name.replace('"', '""') + '"'
            self.con.raw_sql(f"CREATE OR REPLACE TEMP TABLE {quoted} AS {self.con.compile(expr)}")
            return self.con.table(name)
        scratch = Path(tempfile.mkdtemp(prefix=f"inklusi-{name}-"))
        self._scratch.append(scratch)
        self.write_parquet(expr, scratch / "data")
        return self.read_parquet(scratch / "data", name)

    def release(self, name: str) -> None:
        """Free what :meth:`materialise` kept under ``name`` once nothing reads it any more: the temporary
        table on DuckDB (its memory is the engine's, which later queries of the same job want). On Spark
        the kept files stay until :meth:`close`."""
        if self.backend == "duckdb":
            quoted = '"' + name.replace('"', '""') + '"'
            self.con.raw_sql(f"DROP TABLE IF EXISTS {quoted}")

    def execute_sql(self, sql: str) -> list[tuple]:
        """Hand-written SQL on DuckDB (benchmarks compare Ibis against it); every row of the answer."""
        if self.backend != "duckdb":
            raise ValueError("execute_sql is for DuckDB")
        return self.con.con.execute(sql).fetchall()

    def close(self) -> None:
        for scratch in self._scratch:
            shutil.rmtree(scratch, ignore_errors=True)
        self._scratch.clear()
        if self.backend == "duckdb":
            self.con.disconnect()


def read_arrow(path: Path) -> pa.Table:
    """A Parquet file or a folder of part files (as Spark writes them) as one Arrow table."""
    path = Path(path)
    if path.is_dir():
        return ds.dataset(path, format="parquet").to_table()
    return pq.read_table(path)
