"""The web application: ``create_app(settings)`` builds it; nothing connects until it starts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy import text

from inklusi import __version__
from inklusi.access import api as access_api
from inklusi.api import API_PREFIX, ContextDep, install_problem_handlers
from inklusi.audit import api as audit_api
from inklusi.config import Settings
from inklusi.context import Context
from inklusi.db import schema_revision
from inklusi.registry import api as registry_api
from inklusi.wilayah import api as wilayah_api

DESCRIPTION = """
Inklusi: the socio-economic registry (Registrasi Sosial Ekonomi).

Authenticate with the OAuth2 password flow (`POST /api/v1/auth/token`), then send
`Authorization: Bearer <token>`. Personal data is returned only inside your area scope, and every read is
audited with its purpose (header `X-Inklusi-Purpose`). Errors are RFC 9457 problem details, in Indonesian
unless `Accept-Language` prefers English.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.ctx = Context.open(settings)
        yield
        app.state.ctx.close()

    app = FastAPI(
        title="Inklusi",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    install_problem_handlers(app)

    @app.get(f"{API_PREFIX}/health", tags=["system"])
    def health(ctx: ContextDep) -> dict[str, object]:
        with ctx.transaction(readonly=True) as conn:
            conn.execute(text("SELECT 1"))
        return {
            "status": "ok",
            "version": __version__,
            "database": ctx.engine.dialect.name,
            "schema": schema_revision(ctx.engine),
        }

    for module in (access_api, wilayah_api, registry_api, audit_api):
        app.include_router(module.router, prefix=API_PREFIX)
    return app
