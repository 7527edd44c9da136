"""Change since the previous run, from two published outputs of :func:`inklusi.ppks.publication.publish`.
Pure (pyarrow).

Only published figures are compared. An entry missing from an output is a published 0 (zeros are not
stored and never suppressed). When the entry is suppressed in either run there is no change figure
(``change`` null): a difference between a published and a suppressed figure would either be unknowable or,
published, give the suppressed figure away (previous + change = current), and the difference of two
suppressed figures is exactly what suppression hides.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from inklusi.errors import Invalid, Issue
from inklusi.i18n import msg
from inklusi.ppks.publication import SCHEMA

KEYS: tuple[str, ...] = ("level", "area_code", "slice", "category", "key", "measure")
CHANGE_SCHEMA = pa.schema(
    [
        *(SCHEMA.field(name) for name in KEYS),
        pa.field("previous", pa.int64()),
        pa.field("current", pa.int64()),
        pa.field("change", pa.int64()),
    ]
)
"""``previous`` and ``current``: the published figures (null when suppressed in that run); ``change``:
their difference, null unless both are published."""


def compare(previous: pa.Table, current: pa.Table) -> pa.Table:
    """Every entry of either output with its change; sorted by the keys."""
    for name, table in (("previous", previous), ("current", current)):
        missing = [column for column in (*KEYS, "value", "suppressed") if column not in table.column_names]
        if missing:
            text = msg("The {name} output lacks the columns {columns}", name=name, columns=", ".join(missing))
            raise Invalid(text, [Issue(name, "columns.missing", text)])
    left = previous.select([*KEYS, "value", "suppressed"]).rename_columns([*KEYS, "before", "hidden_before"])
    right = current.select([*KEYS, "value", "suppressed"]).rename_columns([*KEYS, "after", "hidden_after"])
    joined = left.join(right, list(KEYS), join_type="full outer")
    hidden_before = pc.fill_null(joined["hidden_before"], False)
    hidden_after = pc.fill_null(joined["hidden_after"], False)
    before = pc.if_else(hidden_before, pa.scalar(None, pa.int64()), pc.fill_null(joined["before"], 0))
    after = pc.if_else(hidden_after, pa.scalar(None, pa.int64()), pc.fill_null(joined["after"], 0))
    result = pa.table(
        {
            **{name: joined[name] for name in KEYS},
            "previous": before,
            "current": after,
            "change": pc.subtract(after, before),  # null when either is null
        },
        schema=CHANGE_SCHEMA,
    )
    return result.sort_by([(name, "ascending") for name in KEYS])
