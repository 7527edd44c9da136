"""Log in and log out of the web application."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from inklusi.access import service
from inklusi.access.model import PasswordChangeRequired
from inklusi.errors import Invalid, TooManyRequests, Unauthenticated
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
    request: Request,
    next_path: str,
    error: str | None = None,
    status_code: int = 200,
    *,
    change_password: bool = False,
    username: str = "",
    headers: dict[str, str] | None = None,
) -> Response:
    token = new_login_csrf()
    response = render(
        request,
        "access/login.html",
        status_code=status_code,
        next=next_path,
        login_csrf=token,
        error=error,
        change_password=change_password,
        username=username[:64] if change_password else "",
    )
    response.headers.update(headers or {})
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
    new_password: Annotated[str | None, Form()] = None,
) -> Response:
    """Log in; a generated first password is replaced (``new_password``) before the session starts.
    Failed logins are throttled per account and per address (429 with the wait, in the page's language)."""
    check_login_csrf(request, login_csrf)
    ctx = request.app.state.ctx
    address = request.client.host if request.client else None
    language = page_language(request)
    try:
        if new_password is not None:
            service.change_own_password(ctx, username, password, new_password, address=address)
            password = new_password
        issued = service.issue_token(
            ctx, username, password, ttl_minutes=ctx.settings.session_ttl_minutes, address=address
        )
    except Unauthenticated as error:
        return _login_form(request, safe_next(next), error.text.render(language), 401)
    except TooManyRequests as error:
        headers = {"Retry-After": str(error.retry_after)}
        return _login_form(request, safe_next(next), error.text.render(language), 429, headers=headers)
    except PasswordChangeRequired as error:
        return _login_form(
            request,
            safe_next(next),
            error.text.render(language),
            403,
            change_password=True,
            username=username,
        )
    except Invalid as error:  # the new password is too short or unchanged: ask again
        return _login_form(
            request,
            safe_next(next),
            error.text.render(language),
            422,
            change_password=True,
            username=username,
        )
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
