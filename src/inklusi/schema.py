"""Every slice's tables (and the foundation's: the wrapped data keys of :mod:`inklusi.vault`), for Alembic:
importing them fills :data:`inklusi.db.metadata`."""

from __future__ import annotations

from importlib import import_module

SLICES_WITH_TABLES = (
    "wilayah",
    "access",
    "audit",
    "registry",
    "instrument",
    "welfare",
    "linkage",
    "ppks",
    "cases",
    "directory",
    "programmes",
    "sharing",
)


def import_all_tables() -> None:
    import_module("inklusi.vault")
    for slice_name in SLICES_WITH_TABLES:
        import_module(f"inklusi.{slice_name}.tables")
