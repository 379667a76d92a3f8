"""{% if cookiecutter.database != "dynamodb" %}DATABASE_SECRET_ARN and {% endif %}JWT_SECRET_ARN, read from a real (moto) Secrets Manager."""

from __future__ import annotations

{% if cookiecutter.database != "dynamodb" -%}
import json
{% endif -%}
import uuid
from collections.abc import Callable
{%- if cookiecutter.database != "dynamodb" %}
from typing import Any
{%- endif %}

import boto3
import jwt
import pytest
from fastapi.testclient import TestClient
{%- if cookiecutter.database != "dynamodb" %}
from sqlalchemy.engine import make_url
{%- endif %}

from {{ cookiecutter.package_name }}.core.config import Settings, SettingsError
{%- if cookiecutter.database != "dynamodb" %}
from {{ cookiecutter.package_name }}.core.db import database_url
{%- endif %}
from {{ cookiecutter.package_name }}.core.security import signing_key
from {{ cookiecutter.package_name }}.main import create_app
from scripts.scratch import TEST_REGION, make_settings
from tests.helpers import PASSWORD


def create_secret(moto_url: str, value: str) -> str:
    client = boto3.client("secretsmanager", endpoint_url=moto_url, region_name=TEST_REGION)
    created = client.create_secret(Name=f"test/{uuid.uuid4().hex}", SecretString=value)
    return created["ARN"]
{%- if cookiecutter.database != "dynamodb" %}


def rds_secret(**overrides: Any) -> str:
    secret = {
        "username": "app",
        "password": "p@ss:w/rd?",
        "host": "db.internal",
        "port": 5432,
        "dbname": "app",
    }
    return json.dumps({**secret, **overrides})


def test_database_url_from_rds_secret(moto_url: str) -> None:
    arn = create_secret(moto_url, rds_secret())
    settings = make_settings(None, database_secret_arn=arn, aws_endpoint_url=moto_url)
    url = make_url(database_url(settings))
    assert url.drivername == "postgresql+asyncpg"
    assert (url.username, url.password) == ("app", "p@ss:w/rd?")
    assert (url.host, url.port, url.database) == ("db.internal", 5432, "app")


def test_host_port_and_name_override_the_secret(moto_url: str) -> None:
    # RDS-managed secrets hold only the username and password.
    arn = create_secret(moto_url, json.dumps({"username": "app", "password": "pw"}))
    settings = make_settings(
        None,
        database_secret_arn=arn,
        database_host="proxy.internal",
        database_port=6543,
        database_name="orders",
        aws_endpoint_url=moto_url,
    )
    url = make_url(database_url(settings))
    assert (url.host, url.port, url.database) == ("proxy.internal", 6543, "orders")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("not json", "not a JSON object"),
        ("[1, 2]", "not a JSON object"),
        (rds_secret(password=None), "lacks password"),
        (json.dumps({"username": "app", "password": "pw"}), "lacks database, host"),
        (rds_secret(port="fifty"), "port is not a number"),
    ],
)
def test_malformed_database_secret_names_the_variable(
    moto_url: str, value: str, problem: str
) -> None:
    arn = create_secret(moto_url, value)
    settings = make_settings(None, database_secret_arn=arn, aws_endpoint_url=moto_url)
    with pytest.raises(SettingsError, match=rf"^DATABASE_SECRET_ARN: .*{problem}") as caught:
        database_url(settings)
    assert "pw" not in str(caught.value)


def test_missing_secret_names_the_variable(moto_url: str) -> None:
    arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-AbCdEf"
    settings = make_settings(None, database_secret_arn=arn, aws_endpoint_url=moto_url)
    with pytest.raises(SettingsError, match=r"^DATABASE_SECRET_ARN: cannot read the secret"):
        database_url(settings)
{%- endif %}


def test_secret_is_read_once_per_process(moto_url: str) -> None:
    arn = create_secret(moto_url, "k" * 40)
    settings = make_settings(None, jwt_secret_arn=arn, aws_endpoint_url=moto_url)
    first = signing_key(settings)
    client = boto3.client("secretsmanager", endpoint_url=moto_url, region_name=TEST_REGION)
    client.put_secret_value(SecretId=arn, SecretString="z" * 40)
    assert signing_key(settings) == first == "k" * 40


def test_app_signs_tokens_with_the_jwt_secret_from_secrets_manager(
    settings_with: Callable[..., Settings], moto_url: str
) -> None:
    arn = create_secret(moto_url, "s" * 48)
    settings = settings_with(jwt_secret_arn=arn, aws_endpoint_url=moto_url)
    with TestClient(create_app(settings)) as client:
        client.post("/api/v1/auth/register", json={"email": "k@example.com", "password": PASSWORD})
        login = client.post(
            "/api/v1/auth/login", data={"username": "k@example.com", "password": PASSWORD}
        )
        token = login.json()["access_token"]
        me = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert jwt.decode(token, "s" * 48, algorithms=["HS256"])["sub"] == str(me.json()["id"])


def test_short_jwt_secret_stops_start_up(
    settings_with: Callable[..., Settings], moto_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = create_secret(moto_url, "too-short")
    settings = settings_with(jwt_secret_arn=arn, aws_endpoint_url=moto_url)
    with (
        pytest.raises(SettingsError, match="JWT_SECRET_ARN: the secret is shorter"),
        TestClient(create_app(settings)),
    ):
        pass
    output = capsys.readouterr().out
    assert "startup_failed" in output
    assert "too-short" not in output


def test_both_sources_of_a_secret_are_refused() -> None:
    with pytest.raises(ValueError, match="JWT_SECRET_ARN: set either"):
        make_settings(None, jwt_secret="x" * 40, jwt_secret_arn="arn:aws:secretsmanager:x")
