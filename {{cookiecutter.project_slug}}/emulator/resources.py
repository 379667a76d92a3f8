"""The AWS resources the app uses, created on the emulator under the names of the
`local` environment, as `make emulator` and docker-compose.yml serve them."""

from __future__ import annotations

{% if cookiecutter.use_s3_uploads == "y" -%}
import contextlib
{% endif -%}
import json
from pathlib import Path

import boto3

from emulator import ACCOUNT_CREDENTIALS{% if cookiecutter.database == "dynamodb" %}, tables{% endif %}

# The project's facts (name, region), beside this package.
FACTS_FILE = Path(__file__).resolve().parents[1] / "project.json"


def create(endpoint: str) -> dict[str, str]:
    """Creates the app's resources on the emulator at `endpoint`, or finds them there;
    returns the settings that point the app at them."""
    facts = json.loads(FACTS_FILE.read_text())
    name, region = facts["name"], facts["region"]
    credentials = ACCOUNT_CREDENTIALS
    session = boto3.session.Session(
        aws_access_key_id=credentials.access_key,
        aws_secret_access_key=credentials.secret_key,
        region_name=region,
    )
    settings = {"AWS_ENDPOINT_URL": endpoint, "AWS_REGION": region}

    logs = session.client("logs", endpoint_url=endpoint)
    log_group = f"/local/{name}"
    if not logs.describe_log_groups(logGroupNamePrefix=log_group)["logGroups"]:
        logs.create_log_group(logGroupName=log_group)
    settings["CLOUDWATCH_LOG_GROUP"] = log_group
{%- if cookiecutter.database == "dynamodb" %}

    # The app's own default, so `make run` finds the tables without a setting.
    from {{ cookiecutter.package_name }}.core.config import LOCAL_TABLE_PREFIX

    tables.create_tables(session.client("dynamodb", endpoint_url=endpoint), LOCAL_TABLE_PREFIX)
    settings["DYNAMODB_TABLE_PREFIX"] = LOCAL_TABLE_PREFIX
{%- endif %}
{%- if cookiecutter.use_s3_uploads == "y" %}

    s3 = session.client("s3", endpoint_url=endpoint)
    bucket = f"{name}-uploads-local"
    # us-east-1 is the one region that refuses an explicit location constraint.
    location = (
        {}
        if region == "us-east-1"
        else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    )
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(Bucket=bucket, **location)  # type: ignore[arg-type]
    settings["UPLOADS_BUCKET"] = bucket
{%- endif %}
{%- if cookiecutter.use_background_jobs == "y" %}

    sqs = session.client("sqs", endpoint_url=endpoint)
    # The app's own default, imported here: the bare emulator (deploy-local, the
    # template's tests) runs without the app installed.
    from {{ cookiecutter.package_name }}.core.config import Settings

    # A message stays hidden while its batch runs: six times the worker's batch timeout,
    # as AWS advises for a queue's consumers and the stack sets it. CreateQueue with the
    # attributes a queue already has returns that queue.
    visibility = 6 * Settings.model_fields["jobs_batch_timeout_seconds"].default
    queue = sqs.create_queue(
        QueueName=f"{name}-jobs-local", Attributes={"VisibilityTimeout": str(visibility)}
    )
    settings["JOBS_BACKEND"] = "sqs"
    settings["JOBS_QUEUE_URL"] = queue["QueueUrl"]
{%- endif %}
    return settings
