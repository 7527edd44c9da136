"""Explaining one household's score: each proxy's contribution, in words, largest first.

Contributions are in log points of predicted per-capita consumption, measured against the average household
of the training survey: for least-squares models ``coefficient × (value − average)`` (for an answer, its
coefficient minus the answers' average), for trees LightGBM's SHAP values (``pred_contrib``). Either way the
contributions add up exactly to ``score − baseline``. The area effect is one more line ("Provinsi: 94").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from babel.numbers import format_decimal, format_percent

from inklusi.i18n import BABEL_LOCALES
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


def value_words(proxy: Proxy, value: Any, language: str, *, transformed: bool = True) -> str:
    """The household's answer as a person would say it, formatted for ``language``: a code's label, yes or
    no, a share in per cent, a number with the language's decimal mark. ``transformed``: ``value`` is the
    model's feature (logged values are turned back); else the answer itself (``features(answers=True)``)."""
    if proxy.kind == "categorical":
        code = int(value)
        if code < 0:
            return "—"
        return codelist(proxy.codelist).label(code, language) if proxy.codelist else str(code)
    number = float(value) if value is not None else math.nan
    if math.isnan(number):
        return "—"
    if transformed and proxy.log:
        number = math.expm1(number)
    locale = BABEL_LOCALES.get(language, BABEL_LOCALES["id"])
    if proxy.source == "location" or (proxy.in_ is not None and proxy.aggregate in (None, "head", "any")):
        yes = number >= 0.5
        return ("yes" if yes else "no") if language == "en" else ("ya" if yes else "tidak")
    if proxy.aggregate == "share":
        return format_percent(number, "#,##0%", locale=locale)
    return format_decimal(round(number, 2), "#,##0.##", locale=locale)


def plain_label(proxy: Proxy, language: str) -> str:
    """The proxy's label without the model's transformation: the answer shown is not logged. (Models
    trained before the labels lost their "(log)" still carry it in their stored specification.)"""
    label = proxy.label.text(language)
    return label.replace(" (log)", "").replace("; log)", ")") if proxy.log else label


def explain_row(
    spec: Spec,
    model: Fitted,
    row: Mapping[str, object],
    language: str,
    *,
    answers: Mapping[str, object] | None = None,
    area_names: Mapping[str, str] | None = None,
) -> tuple[float, tuple[Contribution, ...]]:
    """Baseline and the proxies' contributions, largest effect first. ``row`` holds the model's features;
    ``answers`` (if given) the household's answers to show, ``area_names`` the names of its areas."""
    baseline, parts = contributions_of(model, row)
    lines = []
    for name, effect in parts.items():
        if name in AREA_LABELS:
            label = AREA_LABELS[name]["en" if language == "en" else "id"]
            code = str(row[name])
            lines.append(Contribution(name, "location", label, (area_names or {}).get(code, code), effect))
            continue
        proxy = spec.proxy(name)
        if answers is not None:
            value = value_words(proxy, answers[name], language, transformed=False)
        else:
            value = value_words(proxy, row[name], language)
        lines.append(Contribution(name, proxy.group, plain_label(proxy, language), value, effect))
    lines.sort(key=lambda c: (-abs(c.contribution), c.proxy))
    return baseline, tuple(lines)
