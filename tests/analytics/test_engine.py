"""The analytics engine on DuckDB: materialising an expression (and materialising it again), releasing it."""

from __future__ import annotations

import pyarrow as pa

from inklusi.analytics.engine import Engine


def test_materialise_keeps_the_result_and_can_be_replaced() -> None:
    engine = Engine.open("duckdb")
    try:
        source = engine.table(pa.table({"a": [1, 2, 3, 4]}))
        kept = engine.materialise(source.filter(source.a > 1), "kept")
        assert sorted(engine.to_arrow(kept)["a"].to_pylist()) == [2, 3, 4]
        again = engine.materialise(source.filter(source.a > 3).mutate(b=source.a * 2), "kept")
        assert engine.to_arrow(again).to_pylist() == [{"a": 4, "b": 8}]
        strange = engine.materialise(source.filter(source.a < 2), 'odd "name"')
        assert engine.to_arrow(strange)["a"].to_pylist() == [1]
        engine.release('odd "name"')
        tables = {name for (name,) in engine.execute_sql("SELECT table_name FROM duckdb_tables()")}
        assert tables == {"kept"}
        engine.release("never kept")  # nothing to free: not an error
    finally:
        engine.close()
