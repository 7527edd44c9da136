"""Streaming the population to Parquet, chunk by chunk, with memory bounded by the chunk size.

:func:`generate` builds the calibration model (pilot), then for each chunk simulates, writes every table as
one row group per file, derives duplicates and later rounds from that chunk, and drops it. Files:

- ``households``, ``families``, ``persons``, ``outside_households`` — the first enumeration (clean)
- ``survey_households`` — the SUSENAS-like sample with observed consumption and weights
- ``truth_households``, ``truth_persons`` — true consumption, poverty and PPKS situations
- ``duplicate_households``, ``duplicate_persons`` — noisy re-enumerations tagged with the true ids
- ``round<k>/…`` — later rounds (households, families, persons, truth, events)
- ``manifest.json`` — the configuration, row counts and timing
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from inklusi.synth.chunks import Chunk, Counters, make_chunk
from inklusi.synth.config import SynthConfig
from inklusi.synth.duplicates import duplicate_tables
from inklusi.synth.identity import SerialCounter
from inklusi.synth.pilot import Model, build_model
from inklusi.synth.rounds import RoundState, next_round

ProgressCallback = Callable[[int, int], None]  # (households done, households total)


@dataclass
class Report:
    config: SynthConfig
    directory: Path
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def to_json(self) -> dict:
        config = asdict(self.config)
        config["as_of"] = self.config.as_of.isoformat()
        return {"config": config, "rows": self.rows, "seconds": round(self.seconds, 2)}


class ParquetSet:
    """One ParquetWriter per table, opened on first write; zstd, dictionary-encoded strings."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.rows: dict[str, int] = {}

    def write(self, name: str, table: pa.Table) -> None:
        writer = self.writers.get(name)
        if writer is None:
            path = self.directory / f"{name}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            writer = pq.ParquetWriter(path, table.schema, compression="zstd")
            self.writers[name] = writer
        writer.write_table(table, row_group_size=max(len(table), 1))
        self.rows[name] = self.rows.get(name, 0) + len(table)

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()


def chunks(config: SynthConfig, model: Model | None = None) -> Iterator[Chunk]:
    """The first-round chunks in order, in memory (for callers that do not want files)."""
    model = model or build_model(config)
    counters = Counters()
    for index in range(config.chunks):
        yield make_chunk(model, index, counters)


def generate(config: SynthConfig, directory: Path, progress: ProgressCallback | None = None) -> Report:
    started = time.perf_counter()
    directory.mkdir(parents=True, exist_ok=True)
    model = build_model(config)
    files = ParquetSet(directory)
    round_files = [ParquetSet(directory / f"round{k}") for k in range(2, config.rounds + 1)]
    newborn_serials = [SerialCounter() for _ in round_files]
    done = 0
    try:
        for index, chunk in enumerate(chunks(config, model)):
            for name, table in chunk.tables.items():
                files.write(name, table)
            for name, table in duplicate_tables(model, index, chunk).items():
                files.write(name, table)
            state = RoundState.first(model, chunk)
            for offset, round_set in enumerate(round_files):
                state = next_round(model, index, state, offset + 2, newborn_serials[offset])
                for name, table in state.tables.items():
                    round_set.write(name, table)
            done += len(chunk.household_ids)
            if progress:
                progress(done, config.households)
    finally:
        files.close()
        for round_set in round_files:
            round_set.close()
    report = Report(config, directory, dict(files.rows), time.perf_counter() - started)
    for k, round_set in enumerate(round_files, start=2):
        report.rows.update({f"round{k}/{name}": rows for name, rows in round_set.rows.items()})
    (directory / "manifest.json").write_text(json.dumps(report.to_json(), indent=2), encoding="utf-8")
    return report
