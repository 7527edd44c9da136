"""Web logins: an opaque session token in an HttpOnly cookie, and CSRF tokens for forms.

The session token is an access token like the API's (only its hash is stored; logout revokes it), issued
for ``INKLUSI_SESSION_TTL_MINUTES``. Forms carry a CSRF token derived from the session token, which a
page on another site cannot read; the login form uses a double-submit cookie instead.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Form, Request
from fastapi.responses import Response

from inklusi.access import service as access
from inklusi.access.model import Principal
from inklusi.context import Context
from inklusi.errors import Forbidden, Unauthenticated
from inklusi.i18n import msg

SESSION_COOKIE = "inklusi_session"
LOGIN_CSRF_COOKIE = "inklusi_login_csrf"


class LoginRequired(Exception):
    """Raised by page dependencies; the app answers with a redirect to the login page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.login_url = f"/login?next={quote(next_path, safe='/')}"


def csrf_token_for(session_token: str) -> str:
    return hmac.new(session_token.encode(), b"inklusi-csrf", hashlib.sha256).hexdigest()


def page_principal(request: Request) -> Principal:
    """The logged-in user of a page request, or a redirect to the login page."""
    ctx: Context = request.app.state.ctx
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequired(here)
    try:
        principal = access.principal_for_token(ctx, token)
    except Unauthenticated:
        raise LoginRequired(here) from None
    request.state.principal = principal
    request.state.csrf_token = csrf_token_for(token)
    return principal


PagePrincipal = Annotated[Principal, Depends(page_principal)]


def require_csrf(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    """For POST forms of a logged-in user."""
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token or not hmac.compare_digest(csrf_token, csrf_token_for(token)):
        raise Forbidden(msg("The form has expired or did not come from this site: reload the page"))


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)


def check_login_csrf(request: Request, form_value: str) -> None:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie, form_value):
        raise Forbidden(msg("The form has expired or did not come from this site: reload the page"))


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    settings = request.app.state.ctx.settings
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, secure=settings.cookie_secure, samesite="lax", path="/"
    )
