"""The users table: the only code that reads or writes accounts."""

from __future__ import annotations

import uuid
{%- if cookiecutter.use_background_jobs == "y" %}
from datetime import datetime
{%- endif %}
from typing import Any, cast

{% if cookiecutter.use_background_jobs == "y" -%}
from sqlalchemy import CursorResult, or_, select, update
{%- else -%}
from sqlalchemy import CursorResult, select, update
{%- endif %}
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from {{ cookiecutter.package_name }}.core.errors import ConflictError
from {{ cookiecutter.package_name }}.users.models import User


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, email: str, password_hash: str) -> User:
        """The new account; a ConflictError when the e-mail has one already (the unique
        constraint decides, so two registrations at once yield one account)."""
        user = User(email=email, password_hash=password_hash)
        self._session.add(user)
        try:
            await self._session.commit()
        except IntegrityError:
            await self._session.rollback()
            raise ConflictError("An account with this e-mail already exists") from None
        return user

    async def by_email(self, email: str) -> User | None:
        user: User | None = await self._session.scalar(select(User).where(User.email == email))
        return user

    async def by_id(self, user_id: uuid.UUID) -> User | None:
        return await self._session.get(User, user_id)

    async def set_password_hash(self, user: User, password_hash: str) -> bool:
        """Replaces the hash `user` was read with; False, changing nothing, when another
        request replaced it first (so a reset link works once, however fast it is sent twice)."""
        result = await self._session.execute(
            update(User)
            .where(User.id == user.id, User.password_hash == user.password_hash)
            .values(password_hash=password_hash)
            .execution_options(synchronize_session=False)
        )
        await self._session.commit()
        if cast("CursorResult[Any]", result).rowcount != 1:
            return False
        user.password_hash = password_hash
        return True
{%- if cookiecutter.use_background_jobs == "y" %}

    async def record_login(self, user_id: uuid.UUID, logged_in_at: datetime) -> None:
        """Sets the last login, unless a later one is recorded: any order of runs, and
        any number, leave the latest."""
        await self._session.execute(
            update(User)
            .where(
                User.id == user_id,
                or_(User.last_login_at.is_(None), User.last_login_at < logged_in_at),
            )
            .values(last_login_at=logged_in_at)
        )
        await self._session.commit()
{%- endif %}
