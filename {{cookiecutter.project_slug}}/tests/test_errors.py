from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.main import create_app
from tests.helpers import AuthHeaders, assert_error


def test_unknown_route_is_json_404(client: TestClient) -> None:
    assert_error(client.get("/nope"), 404, "not_found")


def test_wrong_method_is_json_405(client: TestClient) -> None:
    assert_error(client.put("/health"), 405, "method_not_allowed")


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/health", "GET"),
        ("/api/v1/items", "GET, POST"),
        ("/api/v1/items/0192f4b8-7b8e-7000-8000-000000000000", "GET, PATCH, DELETE"),
    ],
)
def test_405_and_options_name_every_method_of_the_path(
    client: TestClient, path: str, allowed: str
) -> None:
    # GET and POST /items are two routes: Starlette alone would name only the first.
    response = client.put(path)
    assert_error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == allowed
    options = client.options(path)
    assert (options.status_code, options.headers["allow"]) == (204, allowed)


def test_a_repeated_query_parameter_is_refused(
    client: TestClient, auth_headers: AuthHeaders
) -> None:
    response = client.get("/api/v1/items?limit=5&limit=50", headers=auth_headers("q@example.com"))
    error = assert_error(response, 422, "validation_error")
    assert [detail["field"] for detail in error["details"]] == ["query.limit"]


def test_every_error_status_is_documented_with_the_envelope(app: FastAPI) -> None:
    """What clients generate code from: each operation's error statuses, each with the
    error body's schema (tests/test_contract.py checks the API keeps to them)."""
    envelope = {"$ref": "#/components/schemas/ErrorResponse"}
    for path, operations in app.openapi()["paths"].items():
        for method, operation in operations.items():
            errors = {
                status: response["content"]["application/json"]["schema"]
                for status, response in operation["responses"].items()
                if int(status) >= 400
            }
            assert all(schema == envelope for schema in errors.values()), (method, path)
            if path.startswith("/api/"):
                assert {"400", "422"} <= set(errors), (method, path)
            if "security" in operation:
                assert "401" in errors, (method, path)
            if "{" in path:
                assert "404" in errors, (method, path)


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
