"""Request dependencies as `Annotated` aliases, so route signatures stay short."""

from __future__ import annotations

{% if cookiecutter.database != "dynamodb" -%}
from collections.abc import AsyncIterator
{% endif -%}
from typing import Annotated

import structlog
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
{%- if cookiecutter.database != "dynamodb" %}
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession
{%- endif %}

from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.core.db import Database
from {{ cookiecutter.package_name }}.core.errors import {% if cookiecutter.database != "dynamodb" %}ServiceUnavailableError, {% endif %}UnauthorizedError
from {{ cookiecutter.package_name }}.core.mail import Mailer
from {{ cookiecutter.package_name }}.items.repository import ItemRepository
{%- if cookiecutter.use_background_jobs == "y" %}
from {{ cookiecutter.package_name }}.jobs.base import JobQueue
{%- endif %}
{%- if cookiecutter.use_s3_uploads == "y" %}
from {{ cookiecutter.package_name }}.uploads.repository import UploadRepository
{%- endif %}
from {{ cookiecutter.package_name }}.users.models import User
from {{ cookiecutter.package_name }}.users.repository import UserRepository
from {{ cookiecutter.package_name }}.users.service import user_for_token

log = structlog.get_logger(__name__)
# Relative, so Swagger's "Authorize" also works under an API Gateway stage prefix.
_bearer = OAuth2PasswordBearer(tokenUrl="api/v1/auth/login", auto_error=False)


# Async, though they await nothing: FastAPI runs a plain `def` dependency in a worker
# thread, a thread hop for each one on every request.
async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


{%- if cookiecutter.use_background_jobs == "y" %}


async def get_jobs(request: Request) -> JobQueue:
    jobs: JobQueue = request.app.state.jobs
    return jobs
{%- endif %}


async def get_mailer(request: Request) -> Mailer:
    mailer: Mailer = request.app.state.mailer
    return mailer


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
DatabaseDep = Annotated[Database, Depends(get_database)]
MailerDep = Annotated[Mailer, Depends(get_mailer)]
{%- if cookiecutter.use_background_jobs == "y" %}
JobsDep = Annotated[JobQueue, Depends(get_jobs)]
{%- endif %}

{%- if cookiecutter.database != "dynamodb" %}


# GET and HEAD are safe methods (RFC 9110, 9.2.1): their requests only read, and their
# session runs outside a transaction (see Database.session).
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})
# What the database failing to answer raises: refused or timed-out connections (OSError,
# TimeoutError) and, in DB-API's terms, errors of the database's operation or of the
# connection to it, not of the query (OperationalError, InterfaceError).
UNREACHABLE = (OperationalError, InterfaceError, OSError, TimeoutError)


async def get_session(request: Request, database: DatabaseDep) -> AsyncIterator[AsyncSession]:
    """The request's session. A database that cannot answer is a 503, as on DynamoDB:
    retry later, nothing is wrong with the request."""
    try:
        async with database.session(read_only=request.method in READ_ONLY_METHODS) as session:
            yield session
    except UNREACHABLE as error:
        log.warning("database_unreachable", error_type=type(error).__name__)
        raise ServiceUnavailableError("Database is unreachable") from None


SessionDep = Annotated[AsyncSession, Depends(get_session)]


# Each table's repository, on the request's session: a request that uses several shares it.
async def get_users(session: SessionDep) -> UserRepository:
    return UserRepository(session)


async def get_items(session: SessionDep) -> ItemRepository:
    return ItemRepository(session)
{%- if cookiecutter.use_s3_uploads == "y" %}


async def get_uploads(session: SessionDep) -> UploadRepository:
    return UploadRepository(session)
{%- endif %}
{%- else %}


# Each table's repository, on the app's client.
async def get_users(database: DatabaseDep) -> UserRepository:
    return UserRepository(database)


async def get_items(database: DatabaseDep) -> ItemRepository:
    return ItemRepository(database)
{%- if cookiecutter.use_s3_uploads == "y" %}


async def get_uploads(database: DatabaseDep) -> UploadRepository:
    return UploadRepository(database)
{%- endif %}
{%- endif %}


UsersDep = Annotated[UserRepository, Depends(get_users)]
ItemsDep = Annotated[ItemRepository, Depends(get_items)]
{%- if cookiecutter.use_s3_uploads == "y" %}
UploadsDep = Annotated[UploadRepository, Depends(get_uploads)]
{%- endif %}


async def get_current_user(
    token: Annotated[str | None, Depends(_bearer)], users: UsersDep, settings: SettingsDep
) -> User:
    if token is None:
        raise UnauthorizedError("Not authenticated")
    user = await user_for_token(users, settings, token, "access")
    if user is None:
        raise UnauthorizedError("Invalid or expired token")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
