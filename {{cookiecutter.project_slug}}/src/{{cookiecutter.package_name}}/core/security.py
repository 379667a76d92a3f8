"""Password hashing (argon2id) and access tokens (JWT, HS256 only)."""

from __future__ import annotations

import functools
from datetime import timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from {{ cookiecutter.package_name }}.core.aws import read_secret
from {{ cookiecutter.package_name }}.core.clock import utcnow
from {{ cookiecutter.package_name }}.core.config import MIN_PROD_JWT_SECRET_BYTES, Settings, SettingsError

# Pinned: a token must never choose its own algorithm (e.g. "none").
JWT_ALGORITHM = "HS256"

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@functools.cache
def _unknown_user_hash() -> str:
    return _hasher.hash("unknown-user-timing-equaliser")


def spend_verification_time(password: str) -> None:
    """Cost an unknown e-mail the same as a wrong password, so timing reveals no accounts."""
    verify_password(_unknown_user_hash(), password)


def signing_key(settings: Settings) -> str:
    """JWT_SECRET, or the value of JWT_SECRET_ARN (read once, held to prod's length rule)."""
    if not settings.jwt_secret_arn:
        return settings.jwt_secret.get_secret_value()
    key = read_secret(settings, settings.jwt_secret_arn, "JWT_SECRET_ARN")
    if len(key.encode()) < MIN_PROD_JWT_SECRET_BYTES:
        raise SettingsError(
            f"JWT_SECRET_ARN: the secret is shorter than {MIN_PROD_JWT_SECRET_BYTES} bytes"
        )
    return key


def create_access_token(subject: str, settings: Settings) -> str:
    issued = utcnow()
    claims = {
        "sub": subject,
        "iat": issued,
        "exp": issued + timedelta(minutes=settings.access_token_expire_minutes),
    }
    return jwt.encode(claims, signing_key(settings), algorithm=JWT_ALGORITHM)


def access_token_subject(token: str, settings: Settings) -> str | None:
    """The token's subject, or None when it is forged, expired or malformed."""
    try:
        claims = jwt.decode(
            token,
            signing_key(settings),
            algorithms=[JWT_ALGORITHM],
            options={"require": ["sub", "exp", "iat"]},
        )
    except jwt.InvalidTokenError:
        return None
    subject = claims["sub"]
    return subject if isinstance(subject, str) else None
