from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.main import create_app
from tests.helpers import AuthHeaders, assert_error


def test_unknown_route_is_json_404(client: TestClient) -> None:
    assert_error(client.get("/nope"), 404, "not_found")


def test_wrong_method_is_json_405(client: TestClient) -> None:
    assert_error(client.put("/health"), 405, "method_not_allowed")


def test_validation_error_lists_field_paths_without_values(client: TestClient) -> None:
    secret = "do-not-echo-me"
    response = client.post("/api/v1/auth/register", json={"email": secret, "password": "x"})
    error = assert_error(response, 422, "validation_error")
    fields = {detail["field"] for detail in error["details"]}
    assert fields == {"body.email", "body.password"}
    assert secret not in response.text


MALFORMED_BODIES = [
    ("application/json", b"{not json"),
    ("application/json", b"[1, 2, 3]"),
    ("application/json", b'"a string"'),
    ("application/json", b"null"),
    ("application/json", b"\xff\xfe\xfd"),
    ("application/json", b'{"title": "\\ud800"}'),
    ("text/plain", b"title=hello"),
    ("application/x-www-form-urlencoded", b"title=hello"),
    ("multipart/form-data; boundary=x", b"--x\r\nbroken"),
]


@pytest.mark.parametrize(("content_type", "payload"), MALFORMED_BODIES)
@pytest.mark.parametrize(
    "path",
    ["/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/items"],
)
def test_malformed_bodies_are_4xx_json(
    client: TestClient,
    auth_headers: AuthHeaders,
    path: str,
    content_type: str,
    payload: bytes,
) -> None:
    headers = {**auth_headers("bodies@example.com"), "Content-Type": content_type}
    response = client.post(path, content=payload, headers=headers)
    assert 400 <= response.status_code < 500, response.text
    assert set(response.json()) == {"error", "request_id"}


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer \u00e9\u00e8"},
        {"Authorization": "Bearer " + "a" * 10_000},
        {"Authorization": "Bearer a.b.c"},
        {"X-Request-ID": "x" * 1000},
        {"Content-Length": "abc"},
    ],
)
def test_malformed_headers_are_never_500(client: TestClient, headers: dict[str, str]) -> None:
    raw = [(name.encode(), value.encode()) for name, value in headers.items()]
    response = client.get("/api/v1/users/me", headers=raw)
    assert 400 <= response.status_code < 500, response.text


def test_unhandled_error_is_json_500_with_request_id(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("internal detail that must not leak")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom", headers={"X-Request-ID": "trace-500"})
    error = assert_error(response, 500, "internal_error")
    assert response.json()["request_id"] == "trace-500"
    assert "internal detail" not in str(error)
