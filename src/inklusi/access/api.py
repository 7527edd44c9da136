"""``/api/v1/auth``: OAuth2 password flow with opaque, revocable bearer tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from inklusi.access import service
from inklusi.access.schemas import GrantOut, MeOut, TokenOut
from inklusi.api import ContextDep, PrincipalDep, bearer_token
from inklusi.db import utcnow

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token")
def token(ctx: ContextDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> TokenOut:
    issued = service.issue_token(ctx, form.username, form.password)
    expires_in = int((issued.expires_at - utcnow()).total_seconds())
    return TokenOut(issued.token, "bearer", expires_in)


@router.post("/logout", status_code=204)
def logout(ctx: ContextDep, _principal: PrincipalDep, bearer: Annotated[str, Depends(bearer_token)]) -> None:
    service.revoke_token(ctx, bearer)


@router.get("/me")
def me(principal: PrincipalDep) -> MeOut:
    return MeOut(
        username=principal.username,
        display_name=principal.display_name,
        organisation_id=str(principal.organisation_id) if principal.organisation_id else None,
        language=principal.language,
        grants=[GrantOut(g.role, g.area_code) for g in principal.grants],
    )
