{%- if cookiecutter.database == "dynamodb" -%}
"""Fixtures shared by every test.

Database tests run on DynamoDB as the emulator serves it: project.json's tables under a
prefix of the session's own, created at its start and emptied after each test.
"""
{%- else -%}
"""Fixtures shared by every test.

Database tests run once per backend: SQLite always, and Postgres when TEST_DATABASE_URL
points at a server (each run gets a fresh database there, dropped afterwards).
REQUIRE_POSTGRES=1 turns a missing TEST_DATABASE_URL into an error, so CI can never
skip Postgres silently.
"""
{%- endif %}

from __future__ import annotations

import asyncio
import functools
import os
{%- if cookiecutter.use_s3_uploads == "y" or cookiecutter.use_background_jobs == "y" %}
import uuid
{%- endif %}
from collections.abc import Callable, Iterator

{% if cookiecutter.use_s3_uploads == "y" or cookiecutter.use_background_jobs == "y" -%}
import boto3
{% endif -%}
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.main import create_app
{%- if cookiecutter.database == "dynamodb" %}
from emulator import ACCOUNT_CREDENTIALS, server
from scripts.scratch import (
{%- if cookiecutter.use_s3_uploads == "y" or cookiecutter.use_background_jobs == "y" %}
    TEST_REGION,
{%- endif %}
    fresh_tables,
    make_settings,
)
{%- else %}
from {{ cookiecutter.package_name }}.migrate import upgrade
from emulator import ACCOUNT_CREDENTIALS, server
from scripts.scratch import (
    BACKENDS,
    POSTGRES_URL,
{%- if cookiecutter.use_s3_uploads == "y" or cookiecutter.use_background_jobs == "y" %}
    TEST_REGION,
{%- endif %}
    fresh_database,
    make_settings,
)
{%- endif %}
from tests.helpers import PASSWORD, AuthHeaders, empty_tables


def pytest_configure() -> None:
    # Tests talk to the emulator on loopback, never to AWS: its credentials, no profile.
    for variable in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        os.environ.pop(variable, None)
    os.environ.update(ACCOUNT_CREDENTIALS.environment())


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """The emulator, serving every AWS service the app calls, on a loopback port."""
    with server.in_thread() as url:
        yield url
{%- if cookiecutter.database == "dynamodb" %}


@pytest.fixture(scope="session")
def table_prefix(moto_url: str) -> Iterator[str]:
    """project.json's tables on the emulator, shared by the session; tests leave them empty."""
    with fresh_tables(moto_url) as prefix:
        yield prefix


@pytest.fixture
def settings_with(table_prefix: str, moto_url: str) -> Callable[..., Settings]:
    """Settings for the session's tables, with the given overrides."""
    return functools.partial(make_settings, table_prefix, aws_endpoint_url=moto_url)


@pytest.fixture
def aws_settings(settings: Settings) -> Settings:
    """Settings for an app whose AWS clients all point at the moto server (every
    DynamoDB project's do)."""
    return settings
{%- else %}


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
def settings_with(database_url: str) -> Callable[..., Settings]:
    """Settings for the backend's database, with the given overrides."""
    return functools.partial(make_settings, database_url)


@pytest.fixture
def aws_settings(database_url: str, moto_url: str) -> Settings:
    """Settings for an app whose AWS clients all point at the moto server."""
    return make_settings(database_url, aws_endpoint_url=moto_url)
{%- endif %}


@pytest.fixture
def settings(settings_with: Callable[..., Settings]) -> Settings:
    return settings_with()


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI, settings: Settings) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client
    asyncio.run(empty_tables(settings))
{%- if cookiecutter.use_s3_uploads == "y" %}


@pytest.fixture
def uploads_bucket(moto_url: str) -> str:
    """A new, empty bucket on the moto server."""
    name = f"uploads-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=moto_url, region_name=TEST_REGION).create_bucket(Bucket=name)
    return name
{%- endif %}
{%- if cookiecutter.use_background_jobs == "y" %}


@pytest.fixture
def jobs_queue(moto_url: str) -> str:
    """The URL of a new, empty SQS queue on the moto server."""
    sqs = boto3.client("sqs", endpoint_url=moto_url, region_name=TEST_REGION)
    return sqs.create_queue(QueueName=f"jobs-{uuid.uuid4().hex[:12]}")["QueueUrl"]
{%- endif %}


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on (connections are refused at once)."""
    return server.free_port()


@pytest.fixture
def auth_headers(client: TestClient) -> AuthHeaders:
    """Registers `email` (if new), logs in, and returns its Authorization header."""

    def login(email: str) -> dict[str, str]:
        client.post("/api/v1/auth/register", json={"email": email, "password": PASSWORD})
        response = client.post("/api/v1/auth/login", data={"username": email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    return login
