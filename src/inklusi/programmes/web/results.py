"""What a simulation's outcome looks like on a page: its key figures, the province map of coverage, the bars
by decile and by PPKS category, and the budget curve. Built from ``Outcome.as_dict()`` (what a scenario
stores), so a fresh simulation and a saved scenario are shown by the same code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from babel.numbers import format_compact_decimal, format_decimal
from markupsafe import Markup

from inklusi.context import Context
from inklusi.i18n import BABEL_LOCALES, Language, msg
from inklusi.ppks import taxonomy
from inklusi.web import charts, maps
from inklusi.wilayah import boundaries
from inklusi.wilayah import service as wilayah

Outcome = Mapping[str, Any]
POOREST = (10, 20, 40)


def rupiah(value: float | None, language: Language) -> str:
    """An amount in whole Rupiah: "Rp 2.400.000" (id), "Rp 2,400,000" (en)."""
    if value is None:
        return "–"
    return "Rp " + format_decimal(round(value), locale=BABEL_LOCALES[language])


def rupiah_short(value: float, language: Language) -> str:
    """An axis label: "Rp 3,4 M" (miliar) in Indonesian, "Rp 3.4B" in English."""
    short = format_compact_decimal(
        value, format_type="short", locale=BABEL_LOCALES[language], fraction_digits=1
    )
    return "Rp " + short


def share(value: float | None, language: Language) -> str:
    """A share (0..1) in per cent, one decimal: "37,5 %"."""
    if value is None:
        return "–"
    return format_decimal(round(100 * value, 1), format="#,##0.0", locale=BABEL_LOCALES[language]) + " %"


def coverage(outcome: Outcome, poorest: int) -> float | None:
    """The coverage of the poorest ``poorest`` % (JSON keys are text)."""
    found = outcome.get("coverage_poorest") or {}
    value = found.get(poorest, found.get(str(poorest)))
    return float(value) if value is not None else None


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    key: str


def figures(outcome: Outcome, language: Language) -> list[Figure]:
    """The key figures, in the order a planner reads them."""

    def number(value: Any) -> str:
        return maps.number(int(value), language) if value is not None else "–"

    budget = outcome.get("budget")
    found = [
        Figure(
            msg("Budget per year").render(language),
            rupiah(budget, language) if budget is not None else msg("no limit").render(language),
            "budget",
        ),
        Figure(msg("Eligible households").render(language), number(outcome.get("eligible")), "eligible"),
        Figure(
            msg("Beneficiary households").render(language),
            number(outcome.get("beneficiaries")),
            "beneficiaries",
        ),
        Figure(msg("People in them").render(language), number(outcome.get("people")), "people"),
        Figure(msg("Cost per year").render(language), rupiah(outcome.get("cost"), language), "cost"),
    ]
    for key, label in (
        ("expected_inclusion_error", msg("Expected inclusion error")),
        ("expected_exclusion_error", msg("Expected exclusion error")),
        ("measured_inclusion_error", msg("Measured inclusion error")),
        ("measured_exclusion_error", msg("Measured exclusion error")),
    ):
        if outcome.get(key) is not None:
            found.append(Figure(label.render(language), share(outcome[key], language), key))
    for poorest in POOREST:
        found.append(
            Figure(
                msg("Coverage of the poorest {p} %", p=poorest).render(language),
                share(coverage(outcome, poorest), language),
                f"coverage_{poorest}",
            )
        )
    return found


def area_rows(outcome: Outcome, names: Mapping[str, str], language: Language) -> list[dict[str, str]]:
    """The table beside the map: each province's households, beneficiaries, cost and coverage."""
    rows = []
    for row in sorted(outcome.get("by_area") or (), key=lambda r: r["code"]):
        rows.append(
            {
                "code": row["code"],
                "name": names.get(row["code"], row["code"]),
                "households": maps.number(int(row.get("households") or 0), language),
                "eligible": maps.number(int(row.get("eligible") or 0), language),
                "beneficiaries": maps.number(int(row.get("beneficiaries") or 0), language),
                "cost": rupiah(row.get("cost"), language),
                "coverage": share(row.get("coverage_poorest_40"), language),
            }
        )
    return rows


def coverage_map(outcome: Outcome, names: Mapping[str, str], language: Language, ident: str) -> Markup | None:
    """The provinces coloured by the share of their poorest 40 % covered (whole per cent)."""
    rows = [row for row in outcome.get("by_area") or () if len(str(row["code"])) == 2]
    if not rows:
        return None
    layer = boundaries.provinces()
    values = {
        row["code"]: maps.AreaValue(
            row["code"],
            names.get(row["code"], row["code"]),
            round(100 * row["coverage_poorest_40"]) if row.get("coverage_poorest_40") is not None else None,
        )
        for row in rows
    }
    label = msg("Map: coverage of the poorest 40 % by province, in per cent").render(language)
    svg = maps.choropleth(layer, values, label=label, language=language, ident=f"{ident}-map")
    legend = maps.legend_html(
        maps.legend(list(values.values()), language), caption=msg("Legend").render(language)
    )
    return Markup(svg + legend)  # built by maps, which escapes every text it is given


def decile_bars(outcome: Outcome, language: Language, ident: str) -> Markup:
    rows = sorted(outcome.get("by_decile") or (), key=lambda r: (r["decile"] is None, r["decile"] or 0))
    bars = [
        charts.Bar(
            msg("Decile {d}", d=row["decile"]).render(language)
            if row["decile"] is not None
            else msg("Not ranked").render(language),
            int(row.get("beneficiaries") or 0),
            key=str(row["decile"] or "unranked"),
        )
        for row in rows
    ]
    return Markup(
        charts.bar_table(
            bars,
            caption=msg("Beneficiary households by national decile").render(language),
            label_header=msg("Decile").render(language),
            value_header=msg("Households").render(language),
            language=language,
            ident=f"{ident}-deciles",
        )
    )


def category_bars(outcome: Outcome, language: Language, ident: str) -> Markup | None:
    rows = outcome.get("by_category") or ()
    if not rows:
        return None
    names = {c.code: c.name.text(language) for c in taxonomy.categories()}
    bars = [
        charts.Bar(
            names.get(row["category"], row["category"]),
            int(row.get("beneficiaries") or 0),
            key=row["category"],
        )
        for row in rows
    ]
    return Markup(
        charts.bar_table(
            charts.ranked(bars),
            caption=msg("Beneficiary households with a member in a PPKS category").render(language),
            label_header=msg("Category").render(language),
            value_header=msg("Households").render(language),
            language=language,
            ident=f"{ident}-categories",
        )
    )


def budget_curve(outcome: Outcome, language: Language, ident: str) -> Markup | None:
    points = sorted(outcome.get("budget_curve") or (), key=lambda p: p["budget"])
    if not points:
        return None
    series = [
        charts.Series(
            msg("Poorest {p} %", p=poorest).render(language),
            tuple((float(p["budget"]), float(p[f"coverage_{poorest}"] or 0)) for p in points),
        )
        for poorest in POOREST
    ]
    return Markup(  # built by charts, which escapes every text it is given
        charts.line_chart(
            series,
            caption=msg("Budget curve: coverage of the poorest households by yearly budget").render(language),
            x_label=msg("Budget per year").render(language),
            y_label=msg("Coverage").render(language),
            x_format=lambda value: rupiah_short(value, language),
            y_format=lambda value: share(value, language),
            ident=f"{ident}-curve",
            y_max=1.0,
        )
    )


def outcome_view(ctx: Context, outcome: Outcome, language: Language, ident: str = "result") -> dict[str, Any]:
    """Everything the ``_outcome.html`` template shows of one outcome."""
    names = wilayah.area_names(ctx, {str(row["code"]) for row in outcome.get("by_area") or ()})
    shortfalls = outcome.get("quota_shortfalls") or {}
    return {
        "ident": ident,
        "outcome": outcome,
        "figures": figures(outcome, language),
        "areas": area_rows(outcome, names, language),
        "map": coverage_map(outcome, names, language, ident),
        "deciles": decile_bars(outcome, language, ident),
        "categories": category_bars(outcome, language, ident),
        "curve": budget_curve(outcome, language, ident),
        "over_budget": bool(outcome.get("over_budget")),
        "shortfalls": [
            f"{names.get(code, code)}: {maps.number(int(n), language)}" for code, n in shortfalls.items()
        ],
        "gaps": list(outcome.get("gaps") or ()),
        "credit": boundaries.provinces().credit,
        # here, not in the template: a template's messages are %-formatted, and these hold a per cent sign
        "where_title": msg("Where: coverage of the poorest 40 % by province").render(language),
        "coverage_header": msg("Coverage of the poorest {p} %", p=40).render(language),
    }
