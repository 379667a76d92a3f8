"""Background work on accounts: record when a user last logged in.

Login enqueues it instead of writing, so a login costs no write and never waits on one.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from pydantic import AwareDatetime
from sqlalchemy import or_, update

from {{ cookiecutter.package_name }}.jobs.base import Job, JobContext
from {{ cookiecutter.package_name }}.users.models import User


class RecordLogin(Job):
    """Sets the user's last login time, unless a later login is already recorded: runs in
    any order and any number of times leave the latest login."""

    name: ClassVar[str] = "record_login"

    user_id: uuid.UUID
    logged_in_at: AwareDatetime

    async def run(self, context: JobContext) -> None:
        async with context.database.session() as session:
            await session.execute(
                update(User)
                .where(
                    User.id == self.user_id,
                    or_(User.last_login_at.is_(None), User.last_login_at < self.logged_in_at),
                )
                .values(last_login_at=self.logged_in_at)
            )
            await session.commit()
