"""Password reset: a link by mail that works once, within its time, and ends every
session; the request's answer says nothing about which e-mails have accounts."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import boto3
import jwt
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from structlog.testing import capture_logs

from {{ cookiecutter.package_name }}.core.clock import utcnow
from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.core.mail import Message, SesMailer
from {{ cookiecutter.package_name }}.main import create_app
from {{ cookiecutter.package_name }}.users.service import reset_message
from scripts.scratch import TEST_JWT_SECRET, TEST_REGION
from tests.helpers import PASSWORD, AuthHeaders, assert_error

LOGIN = "/api/v1/auth/login"
ME = "/api/v1/users/me"
RESET = "/api/v1/auth/password-reset"
CONFIRM = "/api/v1/auth/password-reset/confirm"
NEW_PASSWORD = "a brand new passphrase"
TOKEN = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")  # a JWT


RequestReset = Callable[[str], tuple[Any, list[str]]]


@pytest.fixture
def request_reset(client: TestClient, capsys: pytest.CaptureFixture[str]) -> RequestReset:
    """Asks for a reset of `email`: the answer, and the tokens of the mail it sent (printed
    on the app's output, as `make run` shows it; the log names the mail, never the token)."""

    def request(email: str) -> tuple[Any, list[str]]:
        capsys.readouterr()
        with capture_logs() as logged:
            response = client.post(RESET, json={"email": email})
        printed = capsys.readouterr().out
        tokens = TOKEN.findall(printed)
        assert len(tokens) == sum(entry["event"] == "mail_to_log" for entry in logged), printed
        assert not any(TOKEN.search(str(entry)) for entry in logged), logged
        return response, tokens

    return request


def log_in(client: TestClient, email: str, password: str) -> int:
    return client.post(LOGIN, data={"username": email, "password": password}).status_code


def test_a_reset_sets_the_password_and_ends_every_session(
    client: TestClient,
    auth_headers: AuthHeaders,
    request_reset: RequestReset,
) -> None:
    session = auth_headers("reset@example.com")
    response, (token,) = request_reset("Reset@Example.com")
    assert response.status_code == 202

    assert client.post(CONFIRM, json={"token": token, "password": NEW_PASSWORD}).status_code == 204
    assert log_in(client, "reset@example.com", PASSWORD) == 401
    assert log_in(client, "reset@example.com", NEW_PASSWORD) == 200
    assert_error(client.get(ME, headers=session), 401, "unauthorized")
    # Once only.
    again = client.post(CONFIRM, json={"token": token, "password": "yet another passphrase"})
    assert_error(again, 401, "unauthorized")
    assert log_in(client, "reset@example.com", NEW_PASSWORD) == 200


def test_a_reset_voids_the_other_links(
    client: TestClient, auth_headers: AuthHeaders, request_reset: RequestReset
) -> None:
    auth_headers("twice@example.com")
    _, (first,) = request_reset("twice@example.com")
    _, (second,) = request_reset("twice@example.com")
    assert client.post(CONFIRM, json={"token": second, "password": NEW_PASSWORD}).status_code == 204
    used = client.post(CONFIRM, json={"token": first, "password": "yet another passphrase"})
    assert_error(used, 401, "unauthorized")


def test_the_answer_is_the_same_and_as_slow_for_an_unknown_email(
    client: TestClient,
    auth_headers: AuthHeaders,
    settings: Settings,
    request_reset: RequestReset,
) -> None:
    auth_headers("known@example.com")
    answers = []
    for email in ("known@example.com", "unknown@example.com"):
        started = time.monotonic()
        response, tokens = request_reset(email)
        # A lower bound the service waits for: not a measurement of speed.
        assert time.monotonic() - started >= settings.password_reset_answer_seconds
        answers.append((response.status_code, response.json(), len(tokens)))
    assert answers[0][:2] == answers[1][:2]
    assert [mails for _, _, mails in answers] == [1, 0]


@pytest.mark.parametrize(
    "change",
    [
        {"exp": -60},  # expired a minute ago
        {"purpose": "access"},  # a session's token is no reset link
        {"sub": "not-an-id"},
    ],
    ids=["expired", "wrong-purpose", "bad-subject"],
)
def test_a_link_that_is_not_a_current_reset_link_is_refused(
    client: TestClient,
    auth_headers: AuthHeaders,
    change: dict[str, Any],
    request_reset: RequestReset,
) -> None:
    auth_headers("refused@example.com")
    _, (token,) = request_reset("refused@example.com")
    claims = jwt.decode(token, options={"verify_signature": False})
    if "exp" in change:
        change = {"exp": utcnow() + timedelta(seconds=change["exp"])}
    forged = jwt.encode({**claims, **change}, TEST_JWT_SECRET, algorithm="HS256")
    response = client.post(CONFIRM, json={"token": forged, "password": NEW_PASSWORD})
    assert_error(response, 401, "unauthorized")
    assert log_in(client, "refused@example.com", PASSWORD) == 200


def test_a_reset_link_is_not_a_session(
    client: TestClient, auth_headers: AuthHeaders, request_reset: RequestReset
) -> None:
    auth_headers("link@example.com")
    _, (token,) = request_reset("link@example.com")
    assert_error(client.get(ME, headers={"Authorization": f"Bearer {token}"}), 401, "unauthorized")


def test_the_new_password_follows_the_password_rules(
    client: TestClient,
    auth_headers: AuthHeaders,
    request_reset: RequestReset,
) -> None:
    auth_headers("short@example.com")
    _, (token,) = request_reset("short@example.com")
    response = client.post(CONFIRM, json={"token": token, "password": "short"})
    error = assert_error(response, 422, "validation_error")
    assert [detail["field"] for detail in error["details"]] == ["body.password"]


def test_the_mail_links_to_the_reset_page_with_the_token_in_the_fragment(
    settings: Settings,
) -> None:
    page = settings.model_copy(update={"password_reset_url": "https://app.example.com/reset"})
    message = reset_message("ada@example.com", "t0k3n", page)
    assert "https://app.example.com/reset#token=t0k3n" in message.text
    assert "30 minutes" in message.text
    assert "t0k3n" in reset_message("ada@example.com", "t0k3n", settings).text


def sent_by_ses() -> list[Any]:
    """What the emulator's SES accepted: the tests' emulator serves from this process."""
    return list(ses_backends[DEFAULT_ACCOUNT_ID][TEST_REGION].sent_messages)


def test_ses_sends_from_a_verified_identity_and_a_refusal_is_only_logged(
    moto_url: str, settings: Settings
) -> None:
    ses = boto3.client("sesv2", endpoint_url=moto_url, region_name=TEST_REGION)
    ses.create_email_identity(EmailIdentity="example.com")
    verified = settings.model_copy(
        update={
            "aws_endpoint_url": moto_url,
            "mail_backend": "ses",
            "mail_from": "Acme <no-reply@example.com>",
        }
    )
    before = len(sent_by_ses())
    asyncio.run(SesMailer(verified).send(Message("ada@example.com", "Subject", "Body")))
    (sent,) = sent_by_ses()[before:]
    assert (sent.subject, sent.destinations["ToAddresses"]) == ("Subject", ["ada@example.com"])

    unverified = verified.model_copy(update={"mail_from": "no-reply@unverified.example.org"})
    with capture_logs() as logged:
        asyncio.run(SesMailer(unverified).send(Message("ada@example.com", "Subject", "Body")))
    assert [entry["event"] for entry in logged] == ["mail_not_sent"]
    assert len(sent_by_ses()) == before + 1


def test_local_mail_never_leaves_the_local_environments(app: FastAPI) -> None:
    # tests/test_settings.py checks the settings refuse MAIL_BACKEND=log in dev and prod.
    assert type(app.state.mailer).__name__ == "LogMailer"


def test_without_a_sender_a_reset_is_a_503_whatever_the_email(
    auth_headers: AuthHeaders, settings_with: Callable[..., Settings]
) -> None:
    auth_headers("nomail@example.com")  # registered through `client`, emptied after
    with TestClient(create_app(settings_with(mail_backend="none"))) as unset:
        for email in ("nomail@example.com", "unknown@example.com"):
            assert_error(unset.post(RESET, json={"email": email}), 503, "service_unavailable")
