"""The targeting report: one self-contained HTML page (inline SVG charts) from out-of-fold predictions.

Sections: error rates by coverage (exclusion and inclusion, 5 % to 60 %), exclusion error at the selection
coverage by province (national targeting, so a province's error shows who the national model misses there),
the decile confusion matrix (true decile against predicted decile, people-weighted) and calibration (mean
actual against mean predicted log per-capita welfare per predicted decile). ``docs/welfare.md`` explains how
to read it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

from inklusi.i18n import LANGUAGES, Text
from inklusi.welfare.charts import bar_chart, line_chart
from inklusi.welfare.model import COVERAGES, DECILES, ModelKind, selected_below, targeting_errors
from inklusi.welfare.training import CandidateResult, Sample

CURVE = tuple(round(c, 2) for c in np.arange(0.05, 0.61, 0.05))


@dataclass(frozen=True)
class ReportInput:
    title: str
    sample: Sample
    results: tuple[CandidateResult, ...]
    chosen: ModelKind
    areas: np.ndarray | None = None  # province (or other area) per survey household
    coverage: float = 0.4
    warnings: tuple[Text, ...] = ()  # shown at the top, in Indonesian and English


def deciles_of(values: np.ndarray, people: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The decile rule (people-weighted, ties by id) over an array."""
    order = np.lexsort((ids, values))
    before = np.cumsum(people[order]) - people[order]
    result = np.empty(len(values), dtype=int)
    result[order] = (DECILES * before / people.sum()).astype(int) + 1
    return np.minimum(result, DECILES)


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def _summary_table(data: ReportInput) -> str:
    head = "".join(f"<th>EE {int(c * 100)}%</th><th>IE {int(c * 100)}%</th>" for c in COVERAGES)
    rows = []
    for result in data.results:
        m = result.metrics
        cells = "".join(
            f"<td>{_percent(m.at(c).exclusion_error)}</td><td>{_percent(m.at(c).inclusion_error)}</td>"
            for c in COVERAGES
        )
        mark = " ★" if result.kind == data.chosen else ""
        rows.append(
            f"<tr><th>{escape(result.kind.value)}{mark}</th><td>{m.r2:.3f}</td><td>{m.spearman:.3f}</td>{cells}</tr>"
        )
    return (
        f"<table><thead><tr><th>model</th><th>R²</th><th>Spearman</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _coverage_chart(data: ReportInput, chosen: CandidateResult) -> str:
    s = data.sample
    series: dict[str, Sequence[tuple[float, float]]] = {}
    for result in data.results:
        if result.kind not in (data.chosen, ModelKind.ols):
            continue
        errors = [targeting_errors(s.target, result.out_of_fold, s.people, c, s.ids) for c in CURVE]
        series[f"{result.kind.value} exclusion"] = [
            (c, e.exclusion_error) for c, e in zip(CURVE, errors, strict=True)
        ]
        series[f"{result.kind.value} inclusion"] = [
            (c, e.inclusion_error) for c, e in zip(CURVE, errors, strict=True)
        ]
    return line_chart(series, "coverage (share of people targeted)", "error rate")


def _province_section(data: ReportInput, chosen: CandidateResult) -> str:
    if data.areas is None:
        return "<p>No area column: no breakdown by province.</p>"
    s = data.sample
    poor = selected_below(s.target, s.people, data.coverage, s.ids)
    picked = selected_below(chosen.out_of_fold, s.people, data.coverage, s.ids)
    bars, rows = [], []
    for area in sorted(set(data.areas.tolist())):
        here = data.areas == area
        truly = s.people[here & poor].sum()
        missed = s.people[here & poor & ~picked].sum() / truly if truly else 0.0
        chosen_here = s.people[here & picked].sum()
        leaked = s.people[here & picked & ~poor].sum() / chosen_here if chosen_here else 0.0
        bars.append((str(area), float(missed)))
        rows.append(
            f"<tr><th>{escape(str(area))}</th><td>{int(here.sum())}</td><td>{_percent(missed)}</td><td>{_percent(leaked)}</td></tr>"
        )
    table = (
        "<table><thead><tr><th>area</th><th>survey households</th><th>exclusion</th><th>inclusion</th>"
        "</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return bar_chart(bars, f"exclusion error at {int(data.coverage * 100)}%") + table


def _confusion(data: ReportInput, chosen: CandidateResult) -> str:
    s = data.sample
    true_decile = deciles_of(s.target, s.people, s.ids)
    predicted_decile = deciles_of(chosen.out_of_fold, s.people, s.ids)
    matrix = np.zeros((DECILES, DECILES))
    np.add.at(matrix, (true_decile - 1, predicted_decile - 1), s.people)
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1e-300)
    head = "".join(f"<th>{d}</th>" for d in range(1, DECILES + 1))
    rows = []
    for t in range(DECILES):
        cells = "".join(
            f'<td style="background: rgba(31,95,139,{shares[t, p]:.2f})">{100 * shares[t, p]:.0f}</td>'
            for p in range(DECILES)
        )
        rows.append(f"<tr><th>{t + 1}</th>{cells}</tr>")
    exact = np.trace(matrix) / matrix.sum()
    within_one = (
        sum(matrix[i, j] for i in range(DECILES) for j in range(DECILES) if abs(i - j) <= 1) / matrix.sum()
    )
    return (
        f"<p>People in the right decile: {_percent(exact)}; within one decile: {_percent(within_one)}. "
        "Rows: true decile; columns: predicted decile; cells: per cent of the row's people.</p>"
        f"<table class='confusion'><thead><tr><th></th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _calibration(data: ReportInput, chosen: CandidateResult) -> str:
    s = data.sample
    predicted_decile = deciles_of(chosen.out_of_fold, s.people, s.ids)
    points = []
    for d in range(1, DECILES + 1):
        rows = predicted_decile == d
        if rows.any():
            w = s.people[rows]
            points.append(
                (
                    float(np.average(chosen.out_of_fold[rows], weights=w)),
                    float(np.average(s.target[rows], weights=w)),
                )
            )
    return line_chart(
        {"mean actual per predicted decile": points},
        "mean predicted log welfare",
        "mean actual log welfare",
        diagonal=True,
        points=True,
    )


def _warnings(data: ReportInput) -> str:
    return "".join(
        '<p class="warning" role="alert">'
        + "<br>".join(f'<span lang="{lang}">{escape(w.render(lang))}</span>' for lang in LANGUAGES)
        + "</p>"
        for w in data.warnings
    )


def render(data: ReportInput) -> str:
    chosen = next(r for r in data.results if r.kind == data.chosen)
    ols = next((r for r in data.results if r.kind == ModelKind.ols), None)
    gain = ""
    if ols is not None and chosen.kind != ModelKind.ols:
        base = ols.metrics.at(data.coverage).exclusion_error
        ours = chosen.metrics.at(data.coverage).exclusion_error
        gain = (
            f"<p>Exclusion error at {int(data.coverage * 100)}%: {_percent(ours)} against {_percent(base)} "
            f"for plain OLS ({100 * (ours - base) / base:+.1f}% relative).</p>"
        )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(data.title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 62rem; color: #222; }}
table {{ border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }}
th, td {{ border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: right; }}
table.confusion td {{ min-width: 2.2rem; }}
.warning {{ border-left: 4px solid #b3261e; background: #fdecea; padding: 0.5rem 0.75rem; }}
</style></head><body>
<h1>{escape(data.title)}</h1>
{_warnings(data)}
<p>{len(data.sample):,} survey households; every figure is out of fold (each household predicted by a model
that did not see it). ★ marks the chosen model (lowest exclusion error at
{int(data.coverage * 100)}% coverage).
EE: exclusion error, the share of the truly poorest not selected; IE: inclusion error, the share of the
selected who are not among the truly poorest. Shares are of people.</p>
{_summary_table(data)}{gain}
<h2>Error rates by coverage</h2>{_coverage_chart(data, chosen)}
<h2>By province (national targeting at {int(data.coverage * 100)}%)</h2>{_province_section(data, chosen)}
<h2>Decile confusion against the survey's welfare</h2>{_confusion(data, chosen)}
<h2>Calibration</h2>{_calibration(data, chosen)}
</body></html>
"""
