"""Account limits a deploy checks before anything changes, where AWS would otherwise
refuse halfway through `terraform apply`."""

from __future__ import annotations

from typing import Any

from deploy.aws import Aws, error_code
from deploy.project import Environment, Project
from deploy.steps import StepError
from deploy.tfvars import environment_values

# "You can reserve up to the Unreserved account concurrency value that is shown, minus
# 100 for functions that don't have reserved concurrency" (Lambda developer guide,
# configuration-concurrency); new accounts often have a limit of 10 in all.
MIN_UNRESERVED = 100
# The account's Lambda limit in Service Quotas (service code lambda).
QUOTA_NAME, QUOTA_CODE = "Concurrent executions", "L-B99A9384"
# The tfvars variables that reserve concurrency, by the function each one reserves for
# (infra/modules/stack hands them to lambda_api).
RESERVATIONS = {
    "lambda_reserved_concurrency": "api",
    "lambda_worker_reserved_concurrency": "worker",
}
# Every function infra/modules/lambda_api creates: a reservation any of them holds today
# is released or replaced by the apply.
FUNCTION_ROLES = ("api", {% if cookiecutter.database != "dynamodb" %}"migrate", {% endif %}"worker")


def reserved_today(client: Any, function_name: str) -> int:
    """What the function reserves now (0 without a reservation or before it exists)."""
    try:
        found = client.get_function_concurrency(FunctionName=function_name)
    except Exception as error:
        if error_code(error) == "ResourceNotFoundException":
            return 0
        raise
    reserved: int = found.get("ReservedConcurrentExecutions", 0)
    return reserved


def check_lambda_concurrency(aws: Aws, project: Project, environment: Environment) -> str:
    """Refuses, naming what to change, the environment's tfvars reservations when the
    account cannot grant them; otherwise says what they leave unreserved."""
    values = environment_values(project, environment)
    wanted = {name: value for name in RESERVATIONS if (value := values.get(name))}
    if not wanted:
        return "no reserved concurrency"
    client = aws.client("lambda")
    limits = client.get_account_settings()["AccountLimit"]
    limit, unreserved = limits["ConcurrentExecutions"], limits["UnreservedConcurrentExecutions"]
    prefix = f"{project.prefix}-{environment}"
    today = sum(reserved_today(client, f"{prefix}-{role}") for role in FUNCTION_ROLES)
    left = unreserved + today - sum(wanted.values())
    if left >= MIN_UNRESERVED:
        return f"reserving {sum(wanted.values())} of {limit} leaves {left} unreserved"
    where = (project.environment_root(environment) / "terraform.tfvars").relative_to(project.root)
    settings = ", ".join(f"{name} = {value}" for name, value in wanted.items())
    raise StepError(
        f"{where} reserves Lambda concurrency ({settings}) that would leave this account "
        f"{left} of its {limit} concurrent executions unreserved in {aws.region}, and AWS "
        f"refuses a reservation that leaves fewer than {MIN_UNRESERVED}. Set "
        f"{' and '.join(f'{name} = null' for name in wanted)} in {where}, or request a "
        f'"{QUOTA_NAME}" quota ({QUOTA_CODE}) of at least '
        f"{limit + MIN_UNRESERVED - left} for AWS Lambda in Service Quotas"
    )
