from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
{%- if cookiecutter.database != "dynamodb" %}
from sqlalchemy import Executable, delete, update
{%- endif %}

from {{ cookiecutter.package_name }}.core import security
from {{ cookiecutter.package_name }}.core.clock import utcnow
from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.core.db import Database
from {{ cookiecutter.package_name }}.core.errors import ConflictError
{%- if cookiecutter.database != "dynamodb" %}
from {{ cookiecutter.package_name }}.users.models import User
{%- endif %}
from {{ cookiecutter.package_name }}.users.repository import UserRepository
from scripts.scratch import TEST_JWT_SECRET
from tests.helpers import PASSWORD, AuthHeaders, assert_error

REGISTER = "/api/v1/auth/register"
LOGIN = "/api/v1/auth/login"
ME = "/api/v1/users/me"


def register(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = client.post(REGISTER, json={"email": email, "password": password})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_register_returns_user_without_secrets(client: TestClient) -> None:
    response = client.post(REGISTER, json={"email": "Ada@Example.com", "password": PASSWORD})
    assert response.status_code == 201
    body = response.json()
{%- if cookiecutter.use_background_jobs == "y" %}
    assert set(body) == {"id", "email", "is_active", "created_at", "last_login_at"}
    assert body["last_login_at"] is None
{%- else %}
    assert set(body) == {"id", "email", "is_active", "created_at"}
{%- endif %}
    assert body["email"] == "ada@example.com"
    assert body["is_active"] is True
    assert body["created_at"].endswith(("Z", "+00:00"))
    assert PASSWORD not in response.text
    assert "argon2" not in response.text


def test_register_duplicate_email_is_conflict(client: TestClient) -> None:
    register(client, "dup@example.com")
    response = client.post(REGISTER, json={"email": "DUP@example.com", "password": PASSWORD})
    assert_error(response, 409, "conflict")


@asynccontextmanager
async def users_of(database: Database) -> AsyncIterator[UserRepository]:
    """A repository of its own, as each request gets one."""
{%- if cookiecutter.database == "dynamodb" %}
    yield UserRepository(database)
{%- else %}
    async with database.session() as session:
        yield UserRepository(session)
{%- endif %}


def test_registrations_of_one_email_at_once_make_one_account(
    client: TestClient, settings: Settings
) -> None:
    """No check before the write can see the others' writes: the store must decide."""
    database = Database(settings)
    password_hash = security.hash_password(PASSWORD)

    async def register_once() -> str:
        async with users_of(database) as users:
            try:
                await users.add("race@example.com", password_hash)
            except ConflictError:
                return "conflict"
            return "created"

    async def race() -> list[str]:
        try:
            return await asyncio.gather(*(register_once() for _ in range(4)))
        finally:
            await database.dispose()

    assert sorted(asyncio.run(race())) == ["conflict", "conflict", "conflict", "created"]
    login = client.post(LOGIN, data={"username": "race@example.com", "password": PASSWORD})
    assert login.status_code == 200, login.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "password": PASSWORD}, "body.email"),
        ({"email": "a@example.com", "password": "short"}, "body.password"),
        ({"email": "a@example.com", "password": "x" * 129}, "body.password"),
        ({"email": "a@example.com"}, "body.password"),
        ({"email": "a\x00b@example.com", "password": PASSWORD}, "body.email"),
    ],
)
def test_register_rejects_bad_input(client: TestClient, body: dict[str, str], field: str) -> None:
    error = assert_error(client.post(REGISTER, json=body), 422, "validation_error")
    assert field in [detail["field"] for detail in error["details"]]


def test_login_and_me(client: TestClient) -> None:
    user = register(client, "me@example.com")
    response = client.post(LOGIN, data={"username": "ME@example.com", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()
    assert token["token_type"] == "bearer"
    me = client.get(ME, headers={"Authorization": f"Bearer {token['access_token']}"})
    assert me.status_code == 200
{%- if cookiecutter.use_background_jobs == "y" %}
    # Login queued record_login, which the inline backend of the tests has run.
    assert me.json() == {**user, "last_login_at": me.json()["last_login_at"]}
    assert me.json()["last_login_at"] is not None
{%- else %}
    assert me.json() == user
{%- endif %}


def test_wrong_password_and_unknown_email_look_the_same(client: TestClient) -> None:
    register(client, "known@example.com")
    wrong = client.post(LOGIN, data={"username": "known@example.com", "password": "wrong-password"})
    unknown = client.post(LOGIN, data={"username": "nobody@example.com", "password": PASSWORD})
    for response in (wrong, unknown):
        assert_error(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert wrong.json()["error"] == unknown.json()["error"]


def test_unknown_email_costs_one_password_verification(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(client, "timing@example.com")
    calls: list[str] = []
    real_verify = security.verify_password

    def counting_verify(password_hash: str, password: str) -> bool:
        calls.append(password_hash)
        return real_verify(password_hash, password)

    monkeypatch.setattr(security, "verify_password", counting_verify)
    monkeypatch.setattr("{{ cookiecutter.package_name }}.users.service.verify_password", counting_verify)
    client.post(LOGIN, data={"username": "timing@example.com", "password": "wrong-password"})
    client.post(LOGIN, data={"username": "nobody@example.com", "password": "wrong-password"})
    client.post(LOGIN, data={"username": "x" * 400 + "@example.com", "password": "wrong"})
    assert len(calls) == 3
    assert all(h.startswith("$argon2id$") for h in calls)


def test_login_form_is_required(client: TestClient) -> None:
    error = assert_error(
        client.post(LOGIN, json={"username": "a@example.com", "password": PASSWORD}),
        422,
        "validation_error",
    )
    assert {"body.username", "body.password"} <= {d["field"] for d in error["details"]}


def test_login_with_nul_in_username_is_401(client: TestClient) -> None:
    response = client.post(LOGIN, data={"username": "a\x00@example.com", "password": PASSWORD})
    assert_error(response, 401, "unauthorized")


def token(
    subject: str, *, secret: str = TEST_JWT_SECRET, expires_in: timedelta, **extra: object
) -> str:
    now = utcnow()
    claims = {"sub": subject, "iat": now, "exp": now + expires_in, **extra}
    return jwt.encode(claims, secret, algorithm="HS256")


def test_me_requires_a_valid_token(client: TestClient, auth_headers: AuthHeaders) -> None:
    good = auth_headers("guarded@example.com")
    user_id = client.get(ME, headers=good).json()["id"]
    claims = jwt.decode(good["Authorization"].split()[1], options={"verify_signature": False})
    hour = timedelta(hours=1)
    bad_tokens = [
        # Signed, current and the user's, but for a reset, or from before a new password.
        token(user_id, expires_in=hour, purpose="password_reset", pwd=claims["pwd"]),
        token(user_id, expires_in=hour, purpose="access", pwd="0" * 32),
        token(user_id, expires_in=hour),  # no purpose and no fingerprint: older tokens'
        "not-a-jwt",
        token(user_id, expires_in=-hour),
        token(user_id, secret="another-secret-of-sufficient-length", expires_in=hour),
        jwt.encode({"sub": user_id, "exp": utcnow() + hour}, "", algorithm="none"),
        token(str(uuid.uuid4()), expires_in=hour),
        token("not-an-id", expires_in=hour),
        token("42", expires_in=hour),  # an integer id, as tokens before UUID ids named users
    ]
    bad_headers = [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        *({"Authorization": f"Bearer {bad}"} for bad in bad_tokens),
    ]
    for headers in bad_headers:
        assert_error(client.get(ME, headers=headers), 401, "unauthorized")
    assert client.get(ME, headers=good).status_code == 200


{% if cookiecutter.database == "dynamodb" -%}
def delete_users(client: TestClient, app: FastAPI) -> None:
    """Deletes every user from the users table, through the app's own client."""
    database = app.state.database
    table = database.table("users")
    for page in database.client.get_paginator("scan").paginate(TableName=table):
        for user in page["Items"]:
            database.client.delete_item(TableName=table, Key={"id": user["id"]})


def deactivate_users(client: TestClient, app: FastAPI) -> None:
    """Marks every user inactive in the users table, through the app's own client."""
    database = app.state.database
    table = database.table("users")
    for page in database.client.get_paginator("scan").paginate(TableName=table):
        for user in page["Items"]:
            database.client.update_item(
                TableName=table,
                Key={"id": user["id"]},
                UpdateExpression="SET is_active = :no",
                ExpressionAttributeValues={":no": {"BOOL": False}},
            )
{%- else -%}
def execute_in_app(client: TestClient, app: FastAPI, statement: Executable) -> None:
    """Run a statement through the app's own engine, on the test client's event loop."""

    async def run() -> None:
        async with app.state.database.session() as session:
            await session.execute(statement)
            await session.commit()

    assert client.portal is not None
    client.portal.call(run)


def delete_users(client: TestClient, app: FastAPI) -> None:
    execute_in_app(client, app, delete(User))


def deactivate_users(client: TestClient, app: FastAPI) -> None:
    execute_in_app(client, app, update(User).values(is_active=False))
{%- endif %}


def test_token_of_deleted_user_is_rejected(
    client: TestClient, app: FastAPI, auth_headers: AuthHeaders
) -> None:
    headers = auth_headers("gone@example.com")
    assert client.get(ME, headers=headers).status_code == 200
    delete_users(client, app)
    assert_error(client.get(ME, headers=headers), 401, "unauthorized")


def test_inactive_user_cannot_log_in_or_use_token(
    client: TestClient, app: FastAPI, auth_headers: AuthHeaders
) -> None:
    headers = auth_headers("inactive@example.com")
    deactivate_users(client, app)
    assert_error(client.get(ME, headers=headers), 401, "unauthorized")
    response = client.post(LOGIN, data={"username": "inactive@example.com", "password": PASSWORD})
    assert_error(response, 401, "unauthorized")


def test_password_never_logged(capsys: pytest.CaptureFixture[str], client: TestClient) -> None:
    register(client, "quiet@example.com")
    client.post(LOGIN, data={"username": "quiet@example.com", "password": PASSWORD})
    client.post(LOGIN, data={"username": "quiet@example.com", "password": "wrong-password"})
    output = capsys.readouterr()
    assert PASSWORD not in output.out + output.err
    assert "wrong-password" not in output.out + output.err
    assert "$argon2" not in output.out + output.err
