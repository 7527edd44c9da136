"""``/api/v1/auth``: OAuth2 password flow with opaque, revocable bearer tokens.

Logins are throttled per account and per client address: past the limits the answer is 429 with
``Retry-After`` until the lockout ends.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.security import OAuth2PasswordRequestForm

from inklusi.access import service
from inklusi.access.schemas import GrantOut, MeOut, TokenOut
from inklusi.api import ContextDep, PrincipalDep, bearer_token, client_address, problem_doc
from inklusi.db import utcnow

router = APIRouter(prefix="/auth", tags=["auth"])
THROTTLED: dict[int | str, dict[str, object]] = {
    429: problem_doc("Too many failed logins: wait for `Retry-After` seconds")
}


@router.post("/token", responses=THROTTLED)
def token(
    request: Request, ctx: ContextDep, form: Annotated[OAuth2PasswordRequestForm, Depends()]
) -> TokenOut:
    """A bearer token. A generated first password must be changed first (403
    ``password-change-required``: ``POST /api/v1/auth/password``)."""
    issued = service.issue_token(ctx, form.username, form.password, address=client_address(request))
    expires_in = int((issued.expires_at - utcnow()).total_seconds())
    return TokenOut(issued.token, "bearer", expires_in)


@router.post("/password", status_code=204, responses=THROTTLED)
def change_password(
    request: Request,
    ctx: ContextDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    new_password: Annotated[str, Form()],
) -> None:
    """Choose a new password, proving the current one; every token of the user ends."""
    service.change_own_password(ctx, username, password, new_password, address=client_address(request))


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
