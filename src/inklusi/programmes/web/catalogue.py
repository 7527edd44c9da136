"""The programmes (``/programmes``: the shipped and stored programmes, the saved scenarios to compare) and a
programme's scenario builder (``/programmes/{name}``): its rules, a form to change the budget, the decile
cut-off and the quota, and the simulation over the current registry — figures, a province map of coverage,
bars by decile and PPKS category, the budget curve — which the planner saves as a scenario."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from inklusi.access.model import Permission, Principal
from inklusi.errors import Conflict, Invalid, Issue
from inklusi.i18n import Language, msg
from inklusi.ppks import taxonomy
from inklusi.programmes import service
from inklusi.programmes.spec import ProgrammeSpec, spec_from_json
from inklusi.programmes.web.forms import FormDep, Posted, Problems
from inklusi.programmes.web.results import outcome_view, rupiah
from inklusi.web.pages import page_language, render
from inklusi.web.session import PagePrincipal, require_csrf

router = APIRouter(include_in_schema=False)
LEVELS = ("national", "province", "regency")
QUOTA_BASES = ("population", "poor")


@router.get("/programmes")
def programmes_page(request: Request, principal: PagePrincipal) -> Response:
    principal.require(Permission.programmes_read)
    ctx = request.app.state.ctx
    return render(
        request,
        "programmes/index.html",
        active="programmes",
        programmes=service.list_programmes(ctx, principal),
        scenarios=service.list_scenarios(ctx, principal),
        rupiah=lambda value: rupiah(value, page_language(request)),
    )


COMPONENTS = {
    "children_0_6": msg("a child aged 0 to 6"),
    "children_sd": msg("a child of primary school age (7 to 12)"),
    "children_smp": msg("a child of junior secondary school age (13 to 15)"),
    "children_sma": msg("a child of senior secondary school age (16 to 18)"),
    "elderly": msg("aged 60 or more"),
    "disabled": msg("living with a severe disability"),
    "pregnant": msg("pregnant (not recorded in the registry)"),
    "members": msg("any member"),
}


def _choices(language: Language) -> dict[str, Any]:
    names = {c.code: c.name.text(language) for c in taxonomy.categories()}
    return {
        "components": lambda found: ", ".join(
            COMPONENTS[str(c)].render(language) if str(c) in COMPONENTS else str(c) for c in found
        ),
        "categories": lambda found: ", ".join(names.get(c, c) for c in found),
        "levels": {
            "national": msg("national").render(language),
            "province": msg("within the province").render(language),
            "regency": msg("within the regency").render(language),
        },
        "bases": {
            "": msg("no quota: the poorest first, nationwide").render(language),
            "population": msg("by province, in proportion to population").render(language),
            "poor": msg("by province, in proportion to the expected poor").render(language),
            "fixed": msg("fixed numbers, as in the programme's rules").render(language),
        },
    }


def _defaults(spec: ProgrammeSpec) -> dict[str, str]:
    """The form's values for a programme as defined."""
    decile = spec.eligibility.decile
    quota = spec.quota
    return {
        "budget": str(round(spec.budget)) if spec.budget is not None else "",
        "decile_max": str(decile.max) if decile else "",
        "decile_level": decile.level if decile else "national",
        "quota_basis": quota.basis if quota else "",
        "quota_total": str(quota.total) if quota and quota.total is not None else "",
    }


def show_builder(
    request: Request,
    principal: Principal,
    name: str,
    *,
    values: dict[str, str] | None = None,
    result: dict[str, Any] | None = None,
    problems: Problems | None = None,
) -> Response:
    principal.require(Permission.programmes_read)
    ctx = request.app.state.ctx
    language = page_language(request)
    info = service.get_programme(ctx, principal, name)
    return render(
        request,
        "programmes/programme.html",
        status_code=problems.status if problems else 200,
        active="programmes",
        info=info,
        spec=info.spec,
        values=values or _defaults(info.spec),
        result=result,
        problems=problems,
        scenarios=service.list_scenarios(ctx, principal, programme=name),
        may_simulate=principal.holds(Permission.programmes_manage),
        rupiah=lambda value: rupiah(value, language),
        **_choices(language),
    )


@router.get("/programmes/{name}")
def programme_page(request: Request, principal: PagePrincipal, name: str) -> Response:
    return show_builder(request, principal, name)


def adjusted(spec: ProgrammeSpec, posted: Posted) -> tuple[ProgrammeSpec, float | None]:
    """The programme with the form's budget, decile cut-off and quota (checked as any spec is)."""
    budget = posted.amount("budget")
    decile_max = posted.whole("decile_max", 1, 10)
    level = posted.text("decile_level") or "national"
    basis = posted.text("quota_basis")
    total = posted.whole("quota_total", 1, 100_000_000)
    if level not in LEVELS:
        posted.issues.append(_issue("decile_level"))
    if basis and basis not in (*QUOTA_BASES, "fixed"):
        posted.issues.append(_issue("quota_basis"))
    posted.check()
    data = spec.model_dump(mode="json")
    data["budget"] = budget
    data["eligibility"]["decile"] = {"level": level, "max": decile_max} if decile_max else None
    if not basis:
        data["quota"] = None
    elif basis in QUOTA_BASES:
        data["quota"] = {"basis": basis, "level": "province", "total": total}
    return spec_from_json(json.dumps(data)), budget


def _issue(name: str) -> Issue:
    return Issue(name, "invalid", msg("Choose one of the options"))


def _simulate(request: Request, principal: Principal, name: str, form, *, save_as: str | None) -> Any:
    ctx = request.app.state.ctx
    principal.require(Permission.programmes_manage)
    spec, budget = adjusted(service.get_programme(ctx, principal, name).spec, Posted(form))
    return spec, service.simulate_registry(
        ctx, principal, [spec], budgets={spec.name: budget}, save_as=save_as
    )


def _values(form) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


@router.post("/programmes/{name}/simulate", dependencies=[Depends(require_csrf)])
def simulate(request: Request, principal: PagePrincipal, name: str, form: FormDep) -> Response:
    """The simulation's results: the results part alone for HTMX, else the whole page."""
    language = page_language(request)
    partial = bool(request.headers.get("HX-Request"))
    try:
        spec, simulated = _simulate(request, principal, name, form, save_as=None)
    except (Invalid, Conflict) as error:
        problems = Problems.of(error, language, form)
        if partial:
            return render(
                request,
                "programmes/_simulation.html",
                status_code=200,
                problems=problems,
                result=None,
                values=_values(form),
                spec=None,
                may_simulate=True,
            )
        return show_builder(request, principal, name, values=_values(form), problems=problems)
    outcome = simulated.simulation.outcome(spec.name).as_dict()
    result = outcome_view(request.app.state.ctx, outcome, language)
    result["simulated"] = simulated
    if partial:
        return render(
            request,
            "programmes/_simulation.html",
            result=result,
            values=_values(form),
            spec=spec,
            problems=None,
            may_simulate=True,
        )
    return show_builder(request, principal, name, values=_values(form), result=result)


@router.post("/programmes/{name}/scenarios", dependencies=[Depends(require_csrf)])
def save_scenario(request: Request, principal: PagePrincipal, name: str, form: FormDep) -> Response:
    """Simulate again and save the result as a named scenario; then its page (the comparison view)."""
    language = page_language(request)
    title = Posted(form).text("scenario_name", 200)
    try:
        if not title:
            raise Invalid(
                msg("The scenario was not saved"), [Issue("scenario_name", "required", msg("Give a name"))]
            )
        spec, simulated = _simulate(request, principal, name, form, save_as=title)
    except (Invalid, Conflict) as error:
        return show_builder(
            request, principal, name, values=_values(form), problems=Problems.of(error, language, form)
        )
    scenario_id = simulated.scenario_ids[spec.name]
    return RedirectResponse(
        "/programmes/compare?" + urlencode({"scenario": str(scenario_id)}), status_code=303
    )
