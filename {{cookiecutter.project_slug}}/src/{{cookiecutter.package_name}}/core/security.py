"""Password hashing (argon2id), access tokens and password reset tokens (JWT, HS256 only).

Both kinds of token carry a fingerprint of the user's password hash (`pwd`, keyed with the
signing key, so it says nothing of the password): a new password, which gives a new
hash, ends every session and voids every reset link issued before it, the one just used
included.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from datetime import timedelta
from typing import Literal

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


# What a token is for: one kind is never accepted as the other.
Purpose = Literal["access", "password_reset"]


def password_fingerprint(password_hash: str, settings: Settings) -> str:
    digest = hmac.new(signing_key(settings).encode(), password_hash.encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def create_token(
    purpose: Purpose, subject: str, password_hash: str, settings: Settings, lifetime: timedelta
) -> str:
    issued = utcnow()
    claims = {
        "sub": subject,
        "purpose": purpose,
        "pwd": password_fingerprint(password_hash, settings),
        "iat": issued,
        "exp": issued + lifetime,
    }
    return jwt.encode(claims, signing_key(settings), algorithm=JWT_ALGORITHM)


def create_access_token(subject: str, password_hash: str, settings: Settings) -> str:
    lifetime = timedelta(minutes=settings.access_token_expire_minutes)
    return create_token("access", subject, password_hash, settings, lifetime)


def create_password_reset_token(subject: str, password_hash: str, settings: Settings) -> str:
    lifetime = timedelta(minutes=settings.password_reset_expire_minutes)
    return create_token("password_reset", subject, password_hash, settings, lifetime)


def token_subject(token: str, purpose: Purpose, settings: Settings) -> tuple[str, str] | None:
    """The token's subject and password fingerprint, or None when it is forged, expired,
    malformed or for another purpose. The caller compares the fingerprint with the
    user's (`fingerprint_matches`)."""
    try:
        claims = jwt.decode(
            token,
            signing_key(settings),
            algorithms=[JWT_ALGORITHM],
            options={"require": ["sub", "purpose", "pwd", "exp", "iat"]},
        )
    except jwt.InvalidTokenError:
        return None
    subject, fingerprint = claims["sub"], claims["pwd"]
    if claims["purpose"] != purpose or not isinstance(subject, str):
        return None
    return (subject, fingerprint) if isinstance(fingerprint, str) else None


def fingerprint_matches(fingerprint: str, password_hash: str, settings: Settings) -> bool:
    return hmac.compare_digest(fingerprint, password_fingerprint(password_hash, settings))
