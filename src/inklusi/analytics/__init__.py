"""The analytics engine: Ibis over a Parquet snapshot of the registry, on DuckDB (default) or PySpark."""
