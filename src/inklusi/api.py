"""What every slice's HTTP API shares: the context, the caller, the language, and RFC 9457 errors.

Errors are ``application/problem+json``: ``type``, ``title``, ``status``, ``detail``, ``instance``, plus
``code`` and ``errors`` (every field issue, in Indonesian and English). Titles and details follow the
request's ``Accept-Language`` (Indonesian unless English is preferred).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import OAuth2PasswordBearer
from pydantic import BaseModel

from inklusi.access import service as access
from inklusi.access.model import Principal
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.errors import InklusiError, Invalid, Issue, TooManyRequests, Unauthenticated, status_title
from inklusi.i18n import Language, Text, msg, pick_language

API_PREFIX = "/api/v1"
PROBLEM_JSON = "application/problem+json"


bearer_token = OAuth2PasswordBearer(tokenUrl=f"{API_PREFIX}/auth/token", auto_error=False)


def get_context(request: Request) -> Context:
    return request.app.state.ctx


def get_language(accept_language: Annotated[str | None, Header()] = None) -> Language:
    return pick_language(accept_language)


def current_principal(
    request: Request,
    ctx: Annotated[Context, Depends(get_context)],
    token: Annotated[str | None, Depends(bearer_token)],
) -> Principal:
    if not token:
        raise Unauthenticated(msg("Log in first: send an Authorization: Bearer token"))
    principal = access.principal_for_token(ctx, token)
    request.state.principal = principal  # so a refusal can be audited (app.py)
    return principal


def get_purpose(
    x_inklusi_purpose: Annotated[
        str | None, Header(description="Why the data is read (audited); default registry_view")
    ] = None,
) -> Purpose:
    if x_inklusi_purpose is None:
        return Purpose.registry_view
    try:
        return Purpose(x_inklusi_purpose)
    except ValueError:
        text = msg(
            "Unknown purpose {purpose}; use one of: {known}",
            purpose=x_inklusi_purpose,
            known=", ".join(p.value for p in Purpose),
        )
        raise Invalid(text, [Issue("X-Inklusi-Purpose", "purpose.unknown", text)]) from None


def client_address(request: Request) -> str | None:
    """The client's address, for throttling logins (behind a proxy: run uvicorn with
    ``--forwarded-allow-ips`` so this is the client's, not the proxy's)."""
    return request.client.host if request.client else None


class IssueOut(BaseModel):
    field: str
    code: str
    severity: str
    message: dict[str, str]


class ProblemOut(BaseModel):
    """An RFC 9457 problem detail (``application/problem+json``)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str | None = None
    errors: list[IssueOut] | None = None


def problem_doc(description: str) -> dict[str, object]:
    return {"model": ProblemOut, "description": description, "content": {PROBLEM_JSON: {}}}


# The errors every route may answer with, documented once for the whole API.
PROBLEM_RESPONSES: dict[int | str, dict[str, object]] = {
    400: problem_doc("Bad request"),
    401: problem_doc("Not logged in, or the token is not valid"),
    403: problem_doc("The caller lacks the permission"),
    404: problem_doc("Not found, or outside the caller's area scope (the same answer)"),
    405: problem_doc("Method not allowed"),
    409: problem_doc("Conflict with the current state"),
    422: problem_doc("Invalid input, with every field's issue in Indonesian and English"),
}

ContextDep = Annotated[Context, Depends(get_context)]
PrincipalDep = Annotated[Principal, Depends(current_principal)]
LanguageDep = Annotated[Language, Depends(get_language)]
PurposeDep = Annotated[Purpose, Depends(get_purpose)]


def problem(
    request: Request,
    status: int,
    detail: Text,
    *,
    type_uri: str = "about:blank",
    code: str | None = None,
    issues: tuple[Issue, ...] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    language = pick_language(request.headers.get("accept-language"))
    body: dict[str, object] = {
        "type": type_uri,
        "title": status_title(status).render(language),
        "status": status,
        "detail": detail.render(language),
        "instance": request.url.path,
    }
    if code:
        body["code"] = code
    if issues:
        body["errors"] = [issue.as_dict() for issue in issues]
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def problem_response(request: Request, error: InklusiError) -> JSONResponse:
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, TooManyRequests) else None
    return problem(
        request,
        error.status,
        error.text,
        type_uri=error.type_uri,
        code=error.slug,
        issues=error.issues,
        headers=headers,
    )


def invalid_request(error: RequestValidationError) -> Invalid:
    """FastAPI's validation errors as our own, each with its field (pydantic's words: English only)."""
    issues = tuple(
        Issue(".".join(str(part) for part in item["loc"]), f"request.{item['type']}", Text(item["msg"]))
        for item in error.errors()
    )
    return Invalid(msg("The request is not valid"), issues)
