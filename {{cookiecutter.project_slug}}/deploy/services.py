{%- if cookiecutter.database == "dynamodb" -%}
"""ECS releases: the image in ECR and the services' task definition revisions.

Terraform registers a new revision of each task definition when the image tag changes
(and keeps the old ones); the services move to it only when the deploy says so, and
rollback moves them back.
"""
{%- else -%}
"""ECS releases: the image in ECR, the one-off migration task (with SQLite on EFS, a
container of the app task instead) and the services' task definition revisions.

Terraform registers a new revision of each task definition when the image tag changes
(and keeps the old ones); the services move to it only when the deploy says so, after
the migration task has succeeded, and rollback moves them back.
"""
{%- endif %}

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from deploy.aws import Aws, error_code
from deploy.steps import StepError

# The waiters poll every DELAY seconds{% if cookiecutter.database != "dynamodb" %} (a migration: Fargate start-up plus the migration){% endif %}.
DELAY = 6
{%- if cookiecutter.database != "dynamodb" %}
MIGRATION_MAX_ATTEMPTS = 150
{%- endif %}
STABLE_MAX_ATTEMPTS = 100

Revisions = dict[str, str]  # service name -> task definition ARN


def image_exists(aws: Aws, repository: str, tag: str) -> bool:
    try:
        aws.client("ecr").describe_images(repositoryName=repository, imageIds=[{"imageTag": tag}])
    except Exception as error:
        if error_code(error) in ("ImageNotFoundException", "RepositoryNotFoundException"):
            return False
        raise
    return True


def container(aws: Aws, task_definition: str, name: str) -> dict[str, Any]:
    """The container definition called `name` in a task definition revision."""
    found = aws.client("ecs").describe_task_definition(taskDefinition=task_definition)
    definitions: list[dict[str, Any]] = found["taskDefinition"]["containerDefinitions"]
    for definition in definitions:
        if definition["name"] == name:
            return definition
    raise StepError(f"{revision_name(task_definition)} has no {name} container")

{%- if cookiecutter.database != "dynamodb" %}


def task_network(network: Mapping[str, Any]) -> dict[str, Any]:
    """The stack's `task_network` as run_task's awsvpcConfiguration: a one-off task runs
    where the services' tasks do, so it reaches ECR and the AWS APIs the same way."""
    return {
        "subnets": network["subnets"],
        "securityGroups": network["security_groups"],
        "assignPublicIp": "ENABLED" if network["assign_public_ip"] else "DISABLED",
    }


def run_migration(aws: Aws, stack: Mapping[str, Any]) -> None:
    """Runs the migration task definition once and waits for its exit code."""
    client = aws.client("ecs")
    started = client.run_task(
        cluster=stack["cluster_name"],
        taskDefinition=stack["task_definition_arns"]["migrate"],
        launchType="FARGATE",
        count=1,
        networkConfiguration={"awsvpcConfiguration": task_network(stack["task_network"])},
        startedBy="deploy",
    )
    if started.get("failures"):
        raise StepError(f"the migration task did not start: {started['failures']}")
    task = started["tasks"][0]["taskArn"]
    client.get_waiter("tasks_stopped").wait(
        cluster=stack["cluster_name"],
        tasks=[task],
        WaiterConfig={"Delay": DELAY, "MaxAttempts": MIGRATION_MAX_ATTEMPTS},
    )
    stopped = client.describe_tasks(cluster=stack["cluster_name"], tasks=[task])["tasks"][0]
    exit_code = stopped["containers"][0].get("exitCode")
    if exit_code != 0:
        raise StepError(
            f"the migration task exited with {exit_code} ({stopped.get('stoppedReason', '')}); "
            f"its log stream is migrate/migrate/{task.rsplit('/', 1)[-1]}"
        )
{%- endif %}


def services(stack: Mapping[str, Any]) -> dict[str, str]:
    """Service name -> the container role whose task definition it runs."""
    found = {stack["service_name"]: "app"}
    if stack.get("worker_service_name"):
        found[stack["worker_service_name"]] = "worker"
    return found


def current(aws: Aws, cluster: str, names: Sequence[str]) -> Revisions:
    described = aws.client("ecs").describe_services(cluster=cluster, services=list(names))
    return {service["serviceName"]: service["taskDefinition"] for service in described["services"]}


def roll(aws: Aws, cluster: str, revisions: Mapping[str, str]) -> None:
    """Moves each service to its revision and waits until the services are stable on it (the
    circuit breaker returning a service to its old revision is a failure)."""
    client = aws.client("ecs")
    for service, task_definition in revisions.items():
        client.update_service(cluster=cluster, service=service, taskDefinition=task_definition)
    client.get_waiter("services_stable").wait(
        cluster=cluster,
        services=list(revisions),
        WaiterConfig={"Delay": DELAY, "MaxAttempts": STABLE_MAX_ATTEMPTS},
    )
    running = current(aws, cluster, list(revisions))
    for service, task_definition in revisions.items():
        if running[service] != task_definition:
            raise StepError(
                f"{service} went back to {revision_name(running[service])}: the new tasks did "
                "not become healthy (see `make logs`)"
            )


def revision_name(task_definition_arn: str) -> str:
    """family:revision, from the ARN."""
    return task_definition_arn.rsplit("/", 1)[-1]


def previous(aws: Aws, running: Mapping[str, str]) -> Revisions:
    """For each service, the newest registered revision of its family older than the one it
    runs (Terraform keeps old revisions registered)."""
    client = aws.client("ecs")
    earlier: Revisions = {}
    for service, task_definition in running.items():
        family, revision = revision_name(task_definition).rsplit(":", 1)
        # familyPrefix also matches longer families (app-worker for app): filter exactly.
        older = [
            arn
            for page in client.get_paginator("list_task_definitions").paginate(
                familyPrefix=family, status="ACTIVE"
            )
            for arn in page["taskDefinitionArns"]
            if revision_name(arn).rsplit(":", 1)[0] == family
            and int(arn.rsplit(":", 1)[1]) < int(revision)
        ]
        if not older:
            raise StepError(f"{service} has no revision older than {revision} to return to")
        earlier[service] = max(older, key=lambda arn: int(arn.rsplit(":", 1)[1]))
    return earlier
