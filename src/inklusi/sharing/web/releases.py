"""Released tables (``/sharing/releases``): the ledger (budget spent and left per dataset and agreement),
the stored releases and the form that releases a table (``sharing:release``); a release's page shows the
table as published (``x`` where suppressed), its epsilon and the noise's accuracy, and offers the CSV. Every
read and release goes through the sharing service; a refused form is shown above the form, never as an
error page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from inklusi.access.model import Permission, Principal
from inklusi.errors import InklusiError, Invalid, Issue
from inklusi.i18n import Language, msg
from inklusi.sharing import service
from inklusi.sharing.web.forms import show
from inklusi.web.pages import page_language
from inklusi.web.session import PagePrincipal, require_csrf

router = APIRouter(include_in_schema=False)


async def _form(request: Request) -> FormData:
    return await request.form()


FormDep = Annotated[FormData, Depends(_form)]


@dataclass(frozen=True)
class Problems:
    """A refused form: the message, each field's first issue and the values typed."""

    status: int
    message: str
    fields: dict[str, str]
    posted: dict[str, str]

    @classmethod
    def of(cls, error: InklusiError, language: Language, posted: dict[str, str]) -> Problems:
        fields: dict[str, str] = {}
        for issue in error.issues:
            fields.setdefault(issue.field, issue.text.render(language))
        return cls(error.status, error.text.render(language), fields, posted)


def _list(request: Request, principal: Principal, problems: Problems | None = None) -> Response:
    ctx = request.app.state.ctx
    language = page_language(request)
    return show(
        request,
        "sharing/releases.html",
        status_code=problems.status if problems else 200,
        releases=service.list_releases(ctx, principal),
        budgets=service.budget_lines(ctx, principal),
        datasets={name: text.render(language) for name, text in service.DATASET_NAMES.items()},
        levels=list(service.LEVELS),
        may_release=principal.can(Permission.sharing_release),
        problems=problems,
    )


@router.get("/sharing/releases")
def releases_page(request: Request, principal: PagePrincipal) -> Response:
    return _list(request, principal)


@router.post("/sharing/releases", dependencies=[Depends(require_csrf)])
def release(request: Request, principal: PagePrincipal, form: FormDep) -> Response:
    principal.require(Permission.sharing_release)
    ctx = request.app.state.ctx
    posted = {k: v.strip()[:200] for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    try:
        epsilon, agreement = _epsilon(posted.get("epsilon", "")), _agreement(posted.get("agreement_id", ""))
        made = service.create_release(
            ctx,
            principal,
            dataset=posted.get("dataset", ""),
            level=posted.get("level", "province"),
            epsilon=epsilon,
            agreement_id=agreement,
        )
    except InklusiError as error:
        if error.status >= 500:
            raise
        return _list(request, principal, Problems.of(error, page_language(request), posted))
    return RedirectResponse(f"/sharing/releases/{made.release.id}", status_code=303)


def _epsilon(raw: str) -> float:
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        text = msg("{value} is not a number", value=raw)
        raise Invalid(text, [Issue("epsilon", "invalid", text)]) from None


def _agreement(raw: str) -> UUID | None:
    if not raw:
        return None
    try:
        return UUID(raw)
    except ValueError:
        text = msg("{value} is not an id", value=raw)
        raise Invalid(text, [Issue("agreement_id", "invalid", text)]) from None


@router.get("/sharing/releases/{release_id}")
def release_page(request: Request, principal: PagePrincipal, release_id: UUID) -> Response:
    ctx = request.app.state.ctx
    found = service.get_release(ctx, principal, release_id)
    language = page_language(request)
    return show(
        request,
        "sharing/release.html",
        release=found,
        dataset_name=service.DATASET_NAMES[found.dataset].render(language),
        columns=[c.label(language) for c in found.columns],
        rows=[*found.rows, ("", "")],
    )


@router.get("/sharing/releases/{release_id}/export")
def export(request: Request, principal: PagePrincipal, release_id: UUID) -> Response:
    exported = service.export_release(request.app.state.ctx, principal, release_id)
    disposition = {"Content-Disposition": f'attachment; filename="{exported.filename}"'}
    return Response(exported.content, media_type=exported.media_type, headers=disposition)
