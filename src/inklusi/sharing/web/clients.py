"""``/sharing/clients``: partner credentials — the list (never a secret), the issue form (an agreement and a
name; the secret is shown once, on the answer to the form, and never again), rotation (a new secret shown
once; the old one stops) and revocation with a reason (``sharing:manage``)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from inklusi.access.model import Permission, Principal
from inklusi.errors import Conflict, Invalid, NotFound
from inklusi.i18n import msg
from inklusi.sharing import service
from inklusi.sharing.web.forms import FormDep, Refusal, show, text_of
from inklusi.web.pages import page_language
from inklusi.web.session import PagePrincipal, require_csrf

router = APIRouter(include_in_schema=False)


def show_clients(
    request: Request,
    principal: Principal,
    *,
    issued: service.IssuedClient | None = None,
    refusal: Refusal | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    ctx = request.app.state.ctx
    agreements = {info.agreement.id: info for info in service.list_agreements(ctx, principal)}
    return show(
        request,
        "sharing/clients.html",
        status_code=refusal.status if refusal else (201 if issued else 200),
        clients=service.list_clients(ctx, principal),
        agreements=agreements,
        may_manage=principal.can(Permission.sharing_manage),
        issued=issued,
        refusal=refusal,
        values=values or {},
    )


@router.get("/sharing/clients")
def clients_page(request: Request, principal: PagePrincipal) -> Response:
    return show_clients(request, principal)


@router.post("/sharing/clients", dependencies=[Depends(require_csrf)])
def issue(request: Request, principal: PagePrincipal, form: FormDep) -> Response:
    principal.require(Permission.sharing_manage)
    values = {"agreement_id": text_of(form, "agreement_id", 40), "name": text_of(form, "name", 200)}
    try:
        try:
            agreement_id = UUID(values["agreement_id"])
        except ValueError:
            raise NotFound(msg("Agreement {id} not found", id=values["agreement_id"])) from None
        issued = service.issue_client(request.app.state.ctx, principal, agreement_id, name=values["name"])
    except (Invalid, Conflict, NotFound) as error:
        return show_clients(
            request, principal, refusal=Refusal.of(error, page_language(request)), values=values
        )
    return show_clients(request, principal, issued=issued)


@router.post("/sharing/clients/{client_id}/rotate", dependencies=[Depends(require_csrf)])
def rotate(request: Request, principal: PagePrincipal, client_id: str) -> Response:
    principal.require(Permission.sharing_manage)
    try:
        issued = service.rotate_secret(request.app.state.ctx, principal, client_id)
    except Conflict as error:
        return show_clients(request, principal, refusal=Refusal.of(error, page_language(request)))
    return show_clients(request, principal, issued=issued)


@router.post("/sharing/clients/{client_id}/revoke", dependencies=[Depends(require_csrf)])
def revoke(request: Request, principal: PagePrincipal, client_id: str, form: FormDep) -> Response:
    principal.require(Permission.sharing_manage)
    try:
        service.revoke_client(request.app.state.ctx, principal, client_id, reason=text_of(form, "reason"))
    except (Invalid, Conflict) as error:
        return show_clients(request, principal, refusal=Refusal.of(error, page_language(request)))
    return RedirectResponse("/sharing/clients", status_code=303)
