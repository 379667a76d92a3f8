"""The OpenAPI document is a contract clients can generate code from: a property-based
API tester (schemathesis) sends every operation requests built from the document, valid
and invalid, with every check it has on: no 5xx, only documented statuses, content
types and headers, responses that match their schemas, invalid input refused and valid
input accepted, 405 with a correct `Allow`, and authentication enforced.

It runs on {% if cookiecutter.database == "dynamodb" %}the emulator's tables{% else %}SQLite (the contract does not depend on the backend){% endif %}; SCHEMATHESIS_EXAMPLES sets how many
requests each operation gets (more finds more: try 1000 before a release)."""

from __future__ import annotations

{% if cookiecutter.database == "dynamodb" -%}
import asyncio
{% endif -%}
import os
from collections.abc import Iterator
{%- if cookiecutter.database != "dynamodb" %}
from pathlib import Path
{%- endif %}
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from {{ cookiecutter.package_name }}.main import create_app
{%- if cookiecutter.database != "dynamodb" %}
from {{ cookiecutter.package_name }}.migrate import upgrade
from scripts.scratch import fresh_database, make_settings
{%- else %}
from scripts.scratch import make_settings
{%- endif %}
from tests.helpers import PASSWORD{% if cookiecutter.database == "dynamodb" %}, empty_tables{% endif %}

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))


@pytest.fixture
def contract_app(
{%- if cookiecutter.database == "dynamodb" %}
    table_prefix: str,
{%- else %}
    tmp_path: Path,
{%- endif %}
{%- if cookiecutter.database == "dynamodb" or cookiecutter.use_s3_uploads == "y" %}
    moto_url: str,
{%- endif %}
{%- if cookiecutter.use_s3_uploads == "y" %}
    uploads_bucket: str,
{%- endif %}
) -> Iterator[FastAPI]:
{%- if cookiecutter.database == "dynamodb" %}
    app_settings = make_settings(
        table_prefix,
        aws_endpoint_url=moto_url,
{%- if cookiecutter.use_s3_uploads == "y" %}
        uploads_bucket=uploads_bucket,
{%- endif %}
    )
    yield create_app(app_settings)
    asyncio.run(empty_tables(app_settings))
{%- else %}
    with fresh_database("sqlite", tmp_path) as url:
        upgrade(url)
        yield create_app(
            make_settings(
                url,
{%- if cookiecutter.use_s3_uploads == "y" %}
                aws_endpoint_url=moto_url,
                uploads_bucket=uploads_bucket,
{%- endif %}
            )
        )
{%- endif %}


@pytest.fixture
def contract_client(contract_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(contract_app) as client:
        yield client


@pytest.fixture
def bearer(contract_client: TestClient) -> dict[str, str]:
    """A signed-in user's Authorization header: the tester's requests act as this user."""
    account = {"email": "contract@example.com", "password": PASSWORD}
    assert contract_client.post("/api/v1/auth/register", json=account).status_code == 201
    login = {"username": account["email"], "password": PASSWORD}
    token = contract_client.post("/api/v1/auth/login", data=login).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


# Loaded at collection, from an app that only builds its document: building one opens
# no connection. Each test's requests go to its own app (`contract_app`).
document_app = create_app(make_settings({{ '"contract"' if cookiecutter.database == "dynamodb" else '"sqlite+aiosqlite://"' }}))
schema = schemathesis.openapi.from_asgi("/openapi.json", document_app)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_keeps_its_openapi_contract(
    case: schemathesis.Case[Any], contract_app: FastAPI, bearer: dict[str, str]
) -> None:
    case.call_and_validate(app=contract_app, headers=bearer)
