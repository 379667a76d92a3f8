from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

{% if cookiecutter.database == "dynamodb" -%}
from {{ cookiecutter.package_name }}.core.config import (
    DEV_JWT_SECRET,
    LOCAL_TABLE_PREFIX,
    Settings,
    SettingsError,
    get_settings,
)
{%- else -%}
from {{ cookiecutter.package_name }}.core.config import (
    DEV_JWT_SECRET,
    Settings,
    SettingsError,
    get_settings,
    is_sqlite_url,
)
from {{ cookiecutter.package_name }}.core.db import database_url
{%- endif %}

# Each setting's environment variable: its field's alias where it has one (DATABASE_URL).
VARIABLES = {
    str(field.validation_alias or name).upper() for name, field in Settings.model_fields.items()
}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """A clean environment for get_settings(): no .env file, no inherited app variables."""
    for name in list(os.environ):
        if name.upper() in VARIABLES:
            monkeypatch.delenv(name)
    monkeypatch.setitem(Settings.model_config, "env_file", None)
    # Deployed environments require the AWS resources the options use; give them one each.
    monkeypatch.setenv("UPLOADS_BUCKET", "test-uploads")
    monkeypatch.setenv("JOBS_QUEUE_URL", "https://sqs.us-east-1.amazonaws.com/123456789012/jobs")
    monkeypatch.setenv("MAIL_FROM", "no-reply@example.com")
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


{% if cookiecutter.database == "dynamodb" -%}
def test_defaults_are_local(env: pytest.MonkeyPatch) -> None:
    settings = get_settings()
    assert settings.environment == "local"
    assert settings.dynamodb_table_prefix == LOCAL_TABLE_PREFIX
{%- else -%}
def test_defaults_are_local_sqlite(env: pytest.MonkeyPatch) -> None:
    settings = get_settings()
    assert settings.environment == "local"
    assert settings.raw_database_url == "sqlite+aiosqlite:///./app.db"
    assert is_sqlite_url(settings.raw_database_url)
{%- endif %}
    assert settings.log_json is False
    assert settings.cors_origins == []


def test_settings_are_read_once(env: pytest.MonkeyPatch) -> None:
    assert get_settings() is get_settings()
{%- if cookiecutter.database != "dynamodb" %}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@db:5432/app", "postgresql+asyncpg://u:p@db:5432/app"),
        ("postgresql://u:p@db/app", "postgresql+asyncpg://u:p@db/app"),
        ("postgresql+psycopg://u:p@db/app", "postgresql+asyncpg://u:p@db/app"),
        ("postgresql+asyncpg://u:p@db/app", "postgresql+asyncpg://u:p@db/app"),
        ("sqlite:///./local.db", "sqlite+aiosqlite:///./local.db"),
    ],
)
def test_database_url_is_normalised(env: pytest.MonkeyPatch, given: str, expected: str) -> None:
    env.setenv("DATABASE_URL", given)
    assert get_settings().raw_database_url == expected


def test_sslmode_in_url_becomes_db_ssl(env: pytest.MonkeyPatch) -> None:
    env.setenv("DATABASE_URL", "postgresql://u:p@db/app?sslmode=require&application_name=x")
    settings = get_settings()
    assert settings.db_ssl == "require"
    assert settings.raw_database_url == "postgresql+asyncpg://u:p@db/app?application_name=x"


def test_explicit_db_ssl_wins_over_url(env: pytest.MonkeyPatch) -> None:
    env.setenv("DATABASE_URL", "postgresql://u:p@db/app?sslmode=disable")
    env.setenv("DB_SSL", "verify-full")
    env.setenv("DB_SSL_ROOT_CERT", "system")
    assert get_settings().db_ssl == "verify-full"
{%- endif %}


@pytest.mark.parametrize(
    ("variable", "value"),
    [
{%- if cookiecutter.database == "dynamodb" %}
        ("DYNAMODB_TABLE_PREFIX", "acme orders"),
        ("DYNAMODB_TABLE_PREFIX", ""),
{%- else %}
        ("DATABASE_URL", "mysql://u:p@db/app"),
        ("DATABASE_URL", "not a url"),
        ("DATABASE_URL", "postgresql://u:p@db/app?sslmode=sometimes"),
        ("DB_POOL_SIZE", "lots"),
        ("DB_POOL_SIZE", "0"),
        ("DB_MAX_OVERFLOW", "-1"),
        ("DB_SSL", "maybe"),
        ("DATABASE_IAM_USER", "App-User"),
        ("DATABASE_APP_ROLE", "app; DROP TABLE users"),
{%- endif %}
        ("ENVIRONMENT", "production"),
        ("ACCESS_TOKEN_EXPIRE_MINUTES", "0"),
        ("CORS_ORIGINS", "app.example.com"),
        ("LOG_LEVEL", "LOUD"),
        ("LOG_JSON", "sometimes"),
{%- if cookiecutter.use_background_jobs == "y" %}
        ("JOBS_BACKEND", "celery"),
        ("JOBS_WAIT_SECONDS", "21"),
        ("JOBS_WAIT_SECONDS", "0"),
        ("JOBS_BATCH_TIMEOUT_SECONDS", "0"),
        ("JOBS_BATCH_TIMEOUT_SECONDS", "901"),
{%- endif %}
    ],
)
def test_bad_value_names_the_variable(env: pytest.MonkeyPatch, variable: str, value: str) -> None:
    env.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        get_settings()
    message = str(caught.value)
    assert variable in message
    assert "\n" not in message


{%- if cookiecutter.database != "dynamodb" %}


IAM_LOGIN = {"DATABASE_IAM_USER": "app_user", "DATABASE_HOST": "db", "DATABASE_NAME": "app"}


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ({**IAM_LOGIN, "DATABASE_URL": "postgresql://u:p@db/app"}, "DATABASE_IAM_USER"),
        ({**IAM_LOGIN, "DATABASE_SECRET_ARN": "arn:aws:secretsmanager:x"}, "DATABASE_IAM_USER"),
        ({"DATABASE_IAM_USER": "app_user", "DATABASE_NAME": "app"}, "DATABASE_HOST"),
        ({"DATABASE_IAM_USER": "app_user", "DATABASE_HOST": "db"}, "DATABASE_NAME"),
        ({**IAM_LOGIN, "DB_SSL": "disable"}, "DB_SSL"),
    ],
)
def test_an_iam_login_needs_a_server_and_tls_and_nothing_else(
    env: pytest.MonkeyPatch, given: dict[str, str], named: str
) -> None:
    for variable, value in given.items():
        env.setenv(variable, value)
    with pytest.raises(SettingsError, match=named):
        get_settings()


def test_an_iam_login_builds_a_url_without_a_password(env: pytest.MonkeyPatch) -> None:
    for variable, value in {**IAM_LOGIN, "DB_SSL": "require"}.items():
        env.setenv(variable, value)
    assert database_url(get_settings()) == "postgresql+asyncpg://app_user@db:5432/app"


def test_password_in_bad_url_is_not_echoed(env: pytest.MonkeyPatch) -> None:
    env.setenv("DATABASE_URL", "mysql://u:hunter2-secret@db/app")
    with pytest.raises(SettingsError) as caught:
        get_settings()
    assert "hunter2" not in str(caught.value)
    settings = Settings(_env_file=None, database_url="postgresql://u:hunter2@db/app")
    assert "hunter2" not in repr(settings)
{%- endif %}


@pytest.mark.parametrize("secret", [None, DEV_JWT_SECRET, "too-short-for-prod"])
def test_prod_refuses_unsafe_jwt_secret(env: pytest.MonkeyPatch, secret: str | None) -> None:
    env.setenv("ENVIRONMENT", "prod")
    if secret is not None:
        env.setenv("JWT_SECRET", secret)
    with pytest.raises(SettingsError, match="JWT_SECRET"):
        get_settings()


def test_prod_accepts_a_long_random_secret(env: pytest.MonkeyPatch) -> None:
    env.setenv("ENVIRONMENT", "prod")
    env.setenv("JWT_SECRET", "s" * 32)
    settings = get_settings()
    assert settings.log_json is True
    assert "s" * 32 not in repr(settings)
{%- if cookiecutter.use_background_jobs == "y" %}


def test_jobs_go_to_sqs_when_a_queue_is_set(env: pytest.MonkeyPatch) -> None:
    assert get_settings().jobs_backend == "sqs"
    env.delenv("JOBS_QUEUE_URL")
    get_settings.cache_clear()
    assert get_settings().jobs_backend == "inline"


def test_sqs_jobs_need_a_queue(env: pytest.MonkeyPatch) -> None:
    env.delenv("JOBS_QUEUE_URL")
    env.setenv("JOBS_BACKEND", "sqs")
    with pytest.raises(SettingsError, match=r"^JOBS_QUEUE_URL: required when JOBS_BACKEND=sqs$"):
        get_settings()


@pytest.mark.parametrize(
    "where", [{"ENVIRONMENT": "prod", "JWT_SECRET": "s" * 32}, {"AWS_LAMBDA_FUNCTION_NAME": "api"}]
)
def test_prod_and_lambda_refuse_inline_jobs(env: pytest.MonkeyPatch, where: dict[str, str]) -> None:
    for name, value in where.items():
        env.setenv(name, value)
    env.setenv("JOBS_BACKEND", "inline")
    with pytest.raises(SettingsError, match=r"^JOBS_BACKEND: prod and Lambda run jobs on SQS"):
        get_settings()
{%- endif %}


def test_mail_goes_to_the_log_locally_and_through_ses_when_deployed(
    env: pytest.MonkeyPatch,
) -> None:
    assert get_settings().mail_backend == "log"
    env.setenv("ENVIRONMENT", "dev")
    env.setenv("JWT_SECRET", "s" * 32)
    get_settings.cache_clear()
    assert get_settings().mail_backend == "ses"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        # The log would hold every reset token.
        ({"ENVIRONMENT": "prod", "MAIL_BACKEND": "log"}, r"^MAIL_BACKEND: log writes reset tokens"),
        ({"ENVIRONMENT": "dev", "MAIL_FROM": ""}, r"^MAIL_FROM: required when MAIL_BACKEND=ses"),
        ({"MAIL_BACKEND": "ses", "MAIL_FROM": "nobody"}, r"^MAIL_FROM: required"),
        ({"PASSWORD_RESET_URL": "app.example.com/reset"}, r"^PASSWORD_RESET_URL: must be an http"),
    ],
)
def test_mail_settings_that_cannot_work_are_refused(
    env: pytest.MonkeyPatch, variables: dict[str, str], message: str
) -> None:
    env.setenv("JWT_SECRET", "s" * 32)
    for name, value in variables.items():
        env.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        get_settings()


def test_cors_origins_are_comma_separated(env: pytest.MonkeyPatch) -> None:
    env.setenv("CORS_ORIGINS", "https://a.example.com, http://localhost:3000,")
    assert get_settings().cors_origins == ["https://a.example.com", "http://localhost:3000"]


def test_bad_setting_stops_start_up_with_one_line(tmp_path: Path) -> None:
    environment = {**os.environ, "LOG_LEVEL": "LOUD", "ENVIRONMENT": "local"}
    result = subprocess.run(
        [sys.executable, "-c", "import {{ cookiecutter.package_name }}.main"],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Invalid configuration: LOG_LEVEL:")


def test_env_example_documents_every_setting() -> None:
    example = (Path(__file__).resolve().parents[1] / ".env.example").read_text()
    documented = set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]*)=", example, re.MULTILINE))
    # Set by the Lambda runtime, never by hand.
    expected = VARIABLES - {"AWS_LAMBDA_FUNCTION_NAME"}
    assert documented == expected
