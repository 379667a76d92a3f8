from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.config import Settings
from {{ cookiecutter.package_name }}.main import create_app


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
