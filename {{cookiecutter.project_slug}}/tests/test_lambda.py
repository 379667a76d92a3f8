"""The Lambda entry points, invoked in-process with real event shapes (moto runs no code)."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from {{ cookiecutter.package_name }}.core.config import Settings
{%- if cookiecutter.database == "dynamodb" %}
from {{ cookiecutter.package_name }}.lambda_handler import LambdaHandler, http_handler
from {{ cookiecutter.package_name }}.main import create_app
{%- else %}
from {{ cookiecutter.package_name }}.lambda_handler import LambdaHandler, http_handler, migrate
from {{ cookiecutter.package_name }}.main import create_app
from scripts.scratch import BACKENDS, fresh_database
{%- endif %}
from tests.helpers import PASSWORD, empty_tables

EVENTS = Path(__file__).parent / "events"


class FakeContext:
    function_name = "api"
    aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e812345678"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


def load_event(name: str, **changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    event.update(changes)
    return event


@pytest.fixture
def handler(settings: Settings) -> Iterator[LambdaHandler]:
    app = create_app(settings)
    yield http_handler(app)
    asyncio.get_event_loop().run_until_complete(app.state.database.dispose())
    asyncio.run(empty_tables(settings))


def body_of(response: dict[str, Any]) -> Any:
    body = response["body"]
    if response.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return json.loads(body)


def http_v2(
    method: str,
    path: str,
    body: str | None = None,
    headers: dict[str, str] | None = None,
    stage: str = "$default",
) -> dict[str, Any]:
    event = load_event("http_api_v2")
    event["rawPath"] = path if stage == "$default" else f"/{stage}{path}"
    event["requestContext"]["http"]["method"] = method
    event["requestContext"]["http"]["path"] = event["rawPath"]
    event["requestContext"]["stage"] = stage
    event["headers"] = {"host": "abc123.execute-api.us-east-1.amazonaws.com", **(headers or {})}
    event["body"] = body
    event["isBase64Encoded"] = False
    return event


def test_http_api_v2_get(handler: LambdaHandler) -> None:
    response = handler(http_v2("GET", "/health"), FakeContext())
    assert response["statusCode"] == 200
    assert body_of(response) == {"status": "ok"}
    assert response["headers"]["x-request-id"]


def test_http_api_v2_post_with_body_and_404(handler: LambdaHandler) -> None:
    credentials = json.dumps({"email": "lambda@example.com", "password": PASSWORD})
    response = handler(
        http_v2("POST", "/api/v1/auth/register", credentials, {"content-type": "application/json"}),
        FakeContext(),
    )
    assert response["statusCode"] == 201, response
    assert body_of(response)["email"] == "lambda@example.com"
    missing = handler(http_v2("GET", "/nope"), FakeContext())
    assert missing["statusCode"] == 404
    assert body_of(missing)["error"]["code"] == "not_found"


def test_http_api_v2_base64_body(handler: LambdaHandler) -> None:
    form = base64.b64encode(b"username=nobody%40example.com&password=wrong-password").decode()
    event = http_v2(
        "POST", "/api/v1/auth/login", form, {"content-type": "application/x-www-form-urlencoded"}
    )
    event["isBase64Encoded"] = True
    response = handler(event, FakeContext())
    assert response["statusCode"] == 401
    assert body_of(response)["error"]["code"] == "unauthorized"


def test_http_api_v2_named_stage_serves_docs_under_the_prefix(handler: LambdaHandler) -> None:
    docs = handler(http_v2("GET", "/docs", stage="dev"), FakeContext())
    assert docs["statusCode"] == 200
    assert "/dev/openapi.json" in docs["body"]
    spec = handler(http_v2("GET", "/openapi.json", stage="dev"), FakeContext())
    assert body_of(spec)["servers"] == [{"url": "/dev"}]


def test_rest_api_v1_with_stage_prefix(handler: LambdaHandler) -> None:
    docs = handler(load_event("rest_api_v1"), FakeContext())
    assert docs["statusCode"] == 200
    assert "/prod/openapi.json" in docs["body"]

    event = load_event("rest_api_v1", path="/openapi.json", resource="/{proxy+}")
    event["requestContext"]["path"] = "/prod/openapi.json"
    spec = handler(event, FakeContext())
    assert spec["statusCode"] == 200
    assert body_of(spec)["servers"] == [{"url": "/prod"}]

    event = load_event("rest_api_v1", path="/health/db")
    event["requestContext"]["path"] = "/prod/health/db"
    assert handler(event, FakeContext())["statusCode"] == 200


def test_rest_api_v1_on_a_custom_domain_has_no_prefix(handler: LambdaHandler) -> None:
    event = load_event("rest_api_v1")
    event["requestContext"]["path"] = "/docs"
    docs = handler(event, FakeContext())
    assert '"/openapi.json"' in docs["body"] or "'/openapi.json'" in docs["body"]


def test_alb_event(handler: LambdaHandler) -> None:
    response = handler(load_event("alb"), FakeContext())
    assert response["statusCode"] == 200
    assert body_of(response) == {"status": "ok"}
    not_found = handler(load_event("alb", path="/missing"), FakeContext())
    assert not_found["statusCode"] == 404
{%- if cookiecutter.database != "dynamodb" %}


@pytest.mark.parametrize("backend", BACKENDS)
def test_migrate_handler(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from {{ cookiecutter.package_name }}.core.config import get_settings

    with fresh_database(backend, tmp_path) as url:
        monkeypatch.setenv("DATABASE_URL", url)
        monkeypatch.setenv("DB_SSL", "disable")
        get_settings.cache_clear()
        try:
            result = migrate({}, FakeContext())
        finally:
            get_settings.cache_clear()
    assert result["status"] == "ok"
    assert result["revision"] != "base"
{%- endif %}


def test_handler_import_loads_no_aws_sdk_and_no_driver(tmp_path: Path) -> None:
    heavy = ("boto3", "botocore", "asyncpg", "aiosqlite", "sqlite3", "watchtower")
    probe = (
        "import sys, {{ cookiecutter.package_name }}.lambda_handler; "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:x"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={**os.environ, "ENVIRONMENT": "test", "JWT_SECRET_ARN": secret_arn},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
