"""Synthetic Indonesian population: households, families, persons, welfare, PPKS truth, duplicates, rounds.

Public API (loaded lazily, so ``inklusi --help`` does not pay for NumPy and pyarrow)::

    from inklusi.synth import SynthConfig, generate, chunks, registry_data
    generate(SynthConfig(households=100_000, seed=7), Path("out"))      # Parquet files, see output.py
    for household in registry_data(SynthConfig(households=300, seed=7)):  # HouseholdData for the registry
        ...
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inklusi.synth.config import SynthConfig
    from inklusi.synth.output import Report, chunks, generate
    from inklusi.synth.records import households_data, registry_data

_HOMES = {
    "SynthConfig": "inklusi.synth.config",
    "Report": "inklusi.synth.output",
    "chunks": "inklusi.synth.output",
    "generate": "inklusi.synth.output",
    "households_data": "inklusi.synth.records",
    "registry_data": "inklusi.synth.records",
}
__all__ = ["Report", "SynthConfig", "chunks", "generate", "households_data", "registry_data"]


def __getattr__(name: str) -> object:
    if name not in _HOMES:
        raise AttributeError(f"module 'inklusi.synth' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)
