"""Background work on accounts: record when a user last logged in.

Login enqueues it instead of writing, so a login costs no write and never waits on one.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from pydantic import AwareDatetime

from {{ cookiecutter.package_name }}.jobs.base import Job, JobContext
from {{ cookiecutter.package_name }}.users.repository import UserRepository


class RecordLogin(Job):
    """Sets the user's last login time, unless a later login is already recorded: runs in
    any order and any number of times leave the latest login."""

    name: ClassVar[str] = "record_login"

    user_id: uuid.UUID
    logged_in_at: AwareDatetime

    async def run(self, context: JobContext) -> None:
{%- if cookiecutter.database == "dynamodb" %}
        await UserRepository(context.database).record_login(self.user_id, self.logged_in_at)
{%- else %}
        async with context.database.session() as session:
            await UserRepository(session).record_login(self.user_id, self.logged_in_at)
{%- endif %}
