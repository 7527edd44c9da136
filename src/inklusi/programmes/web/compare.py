"""Saved scenarios side by side (``/programmes/compare?scenario=…&scenario=…``): their key figures in one
table, the coverage of the poorest 40 % against the budget for each in one chart, and — for one scenario
alone — its whole outcome (map, bars, curve): a scenario's own page."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from inklusi.access.model import Permission
from inklusi.i18n import msg
from inklusi.programmes import service
from inklusi.programmes.web.results import figures, outcome_view, rupiah, rupiah_short, share
from inklusi.web import charts
from inklusi.web.pages import page_language, render
from inklusi.web.session import PagePrincipal

router = APIRouter(include_in_schema=False)
MAX_COMPARED = 6


@router.get("/programmes/compare")
def compare_page(
    request: Request,
    principal: PagePrincipal,
    scenario: Annotated[list[UUID] | None, Query(max_length=MAX_COMPARED)] = None,
) -> Response:
    principal.require(Permission.programmes_read)
    ctx = request.app.state.ctx
    language = page_language(request)
    chosen = [service.get_scenario(ctx, principal, sid) for sid in dict.fromkeys(scenario or ())]
    rows: list[tuple[str, str, list[str]]] = []
    if chosen:
        columns = [figures(s.outcome, language) for s in chosen]
        for index, first in enumerate(columns[0]):
            rows.append((first.key, first.label, [column[index].value for column in columns]))
    curve = None
    curves = [
        charts.Series(s.name, tuple((float(p["budget"]), float(p["coverage_40"] or 0)) for p in points))
        for s in chosen
        if (points := sorted(s.outcome.get("budget_curve") or (), key=lambda p: p["budget"]))
    ]
    if len(chosen) > 1 and curves:
        curve = Markup(  # built by charts, which escapes every text it is given
            charts.line_chart(
                curves,
                caption=msg("Coverage of the poorest 40 % by yearly budget, per scenario").render(language),
                x_label=msg("Budget per year").render(language),
                y_label=msg("Coverage").render(language),
                x_format=lambda value: rupiah_short(value, language),
                y_format=lambda value: share(value, language),
                ident="compare-curve",
                y_max=1.0,
            )
        )
    single = outcome_view(ctx, chosen[0].outcome, language) if len(chosen) == 1 else None
    return render(
        request,
        "programmes/compare.html",
        active="programmes",
        chosen=chosen,
        rows=rows,
        curve=curve,
        result=single,
        scenarios=service.list_scenarios(ctx, principal),
        rupiah=lambda value: rupiah(value, language),
    )
