"""The application: ``create_app(settings)`` builds the API and the web pages; nothing connects until it
starts. Errors are answered as RFC 9457 problem details under ``/api`` and as HTML pages elsewhere."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from inklusi import __version__
from inklusi.access import api as access_api
from inklusi.access import web as access_web
from inklusi.api import API_PREFIX, PROBLEM_RESPONSES, ContextDep, invalid_request, problem_response
from inklusi.audit import api as audit_api
from inklusi.audit import events
from inklusi.audit import service as audit
from inklusi.audit import web as audit_web
from inklusi.audit.events import Event
from inklusi.audit.model import Purpose
from inklusi.cases import api as cases_api
from inklusi.cases import web as cases_web
from inklusi.config import Settings
from inklusi.context import Context
from inklusi.db import schema_revisions
from inklusi.directory import api as directory_api
from inklusi.directory import web as directory_web
from inklusi.errors import HttpError, InklusiError
from inklusi.i18n import Text
from inklusi.instrument import api as instrument_api
from inklusi.instrument import web as instrument_web
from inklusi.instrument.service.jobs import ImportJobs
from inklusi.linkage import api as linkage_api
from inklusi.linkage import web as linkage_web
from inklusi.ppks import api as ppks_api
from inklusi.ppks import web as ppks_web
from inklusi.programmes import api as programmes_api
from inklusi.programmes import web as programmes_web
from inklusi.registry import api as registry_api
from inklusi.registry import change_requests_web
from inklusi.registry import web as registry_web
from inklusi.sharing import api as sharing_api
from inklusi.sharing import web as sharing_web
from inklusi.web import area_picker, routes
from inklusi.web.session import LoginRequired
from inklusi.welfare import api as welfare_api
from inklusi.welfare import web as welfare_web
from inklusi.wilayah import api as wilayah_api

DESCRIPTION = """
Inklusi: the socio-economic registry (Registrasi Sosial Ekonomi).

Authenticate with the OAuth2 password flow (`POST /api/v1/auth/token`), then send
`Authorization: Bearer <token>`. Personal data is returned only inside your area scope, and every read is
audited with its purpose (header `X-Inklusi-Purpose`). Errors are RFC 9457 problem details, in Indonesian
unless `Accept-Language` prefers English.
"""
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.ctx = Context.open(settings)
        app.state.import_jobs = ImportJobs(app.state.ctx)
        yield
        app.state.import_jobs.shutdown()
        app.state.ctx.close()

    app = FastAPI(
        title="Inklusi",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # served by inklusi.web.routes from the vendored Swagger UI: no CDN, same CSP
        redoc_url=None,
    )
    _install_error_pages(app)

    @app.middleware("http")
    async def security_headers(request: Request, call_next) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():  # a page may narrow the CSP (web.pages.self_contained)
            if name not in response.headers:
                response.headers[name] = value
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"  # personal data stays off shared machines' disks
        return response

    @app.get(f"{API_PREFIX}/health", tags=["system"])
    def health(ctx: ContextDep) -> dict[str, object]:
        with ctx.transaction(readonly=True) as conn:
            conn.execute(text("SELECT 1"))
        return {
            "status": "ok",
            "version": __version__,
            "database": ctx.engine.dialect.name,
            "schema": sorted(schema_revisions(ctx.engine)),
        }

    api_modules = (
        access_api,
        wilayah_api,
        registry_api,
        instrument_api,
        welfare_api,
        linkage_api,
        ppks_api,
        directory_api,
        cases_api,
        programmes_api,
        sharing_api,
        audit_api,
    )
    for module in api_modules:
        app.include_router(module.router, prefix=API_PREFIX, responses=PROBLEM_RESPONSES)
    app.include_router(sharing_api.dci_router)
    web_modules = (
        routes,
        area_picker,
        access_web,
        registry_web,
        change_requests_web,
        instrument_web,
        linkage_web,
        welfare_web,
        ppks_web,
        directory_web,
        cases_web,
        programmes_web,
        sharing_web,
        audit_web,
    )
    for module in web_modules:
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=str(resources.files("inklusi.web") / "static")), name="static")
    return app


def _install_error_pages(app: FastAPI) -> None:
    def answer(request: Request, error: InklusiError) -> Response:
        if request.url.path.startswith(API_PREFIX):
            return problem_response(request, error)
        return routes.error_page(request, error)

    @app.exception_handler(InklusiError)
    async def _domain_error(request: Request, error: InklusiError) -> Response:
        if error.status in (403, 404):
            await run_in_threadpool(_audit_denial, request, error)
        return answer(request, error)

    @app.exception_handler(RequestValidationError)
    async def _request_invalid(request: Request, error: RequestValidationError) -> Response:
        return answer(request, invalid_request(error))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
        return answer(request, HttpError(error.status_code, Text(str(error.detail))))

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, error: LoginRequired) -> Response:
        if request.headers.get("HX-Request"):
            return Response(status_code=204, headers={"HX-Redirect": error.login_url})
        return RedirectResponse(error.login_url, status_code=303)


def _audit_denial(request: Request, error: InklusiError) -> None:
    """A logged-in user was refused something (403), or asked for an id that is missing or outside their
    scope (404: the same answer for both, so the caller learns nothing): the attempt is audited with the
    object's id. Unknown paths and anonymous callers are not recorded (nothing was asked of anyone's data)."""
    principal = getattr(request.state, "principal", None)
    route = request.scope.get("route")
    if principal is None or principal.user_id is None or route is None:
        return
    params = {name: str(value) for name, value in request.path_params.items()}
    object_type, object_id = "request", None
    for name, value in params.items():
        if name.endswith("_id"):
            object_type, object_id = name.removesuffix("_id"), value
            break
    detail = {
        "method": request.method,
        "path": request.url.path,
        "params": params,
        "status": error.status,
        "reason": error.slug,
    }
    purpose = Purpose.__members__.get(request.headers.get("x-inklusi-purpose", ""), Purpose.registry_view)
    event = Event(
        kind=events.ACCESS_DENIED,
        actor=principal.actor,
        purpose=purpose,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )
    audit.record_denial(request.app.state.ctx, event)
