"""Synthetic population throughput and peak memory, against a same-size pyarrow baseline.

    .venv/bin/python -m benchmarks.synth_bench [--households N ...] [--keep DIR]

For each size (default 1 M and 10 M households) two jobs run, each in a fresh forked child process of this
process so that its peak resident memory is its own: the baseline writes the same number of household and
person rows, chunk by chunk, as random columns of the same types with pyarrow; then ``inklusi.synth``
generates the population (round 1, default shares). Printed: households per second, seconds, peak RSS and
output size, each also as a ratio to the baseline.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from inklusi.synth.config import DEFAULT_CHUNK_HOUSEHOLDS, SynthConfig
from inklusi.synth.output import generate

PERSONS_PER_HOUSEHOLD = 3.54  # measured: persons written per household
HOUSEHOLD_COLUMNS = {"int": 35, "float": 3, "string": 8}
PERSON_COLUMNS = {"int": 20, "float": 0, "string": 8}


def _random_table(rng: np.random.Generator, rows: int, columns: dict[str, int]) -> pa.Table:
    data = {}
    for i in range(columns["int"]):
        data[f"i{i}"] = pa.array(rng.integers(0, 20, rows).astype(np.int16))
    for i in range(columns["float"]):
        data[f"f{i}"] = pa.array(rng.random(rows))
    for i in range(columns["string"]):
        data[f"s{i}"] = pa.array(rng.integers(10**15, 10**16, rows)).cast(pa.string())
    return pa.table(data)


def baseline(households: int, directory: Path) -> None:
    rng = np.random.default_rng(0)
    writers: dict[str, pq.ParquetWriter] = {}
    for start in range(0, households, DEFAULT_CHUNK_HOUSEHOLDS):
        rows = min(DEFAULT_CHUNK_HOUSEHOLDS, households - start)
        for name, count, columns in (
            ("households", rows, HOUSEHOLD_COLUMNS),
            ("persons", int(rows * PERSONS_PER_HOUSEHOLD), PERSON_COLUMNS),
        ):
            table = _random_table(rng, count, columns)
            if name not in writers:
                writers[name] = pq.ParquetWriter(
                    directory / f"{name}.parquet", table.schema, compression="zstd"
                )
            writers[name].write_table(table)
    for writer in writers.values():
        writer.close()


def synth(households: int, directory: Path) -> None:
    generate(SynthConfig(households=households, seed=7), directory)


def _child(job: str, households: int, directory: str, queue) -> None:
    started = time.perf_counter()
    (baseline if job == "baseline" else synth)(households, Path(directory))
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((seconds, peak_kib * 1024))


def measure(job: str, households: int, directory: Path) -> tuple[float, int, int]:
    """(seconds, peak RSS bytes, bytes written) of one job in its own forked process."""
    directory.mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_child, args=(job, households, str(directory), queue))
    process.start()
    seconds, peak = queue.get()
    process.join()
    written = sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())
    return seconds, peak, written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, nargs="*", default=[1_000_000, 10_000_000])
    parser.add_argument("--keep", type=Path, help="keep the generated files under this folder")
    args = parser.parse_args()
    gib = 1024**3
    for households in args.households:
        root = Path(tempfile.mkdtemp(prefix="synth-bench-", dir=args.keep))
        try:
            base_s, base_peak, base_bytes = measure("baseline", households, root / "baseline")
            s, peak, written = measure("synth", households, root / "synth")
        finally:
            if args.keep is None:
                shutil.rmtree(root, ignore_errors=True)
        print(f"households={households:,}")
        print(
            f"  baseline (pyarrow random columns): {base_s:8.1f} s  {households / base_s:12,.0f} hh/s  "
            f"peak {base_peak / gib:5.2f} GiB  disk {base_bytes / gib:6.2f} GiB"
        )
        print(
            f"  inklusi.synth:                     {s:8.1f} s  {households / s:12,.0f} hh/s  "
            f"peak {peak / gib:5.2f} GiB  disk {written / gib:6.2f} GiB"
        )
        print(
            f"  ratio synth/baseline: time {s / base_s:5.2f}x  throughput {base_s / s:5.2f}x  "
            f"peak memory {peak / base_peak:5.2f}x  disk {written / base_bytes:5.2f}x"
        )


if __name__ == "__main__":
    main()
