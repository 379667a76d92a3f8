from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.security import OAuth2PasswordRequestForm

from {{ cookiecutter.package_name }}.api.deps import (
    CurrentUser,
{%- if cookiecutter.use_background_jobs == "y" %}
    JobsDep,
{%- endif %}
    MailerDep,
    SettingsDep,
    UsersDep,
)
from {{ cookiecutter.package_name }}.core.errors import documented
from {{ cookiecutter.package_name }}.users import service
from {{ cookiecutter.package_name }}.users.models import User
from {{ cookiecutter.package_name }}.users.schemas import (
    PasswordResetConfirm,
    PasswordResetRequest,
    PasswordResetRequested,
    Token,
    UserCreate,
    UserRead,
)

auth_router = APIRouter(prefix="/auth", tags=["auth"])
users_router = APIRouter(
    prefix="/users", tags=["users"], responses=documented(HTTPStatus.UNAUTHORIZED)
)


@auth_router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=UserRead,
    responses=documented(HTTPStatus.CONFLICT),
)
async def register(data: UserCreate, users: UsersDep) -> User:
    return await service.register_user(users, data)


@auth_router.post("/login", responses=documented(HTTPStatus.UNAUTHORIZED))
async def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    users: UsersDep,
    settings: SettingsDep,
{%- if cookiecutter.use_background_jobs == "y" %}
    jobs: JobsDep,
{%- endif %}
) -> Token:
    user = await service.authenticate(users, form.username, form.password)
{%- if cookiecutter.use_background_jobs == "y" %}
    await service.record_login(jobs, user)
{%- endif %}
    return Token(access_token=service.access_token(user, settings))


@auth_router.post("/password-reset", status_code=status.HTTP_202_ACCEPTED)
async def request_password_reset(
    data: PasswordResetRequest, users: UsersDep, settings: SettingsDep, mailer: MailerDep
) -> PasswordResetRequested:
    """Mails a reset link if the e-mail has an account. The answer is the same, and as
    quick, either way."""
    await service.request_password_reset(users, mailer, settings, data.email)
    return PasswordResetRequested()


@auth_router.post(
    "/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=documented(HTTPStatus.UNAUTHORIZED),
)
async def confirm_password_reset(
    data: PasswordResetConfirm, users: UsersDep, settings: SettingsDep
) -> None:
    """Sets the new password; every session, and every other reset link, ends."""
    await service.reset_password(users, settings, data.token, data.password)


@users_router.get("/me", response_model=UserRead)
async def me(user: CurrentUser) -> User:
    return user
