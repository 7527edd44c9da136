"""What every benchmark measures beside its figures: wall and CPU seconds, resident and peak memory."""

from __future__ import annotations

import os
import resource
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def peak_gib() -> float:
    """The process's peak resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def resident_gib() -> float:
    """The process's resident memory now."""
    with Path("/proc/self/statm").open() as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**30


def watched(work: Callable[[], T]) -> tuple[T, float, float, float]:
    """``work()``, its wall and CPU seconds (every thread of the process: DuckDB's), and the peak resident
    memory while it ran (sampled every 20 ms: the process's own peak may be from earlier work)."""
    peak = [resident_gib()]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.02):
            peak[0] = max(peak[0], resident_gib())

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    done.set()
    sampler.join()
    return result, seconds, cpu, max(peak[0], resident_gib())
