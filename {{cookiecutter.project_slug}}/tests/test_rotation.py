"""RDS rotates DATABASE_SECRET_ARN's password while the app runs (every 7 days by
default). On real Postgres and the emulator's secret: the password and the secret change
mid-run and every open connection is cut (what a failover does too); the API, the worker
and a warm Lambda handler go on answering, each reading the secret again once."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import TextClause
from sqlalchemy.engine import make_url
from structlog.testing import capture_logs

{% if cookiecutter.use_background_jobs == "y" -%}
from {{ cookiecutter.package_name }}.core.clock import utcnow
{% endif -%}
from {{ cookiecutter.package_name }}.core.config import Settings
{%- if cookiecutter.use_background_jobs == "y" %}
from {{ cookiecutter.package_name }}.core.db import Database
from {{ cookiecutter.package_name }}.jobs.base import JobContext
from {{ cookiecutter.package_name }}.jobs.registry import run_message
{%- endif %}
from {{ cookiecutter.package_name }}.lambda_handler import container_loop, http_handler
from {{ cookiecutter.package_name }}.main import create_app
from {{ cookiecutter.package_name }}.migrate import upgrade
{%- if cookiecutter.use_background_jobs == "y" %}
from {{ cookiecutter.package_name }}.users.jobs import RecordLogin
{%- endif %}
from scripts.scratch import POSTGRES_URL, TEST_REGION, execute, fresh_database, make_settings
from tests.helpers import PASSWORD, cut_sessions, drop_role
from tests.test_lambda import FakeContext, body_of, http_v2

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient

ME = "/api/v1/users/me"


@dataclass
class RotatingDatabase:
    """A Postgres database the app reaches as its own role, through an RDS-shaped secret."""

    admin_url: str
    role: str
    secret_arn: str
    secrets: SecretsManagerClient
    moto_url: str

    def settings(self, **overrides: object) -> Settings:
        return make_settings(
            None, database_secret_arn=self.secret_arn, aws_endpoint_url=self.moto_url, **overrides
        )

    async def admin(self, *statements: str | TextClause) -> None:
        await execute(self.admin_url, *statements)

    async def rotate(self) -> None:
        """What RDS does: a new password, stored in the secret; then every session of the
        role is cut, so the next request must open a new connection."""
        password = f"rotated-{uuid.uuid4().hex}"
        await self.admin(f"ALTER ROLE \"{self.role}\" PASSWORD '{password}'")
        secret = json.loads(self.secrets.get_secret_value(SecretId=self.secret_arn)["SecretString"])
        self.secrets.put_secret_value(
            SecretId=self.secret_arn, SecretString=json.dumps({**secret, "password": password})
        )
        await self.admin(cut_sessions(self.role))


@pytest.fixture
def rotating(moto_url: str, tmp_path: Path) -> Iterator[RotatingDatabase]:
    if not POSTGRES_URL:
        pytest.skip("needs a Postgres server: set TEST_DATABASE_URL")
    role, password = f"app_{uuid.uuid4().hex[:12]}", f"first-{uuid.uuid4().hex}"
    secrets = boto3.client("secretsmanager", endpoint_url=moto_url, region_name=TEST_REGION)
    with fresh_database("postgresql", tmp_path) as url:
        # The migrations make the role the app's user, as in AWS.
        upgrade(url, settings=make_settings(url, database_app_role=role))
        parts = make_url(url)
        arn = secrets.create_secret(
            Name=f"rds/{role}",
            SecretString=json.dumps(
                {
                    "username": role,
                    "password": password,
                    "host": parts.host,
                    "port": parts.port or 5432,
                    "dbname": parts.database,
                }
            ),
        )["ARN"]
        database = RotatingDatabase(url, role, arn, secrets, moto_url)
        asyncio.run(database.admin(f"ALTER ROLE \"{role}\" PASSWORD '{password}'"))
        try:
            yield database
        finally:
            asyncio.run(drop_role(url, role))


def rereads(logged: list[MutableMapping[str, Any]]) -> int:
    """How many times the secret was read again (once per rotation is the contract)."""
    return sum(entry["event"] == "database_login_renewed" for entry in logged)


def test_the_api_follows_a_rotated_secret(rotating: RotatingDatabase) -> None:
    with TestClient(create_app(rotating.settings())) as client:
        client.post("/api/v1/auth/register", json={"email": "a@example.com", "password": PASSWORD})
        token = client.post(
            "/api/v1/auth/login", data={"username": "a@example.com", "password": PASSWORD}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get(ME, headers=headers).status_code == 200

        asyncio.run(rotating.rotate())
        with capture_logs() as logged:
            statuses = [client.get(ME, headers=headers).status_code for _ in range(3)]
            assert client.get("/health/db").status_code == 200

    assert statuses == [200, 200, 200]
    assert rereads(logged) == 1


{% if cookiecutter.use_background_jobs == "y" -%}
def test_a_warm_lambda_handler_follows_a_rotated_secret(
    rotating: RotatingDatabase, jobs_queue: str
) -> None:
    # (Lambda refuses inline jobs.)
    app = create_app(rotating.settings(aws_lambda_function_name="api", jobs_queue_url=jobs_queue))
{%- else -%}
def test_a_warm_lambda_handler_follows_a_rotated_secret(rotating: RotatingDatabase) -> None:
    app = create_app(rotating.settings(aws_lambda_function_name="api"))
{%- endif %}
    handler = http_handler(app)
    assert handler(http_v2("GET", "/health/db"), FakeContext())["statusCode"] == 200

    asyncio.run(rotating.rotate())
    with capture_logs() as logged:
        responses = [handler(http_v2("GET", "/health/db"), FakeContext()) for _ in range(3)]

    container_loop().run_until_complete(app.state.database.dispose())
    assert [response["statusCode"] for response in responses] == [200, 200, 200]
    assert body_of(responses[-1]) == {"status": "ok", "database": "postgresql"}
    assert rereads(logged) == 1
{%- if cookiecutter.use_background_jobs == "y" %}


def test_the_worker_follows_a_rotated_secret(rotating: RotatingDatabase) -> None:
    settings = rotating.settings()
    with TestClient(create_app(settings)) as client:
        registered = client.post(
            "/api/v1/auth/register", json={"email": "w@example.com", "password": PASSWORD}
        ).json()

    async def work() -> None:
        # One long-lived database, as the ECS worker holds across messages.
        context = JobContext(settings, Database(settings))
        message = RecordLogin(user_id=registered["id"], logged_in_at=utcnow()).to_message()
        try:
            await run_message(context, message)
            await rotating.rotate()
            for _ in range(3):
                await run_message(context, message)
        finally:
            await context.database.dispose()

    with capture_logs() as logged:
        asyncio.run(work())

    assert [entry["event"] for entry in logged].count("job_finished") == 4
    assert rereads(logged) == 1
{%- endif %}
