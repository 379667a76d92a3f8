from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from email_validator import SPECIAL_USE_DOMAIN_NAMES
from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

# Long enough for a passphrase, short enough that hashing stays cheap to refuse.
Password = Annotated[str, StringConstraints(min_length=8, max_length=128)]

# EmailStr refuses special-use domains (RFC 6761: test, invalid, localhost, ...) even
# without a DNS check; the schema says so with a pattern, in either letter case.
_SPECIAL_USE = "|".join(
    "".join(f"[{letter}{letter.upper()}]" for letter in name) for name in SPECIAL_USE_DOMAIN_NAMES
)
Email = Annotated[
    EmailStr, Field(json_schema_extra={"pattern": f"^(?!.*@(?:.*\\.)?(?:{_SPECIAL_USE})$)"})
]


class UserCreate(BaseModel):
    email: Email
    password: Password


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    is_active: bool
    created_at: datetime
{%- if cookiecutter.use_background_jobs == "y" %}
    last_login_at: datetime | None
{%- endif %}


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth2 token type


class PasswordResetRequest(BaseModel):
    email: Email


class PasswordResetRequested(BaseModel):
    detail: str = "If the e-mail has an account, a reset link is on its way to it"


class PasswordResetConfirm(BaseModel):
    token: Annotated[str, StringConstraints(min_length=1, max_length=2048)]
    password: Password
