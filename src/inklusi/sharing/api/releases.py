"""``/api/v1/sharing/releases``: released tables (differentially private, suppressed) and the privacy-budget
ledger. Every rule (permission, budget, audit) is the service's (``docs/sharing-releases.md``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Response

from inklusi.api import ContextDep, PrincipalDep
from inklusi.sharing import service
from inklusi.sharing.schemas.releases import ReleaseRequest

router = APIRouter(tags=["sharing"])


def release_out(release: service.ReleasedTable) -> dict[str, Any]:
    data = asdict(release)
    data["rows"] = [{"code": code, "name": name} for code, name in release.rows]
    data["columns"] = [asdict(c) for c in release.columns]
    data["values"] = [list(v) for v in release.values]
    return data


def file_response(exported: service.ReleaseExport) -> Response:
    disposition = f'attachment; filename="{exported.filename}"'
    return Response(
        exported.content, media_type=exported.media_type, headers={"Content-Disposition": disposition}
    )


def budget_out(line: service.BudgetLine) -> dict[str, Any]:
    return {**asdict(line), "left": line.left}


@router.post("/sharing/releases", status_code=201)
def create(
    ctx: ContextDep, principal: PrincipalDep, body: ReleaseRequest, response: Response
) -> dict[str, Any]:
    """Release a table (``sharing:release``): 201 with the new table, or 200 with the stored one when the
    same was released before (never noised again). 409 when it would exceed the privacy budget."""
    created = service.create_release(
        ctx,
        principal,
        dataset=body.dataset,
        level=body.level,
        epsilon=body.epsilon,
        agreement_id=body.agreement_id,
        categories=body.categories,
    )
    if not created.created:
        response.status_code = 200
    return release_out(created.release)


@router.get("/sharing/releases")
def releases(ctx: ContextDep, principal: PrincipalDep) -> dict[str, Any]:
    """The stored releases (newest first) and the ledger: budget spent and left per dataset and agreement."""
    return {
        "releases": [asdict(r) for r in service.list_releases(ctx, principal)],
        "budgets": [budget_out(b) for b in service.budget_lines(ctx, principal)],
    }


@router.get("/sharing/releases/{release_id}")
def release(ctx: ContextDep, principal: PrincipalDep, release_id: UUID) -> dict[str, Any]:
    """A stored table: published entries (null where suppressed), epsilon and the noise's accuracy."""
    return release_out(service.get_release(ctx, principal, release_id))


@router.get("/sharing/releases/{release_id}/export")
def export(ctx: ContextDep, principal: PrincipalDep, release_id: UUID) -> Response:
    """The stored table as CSV ("x" where suppressed): the same bytes on every request."""
    return file_response(service.export_release(ctx, principal, release_id))
