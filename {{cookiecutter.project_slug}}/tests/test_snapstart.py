"""SnapStart's runtime hooks, run in-process the way the Lambda runtime runs them (no
emulator can snapshot): an init that ends in a snapshot warms the app without connecting,
signing or reading a secret; the hooks leave a restored copy no connection, client,
credential or secret from before the snapshot; copies of one snapshot draw different
random numbers."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
import snapshot_restore_py
from fastapi import FastAPI
{%- if cookiecutter.database != "dynamodb" %}
from sqlalchemy.engine import make_url
{%- endif %}

from {{ cookiecutter.package_name }} import snapstart
from {{ cookiecutter.package_name }}.core import aws
from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.core.security import signing_key
from {{ cookiecutter.package_name }}.lambda_handler import (
    LambdaHandler,
    http_handler,
    run_in_container_loop,
)
from {{ cookiecutter.package_name }}.main import create_app
from scripts.scratch import TEST_REGION
from tests.test_lambda import FakeContext, http_v2
from tests.test_secrets import create_secret

SNAP_START_INIT = {"AWS_LAMBDA_INITIALIZATION_TYPE": snapstart.SNAP_START}


@pytest.fixture(autouse=True)
def new_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Empty hook registries and no client or secret held, as in a new environment."""
    monkeypatch.setattr(snapshot_restore_py, "_before_snapshot_registry", [])
    monkeypatch.setattr(snapshot_restore_py, "_after_restore_registry", [])
    aws.forget()
    yield
    aws.forget()


@pytest.fixture
def secret_settings(settings_with: Callable[..., Settings], moto_url: str) -> Settings:
    """Settings whose JWT secret is read from Secrets Manager (on the moto server)."""
    arn = create_secret(moto_url, "before-the-snapshot-" + "s" * 32)
    return settings_with(jwt_secret_arn=arn, aws_endpoint_url=moto_url)


def run(registered: list[Any]) -> None:
    # The registries hold (hook, args, kwargs), whatever the library's annotation says.
    for hook, args, kwargs in registered:
        hook(*args, **kwargs)


def snapshot() -> None:
    """What the runtime runs before it takes the snapshot: the hooks, last registered first."""
    run(snapshot_restore_py.get_before_snapshot()[::-1])


def restore() -> None:
    """What the runtime runs in a copy resumed from the snapshot, first registered first."""
    run(snapshot_restore_py.get_after_restore())


@pytest.fixture
def initialised(secret_settings: Settings) -> Iterator[tuple[FastAPI, LambdaHandler]]:
    """The app and handler as the handler module's import builds them, in a SnapStart init."""
    app = create_app(secret_settings)
    handler = http_handler(app)
    assert snapstart.prepare(app, handler, run_in_container_loop, SNAP_START_INIT)
    yield app, handler
    run_in_container_loop(app.state.database.dispose())


def hold_connection_and_secret(app: FastAPI, handler: LambdaHandler, settings: Settings) -> Any:
    """What a first request leaves behind: {{ 'a DynamoDB client' if cookiecutter.database == 'dynamodb' else 'a pooled connection' }}, a client with the
    credentials it resolved, the secret it read. Returns the {{ "database's client" if cookiecutter.database == 'dynamodb' else "driver's connection" }}."""
    assert handler(http_v2("GET", "/health/db"), FakeContext())["statusCode"] == 200
    signing_key(settings)
    assert aws._client.cache_info().currsize > 0
    assert aws._secrets
{%- if cookiecutter.database == "dynamodb" %}
    return database_connection(app)


def database_connection(app: FastAPI) -> Any:
    """The DynamoDB client the database holds (None: none yet)."""
    return app.state.database._client
{%- else %}
    assert app.state.database.engine.pool.checkedin() == 1
    return database_connection(app)


def database_connection(app: FastAPI) -> Any:
    """The driver's connection the pool holds (its only one, checked out and back)."""

    async def checkout() -> Any:
        async with app.state.database.engine.connect() as connection:
            return (await connection.get_raw_connection()).driver_connection

    return run_in_container_loop(checkout())
{%- endif %}


def nothing_opened(app: FastAPI) -> bool:
    """Whether the database holds nothing open (no {{ 'client' if cookiecutter.database == 'dynamodb' else 'engine, so no connection' }})."""
    return app.state.database.{{ '_client' if cookiecutter.database == 'dynamodb' else '_engine' }} is None


def test_an_init_without_snap_start_warms_nothing_and_registers_no_hook(
    secret_settings: Settings,
) -> None:
    app = create_app(secret_settings)
    handler = http_handler(app)
    assert not snapstart.prepare(app, handler, asyncio.run, {})
    assert snapshot_restore_py.get_before_snapshot() == []
    assert snapshot_restore_py.get_after_restore() == []


def test_the_init_warms_without_connecting_signing_or_reading_a_secret(
    initialised: tuple[FastAPI, LambdaHandler],
) -> None:
    app, _ = initialised
    # Warmed: the models of every service the app calls, parsed by the shared loader.
    parsed = {key[1] for key in aws._models()._cache if key[0] == "load_service_model"}
    assert parsed >= aws.SERVICES
    # Nothing a copy must not share: no database connection, no client, no secret.
    assert nothing_opened(app)
    assert aws._client.cache_info().currsize == 0
    assert aws._secrets == {}


def test_the_snapshot_holds_no_connection_client_or_secret(
    initialised: tuple[FastAPI, LambdaHandler], secret_settings: Settings
) -> None:
    app, handler = initialised
    hold_connection_and_secret(app, handler, secret_settings)

    snapshot()

    assert nothing_opened(app)  # closed, while one process held it
    assert aws._client.cache_info().currsize == 0
    assert aws._secrets == {}


def test_a_restored_copy_opens_resolves_and_reads_its_own(
    initialised: tuple[FastAPI, LambdaHandler], secret_settings: Settings, moto_url: str
) -> None:
    app, handler = initialised
    snapshot()
    # The worst case: state the snapshot holds anyway (code added to init later, say).
    inherited = hold_connection_and_secret(app, handler, secret_settings)
    inherited_client = aws._client(
        "secretsmanager", secret_settings.aws_region, secret_settings.aws_endpoint_url
    )
    secrets = boto3.client("secretsmanager", endpoint_url=moto_url, region_name=TEST_REGION)
    secrets.put_secret_value(
        SecretId=secret_settings.jwt_secret_arn, SecretString="after-the-restore-" + "r" * 32
    )

    restore()

    assert nothing_opened(app)
    assert aws._client.cache_info().currsize == 0
    assert aws._secrets == {}
    # The copy's first request: a connection, a client and a secret of its own.
    assert handler(http_v2("GET", "/health/db"), FakeContext())["statusCode"] == 200
    assert database_connection(app) is not inherited
    assert signing_key(secret_settings).startswith("after-the-restore-")
    own_client = aws._client(
        "secretsmanager", secret_settings.aws_region, secret_settings.aws_endpoint_url
    )
    assert own_client is not inherited_client
{%- if cookiecutter.database != "dynamodb" %}
    if make_url(secret_settings.raw_database_url).get_dialect().driver == "asyncpg":
        # Dropped, not closed: closing would end the session of every copy sharing it.
        assert not inherited.is_closed()
        run_in_container_loop(inherited.close())
{%- endif %}


def test_copies_of_one_snapshot_draw_different_random_numbers(
    initialised: tuple[FastAPI, LambdaHandler],
) -> None:
    snapshot()
    at_snapshot = random.getstate()
    draws = []
    for _copy in range(2):
        random.setstate(at_snapshot)  # each copy resumes with the snapshot's state
        restore()
        draws.append(random.random())
    assert draws[0] != draws[1]
