"""The app is not the database's owner.

In AWS the migrations log in as the master user and, with DATABASE_APP_ROLE, make the
app's user able to read and write the rows of the app's tables and nothing more; the
API and worker log in as that user with IAM tokens (DATABASE_IAM_USER). On real
Postgres: what the user may and may not do, and the app serving as it. A local server
cannot check an IAM token, so the role's password stands in for the token there.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, Table, delete, false, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable
from structlog.testing import capture_logs

from {{ cookiecutter.package_name }}.core import db
from {{ cookiecutter.package_name }}.core.aws import database_auth_token
from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.core.db import build_engine
from {{ cookiecutter.package_name }}.main import create_app
from {{ cookiecutter.package_name }}.migrate import BOOKKEEPING_TABLES, grant_app_role, upgrade
from {{ cookiecutter.package_name }}.models import Base
from scripts.scratch import POSTGRES_URL, execute, fresh_database, make_settings
from tests.helpers import PASSWORD, drop_role

INSUFFICIENT_PRIVILEGE = "42501"


@dataclass
class AppDatabase:
    """A migrated Postgres database and the app's user the migrations made in it."""

    owner_url: str
    role: str
    password: str

    def iam_settings(self) -> Settings:
        """The settings the deployed app has: no URL, no secret, a user to sign for."""
        url = make_url(self.owner_url)
        return make_settings(
            None,
            database_iam_user=self.role,
            database_host=url.host,
            database_port=url.port or 5432,
            database_name=url.database,
            db_ssl="prefer",
        )

    def role_url(self) -> str:
        url = make_url(self.owner_url).set(username=self.role, password=self.password)
        return url.render_as_string(hide_password=False)


@pytest.fixture
def app_database(tmp_path: Path) -> Iterator[AppDatabase]:
    if not POSTGRES_URL:
        pytest.skip("needs a Postgres server: set TEST_DATABASE_URL")
    role, password = f"app_{uuid.uuid4().hex[:12]}", f"token-{uuid.uuid4().hex}"
    with fresh_database("postgresql", tmp_path) as url:
        upgrade(url, settings=make_settings(url, database_app_role=role))
        asyncio.run(execute(url, f"ALTER ROLE \"{role}\" PASSWORD '{password}'"))
        try:
            yield AppDatabase(url, role, password)
        finally:
            asyncio.run(drop_role(url, role))


async def sqlstates(database_url: str, statements: list[Executable]) -> dict[str, str | None]:
    """Each statement's SQLSTATE when run alone (None: it succeeded), rolled back."""
    engine = build_engine(make_settings(database_url), pooled=False)
    found: dict[str, str | None] = {}
    try:
        for statement in statements:
            async with engine.connect() as conn:
                try:
                    await conn.execute(statement)
                    found[str(statement)] = None
                except DBAPIError as error:
                    found[str(statement)] = getattr(error.orig, "sqlstate", repr(error))
                await conn.rollback()
    finally:
        await engine.dispose()
    return found


def labels(statements: list[Executable], value: str | None = None) -> dict[str, str | None]:
    return {str(statement): value for statement in statements}


def test_the_app_user_reads_and_writes_rows_of_every_table(app_database: AppDatabase) -> None:
    statements: list[Executable] = []
    for table in Base.metadata.sorted_tables:
        column = next(iter(table.columns))
        statements += [
            select(table),
            insert(table).from_select(list(table.columns), select(table).where(false())),
            update(table).where(false()).values({column.name: column}),
            delete(table).where(false()),
        ]
    assert asyncio.run(sqlstates(app_database.role_url(), statements)) == labels(statements)


def test_the_app_user_cannot_change_the_schema_or_its_own_rights(
    app_database: AppDatabase,
) -> None:
    tables = sorted(Base.metadata.tables)
    statements: list[Executable] = [
        text("CREATE TABLE intruder (id integer)"),
        text("CREATE SCHEMA intruder"),
        text(f'CREATE ROLE "{app_database.role}_friend"'),
        text(f'ALTER ROLE "{app_database.role}" CREATEROLE'),
        *[text(f"ALTER TABLE {table} ADD COLUMN intruder integer") for table in tables],
        *[text(f"TRUNCATE {table}") for table in tables],
        *[text(f"DROP TABLE {table}") for table in tables],
        # Alembic's tables: the schema's history is the owner's.
        *[delete(Table(table, MetaData())) for table in sorted(BOOKKEEPING_TABLES)],
    ]
    refused = asyncio.run(sqlstates(app_database.role_url(), statements))
    assert refused == labels(statements, INSUFFICIENT_PRIVILEGE)


def test_the_migrations_grant_again_without_failing(app_database: AppDatabase) -> None:
    """Every deploy migrates and grants; the user already exists from the first."""
    owner = app_database.owner_url
    upgrade(owner, settings=make_settings(owner, database_app_role=app_database.role))
    statements: list[Executable] = [select(table) for table in Base.metadata.sorted_tables]
    assert asyncio.run(sqlstates(app_database.role_url(), statements)) == labels(statements)


def test_on_rds_the_app_user_logs_in_with_iam_tokens(app_database: AppDatabase) -> None:
    """Where the server has RDS's rds_iam role, the grants make the app's user a member
    (so RDS accepts its IAM tokens). Played here in a transaction that creates rds_iam
    and is rolled back, leaving the server as it was."""

    async def member_of_rds_iam() -> bool:
        engine = build_engine(make_settings(app_database.owner_url), pooled=False)
        try:
            async with engine.connect() as conn:
                if not await conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = 'rds_iam'")):
                    await conn.execute(text("CREATE ROLE rds_iam"))
                await conn.run_sync(grant_app_role, app_database.role, Base.metadata.tables)
                member = await conn.scalar(
                    text("SELECT pg_has_role(:role, 'rds_iam', 'MEMBER')"),
                    {"role": app_database.role},
                )
                await conn.rollback()
                return bool(member)
        finally:
            await engine.dispose()

    assert asyncio.run(member_of_rds_iam())


def test_the_migrations_refuse_to_make_their_own_user_the_apps(tmp_path: Path) -> None:
    """Granted rds_iam, the owner could no longer log in with its password."""
    if not POSTGRES_URL:
        pytest.skip("needs a Postgres server: set TEST_DATABASE_URL")
    with fresh_database("postgresql", tmp_path) as url:
        owner = make_url(url).username
        with pytest.raises(ValueError, match="DATABASE_APP_ROLE"):
            upgrade(url, settings=make_settings(url, database_app_role=owner))


def test_the_api_serves_as_the_app_user_with_iam_tokens(
    app_database: AppDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed: list[tuple[str, int, str]] = []

    def sign(_settings: Settings, host: str, port: int, user: str) -> str:
        signed.append((host, port, user))
        return app_database.password

    monkeypatch.setattr(db, "database_auth_token", sign)
    settings = app_database.iam_settings()
    with TestClient(create_app(settings)) as client:
        client.post("/api/v1/auth/register", json={"email": "a@example.com", "password": PASSWORD})
        token = client.post(
            "/api/v1/auth/login", data={"username": "a@example.com", "password": PASSWORD}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        created = client.post("/api/v1/items", json={"title": "mine"}, headers=headers)
        assert created.status_code == 201, created.text
        item = f"/api/v1/items/{created.json()['id']}"
        assert client.patch(item, json={"title": "renamed"}, headers=headers).status_code == 200
        assert len(client.get("/api/v1/items", headers=headers).json()["items"]) == 1
        assert client.delete(item, headers=headers).status_code == 204
        assert client.get("/health/db").status_code == 200

    assert {user for _, _, user in signed} == {app_database.role}
    assert {(host, port) for host, port, _ in signed} == {
        (settings.database_host, settings.database_port)
    }


def test_new_connections_reuse_the_token_and_sign_again_when_refused(
    app_database: AppDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = iter(["a-token-that-has-expired", app_database.password])
    signatures: list[str] = []

    def sign(_settings: Settings, _host: str, _port: int, _user: str) -> str:
        signatures.append(next(tokens))
        return signatures[-1]

    monkeypatch.setattr(db, "database_auth_token", sign)

    async def connect_three_times() -> None:
        engine = build_engine(app_database.iam_settings(), pooled=False)
        try:
            for _ in range(3):
                async with engine.connect() as conn:
                    assert await conn.scalar(text("SELECT current_user")) == app_database.role
        finally:
            await engine.dispose()

    with capture_logs() as logged:
        asyncio.run(connect_three_times())

    # Refused once, signed again once, then reused by the next connections.
    assert len(signatures) == 2
    assert [entry["event"] for entry in logged].count("database_login_renewed") == 1


def test_the_token_is_signed_for_the_user_at_the_endpoint() -> None:
    """Signed here with the process's credentials (no request to AWS): RDS checks the
    host, port and user it names and its 15-minute lifetime."""
    settings = make_settings(None, aws_region="eu-west-1")
    token = database_auth_token(settings, "db.example.internal", 5432, "app_user")
    parts = urlsplit(f"postgres://{token}")
    query = parse_qs(parts.query)
    assert (parts.hostname, parts.port) == ("db.example.internal", 5432)
    assert query["Action"] == ["connect"]
    assert query["DBUser"] == ["app_user"]
    assert query["X-Amz-Expires"] == ["900"]
    assert "/eu-west-1/rds-db/aws4_request" in query["X-Amz-Credential"][0]
