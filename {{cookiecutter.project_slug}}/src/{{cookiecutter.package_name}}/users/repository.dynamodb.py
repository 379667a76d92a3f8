"""The users and user_emails tables: the only code that reads or writes accounts.

A user is an item of users (key: id). Its e-mail is the key of an item of user_emails
that names the user: both are written in one transaction that refuses an e-mail already
taken, so two registrations at once yield one account. A secondary index on e-mail could
not do it: its reads are never strongly consistent (DynamoDB Developer Guide, "Read
consistency"), and it enforces no uniqueness.
"""

from __future__ import annotations

import asyncio
{%- if cookiecutter.use_background_jobs == "y" %}
import contextlib
{%- endif %}
import uuid
{%- if cookiecutter.use_background_jobs == "y" %}
from datetime import datetime
{%- endif %}

from {{ cookiecutter.package_name }}.core.db import (
    ConditionFailedError,
    Database,
    TransactionCancelledError,
{%- if cookiecutter.use_background_jobs == "y" %}
    timestamp,
{%- endif %}
)
from {{ cookiecutter.package_name }}.core.errors import ConflictError, ServiceUnavailableError
from {{ cookiecutter.package_name }}.users.models import User, UserEmail

# A transaction that overlaps another on the same item is cancelled with this reason and
# may simply be tried again (API Reference, TransactWriteItems).
TRANSACTION_CONFLICT = "TransactionConflict"
REGISTRATION_ATTEMPTS = 3


class UserRepository:
    def __init__(self, database: Database) -> None:
        self._database = database
        self._users = database.table("users")
        self._emails = database.table("user_emails")

    async def add(self, email: str, password_hash: str) -> User:
        """The new account; a ConflictError when the e-mail has one already."""
        user = User(email=email, password_hash=password_hash)
        for attempt in range(REGISTRATION_ATTEMPTS):
            try:
                await self._database.run(
                    self._database.client.transact_write_items,
                    TransactItems=[
                        {
                            "Put": {
                                "TableName": self._emails,
                                "Item": UserEmail.of(user).to_item(),
                                "ConditionExpression": "attribute_not_exists(email)",
                            }
                        },
                        {
                            "Put": {
                                "TableName": self._users,
                                "Item": user.to_item(),
                                "ConditionExpression": "attribute_not_exists(id)",
                            }
                        },
                    ],
                )
            except TransactionCancelledError as error:
                email_reason = error.reasons[0]
                if email_reason == "ConditionalCheckFailed":
                    raise ConflictError("An account with this e-mail already exists") from None
                if email_reason != TRANSACTION_CONFLICT:
                    raise
                await asyncio.sleep(0.05 * (attempt + 1))
            else:
                return user
        raise ServiceUnavailableError("Registration is busy: retry shortly")

    async def by_email(self, email: str) -> User | None:
        response = await self._database.run(
            self._database.client.get_item,
            TableName=self._emails,
            Key={"email": {"S": email}},
            ConsistentRead=True,
        )
        if "Item" not in response:
            return None
        return await self.by_id(UserEmail.from_item(response["Item"]).user_id)

    async def by_id(self, user_id: uuid.UUID) -> User | None:
        response = await self._database.run(
            self._database.client.get_item,
            TableName=self._users,
            Key={"id": {"S": str(user_id)}},
            ConsistentRead=True,
        )
        return User.from_item(response["Item"]) if "Item" in response else None

    async def set_password_hash(self, user: User, password_hash: str) -> bool:
        """Replaces the hash `user` was read with; False, changing nothing, when another
        request replaced it first (so a reset link works once, however fast it is sent twice)."""
        try:
            await self._database.run(
                self._database.client.update_item,
                TableName=self._users,
                Key={"id": {"S": str(user.id)}},
                UpdateExpression="SET password_hash = :hash",
                ConditionExpression="password_hash = :read",
                ExpressionAttributeValues={
                    ":hash": {"S": password_hash},
                    ":read": {"S": user.password_hash},
                },
            )
        except ConditionFailedError:
            return False
        user.password_hash = password_hash
        return True
{%- if cookiecutter.use_background_jobs == "y" %}

    async def record_login(self, user_id: uuid.UUID, logged_in_at: datetime) -> None:
        """Sets the last login, unless a later one is recorded: any order of runs, and
        any number, leave the latest. A user deleted meanwhile is left deleted."""
        with contextlib.suppress(ConditionFailedError):
            await self._database.run(
                self._database.client.update_item,
                TableName=self._users,
                Key={"id": {"S": str(user_id)}},
                UpdateExpression="SET last_login_at = :at",
                ConditionExpression=(
                    "attribute_exists(id) AND "
                    "(attribute_not_exists(last_login_at) OR last_login_at < :at)"
                ),
                ExpressionAttributeValues={":at": {"S": timestamp(logged_in_at)}},
            )
{%- endif %}
