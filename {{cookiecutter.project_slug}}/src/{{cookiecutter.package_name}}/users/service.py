"""Account logic, free of HTTP: the routes and the tests call these directly."""

from __future__ import annotations

import asyncio
{% if cookiecutter.use_background_jobs == "y" -%}
import contextlib
{% endif -%}
import time
import uuid

import structlog

{% if cookiecutter.use_background_jobs == "y" -%}
from {{ cookiecutter.package_name }}.core.clock import utcnow
{% endif -%}
from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.core.errors import ServiceUnavailableError, UnauthorizedError
from {{ cookiecutter.package_name }}.core.mail import Mailer, Message
from {{ cookiecutter.package_name }}.core.security import (
    Purpose,
    create_access_token,
    create_password_reset_token,
    fingerprint_matches,
    hash_password,
    needs_rehash,
    spend_verification_time,
    token_subject,
    verify_password,
)
{%- if cookiecutter.use_background_jobs == "y" %}
from {{ cookiecutter.package_name }}.jobs.base import JobQueue
from {{ cookiecutter.package_name }}.users.jobs import RecordLogin
{%- endif %}
from {{ cookiecutter.package_name }}.users.models import MAX_EMAIL_LENGTH, User
from {{ cookiecutter.package_name }}.users.repository import UserRepository
from {{ cookiecutter.package_name }}.users.schemas import UserCreate

log = structlog.get_logger(__name__)


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


async def user_for_token(
    users: UserRepository, settings: Settings, token: str, purpose: Purpose
) -> User | None:
    """The active user a valid token of `purpose` names, issued since their password last
    changed; None for any other token."""
    claims = token_subject(token, purpose, settings)
    if claims is None:
        return None
    subject, fingerprint = claims
    try:
        user_id = uuid.UUID(subject)
    except ValueError:
        return None
    user = await users.by_id(user_id)
    if user is None or not user.is_active:
        return None
    return user if fingerprint_matches(fingerprint, user.password_hash, settings) else None


def access_token(user: User, settings: Settings) -> str:
    return create_access_token(str(user.id), user.password_hash, settings)


PRODUCT = {{ cookiecutter.project_name | tojson }}


def reset_message(to: str, token: str, settings: Settings) -> Message:
    link = f"{settings.password_reset_url}#token={token}" if settings.password_reset_url else ""
    how = f"Open {link}" if link else f"Send this token with your new password: {token}"
    minutes = settings.password_reset_expire_minutes
    return Message(
        to=to,
        subject=f"Reset your {PRODUCT} password",
        text=(
            f"Someone asked to reset the password of the {PRODUCT} account of {to}.\n\n"
            f"{how}\n\nIt works once, within {minutes} minutes. If you did not ask, "
            "ignore this mail: your password stays as it is.\n"
        ),
    )


async def request_password_reset(
    users: UserRepository, mailer: Mailer, settings: Settings, email: str
) -> None:
    """Mails a reset link to the active account of `email`, if there is one, and returns
    PASSWORD_RESET_ANSWER_SECONDS after it was called either way."""
    if settings.mail_backend == "none":
        raise ServiceUnavailableError("Password reset mail is not set up (MAIL_BACKEND=none)")
    started = time.monotonic()
    user = await users.by_email(normalise_email(email))
    if user is not None and user.is_active:
        token = create_password_reset_token(str(user.id), user.password_hash, settings)
        await mailer.send(reset_message(user.email, token, settings))
    spent, floor = time.monotonic() - started, settings.password_reset_answer_seconds
    if spent > floor:
        # This answer's timing told a known e-mail apart: raise the setting.
        log.warning("password_reset_slow", seconds=round(spent, 3), limit=floor)
    await asyncio.sleep(max(0.0, floor - spent))


async def reset_password(
    users: UserRepository, settings: Settings, token: str, password: str
) -> None:
    """Sets the password of the user a reset token names. The new hash ends every session
    and voids every reset token issued before it, this one included."""
    user = await user_for_token(users, settings, token, "password_reset")
    if user is None or not await users.set_password_hash(user, hash_password(password)):
        # The token is the request's credential, as a session's is: a 401.
        raise UnauthorizedError("The reset link is invalid, used or expired")
    log.info("password_reset", user_id=str(user.id))
