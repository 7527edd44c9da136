"""Log in and log out of the web application."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from inklusi.access import service
from inklusi.errors import Unauthenticated
from inklusi.web.pages import page_language, render
from inklusi.web.routes import safe_next
from inklusi.web.session import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    check_login_csrf,
    new_login_csrf,
    require_csrf,
    set_cookie,
)

router = APIRouter(include_in_schema=False)


def _login_form(
    request: Request, next_path: str, error: str | None = None, status_code: int = 200
) -> Response:
    token = new_login_csrf()
    response = render(
        request, "access/login.html", status_code=status_code, next=next_path, login_csrf=token, error=error
    )
    set_cookie(response, request, LOGIN_CSRF_COOKIE, token, 3600)
    return response


@router.get("/login")
def login_page(request: Request, next: Annotated[str | None, Query()] = None) -> Response:
    return _login_form(request, safe_next(next))


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    login_csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    check_login_csrf(request, login_csrf)
    ctx = request.app.state.ctx
    try:
        issued = service.issue_token(ctx, username, password, ttl_minutes=ctx.settings.session_ttl_minutes)
    except Unauthenticated as error:
        return _login_form(request, safe_next(next), error.text.render(page_language(request)), 401)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_cookie(response, request, SESSION_COOKIE, issued.token, ctx.settings.session_ttl_minutes * 60)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout", dependencies=[Depends(require_csrf)])
def logout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        service.revoke_token(request.app.state.ctx, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
