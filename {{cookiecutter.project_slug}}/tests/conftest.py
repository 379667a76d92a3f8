"""Fixtures shared by every test.

Database tests run once per backend: SQLite always, and Postgres when TEST_DATABASE_URL
points at a server (each run gets a fresh database there, dropped afterwards).
REQUIRE_POSTGRES=1 turns a missing TEST_DATABASE_URL into an error, so CI can never
skip Postgres silently.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.db import build_engine
from {{ cookiecutter.package_name }}.main import create_app
from {{ cookiecutter.package_name }}.migrate import upgrade
from {{ cookiecutter.package_name }}.models import Base
from tests.helpers import PASSWORD, POSTGRES_URL, fresh_database, make_settings

BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def pytest_report_header() -> str:
    if POSTGRES_URL:
        return "database backends: sqlite, postgresql (TEST_DATABASE_URL)"
    return "database backends: sqlite only (set TEST_DATABASE_URL to also run on Postgres)"


def pytest_sessionstart(session: pytest.Session) -> None:
    if os.environ.get("REQUIRE_POSTGRES") == "1" and not POSTGRES_URL:
        raise pytest.UsageError("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database per backend, shared by the session; tests leave it empty."""
    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as url:
        upgrade(url)
        yield url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_settings(database_url)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI, database_url: str) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client
    asyncio.run(_empty_tables(database_url))


async def _empty_tables(database_url: str) -> None:
    engine = build_engine(make_settings(database_url), pooled=False)
    try:
        async with engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                await conn.execute(delete(table))
    finally:
        await engine.dispose()


AuthHeaders = Callable[[str], dict[str, str]]


@pytest.fixture
def auth_headers(client: TestClient) -> AuthHeaders:
    """Registers `email` (if new), logs in, and returns its Authorization header."""

    def login(email: str) -> dict[str, str]:
        client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})
        response = client.post("/api/v1/auth/login", data={"username": email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return login
