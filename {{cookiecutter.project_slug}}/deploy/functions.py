{%- if cookiecutter.database == "dynamodb" -%}
"""Lambda releases: versions and the `live` alias.

Terraform publishes a version whenever the code or configuration changes; clients reach
the `live` alias, which only the deploy moves and rollback moves back.
"""
{%- else -%}
"""Lambda releases: versions, the `live` alias and the migration function.

Terraform publishes a version whenever the code or configuration changes; clients reach
the `live` alias, which only the deploy moves (after migrations succeed) and rollback
moves back.
"""
{%- endif %}

from __future__ import annotations

{% if cookiecutter.database != "dynamodb" -%}
import json
{% endif -%}
from collections.abc import Mapping

from deploy.aws import Aws
from deploy.steps import StepError

ALIAS = "live"
{%- if cookiecutter.database != "dynamodb" %}
# The migration function's own timeout is the limit; the SDK must wait as long.
MIGRATION_READ_TIMEOUT = 15 * 60
{%- endif %}
# A new version's state, polled until Active: a SnapStart snapshot takes minutes.
ACTIVE_POLL = {"Delay": 5, "MaxAttempts": 360}

Versions = dict[str, str]  # role (api, worker{% if cookiecutter.database != "dynamodb" %}, migrate{% endif %}) -> version number


def publish(aws: Aws, function_names: Mapping[str, str]) -> Versions:
    """The version holding each function's current code and configuration (Lambda returns
    the last one when nothing changed since, so this is safe to repeat), once it can be
    invoked: a SnapStart version stays Pending until its snapshot is made, and invoking it
    before then fails ("Lambda SnapStart and function states", Lambda developer guide)."""
    from botocore.exceptions import WaiterError

    client = aws.client("lambda")
    versions = {
        role: client.publish_version(FunctionName=name)["Version"]
        for role, name in function_names.items()
    }
    # Every version published before any wait, so their snapshots are made side by side.
    for role, name in function_names.items():
        try:
            client.get_waiter("published_version_active").wait(
                FunctionName=name, Qualifier=versions[role], WaiterConfig=ACTIVE_POLL
            )
        except WaiterError as error:
            reason = error.last_response.get("StateReason", error)
            raise StepError(
                f"{name} version {versions[role]} did not become active: {reason}"
            ) from None
    return versions


def live(aws: Aws, function_names: Mapping[str, str]) -> Versions:
    client = aws.client("lambda")
    return {
        role: client.get_alias(FunctionName=name, Name=ALIAS)["FunctionVersion"]
        for role, name in function_names.items()
    }


def point_live(aws: Aws, function_names: Mapping[str, str], versions: Mapping[str, str]) -> None:
    client = aws.client("lambda")
    for role, name in function_names.items():
        client.update_alias(FunctionName=name, Name=ALIAS, FunctionVersion=versions[role])


def configuration(aws: Aws, function_name: str, version: str) -> dict[str, str]:
    """The environment variables a version runs with (names, ARNs and URLs: no secrets)."""
    found = aws.client("lambda").get_function_configuration(
        FunctionName=function_name, Qualifier=version
    )
    variables: dict[str, str] = found.get("Environment", {}).get("Variables", {})
    return variables

{%- if cookiecutter.database != "dynamodb" %}


def run_migration(aws: Aws, function_name: str, version: str) -> str:
    """Invokes the migration function at `version`; returns the schema revision it reached.
    A failure raises with the function's own error and where its log is. Called once, with
    no SDK retries: a retried call could start a second migration while the first still
    runs (Lambda itself never retries a direct invocation), and nothing else invokes it."""
    client = aws.client("lambda", read_timeout=MIGRATION_READ_TIMEOUT, max_attempts=1)
    response = client.invoke(FunctionName=function_name, Qualifier=version, Payload=b"{}")
    payload = json.loads(response["Payload"].read() or b"{}")
    if response.get("FunctionError"):
        reason = f"{payload.get('errorType', 'Error')}: {payload.get('errorMessage', payload)}"
        raise StepError(
            f"the migration function failed ({reason}); its log group is "
            f"/aws/lambda/{function_name}"
        )
    return str(payload.get("revision", "?"))
{%- endif %}


def previous(aws: Aws, function_names: Mapping[str, str]) -> Versions:
    """For each function, the newest published version older than the one `live` serves."""
    client = aws.client("lambda")
    current = live(aws, function_names)
    earlier: Versions = {}
    for role, name in function_names.items():
        numbers = [
            int(version["Version"])
            for page in client.get_paginator("list_versions_by_function").paginate(
                FunctionName=name
            )
            for version in page["Versions"]
            if version["Version"].isdigit() and int(version["Version"]) < int(current[role])
        ]
        if not numbers:
            raise StepError(f"{name} has no version older than {current[role]} to return to")
        earlier[role] = str(max(numbers))
    return earlier
