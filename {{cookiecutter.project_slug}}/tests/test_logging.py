from __future__ import annotations

import json
import logging
import uuid

import boto3
import pytest
import structlog
from fastapi.testclient import TestClient
from watchtower import WatchtowerWarning

from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.core.logs import REDACTED, configure_logging, flush_logs, redact
from {{ cookiecutter.package_name }}.main import create_app
from scripts.scratch import TEST_REGION


def json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def access_lines(text: str) -> list[dict[str, object]]:
    return [line for line in json_lines(text) if line.get("event") == "request"]


def test_one_json_access_line_per_request(
    capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    with TestClient(create_app(settings.model_copy(update={"log_json": True}))) as client:
        capsys.readouterr()
        response = client.get("/health")
        client.get("/missing")
    lines = access_lines(capsys.readouterr().out)
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        ("GET", "/health", 200),
        ("GET", "/missing", 404),
    ]
    first = lines[0]
    assert first["request_id"] == response.headers["X-Request-ID"]
    assert isinstance(first["duration_ms"], float)
    assert first["level"] == "info"
    assert "timestamp" in first


def test_caller_request_id_is_kept_and_bad_ones_replaced(
    capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    with TestClient(create_app(settings.model_copy(update={"log_json": True}))) as client:
        kept = client.get("/health", headers={"X-Request-ID": "abc-123"})
        replaced = client.get("/health", headers={"X-Request-ID": "not allowed: spaces & {json}"})
    assert kept.headers["X-Request-ID"] == "abc-123"
    assert replaced.headers["X-Request-ID"] not in ("", 'evil"')
    ids = [line["request_id"] for line in access_lines(capsys.readouterr().out)]
    assert ids[-2:] == ["abc-123", replaced.headers["X-Request-ID"]]


def test_console_format_locally(capsys: pytest.CaptureFixture[str], settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update={"log_json": False}))) as client:
        client.get("/health")
    out = capsys.readouterr().out
    assert "request" in out
    assert "path=/health" in out
    assert not access_lines(out)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("Authorization: Bearer eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl", "eyJzdWIiOiIx"),
        ("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc-DEF_123", "eyJzdWIiOiIxIn0"),
        ("postgresql+asyncpg://app:hunter2@db:5432/app", "hunter2"),
        ("postgres://app:p%40ss@db/app?sslmode=require", "p%40ss"),
        (
            "https://bucket.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAEXAMPLE%2F20260101&X-Amz-Signature=0123abcd",
            "0123abcd",
        ),
        ("https://b.s3.amazonaws.com/k?AWSAccessKeyId=AKIAEX&Signature=c2ln%3D&Expires=1", "c2ln"),
        ("Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA"),
    ],
)
def test_redaction_by_shape(text: str, secret: str) -> None:
    redacted = redact(None, "info", {"event": text, "nested": {"list": [text]}})
    assert secret not in json.dumps(redacted)
    assert REDACTED in redacted["event"]


def test_redaction_by_key() -> None:
    event = {
        "event": "login",
        "password": "correct horse",
        "headers": {"Authorization": "anything", "accept": "json"},
        "jwt_secret": "s",
        "access_token": "t",
        "user": "ada@example.com",
    }
    redacted = redact(None, "info", event)
    assert redacted["password"] == REDACTED
    assert redacted["headers"] == {"Authorization": REDACTED, "accept": "json"}
    assert redacted["jwt_secret"] == REDACTED
    assert redacted["access_token"] == REDACTED
    assert redacted["user"] == "ada@example.com"


def test_redaction_reaches_tracebacks_and_library_lines(
    capsys: pytest.CaptureFixture[str], settings: Settings
) -> None:
    create_app(settings.model_copy(update={"log_json": True}))
    url = "postgresql://app:hunter2@db/app"
    try:
        raise RuntimeError(f"cannot connect to {url}")
    except RuntimeError:
        structlog.get_logger("test").exception("connect_failed")
    logging.getLogger("some.library").warning("retrying %s", url)
    out = capsys.readouterr().out
    assert "hunter2" not in out
    assert out.count(REDACTED) >= 2


def cloudwatch_events(moto_url: str, group: str) -> list[dict[str, object]]:
    client = boto3.client("logs", endpoint_url=moto_url, region_name=TEST_REGION)
    events = client.filter_log_events(logGroupName=group)["events"]
    return [json.loads(event["message"]) for event in events]


def test_logs_ship_to_cloudwatch_as_json(aws_settings: Settings, moto_url: str) -> None:
    group = f"/app/{uuid.uuid4().hex}"
    boto3.client("logs", endpoint_url=moto_url, region_name=TEST_REGION).create_log_group(
        logGroupName=group
    )
    settings = aws_settings.model_copy(update={"cloudwatch_log_group": group, "log_json": False})
    with TestClient(create_app(settings)) as client:
        response = client.get("/health", headers={"X-Request-ID": "cw-123"})
        client.get("/health", headers={"Authorization": "Bearer eyJa.eyJb.sig"})
    flush_logs()
    assert response.status_code == 200
    events = cloudwatch_events(moto_url, group)
    access = [event for event in events if event.get("event") == "request"]
    assert [event["request_id"] for event in access][:1] == ["cw-123"]
    assert access[0]["path"] == "/health"
    assert "eyJb" not in json.dumps(events)


def serve_then_close_cloudwatch(settings: Settings) -> list[int]:
    """Three requests, then logging configured anew, which closes the CloudWatch handler
    here rather than in a later test (watchtower warns on every failed delivery)."""
    with TestClient(create_app(settings)) as client:
        statuses = [client.get("/health").status_code for _ in range(3)]
    flush_logs()
    configure_logging(settings.model_copy(update={"cloudwatch_log_group": ""}))
    return statuses


def test_requests_succeed_while_cloudwatch_is_unreachable(
    capsys: pytest.CaptureFixture[str], settings: Settings, unused_port: int
) -> None:
    settings = settings.model_copy(
        update={
            "cloudwatch_log_group": "/app/unreachable",
            "aws_endpoint_url": f"http://127.0.0.1:{unused_port}",
            "log_json": True,
        }
    )
    with pytest.warns(WatchtowerWarning, match="Failed to deliver logs"):
        statuses = serve_then_close_cloudwatch(settings)
    assert statuses == [200, 200, 200]
    assert len(access_lines(capsys.readouterr().out)) == 3
