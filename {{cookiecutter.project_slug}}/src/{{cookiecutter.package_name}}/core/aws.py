"""AWS clients and Secrets Manager reads, honouring AWS_REGION and AWS_ENDPOINT_URL.

botocore is imported on first use only: it costs more to import than FastAPI itself, and
import time is Lambda cold start.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

from {{ cookiecutter.package_name }}.core.config import Settings, SettingsError

if TYPE_CHECKING:
{%- if cookiecutter.database == "dynamodb" %}
    from mypy_boto3_dynamodb import DynamoDBClient
{%- endif %}
    from mypy_boto3_logs import CloudWatchLogsClient
{%- if cookiecutter.database != "dynamodb" %}
    from mypy_boto3_rds import RDSClient
{%- endif %}
{%- if cookiecutter.use_s3_uploads == "y" %}
    from mypy_boto3_s3 import S3Client
{%- endif %}
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sesv2 import SESV2Client
{%- if cookiecutter.use_background_jobs == "y" %}
    from mypy_boto3_sqs import SQSClient
{%- endif %}

# Every service the app calls (each through `_client`): the Lambda package carries
# botocore's models of these alone (deploy/package.py), so `_client` refuses any other.
SERVICES = frozenset({% raw %}{{% endraw %}{% if cookiecutter.database == "dynamodb" %}"dynamodb", {% endif %}"logs"{% if cookiecutter.database != "dynamodb" %}, "rds"{% endif %}{% if cookiecutter.use_s3_uploads == "y" %}, "s3"{% endif %}, "secretsmanager", "sesv2"{% if cookiecutter.use_background_jobs == "y" %}, "sqs"{% endif %}})

CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 10


@functools.cache
def _models() -> Any:
    """botocore's loader of service models and endpoint rules, shared by every client, so
    each file is parsed once per process (under SnapStart, once before the snapshot). It
    holds no credentials."""
    from botocore.loaders import create_loader

    return create_loader()


def _config(endpoint_url: str, read_timeout: int, **options: Any) -> Any:
    from botocore.config import Config

    return Config(
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        read_timeout=read_timeout,
        retries={"mode": "standard", "max_attempts": 3},
        # Emulators serve buckets by path. On AWS, the bucket's regional virtual-hosted
        # name: botocore would sign presigned URLs for the global s3.amazonaws.com, which
        # answers 307 for a bucket outside us-east-1 until its name has spread, up to 24
        # hours ("Request routing", S3 User Guide): a browser's upload would fail.
        s3={"addressing_style": "path" if endpoint_url else "virtual"},
        **options,
    )


def _new_client(service: str, region: str, endpoint_url: str, config: Any) -> Any:
    if service not in SERVICES:
        raise ValueError(f"{service}: not in SERVICES, so the Lambda package lacks its model")
    from botocore.session import Session

    # A session of its own (sessions are not thread-safe), reading the shared models.
    session = Session()
    session.register_component("data_loader", _models())
    return session.create_client(
        service, region_name=region, endpoint_url=endpoint_url or None, config=config
    )


@functools.cache
def _client(
    service: str, region: str, endpoint_url: str, read_timeout: int = READ_TIMEOUT_SECONDS
) -> Any:
    return _new_client(service, region, endpoint_url, _config(endpoint_url, read_timeout))


def load_models(settings: Settings) -> None:
    """Parses the models of every service in SERVICES, as a first call would, without
    resolving credentials or calling AWS (the clients are unsigned and thrown away)."""
    from botocore import UNSIGNED

    endpoint_url = settings.aws_endpoint_url
    unsigned = _config(endpoint_url, READ_TIMEOUT_SECONDS, signature_version=UNSIGNED)
    for service in SERVICES:
        _new_client(service, settings.aws_region, endpoint_url, unsigned)


{% if cookiecutter.database == "dynamodb" -%}
def dynamodb_client(settings: Settings) -> DynamoDBClient:
    """A client of its own, not shared through the cache: its owner (db.Database) closes
    it on shutdown and drops it after a SnapStart restore."""
    endpoint_url = settings.aws_endpoint_url_dynamodb or settings.aws_endpoint_url
    client: DynamoDBClient = _new_client(
        "dynamodb",
        settings.aws_region,
        endpoint_url,
        _config(endpoint_url, READ_TIMEOUT_SECONDS),
    )
    return client


{% endif -%}
def logs_client(settings: Settings) -> CloudWatchLogsClient:
    client: CloudWatchLogsClient = _client("logs", settings.aws_region, settings.aws_endpoint_url)
    return client
{%- if cookiecutter.use_s3_uploads == "y" %}


def s3_client(settings: Settings) -> S3Client:
    client: S3Client = _client("s3", settings.aws_region, settings.aws_endpoint_url)
    return client
{%- endif %}


def ses_client(settings: Settings) -> SESV2Client:
    client: SESV2Client = _client("sesv2", settings.aws_region, settings.aws_endpoint_url)
    return client
{%- if cookiecutter.use_background_jobs == "y" %}


def sqs_client(settings: Settings, *, long_poll_seconds: int = 0) -> SQSClient:
    """`long_poll_seconds`: how long receive calls may wait, added to the read timeout."""
    client: SQSClient = _client(
        "sqs",
        settings.aws_region,
        settings.aws_endpoint_url,
        READ_TIMEOUT_SECONDS + long_poll_seconds,
    )
    return client
{%- endif %}


{%- if cookiecutter.database != "dynamodb" %}


def database_auth_token(settings: Settings, host: str, port: int, user: str) -> str:
    """An RDS IAM authentication token for `user`, signed here with the process's own AWS
    credentials (no request to AWS). "Each token has a lifetime of 15 minutes" and serves
    only to open a connection (RDS User Guide, IAM database authentication)."""
    from botocore.exceptions import BotoCoreError

    client: RDSClient = _client("rds", settings.aws_region, settings.aws_endpoint_url)
    try:
        return client.generate_db_auth_token(
            DBHostname=host, Port=port, DBUsername=user, Region=settings.aws_region
        )
    except BotoCoreError as error:
        raise SettingsError(f"DATABASE_IAM_USER: cannot sign a token ({error})") from None
{%- endif %}


# Secret strings by (ARN, region, endpoint): read once, and again only when asked.
_secrets: dict[tuple[str, str, str], str] = {}


def _fetch_secret_string(arn: str, region: str, endpoint_url: str, variable: str) -> str:
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


def read_secret(settings: Settings, arn: str, variable: str, *, fresh: bool = False) -> str:
    """The secret's string, read once per process, or again with `fresh` (after a
    rotation); `variable` names it in errors."""
    key = (arn, settings.aws_region, settings.aws_endpoint_url)
    if fresh or key not in _secrets:
        _secrets[key] = _fetch_secret_string(*key, variable)
    return _secrets[key]


def read_json_secret(
    settings: Settings, arn: str, variable: str, *, fresh: bool = False
) -> dict[str, Any]:
    try:
        value = json.loads(read_secret(settings, arn, variable, fresh=fresh))
    except json.JSONDecodeError:
        raise SettingsError(f"{variable}: the secret is not a JSON object") from None
    if not isinstance(value, dict):
        raise SettingsError(f"{variable}: the secret is not a JSON object")
    return value


def forget() -> None:
    """Drops every client (with the credentials it resolved) and every secret read, so the
    next use resolves and reads afresh; the parsed models stay."""
    _client.cache_clear()
    _secrets.clear()
