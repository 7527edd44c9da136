"""The linkage slice's tables."""

from inklusi.db import metadata  # noqa: F401 - tables of this slice join the shared metadata
