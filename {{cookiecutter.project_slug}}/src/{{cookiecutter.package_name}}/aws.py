"""AWS clients and Secrets Manager reads, honouring AWS_REGION and AWS_ENDPOINT_URL.

boto3 is imported on first use only: it costs more to import than FastAPI itself, and
import time is Lambda cold start.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

from {{ cookiecutter.package_name }}.config import Settings, SettingsError

if TYPE_CHECKING:
    from mypy_boto3_logs import CloudWatchLogsClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient

CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 10


@functools.cache
def _client(service: str, region: str, endpoint_url: str) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=READ_TIMEOUT_SECONDS,
        retries={"mode": "standard", "max_attempts": 3},
        # Emulators serve buckets by path; AWS picks virtual-hosted style itself.
        s3={"addressing_style": "path"} if endpoint_url else None,
    )
    return boto3.session.Session().client(
        service,  # type: ignore[call-overload]
        region_name=region,
        endpoint_url=endpoint_url or None,
        config=config,
    )


def s3_client(settings: Settings) -> S3Client:
    client: S3Client = _client("s3", settings.aws_region, settings.aws_endpoint_url)
    return client


def logs_client(settings: Settings) -> CloudWatchLogsClient:
    client: CloudWatchLogsClient = _client("logs", settings.aws_region, settings.aws_endpoint_url)
    return client


@functools.cache
def _secret_string(arn: str, region: str, endpoint_url: str, variable: str) -> str:
    from botocore.exceptions import BotoCoreError, ClientError

    client: SecretsManagerClient = _client("secretsmanager", region, endpoint_url)
    try:
        value = client.get_secret_value(SecretId=arn).get("SecretString")
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "error")
        raise SettingsError(f"{variable}: cannot read the secret ({code})") from None
    except BotoCoreError as error:
        raise SettingsError(f"{variable}: cannot reach Secrets Manager ({error})") from None
    if not value:
        raise SettingsError(f"{variable}: the secret has no string value")
    return value


def read_secret(settings: Settings, arn: str, variable: str) -> str:
    """The secret's string, read once per process; `variable` names it in errors."""
    return _secret_string(arn, settings.aws_region, settings.aws_endpoint_url, variable)


def read_json_secret(settings: Settings, arn: str, variable: str) -> dict[str, Any]:
    try:
        value = json.loads(read_secret(settings, arn, variable))
    except json.JSONDecodeError:
        raise SettingsError(f"{variable}: the secret is not a JSON object") from None
    if not isinstance(value, dict):
        raise SettingsError(f"{variable}: the secret is not a JSON object")
    return value
