"""Throwaway databases, and settings that read no .env file: what the tests and the
benchmarks both stand on.

TEST_DATABASE_URL names a Postgres server (any database on it: each throwaway database
is created beside it and dropped afterwards); without it, only SQLite is at hand.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import TextClause, text

from {{ cookiecutter.package_name }}.core.config import Settings, normalise_database_url
from {{ cookiecutter.package_name }}.core.db import build_engine

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
TEST_JWT_SECRET = "test-secret-that-is-long-enough-for-prod-checks"  # noqa: S105 - tests only
# What the database fixtures run on: SQLite always, Postgres when a server is named.
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


# The region every test and benchmark runs in, on the emulator, whatever the project's:
# the app's settings and the clients that prepare its resources agree on it.
TEST_REGION = "us-east-1"
TEST_RESET_ANSWER_SECONDS = 0.05


def make_settings(database_url: str | None, **overrides: Any) -> Settings:
    """Settings for tests and benchmarks: explicit values, never a developer's .env file.

    `database_url=None` leaves DATABASE_URL unset (for DATABASE_SECRET_ARN); the test
    JWT secret is used unless JWT_SECRET_ARN is given.
    """
    values: dict[str, Any] = {"environment": "test", "db_ssl": "disable", "aws_region": TEST_REGION}
    # A reset request still waits this long whatever its e-mail, only not a whole second.
    values["password_reset_answer_seconds"] = TEST_RESET_ANSWER_SECONDS
    if database_url is not None:
        values["database_url"] = database_url
    if "jwt_secret_arn" not in overrides:
        values["jwt_secret"] = TEST_JWT_SECRET
    return Settings(_env_file=None, **{**values, **overrides})


@contextmanager
def fresh_database(backend: str, directory: Path, server: str = POSTGRES_URL) -> Iterator[str]:
    """An empty database of `backend` (Postgres: created on `server`), removed afterwards."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{directory / f'{uuid.uuid4().hex}.db'}"
        return
    admin_url = normalise_database_url(server)
    name = f"test_{uuid.uuid4().hex[:16]}"
    server_url = admin_url.render_as_string(hide_password=False)
    asyncio.run(execute(server_url, f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(execute(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def execute(database_url: str, *statements: str | TextClause) -> None:
    """Runs `statements` one by one, each committed (CREATE DATABASE needs it)."""
    engine = build_engine(make_settings(database_url), pooled=False)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            for statement in statements:
                await conn.execute(text(statement) if isinstance(statement, str) else statement)
    finally:
        await engine.dispose()
