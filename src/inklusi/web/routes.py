"""The pages every slice shares: the start page, the language switch, and HTML error pages."""

from __future__ import annotations

from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from inklusi.access import service as access
from inklusi.access.model import Permission
from inklusi.api import API_PREFIX
from inklusi.errors import InklusiError, status_title
from inklusi.i18n import LANGUAGES
from inklusi.web.pages import LANGUAGE_COOKIE, page_language, render
from inklusi.web.session import PagePrincipal, set_cookie

router = APIRouter(include_in_schema=False)
YEAR = 365 * 24 * 3600


def safe_next(target: str | None, default: str = "/") -> str:
    """Only paths on this site: never redirect to another one."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    return target


@router.get("/")
def start(request: Request, principal: PagePrincipal) -> Response:
    """The registry for those who may read it; otherwise a page saying what the user can do."""
    if principal.holds(Permission.registry_read):
        return RedirectResponse("/registry", status_code=303)
    language = page_language(request)
    known = {role.name: role for role in access.builtin_roles()}
    roles = [
        (known[name].label_id if language == "id" else known[name].label_en) if name in known else name
        for name in principal.roles
    ]
    return render(request, "start.html", roles=roles)


@router.get("/favicon.ico")
def favicon() -> Response:
    """Browsers ask for it on pages that do not link an icon (the API documentation, a JSON answer)."""
    icon = resources.files("inklusi.web") / "static" / "favicon.svg"
    return FileResponse(str(icon), media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})


@router.get(f"{API_PREFIX}/docs")
def api_docs(request: Request) -> Response:
    """The OpenAPI document in Swagger UI, served from the package (static/swagger-ui): works offline."""
    return render(request, "api_docs.html", openapi_url=request.app.openapi_url)


@router.get("/language/{code}")
def switch_language(request: Request, code: str, next: Annotated[str | None, Query()] = None) -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in LANGUAGES:
        set_cookie(response, request, LANGUAGE_COOKIE, code, YEAR)
    return response


def error_page(request: Request, error: InklusiError) -> Response:
    language = page_language(request)
    return render(
        request,
        "error.html",
        status_code=error.status,
        title=status_title(error.status).render(language),
        detail=error.text.render(language),
    )
