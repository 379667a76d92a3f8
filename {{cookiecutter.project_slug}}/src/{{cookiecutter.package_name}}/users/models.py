from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from {{ cookiecutter.package_name }}.core.clock import utcnow
from {{ cookiecutter.package_name }}.core.db import Base
from {{ cookiecutter.package_name }}.core.ids import new_id

MAX_EMAIL_LENGTH = 320


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(MAX_EMAIL_LENGTH), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
{%- if cookiecutter.use_background_jobs == "y" %}
    # Written by the record_login job, so it may trail a login by the queue's delay.
    last_login_at: Mapped[datetime | None]
{%- endif %}
