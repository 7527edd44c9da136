"""The evidence a steward sees for a pair: per compared field, both values, the comparison level and
its weight, from Splink's prediction columns and the trained model. Pure.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from inklusi.linkage.model import FieldEvidence

# Which prepared column to show for each comparison (the first one the pairs carry).
SHOWN = {
    "name": ("name_raw", "name_norm"),
    "given_name": ("given_norm",),
    "family_name": ("family_norm",),
    "birth_date": ("birth_date",),
    "sex": ("sex",),
    "nik": ("nik",),
    "kk": ("kk",),
    "area": ("village_code", "kk"),
    "postcode": ("postcode",),
    "address": ("address",),
    "birth_place": ("birth_place",),
    "phone": ("phone",),
    "id_number": ("id_number",),
}


def level_labels(model: dict[str, Any]) -> dict[str, dict[int, str]]:
    """Comparison → gamma value → level label, from a trained model (Splink settings JSON)."""
    labels: dict[str, dict[int, str]] = {}
    for comparison in model.get("comparisons", []):
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        count = len(levels)
        found = {-1: "missing"}
        for position, level in enumerate(levels):
            found[count - 1 - position] = level.get("label_for_charts") or level.get("sql_condition", "")
        labels[comparison["output_column_name"]] = found
    return labels


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value)


def evidence_rows(pairs: pa.Table, model: dict[str, Any]) -> list[list[FieldEvidence]]:
    """The evidence of every pair in ``pairs`` (Splink prediction columns)."""
    labels = level_labels(model)
    columns = set(pairs.column_names)
    plan = []
    for name, by_gamma in labels.items():
        if f"gamma_{name}" not in columns:
            continue
        shown = next((c for c in SHOWN.get(name, (name,)) if f"{c}_l" in columns), None)
        plan.append((name, by_gamma, shown))
    data = {
        c: pairs[c].to_pylist()
        for c in columns
        if c.startswith(("gamma_", "mw_")) or c.endswith(("_l", "_r"))
    }
    rows = []
    for index in range(pairs.num_rows):
        fields = []
        for name, by_gamma, shown in plan:
            gamma = data[f"gamma_{name}"][index]
            weight = (data.get(f"mw_{name}") or [0.0] * pairs.num_rows)[index] or 0.0
            left = _text(data[f"{shown}_l"][index]) if shown else None
            right = _text(data[f"{shown}_r"][index]) if shown else None
            level = by_gamma.get(gamma if gamma is not None else -1, str(gamma))
            fields.append(FieldEvidence(name, left, right, level, round(float(weight), 3)))
        rows.append(fields)
    return rows


def as_json(fields: list[FieldEvidence]) -> list[dict[str, object]]:
    return [vars(field) for field in fields]


def from_json(items: list[dict[str, Any]]) -> tuple[FieldEvidence, ...]:
    return tuple(FieldEvidence(**item) for item in items)
