from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from fastapi import APIRouter, Depends, status
from fastapi.security import OAuth2PasswordRequestForm

{% if cookiecutter.use_background_jobs == "y" -%}
from {{ cookiecutter.package_name }}.api.deps import CurrentUser, JobsDep, SettingsDep, UsersDep
{% else -%}
from {{ cookiecutter.package_name }}.api.deps import CurrentUser, SettingsDep, UsersDep
{% endif -%}
from {{ cookiecutter.package_name }}.core.errors import documented
from {{ cookiecutter.package_name }}.core.security import create_access_token
from {{ cookiecutter.package_name }}.users import service
from {{ cookiecutter.package_name }}.users.models import User
from {{ cookiecutter.package_name }}.users.schemas import Token, UserCreate, UserRead

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
    return Token(access_token=create_access_token(str(user.id), settings))


@users_router.get("/me", response_model=UserRead)
async def me(user: CurrentUser) -> User:
    return user
