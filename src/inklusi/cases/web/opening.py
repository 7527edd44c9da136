"""Opening a case (``/cases/new``): for a person of the registry — found by name or NIK within the worker's
scope, or chosen from a person's page — with the cases other organisations already hold of them (so that
nobody is assessed three times), or intake of a person not yet known, registered outside any household.
And breaking the glass (``/cases/break-glass``): a case one has no relation to, opened for a few hours with
a reason, for holders of ``cases:break_glass``."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from inklusi.access.model import Permission, Principal
from inklusi.audit.model import Purpose
from inklusi.cases import service
from inklusi.cases.records import RiskLevel
from inklusi.cases.web import labels
from inklusi.cases.web.case import FormDep
from inklusi.cases.web.forms import Posted, Problems, render_again, shown_in_form
from inklusi.errors import InklusiError, Issue
from inklusi.i18n import Language, msg
from inklusi.ppks import taxonomy
from inklusi.ppks.model import Sensitivity
from inklusi.registry import service as registry
from inklusi.registry.codelists import codelist
from inklusi.registry.model import OutsidePerson, PersonData
from inklusi.web.area_picker import AreaPicker
from inklusi.web.pages import page_language
from inklusi.web.session import PagePrincipal, require_csrf
from inklusi.wilayah import service as wilayah
from inklusi.wilayah.nik import Sex, mask_nik

router = APIRouter(include_in_schema=False)
AreaQuery = Annotated[str, Query(max_length=13)]


class IntakeSex(StrEnum):
    male = "male"
    female = "female"


def _categories(principal: Principal, language: Language) -> dict[str, str]:
    """The PPKS categories the worker may name (sensitive ones with ``ppks:sensitive``)."""
    sensitive = principal.holds(Permission.ppks_sensitive)
    return {
        c.code: c.name.text(language)
        for c in taxonomy.categories()
        if sensitive or c.sensitivity is Sensitivity.personal
    }


def show_new(
    request: Request,
    principal: Principal,
    *,
    q: str = "",
    person_id: UUID | None = None,
    areas: tuple[str, str, str, str] = ("", "", "", ""),
    problems: Problems | None = None,
) -> Response:
    principal.require(Permission.cases_write)
    ctx = request.app.state.ctx
    language = page_language(request)
    searching = principal.holds(Permission.registry_read)
    hits = []
    if q.strip() and searching:
        hits = registry.find_persons(ctx, principal, q.strip(), purpose=Purpose.case_management)
    person = held = None
    if person_id is not None:
        person = registry.get_person(ctx, principal, person_id, purpose=Purpose.case_management)
        held = service.cases_of_person(ctx, principal, person_id)
    places = wilayah.area_names(ctx, {h.village_code for h in hits})
    return render_again(
        request,
        "cases/new.html",
        problems,
        active="cases",
        q=q,
        hits=hits,
        searching=searching,
        places=places,
        person=person,
        held=held,
        picker=AreaPicker.load(ctx, *areas),
        categories=_categories(principal, language),
        situations={str(k): c.label(language) for k, c in codelist("living_situation").codes.items()},
        sexes={"male": labels.sex("male", language), "female": labels.sex("female", language)},
        labels=labels.page_labels(language),
        mask_nik=lambda nik: mask_nik(nik) or "—",
        sex_of=lambda code: codelist("sex").label(code, language),
        may_break_glass=principal.holds(Permission.cases_break_glass),
    )


@router.get("/cases/new")
def new_page(
    request: Request,
    principal: PagePrincipal,
    q: Annotated[str, Query(max_length=100)] = "",
    person_id: UUID | None = None,
    province: AreaQuery = "",
    regency: AreaQuery = "",
    district: AreaQuery = "",
    village: AreaQuery = "",
) -> Response:
    areas = (province, regency, district, village)
    return show_new(request, principal, q=q, person_id=person_id, areas=areas)


@router.post("/cases/new", dependencies=[Depends(require_csrf)])
def open_case(request: Request, principal: PagePrincipal, form: FormDep) -> Response:
    """A person of the registry (``person_id``) or intake (``intake=1`` with the person's particulars)."""
    ctx = request.app.state.ctx
    posted = Posted(form)
    person_id = posted.ident("person_id")
    areas = (posted.text("province"), posted.text("regency"), posted.text("district"), posted.text("village"))
    try:
        risk = posted.choice("risk_level", RiskLevel, required=False)
        follow_up = posted.day("follow_up_on")
        intake = None
        if posted.flag("intake"):
            sex = posted.choice("intake.sex", IntakeSex)
            birth = posted.day("intake.birth_date")
            situation = posted.whole("intake.living_situation")
            if situation is None:
                posted.issues.append(Issue("intake.living_situation", "required", msg("Choose one")))
            area = next((code for code in reversed(areas) if code), "")
            posted.check()
            assert sex is not None and situation is not None
            person = PersonData(
                name=posted.text("intake.name"),
                sex=Sex[sex.value],
                nik=posted.optional("intake.nik"),
                birth_date=birth,
            )
            intake = OutsidePerson(person, area, situation)
        posted.check()
        chosen = posted.texts("categories")
        ref = service.open_case(
            ctx,
            principal,
            person_id=None if intake else person_id,
            intake=intake,
            categories=chosen or None,
            risk_level=risk,
            follow_up_on=follow_up,
        )
    except InklusiError as error:
        if not shown_in_form(error):
            raise
        problems = Problems.of("open", error, page_language(request), posted.values())
        return show_new(request, principal, person_id=person_id, areas=areas, problems=problems)
    return RedirectResponse(f"/cases/{ref.id}", status_code=303)


@router.get("/cases/break-glass")
def break_glass_page(
    request: Request, principal: PagePrincipal, case_id: Annotated[str, Query(max_length=40)] = ""
) -> Response:
    return show_glass(request, principal, case_id=case_id)


def show_glass(
    request: Request, principal: Principal, *, case_id: str = "", problems: Problems | None = None
) -> Response:
    principal.require(Permission.cases_break_glass)
    return render_again(
        request,
        "cases/break_glass.html",
        problems,
        active="cases",
        case_id=case_id,
        hours=request.app.state.ctx.settings.cases_break_glass_hours,
    )


@router.post("/cases/break-glass", dependencies=[Depends(require_csrf)])
def break_glass(request: Request, principal: PagePrincipal, form: FormDep) -> Response:
    posted = Posted(form)
    try:
        case_id = posted.ident("case_id", required=True)
        hours = posted.whole("hours")
        posted.check()
        assert case_id is not None
        service.break_glass(
            request.app.state.ctx, principal, case_id, reason=posted.text("reason"), hours=hours
        )
    except InklusiError as error:
        if not shown_in_form(error):
            raise
        problems = Problems.of("glass", error, page_language(request), posted.values())
        return show_glass(request, principal, case_id=posted.text("case_id"), problems=problems)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)
