"""Account logic, free of HTTP: the routes and the tests call these directly."""

from __future__ import annotations

{% if cookiecutter.use_background_jobs == "y" -%}
import contextlib
{% endif -%}
import uuid

{% if cookiecutter.use_background_jobs == "y" -%}
from {{ cookiecutter.package_name }}.core.clock import utcnow
from {{ cookiecutter.package_name }}.core.errors import ServiceUnavailableError, UnauthorizedError
{% else -%}
from {{ cookiecutter.package_name }}.core.errors import UnauthorizedError
{% endif -%}
from {{ cookiecutter.package_name }}.core.security import (
    hash_password,
    needs_rehash,
    spend_verification_time,
    verify_password,
)
{%- if cookiecutter.use_background_jobs == "y" %}
from {{ cookiecutter.package_name }}.jobs.base import JobQueue
from {{ cookiecutter.package_name }}.users.jobs import RecordLogin
{%- endif %}
from {{ cookiecutter.package_name }}.users.models import MAX_EMAIL_LENGTH, User
from {{ cookiecutter.package_name }}.users.repository import UserRepository
from {{ cookiecutter.package_name }}.users.schemas import UserCreate


def normalise_email(email: str) -> str:
    return email.strip().lower()


async def register_user(users: UserRepository, data: UserCreate) -> User:
    return await users.add(normalise_email(data.email), hash_password(data.password))


async def authenticate(users: UserRepository, email: str, password: str) -> User:
    """The active user with these credentials; every failure looks and costs the same."""
    email = normalise_email(email)
    user = None
    if len(email) <= MAX_EMAIL_LENGTH and "\x00" not in email:
        user = await users.by_email(email)
    if user is None:
        spend_verification_time(password)
    elif verify_password(user.password_hash, password) and user.is_active:
        if needs_rehash(user.password_hash):
            await users.set_password_hash(user, hash_password(password))
        return user
    raise UnauthorizedError("Incorrect e-mail or password")
{%- if cookiecutter.use_background_jobs == "y" %}


async def record_login(jobs: JobQueue, user: User) -> None:
    """Queues the last-login update. A queue outage must not lock anyone out, so a login
    whose update cannot be queued still succeeds (the queue has logged why)."""
    with contextlib.suppress(ServiceUnavailableError):
        await jobs.enqueue(RecordLogin(user_id=user.id, logged_in_at=utcnow()))
{%- endif %}


async def user_for_token_subject(users: UserRepository, subject: str) -> User | None:
    try:
        user_id = uuid.UUID(subject)
    except ValueError:
        return None
    user = await users.by_id(user_id)
    return user if user is not None and user.is_active else None
