"""Grievances and appeals (``/grievances``): the queue of the reviewer's area, a grievance with the
household's welfare explanation (each proxy's contribution to its score), its evidence and the decision form
(uphold or dismiss with a note, and whether the household must be re-assessed; never one's own), and the form
through which staff submit a household's grievance (``/grievances/new?household=…``): its ranking, its
exclusion from a list, or another household's inclusion. Every read and decision goes through the programmes
service (scope, audit)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from inklusi.access.model import Permission, Principal
from inklusi.errors import Conflict, Forbidden, Invalid, Issue
from inklusi.i18n import Language, msg
from inklusi.programmes import service
from inklusi.programmes.web.forms import FormDep, Posted, Problems
from inklusi.web.pages import page_language, render
from inklusi.web.session import PagePrincipal, require_csrf
from inklusi.wilayah import service as wilayah

router = APIRouter(include_in_schema=False)
STATUSES = ("submitted", "upheld", "dismissed")
KINDS = ("ranking", "exclusion", "inclusion")


def labels(language: Language) -> dict[str, Any]:
    return {
        "kinds": {
            "ranking": msg("contests its welfare ranking").render(language),
            "exclusion": msg("contests its exclusion from a list").render(language),
            "inclusion": msg("contests another household's inclusion").render(language),
        },
        "status_words": {
            "submitted": msg("waiting for a decision").render(language),
            "upheld": msg("upheld").render(language),
            "dismissed": msg("dismissed").render(language),
        },
    }


def _require_any(principal: Principal) -> None:
    if not principal.holds(Permission.grievances_decide):
        principal.require(Permission.grievances_submit)


@router.get("/grievances")
def queue_page(
    request: Request, principal: PagePrincipal, status: Annotated[str, Query(max_length=12)] = "submitted"
) -> Response:
    _require_any(principal)
    ctx = request.app.state.ctx
    chosen = status if status in STATUSES else "submitted"
    found = service.grievance_queue(ctx, principal, status=chosen)
    return render(
        request,
        "programmes/grievances.html",
        active="grievances",
        grievances=found,
        chosen=chosen,
        statuses=STATUSES,
        places=wilayah.area_names(ctx, {g.village_code for g in found}),
        **labels(page_language(request)),
    )


def show_new(
    request: Request, principal: Principal, values: dict[str, str], problems: Problems | None = None
) -> Response:
    principal.require(Permission.grievances_submit)
    return render(
        request,
        "programmes/grievance_new.html",
        status_code=problems.status if problems else 200,
        active="grievances",
        values=values,
        problems=problems,
        kind_choices=KINDS,
        **labels(page_language(request)),
    )


@router.get("/grievances/new")
def new_page(
    request: Request,
    principal: PagePrincipal,
    household: Annotated[str, Query(max_length=40)] = "",
    list_id: Annotated[str, Query(alias="list", max_length=40)] = "",
    kind: Annotated[str, Query(max_length=12)] = "",
) -> Response:
    return show_new(request, principal, {"household_id": household, "list_id": list_id, "kind": kind})


def _ident(posted: Posted, name: str, *, required: bool) -> UUID | None:
    raw = posted.text(name)
    if not raw:
        if required:
            posted.issues.append(Issue(name, "required", msg("Give the household's id")))
        return None
    try:
        return UUID(raw)
    except ValueError:
        posted.issues.append(Issue(name, "invalid", msg("{value} is not an id", value=raw)))
        return None


@router.post("/grievances", dependencies=[Depends(require_csrf)])
def submit(request: Request, principal: PagePrincipal, form: FormDep) -> Response:
    posted = Posted(form)
    try:
        household_id = _ident(posted, "household_id", required=True)
        list_id = _ident(posted, "list_id", required=False)
        kind = posted.text("kind")
        if kind not in KINDS:
            posted.issues.append(Issue("kind", "required", msg("Choose one")))
        posted.check()
        assert household_id is not None  # checked above
        made = service.submit_grievance(
            request.app.state.ctx,
            principal,
            household_id,
            kind=kind,
            statement=posted.text("statement", 20_000),
            evidence=posted.text("evidence", 20_000),
            list_id=list_id,
        )
    except (Invalid, Conflict) as error:
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        return show_new(request, principal, values, Problems.of(error, page_language(request), form))
    return RedirectResponse(f"/grievances/{made.id}", status_code=303)


def show_grievance(
    request: Request, principal: Principal, grievance_id: UUID, problems: Problems | None = None
) -> Response:
    _require_any(principal)
    ctx = request.app.state.ctx
    language = page_language(request)
    view = service.get_grievance(ctx, principal, grievance_id, language=language)
    g = view.grievance
    own = g.submitted_by is not None and g.submitted_by == principal.user_id
    return render(
        request,
        "programmes/grievance.html",
        status_code=problems.status if problems else 200,
        active="grievances",
        view=view,
        g=g,
        place=wilayah.area_names(ctx, {g.village_code}).get(g.village_code, g.village_code),
        may_decide=principal.can(Permission.grievances_decide, g.village_code) and g.status == "submitted",
        own=own,
        problems=problems,
        **labels(language),
    )


@router.get("/grievances/{grievance_id}")
def grievance_page(request: Request, principal: PagePrincipal, grievance_id: UUID) -> Response:
    return show_grievance(request, principal, grievance_id)


@router.post("/grievances/{grievance_id}/decision", dependencies=[Depends(require_csrf)])
def decide(request: Request, principal: PagePrincipal, grievance_id: UUID, form: FormDep) -> Response:
    posted = Posted(form)
    try:
        outcome = posted.text("outcome")
        if outcome not in ("uphold", "dismiss"):
            posted.issues.append(Issue("outcome", "required", msg("Choose one")))
        posted.check()
        service.decide_grievance(
            request.app.state.ctx,
            principal,
            grievance_id,
            uphold=outcome == "uphold",
            note=posted.text("note", 20_000),
            reassess=posted.text("reassess") in ("1", "on"),
        )
    except (Invalid, Conflict, Forbidden) as error:
        if isinstance(error, Forbidden) and not principal.holds(Permission.grievances_decide):
            raise
        return show_grievance(
            request, principal, grievance_id, Problems.of(error, page_language(request), form)
        )
    return RedirectResponse(f"/grievances/{grievance_id}", status_code=303)
