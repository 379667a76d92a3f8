"""Throwaway tables on the emulator, and settings that read no .env file: what the tests
stand on."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import boto3

from {{ cookiecutter.package_name }}.core.config import Settings
from emulator.tables import create_tables, definitions

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

TEST_JWT_SECRET = "test-secret-that-is-long-enough-for-prod-checks"  # noqa: S105 - tests only
# What the database fixtures run on: the project's one backend, on the emulator.
BACKENDS = ["dynamodb"]


# The region every test runs in, on the emulator, whatever the project's: the app's
# settings and the clients that prepare its resources agree on it.
TEST_REGION = "us-east-1"
TEST_RESET_ANSWER_SECONDS = 0.05


def make_settings(table_prefix: str | None, **overrides: Any) -> Settings:
    """Settings for tests: explicit values, never a developer's .env file.

    `table_prefix=None` leaves DYNAMODB_TABLE_PREFIX unset; the test JWT secret is used
    unless JWT_SECRET_ARN is given.
    """
    values: dict[str, Any] = {"environment": "test", "aws_region": TEST_REGION}
    # A reset request still waits this long whatever its e-mail, only not a whole second.
    values["password_reset_answer_seconds"] = TEST_RESET_ANSWER_SECONDS
    if table_prefix is not None:
        values["dynamodb_table_prefix"] = table_prefix
    if "jwt_secret_arn" not in overrides:
        values["jwt_secret"] = TEST_JWT_SECRET
    return Settings(_env_file=None, **{**values, **overrides})


def dynamodb(endpoint_url: str) -> DynamoDBClient:
    client: DynamoDBClient = boto3.client(
        "dynamodb", endpoint_url=endpoint_url, region_name=TEST_REGION
    )
    return client


@contextmanager
def fresh_tables(endpoint_url: str) -> Iterator[str]:
    """project.json's tables on the emulator at `endpoint_url`, under a prefix of their
    own (which this yields), deleted afterwards."""
    client = dynamodb(endpoint_url)
    prefix = f"test-{uuid.uuid4().hex[:12]}-"
    create_tables(client, prefix)
    try:
        yield prefix
    finally:
        for name in definitions():
            client.delete_table(TableName=f"{prefix}{name}")
