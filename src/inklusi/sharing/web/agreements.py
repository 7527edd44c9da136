"""``/sharing/agreements``: the agreements (their state today, partner, operations and quotas, row scope,
fields with transforms, usage today), the draft form (``sharing:manage``), an agreement's page with its
approval (``sharing:approve``, never by who drafted it) and revocation with a reason. Every read and
change goes through the sharing service; forms post with the CSRF token and show a refusal in the form."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from inklusi.access import service as access
from inklusi.access.model import Permission, Principal
from inklusi.errors import Conflict, Forbidden, Invalid, Issue
from inklusi.i18n import msg
from inklusi.ppks import taxonomy
from inklusi.ppks.model import Sensitivity
from inklusi.sharing import service
from inklusi.sharing.model import DECILES, FIELDS, AgreementTerms, Operation, Transform
from inklusi.sharing.web.forms import FormDep, Refusal, show, text_of
from inklusi.web.pages import page_language
from inklusi.web.session import PagePrincipal, require_csrf

router = APIRouter(include_in_schema=False)


def _choices(request: Request) -> dict[str, Any]:
    language = page_language(request)
    return {
        "operations": list(Operation),
        "transforms": list(Transform),
        "fields": {name: spec.label.render(language) for name, spec in FIELDS.items()},
        "field_levels": {name: spec.level.value for name, spec in FIELDS.items()},
        "field_transforms": {name: [t.value for t in spec.transforms] for name, spec in FIELDS.items()},
        "deciles": DECILES,
        "categories": [(c.code, c.name.text(language), c.sensitivity.value) for c in taxonomy.categories()],
        "ceilings": list(Sensitivity),
    }


def show_list(
    request: Request,
    principal: Principal,
    values: dict[str, Any] | None = None,
    refusal: Refusal | None = None,
) -> Response:
    ctx = request.app.state.ctx
    agreements = service.list_agreements(ctx, principal)
    may_draft = principal.can(Permission.sharing_manage)
    return show(
        request,
        "sharing/agreements.html",
        status_code=refusal.status if refusal else 200,
        agreements=agreements,
        may_draft=may_draft,
        organisations=sorted(access.organisation_names(ctx).items(), key=lambda item: item[1])
        if may_draft
        else [],
        values=values or {},
        refusal=refusal,
        **_choices(request),
    )


@router.get("/sharing/agreements")
def agreements_page(request: Request, principal: PagePrincipal) -> Response:
    return show_list(request, principal)


def _day(form: FormData, name: str, issues: list[Issue]) -> date:
    try:
        return date.fromisoformat(text_of(form, name, 10))
    except ValueError:
        issues.append(Issue(name, "date", msg("Give a date")))
        return date.min


def _whole(form: FormData, name: str, issues: list[Issue], default: int = 0) -> int:
    raw = text_of(form, name, 12).replace(".", "")
    if not raw:
        return default
    if not raw.isdigit():
        issues.append(Issue(name, "invalid", msg("{value} is not an amount", value=raw)))
        return default
    return int(raw)


def terms_of(form: FormData) -> AgreementTerms:
    """The draft form as terms; what cannot be read is an issue naming its field."""
    issues: list[Issue] = []
    try:
        organisation_id = UUID(text_of(form, "organisation_id", 40))
    except ValueError:
        issues.append(Issue("organisation_id", "required", msg("Choose one")))
        organisation_id = UUID(int=0)
    operations = {
        op: _whole(form, f"quota_{op.value}", issues, 1000) for op in Operation if form.get(f"op_{op.value}")
    }
    transforms = {t.value for t in Transform}
    chosen = {name: text_of(form, f"field_{name}", 20) for name in FIELDS}
    fields = {name: Transform(value) for name, value in chosen.items() if value in transforms}
    deciles = tuple(int(d) for d in form.getlist("deciles") if isinstance(d, str) and d.isdigit())
    categories = tuple(c for c in form.getlist("ppks_categories") if isinstance(c, str))
    ceiling = text_of(form, "sensitivity_ceiling", 20)
    terms = AgreementTerms(
        organisation_id=organisation_id,
        name=text_of(form, "name", 200),
        purpose=text_of(form, "purpose", 4000),
        legal_basis=text_of(form, "legal_basis", 4000),
        operations=operations,
        areas=tuple(
            a.strip() for a in text_of(form, "areas", 2000).replace(";", ",").split(",") if a.strip()
        ),
        deciles=deciles,
        ppks_categories=categories,
        fields=fields,
        sensitivity_ceiling=Sensitivity(ceiling)
        if ceiling in {s.value for s in Sensitivity}
        else Sensitivity.personal,
        valid_from=_day(form, "valid_from", issues),
        valid_to=_day(form, "valid_to", issues),
        retention_days=_whole(form, "retention_days", issues, 365),
        rate_per_minute=_whole(form, "rate_per_minute", issues, 60),
    )
    if issues:
        raise Invalid(msg("The agreement's terms are not valid"), issues)
    return terms


@router.post("/sharing/agreements", dependencies=[Depends(require_csrf)])
def draft(request: Request, principal: PagePrincipal, form: FormDep) -> Response:
    principal.require(Permission.sharing_manage)
    try:
        made = service.draft_agreement(request.app.state.ctx, principal, terms_of(form))
    except Invalid as error:
        values: dict[str, Any] = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
        values["deciles"] = form.getlist("deciles")
        values["ppks_categories"] = form.getlist("ppks_categories")
        return show_list(request, principal, values, Refusal.of(error, page_language(request)))
    return RedirectResponse(f"/sharing/agreements/{made.id}", status_code=303)


def show_agreement(
    request: Request, principal: Principal, agreement_id: UUID, refusal: Refusal | None = None
) -> Response:
    ctx = request.app.state.ctx
    info = service.get_agreement(ctx, principal, agreement_id)
    agreement = info.agreement
    return show(
        request,
        "sharing/agreement.html",
        status_code=refusal.status if refusal else 200,
        info=info,
        a=agreement,
        may_approve=principal.can(Permission.sharing_approve)
        and agreement.status.value == "draft"
        and agreement.drafted_by != principal.user_id,
        own_draft=agreement.drafted_by is not None and agreement.drafted_by == principal.user_id,
        may_revoke=principal.can(Permission.sharing_manage) and agreement.status.value != "revoked",
        refusal=refusal,
        names=access.display_names(
            ctx, {u for u in (agreement.drafted_by, agreement.approved_by) if u is not None}
        ),
        **_choices(request),
    )


@router.get("/sharing/agreements/{agreement_id}")
def agreement_page(request: Request, principal: PagePrincipal, agreement_id: UUID) -> Response:
    return show_agreement(request, principal, agreement_id)


@router.post("/sharing/agreements/{agreement_id}/approve", dependencies=[Depends(require_csrf)])
def approve(request: Request, principal: PagePrincipal, agreement_id: UUID) -> Response:
    principal.require(Permission.sharing_approve)
    try:
        service.approve_agreement(request.app.state.ctx, principal, agreement_id)
    except (Conflict, Forbidden) as error:
        return show_agreement(request, principal, agreement_id, Refusal.of(error, page_language(request)))
    return RedirectResponse(f"/sharing/agreements/{agreement_id}", status_code=303)


@router.post("/sharing/agreements/{agreement_id}/revoke", dependencies=[Depends(require_csrf)])
def revoke(request: Request, principal: PagePrincipal, agreement_id: UUID, form: FormDep) -> Response:
    principal.require(Permission.sharing_manage)
    try:
        service.revoke_agreement(
            request.app.state.ctx, principal, agreement_id, reason=text_of(form, "reason")
        )
    except (Invalid, Conflict) as error:
        return show_agreement(request, principal, agreement_id, Refusal.of(error, page_language(request)))
    return RedirectResponse(f"/sharing/agreements/{agreement_id}", status_code=303)
