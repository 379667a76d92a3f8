from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from {{ cookiecutter.package_name }}.core.clock import utcnow
from {{ cookiecutter.package_name }}.core.db import Record
from {{ cookiecutter.package_name }}.core.ids import new_id

MAX_EMAIL_LENGTH = 320


@dataclass(kw_only=True)
class User(Record):
    """An item of the users table (key: id). Its e-mail is also the key of an item in
    user_emails, written in the same transaction, which keeps e-mails unique."""

    email: str
    password_hash: str
    id: uuid.UUID = field(default_factory=new_id)
    is_active: bool = True
    created_at: datetime = field(default_factory=utcnow)
{%- if cookiecutter.use_background_jobs == "y" %}
    # Written by the record_login job, so it may trail a login by the queue's delay.
    last_login_at: datetime | None = None
{%- endif %}


@dataclass(kw_only=True)
class UserEmail(Record):
    """An item of the user_emails table (key: email): the e-mail is taken, by user_id."""

    email: str
    user_id: uuid.UUID

    @classmethod
    def of(cls, user: User) -> UserEmail:
        return cls(email=user.email, user_id=user.id)
