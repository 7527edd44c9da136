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

from inklusi.access import service as access
from inklusi.access.model import Principal
from inklusi.audit.model import Purpose
from inklusi.context import Context
from inklusi.errors import InklusiError, Invalid, Issue, Unauthenticated, status_title
from inklusi.i18n import Language, Text, msg, pick_language

API_PREFIX = "/api/v1"
PROBLEM_JSON = "application/problem+json"


bearer_token = OAuth2PasswordBearer(tokenUrl=f"{API_PREFIX}/auth/token", auto_error=False)


def get_context(request: Request) -> Context:
    return request.app.state.ctx


def get_language(accept_language: Annotated[str | None, Header()] = None) -> Language:
    return pick_language(accept_language)


def current_principal(
    ctx: Annotated[Context, Depends(get_context)],
    token: Annotated[str | None, Depends(bearer_token)],
) -> Principal:
    if not token:
        raise Unauthenticated(msg("Log in first: send an Authorization: Bearer token"))
    return access.principal_for_token(ctx, token)


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
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def problem_response(request: Request, error: InklusiError) -> JSONResponse:
    return problem(
        request, error.status, error.text, type_uri=error.type_uri, code=error.slug, issues=error.issues
    )


def invalid_request(error: RequestValidationError) -> Invalid:
    """FastAPI's validation errors as our own, each with its field (pydantic's words: English only)."""
    issues = tuple(
        Issue(".".join(str(part) for part in item["loc"]), f"request.{item['type']}", Text(item["msg"]))
        for item in error.errors()
    )
    return Invalid(msg("The request is not valid"), issues)
