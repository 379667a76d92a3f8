"""The ASGI application: `{{ cookiecutter.package_name }}.main:app`, built by `create_app`.

Building the app reads settings and configures logging; it opens no connection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus
{%- if cookiecutter.use_s3_uploads == "y" %}
from typing import Any
{%- endif %}

import structlog
from fastapi import APIRouter, Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from {{ cookiecutter.package_name }}.api import health
from {{ cookiecutter.package_name }}.api.fields import refuse_repeated_query_parameters
from {{ cookiecutter.package_name }}.core.config import Settings, SettingsError, get_settings
{%- if cookiecutter.database == "dynamodb" %}
from {{ cookiecutter.package_name }}.core.db import Database
{%- else %}
from {{ cookiecutter.package_name }}.core.db import Database, database_url
{%- endif %}
from {{ cookiecutter.package_name }}.core.errors import documented, install_error_handlers
from {{ cookiecutter.package_name }}.core.logs import RequestContextMiddleware, configure_logging
from {{ cookiecutter.package_name }}.core.mail import mailer
from {{ cookiecutter.package_name }}.core.security import signing_key
from {{ cookiecutter.package_name }}.items.routes import router as items_router
{%- if cookiecutter.use_background_jobs == "y" %}
from {{ cookiecutter.package_name }}.jobs.base import JobContext
from {{ cookiecutter.package_name }}.jobs.queue import job_queue
{%- endif %}
{%- if cookiecutter.use_s3_uploads == "y" %}
from {{ cookiecutter.package_name }}.uploads.routes import router as uploads_router
from {{ cookiecutter.package_name }}.uploads.service import document_limits
{%- endif %}
from {{ cookiecutter.package_name }}.users.routes import auth_router, users_router

API_PREFIX = "/api/v1"
log = structlog.get_logger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings)
    database = Database(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Secrets are read here, not at import: a missing or malformed one stops the
        # server at start-up with a line naming its variable.
        try:
            signing_key(settings)
{%- if cookiecutter.database != "dynamodb" %}
            database_url(settings)
{%- endif %}
        except SettingsError as error:
            log.error("startup_failed", reason=str(error))
            raise
        yield
        await database.dispose()

    app = FastAPI(
        title={{ cookiecutter.project_name | tojson }},
        description={{ cookiecutter.description | tojson }},
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.mailer = mailer(settings)
{%- if cookiecutter.use_background_jobs == "y" %}
    app.state.jobs = job_queue(JobContext(settings, database))
{%- endif %}

    install_error_handlers(app)
    if settings.cors_origins:
        # Bearer tokens, not cookies: credentials stay off, so "*" is safe to allow.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID"],
        )
    app.add_middleware(RequestContextMiddleware)

    # Every API route refuses input it cannot parse (400) or accept (422), and answers 503
    # when the database cannot (api/deps.py): one document, whatever the database.
    api = APIRouter(
        prefix=API_PREFIX,
        dependencies=[Depends(refuse_repeated_query_parameters)],
        responses=documented(
            HTTPStatus.BAD_REQUEST,
            HTTPStatus.UNPROCESSABLE_ENTITY,
            HTTPStatus.SERVICE_UNAVAILABLE,
        ),
    )
    api.include_router(auth_router)
    api.include_router(users_router)
    api.include_router(items_router)
{%- if cookiecutter.use_s3_uploads == "y" %}
    api.include_router(uploads_router)
{%- endif %}
    app.include_router(health.router)
    app.include_router(api)
{%- if cookiecutter.use_s3_uploads == "y" %}

    build_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        return document_limits(build_openapi(), settings)

    app.openapi = openapi  # type: ignore[method-assign]
{%- endif %}
    return app


def _app_from_environment() -> FastAPI:
    try:
        return create_app()
    except SettingsError as error:
        # One line naming the variable, instead of a traceback through the server's import.
        raise SystemExit(f"Invalid configuration: {error}") from None


app = _app_from_environment()
