"""Explaining one household's score: each proxy's contribution, in words, largest first.

Contributions are in log points of predicted per-capita consumption, measured against the average household
of the training survey: for least-squares models ``coefficient × (value − average)`` (for an answer, its
coefficient minus the answers' average), for trees LightGBM's SHAP values (``pred_contrib``). Either way the
contributions add up exactly to ``score − baseline``. The area effect is one more line ("Provinsi: 94").
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from inklusi.registry.codelists import codelist
from inklusi.welfare.linear import GroupedModel, LinearModel
from inklusi.welfare.model import Contribution
from inklusi.welfare.spec import Proxy, Spec
from inklusi.welfare.training import Fitted
from inklusi.welfare.trees import TreeModel

AREA_LABELS = {
    "province_code": {"id": "Provinsi", "en": "Province"},
    "regency_code": {"id": "Kabupaten/kota", "en": "Regency/city"},
}


def contributions_of(model: Fitted, row: Mapping[str, object]) -> tuple[float, dict[str, float]]:
    """(baseline, contribution per proxy or area column) for one household's features."""
    if isinstance(model, TreeModel):
        frame = {name: np.array([row[name]]) for name in model.features}
        values, expected = model.contributions(frame)
        return float(expected[0]), {name: float(v) for name, v in zip(model.features, values[0], strict=True)}
    linear: LinearModel = model.member(row) if isinstance(model, GroupedModel) else model
    return linear.baseline(), linear.contributions(row)


def value_words(proxy: Proxy, value: object, language: str) -> str:
    """The household's answer as a person would say it."""
    if proxy.kind == "categorical":
        code = int(value)
        if code < 0:
            return "—"
        return codelist(proxy.codelist).label(code, language) if proxy.codelist else str(code)
    number = float(value)
    if proxy.log:
        number = math.expm1(number)
    if proxy.in_ is not None and proxy.aggregate in (None, "head", "any"):
        return (
            ("ya" if number >= 0.5 else "tidak") if language != "en" else ("yes" if number >= 0.5 else "no")
        )
    return f"{number:.2f}".rstrip("0").rstrip(".")


def explain_row(
    spec: Spec, model: Fitted, row: Mapping[str, object], language: str
) -> tuple[float, tuple[Contribution, ...]]:
    """Baseline and the proxies' contributions, largest effect first."""
    baseline, parts = contributions_of(model, row)
    lines = []
    for name, effect in parts.items():
        if name in AREA_LABELS:
            label = AREA_LABELS[name]["en" if language == "en" else "id"]
            lines.append(Contribution(name, "location", label, str(row[name]), effect))
            continue
        proxy = spec.proxy(name)
        label = proxy.label.text(language)
        lines.append(Contribution(name, proxy.group, label, value_words(proxy, row[name], language), effect))
    lines.sort(key=lambda c: (-abs(c.contribution), c.proxy))
    return baseline, tuple(lines)
