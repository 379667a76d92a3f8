"""moto on loopback for `terraform apply` and `make deploy-local`.

moto emulates nearly everything infra/ creates; where it gets AWS wrong, this module
either patches moto in the server process (one `patch_*` function per gap, its docstring
naming the gap) or pins the attribute with `ignore_changes` in an override file written
into a scratch copy of the Terraform (OVERRIDES). The Terraform in infra/ itself is never
bent for the emulator. Measured with moto 5.2 and hashicorp/aws 5.100.

    python -m deploy.emulator serve --port 5000       # the patched server
"""

from __future__ import annotations

import argparse
import contextvars
import importlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# --- The server and its patches ---------------------------------------------------------


def moto(module: str) -> Any:
    """A moto module, imported when a patch runs (moto is a dev dependency, and its
    internals are patched here by name, not type-checked)."""
    return importlib.import_module(f"moto.{module}")


def patch_application_autoscaling_tags() -> None:
    """Application Auto Scaling has no tag actions (the provider retries for minutes): a tag
    store.
    """
    responses = moto("applicationautoscaling.responses")

    response = responses.ApplicationAutoScalingResponse
    tags: dict[str, dict[str, str]] = {}
    register = response.register_scalable_target

    def register_scalable_target(self: Any) -> str:
        body: str = register(self)
        arn = json.loads(body)["ScalableTargetARN"]
        tags.setdefault(arn, {}).update(self._get_param("Tags") or {})
        return body

    def list_tags_for_resource(self: Any) -> str:
        return json.dumps({"Tags": tags.get(self._get_param("ResourceARN"), {})})

    def tag_resource(self: Any) -> str:
        tags.setdefault(self._get_param("ResourceARN"), {}).update(self._get_param("Tags") or {})
        return "{}"

    def untag_resource(self: Any) -> str:
        resource_tags = tags.setdefault(self._get_param("ResourceARN"), {})
        for key in self._get_param("TagKeys") or []:
            resource_tags.pop(key, None)
        return "{}"

    response.register_scalable_target = register_scalable_target
    response.list_tags_for_resource = list_tags_for_resource
    response.tag_resource = tag_resource
    response.untag_resource = untag_resource


def patch_sqs_redrive_policies() -> None:
    """SQS returns RedriveAllowPolicy never (the provider waits forever) and RedrivePolicy with
    spaces (a diff on every plan): both as AWS returns them.
    """
    models = moto("sqs.models")

    models.Queue.redrive_allow_policy = None
    models.Queue.BASE_ATTRIBUTES.append("RedriveAllowPolicy")
    attributes = models.Queue.attributes.fget

    def attributes_as_aws_returns_them(self: Any) -> dict[str, Any]:
        result: dict[str, Any] = attributes(self)
        # Cleared (set to "") means gone, as on AWS.
        if not result.get("RedriveAllowPolicy"):
            result.pop("RedriveAllowPolicy", None)
        if self.redrive_policy:
            result["RedrivePolicy"] = json.dumps(self.redrive_policy, separators=(",", ":"))
        return result

    models.Queue.attributes = property(attributes_as_aws_returns_them)


def patch_efs_policies() -> None:
    """EFS PutBackupPolicy and DeleteFileSystemPolicy are missing (HTTP 500, the provider
    retries for 20 minutes): implemented.
    """
    models, responses = moto("efs.models"), moto("efs.responses")

    def backup_policy(self: Any) -> dict[str, str] | None:
        status = getattr(self, "backup_status", None)
        if status is None:
            return {"Status": "ENABLED"} if self._backup else None
        return {"Status": status}

    def put_backup_policy(self: Any) -> tuple[str, dict[str, str]]:
        file_system = self.efs_backend.file_systems_by_id[self._get_param("FileSystemId")]
        file_system.backup_status = self._get_param("BackupPolicy")["Status"]
        body = json.dumps({"BackupPolicy": file_system.backup_policy})
        return body, {"Content-Type": "application/json"}

    def delete_file_system_policy(self: Any) -> tuple[str, dict[str, str]]:
        file_system = self.efs_backend.file_systems_by_id[self._get_param("FileSystemId")]
        file_system.file_system_policy = None
        return "{}", {"Content-Type": "application/json"}

    models.FileSystem.backup_policy = property(backup_policy)
    responses.EFSResponse.put_backup_policy = put_backup_policy
    responses.EFSResponse.delete_file_system_policy = delete_file_system_policy


def patch_rds_parameter_source() -> None:
    """RDS parameters come back without Source=user (the provider re-adds them on every plan):
    marked as set by the user.
    """
    models = moto("rds.models")

    update_parameters = models.DBParameterGroup.update_parameters

    def update_user_parameters(self: Any, new_parameters: Any) -> None:
        update_parameters(self, [{**parameter, "Source": "user"} for parameter in new_parameters])

    models.DBParameterGroup.update_parameters = update_user_parameters


def patch_security_group_rule_description() -> None:
    """Security group rules that reference a group lose their description (a diff on every
    plan): kept.
    """
    security_groups = moto("ec2.models.security_groups")

    def description(self: Any) -> str | None:
        found: str | None = self.ip_range.get("Description") or self.source_group.get("Description")
        return found

    security_groups.SecurityGroupRule.description = property(description)


def patch_event_source_mapping_alias() -> None:
    """Lambda event source mappings created on an alias ARN report the version behind it
    (a diff on every plan): the ARN given, as AWS returns it."""
    models = moto("awslambda.models")

    create = models.LambdaBackend.create_event_source_mapping

    def create_event_source_mapping(self: Any, spec: dict[str, Any]) -> Any:
        mapping = create(self, spec)
        if spec["FunctionName"].startswith("arn:"):
            mapping.function_arn = spec["FunctionName"]
        return mapping

    models.LambdaBackend.create_event_source_mapping = create_event_source_mapping


def patch_conditional_deny() -> None:
    """Policy conditions moto cannot evaluate (such as Bool aws:SecureTransport) count as
    met, so the TLS-only bucket policy denies every request to the state bucket: a Deny
    with such a condition is left out."""
    access_control = moto("iam.access_control")
    policy_conditions = moto("iam.policy_conditions")

    statement = access_control.IAMPolicyStatement
    is_action_permitted = statement.is_action_permitted

    def without_unevaluable_denies(self: Any, *args: Any, **kwargs: Any) -> Any:
        conditions = self._statement.get("Condition") or {}
        if self._statement.get("Effect") == "Deny" and any(
            operator not in policy_conditions.CONDITION_OPERATIONS for operator in conditions
        ):
            return access_control.PermissionResult.NEUTRAL
        return is_action_permitted(self, *args, **kwargs)

    statement.is_action_permitted = without_unevaluable_denies


def patch_ecs_services_running() -> None:
    """ECS services start no tasks, so they never reach a steady state (the deploy waits for
    one): every service reports its desired count running and its deployment completed."""
    models = moto("ecs.models")

    create = models.Service.__init__

    def steady_service(self: Any, *args: Any, **kwargs: Any) -> None:
        create(self, *args, **kwargs)
        self.running_count, self.pending_count = self.desired_count, 0
        for deployment in self.deployments:
            deployment.update(
                runningCount=self.desired_count, pendingCount=0, rolloutState="COMPLETED"
            )

    models.Service.__init__ = steady_service


def patch_resource_scoped_permissions() -> None:
    """With IAM enforced, Secrets Manager and CloudWatch Logs check every call against the
    resource "*", so a policy scoped to ARNs denies everything: each call names the secret,
    log group or log stream it acts on, as AWS evaluates it."""
    secretsmanager, logs = moto("secretsmanager.responses"), moto("logs.responses")
    partition = moto("utilities.utils").get_partition

    def secret_arn(self: Any) -> str:
        secret = self.backend.secrets.get(self._get_param("SecretId") or "")
        return str(secret.arn) if secret is not None else "*"

    def log_arn(self: Any) -> str:
        group = self._get_param("logGroupName")
        if not group:
            return "*"
        arn = f"arn:{partition(self.region)}:logs:{self.region}:{self.current_account}"
        stream = self._get_param("logStreamName")
        # A log group's ARN ends in ":*" where IAM matches it.
        return f"{arn}:log-group:{group}:" + (f"log-stream:{stream}" if stream else "*")

    secretsmanager.SecretsManagerResponse._determine_resource = secret_arn
    logs.LogsResponse._determine_resource = log_arn


def patch_role_creation_permission() -> None:
    """With IAM enforced, IAM checks a call on a role that does not exist yet (CreateRole)
    against the resource "*", so a policy scoped to role ARNs refuses it: the ARN the role
    will have, as AWS evaluates it."""
    responses = moto("iam.responses")
    determine_resource = responses.IamResponse._determine_resource

    def role_arn(self: Any) -> str:
        resource: str = determine_resource(self)
        name = self._get_param("RoleName")
        if resource != "*" or not name:
            return resource
        path = self._get_param("Path") or "/"
        return f"arn:{self.partition}:iam::{self.current_account}:role{path}{name}"

    responses.IamResponse._determine_resource = role_arn


def patch_permissions_boundary_condition() -> None:
    """With IAM enforced, moto knows no iam:PermissionsBoundary and passes a condition on a
    key it lacks, so a role without the boundary the deploy role must set is created: the
    key is the boundary the call sets (CreateRole, PutRolePermissionsBoundary) or the one
    the named role has, and absent ("") when there is none, as AWS evaluates it."""
    access_control, exceptions = moto("iam.access_control"), moto("iam.exceptions")
    check_action_permitted = access_control.IAMRequestBase.check_action_permitted
    is_action_permitted = access_control.IAMPolicy.is_action_permitted
    # The values of the request being checked (moto's server serves requests on threads).
    request_values: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
        "request_values", default=None
    )

    def boundary(self: Any) -> str:
        data = self._data
        if "PermissionsBoundary" in data:
            return str(data["PermissionsBoundary"][0])
        try:
            arn = self.backend.get_role(data["RoleName"][0]).permissions_boundary_arn
        except exceptions.NotFoundException:  # a role to be created: no boundary yet
            return ""
        return arn or ""

    def with_request_values(self: Any, resource: str) -> None:
        role_call = self._action.startswith("iam:") and "RoleName" in self._data
        token = request_values.set({"iam:PermissionsBoundary": boundary(self)} if role_call else {})
        try:
            check_action_permitted(self, resource)
        finally:
            request_values.reset(token)

    def evaluated_with_them(
        self: Any, action: str, resource: str = "*", principal: Any = None, values: Any = None
    ) -> Any:
        return is_action_permitted(
            self, action, resource, principal, values or request_values.get()
        )

    access_control.IAMRequestBase.check_action_permitted = with_request_values
    access_control.IAMPolicy.is_action_permitted = evaluated_with_them


def patch_signature_of_empty_bodies() -> None:
    """With IAM enforced, moto checks the signature of a GET, HEAD or DELETE without a body
    (Lambda, API Gateway and the other REST APIs) over its parsed parameters instead of the
    empty payload the client signed, and refuses it: checked over the payload as sent."""
    access_control = moto("iam.access_control")
    create_aws_request = access_control.IAMRequestBase._create_aws_request

    def as_signed(self: Any) -> Any:
        request = create_aws_request(self)
        if not self._body and self._method in ("GET", "HEAD", "DELETE"):
            request.data = b""
        return request

    access_control.IAMRequestBase._create_aws_request = as_signed


def patch_lambda_snap_start() -> None:
    """Lambda functions answer SnapStart ApplyOn "None" whatever was set, so a function
    with SnapStart is updated on every plan: the setting as stored, and on a published
    version OptimizationStatus "On", as AWS reports it."""
    models = moto("awslambda.models")
    function = models.LambdaFunction
    create, update, configuration = (
        function.__init__,
        function.update_configuration,
        function.get_configuration,
    )

    def created(self: Any, account_id: str, spec: dict[str, Any], *args: Any, **kw: Any) -> None:
        create(self, account_id, spec, *args, **kw)
        self.snap_start_apply_on = (spec.get("SnapStart") or {}).get("ApplyOn", "None")

    def updated(self: Any, config_updates: dict[str, Any]) -> Any:
        if "SnapStart" in config_updates:
            self.snap_start_apply_on = config_updates["SnapStart"].get("ApplyOn", "None")
        return update(self, config_updates)

    def described(self: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        found: dict[str, Any] = configuration(self, *args, **kwargs)
        apply_on = getattr(self, "snap_start_apply_on", "None")
        published = str(self.version) != "$LATEST"
        status = "On" if apply_on == "PublishedVersions" and published else "Off"
        found["SnapStart"] = {"ApplyOn": apply_on, "OptimizationStatus": status}
        return found

    function.__init__ = created
    function.update_configuration = updated
    function.get_configuration = described


def patch_s3_action_names() -> None:
    """With IAM enforced, moto (from 5.2.6) checks an S3 call against its operation's name,
    so HeadObject needs an `s3:HeadObject` no policy grants: the IAM action moto's own S3
    action map gives (`s3:GetObject`: "To use HEAD, you must have the s3:GetObject
    permission", HeadObject in the S3 API reference), as AWS evaluates it."""
    access_control = moto("iam.access_control")
    create_request = access_control.S3IAMRequest.__init__

    def with_iam_action(self: Any, *args: Any, **kwargs: Any) -> None:
        create_request(self, *args, **kwargs)
        # The S3 responses write their IAM action here before authorizing.
        if action := self._data.get("Action"):
            self._action = f"s3:{action}"

    access_control.S3IAMRequest.__init__ = with_iam_action


PATCHES = (
    patch_application_autoscaling_tags,
    patch_sqs_redrive_policies,
    patch_efs_policies,
    patch_rds_parameter_source,
    patch_security_group_rule_description,
    patch_event_source_mapping_alias,
    patch_conditional_deny,
    patch_ecs_services_running,
    patch_resource_scoped_permissions,
    patch_role_creation_permission,
    patch_signature_of_empty_bodies,
    patch_permissions_boundary_condition,
    patch_s3_action_names,
    patch_lambda_snap_start,
)


def serve(port: int) -> None:
    """Run the patched server in this process until it is stopped."""
    # Before moto is imported: attaching AWS-managed policies needs them loaded.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    for patch in PATCHES:
        patch()
    from moto.server import main as moto_main

    moto_main(["--host", "127.0.0.1", "--port", str(port)])


@contextmanager
def moto_server(log: Path) -> Iterator[str]:
    """A fresh patched server on a free loopback port, in its own process; yields its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with log.open("w") as output:
        server = subprocess.Popen(  # noqa: S603 - this interpreter, this module
            [sys.executable, "-m", "deploy.emulator", "serve", "--port", str(port)],
            cwd=Path(__file__).resolve().parents[1],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=2).close()  # noqa: S310
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto did not start: {log.read_text()[-2000:]}") from None
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- Credentials and IAM on it ---------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str
    session_token: str | None = None

    @classmethod
    def assumed(cls, response: dict[str, Any]) -> Credentials:
        """From an STS AssumeRole response."""
        issued = response["Credentials"]
        return cls(issued["AccessKeyId"], issued["SecretAccessKey"], issued["SessionToken"])

    def environment(self) -> dict[str, str]:
        """As the AWS SDKs read them from the environment."""
        variables = {"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key}
        if self.session_token:
            variables["AWS_SESSION_TOKEN"] = self.session_token
        return variables


# The emulator account's own: moto accepts any credentials while it does not enforce IAM,
# and these never reach AWS.
ACCOUNT_CREDENTIALS = Credentials("test", "test")


def enforce_iam(url: str, enforced: bool) -> None:
    """From now on moto checks every call against the caller's identity policies (and
    refuses credentials it did not issue), or none."""
    # moto checks calls once it has served this many unchecked ones.
    allowance = b"0" if enforced else b"inf"
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{url}/moto-api/reset-auth",
        data=allowance,
        method="POST",
        headers={"Content-Type": "text/plain"},  # a form body would not reach moto as data
    )
    urllib.request.urlopen(request, timeout=10).close()  # noqa: S310


# --- Terraform pointed at it --------------------------------------------------------------

# The file each override goes in (Terraform merges `*_override.tf` into its siblings).
OVERRIDE_FILE = "emulator_override.tf"

# Every service the generated Terraform calls (`elbv2` is the key for aws_lb*).
SERVICES = (
    "acm",
    "apigatewayv2",
    "appautoscaling",
    "cloudwatch",
    "ec2",
    "ecr",
    "ecs",
    "efs",
    "elbv2",
    "iam",
    "kms",
    "lambda",
    "logs",
    "rds",
    "route53",
    "s3",
    "secretsmanager",
    "sns",
    "sqs",
    "sts",
)


@dataclass(frozen=True)
class Override:
    """Attributes of one resource that moto does not store or returns changed."""

    gap: str
    module: str
    resource: str  # type.name
    ignore_changes: tuple[str, ...]

    def hcl(self) -> str:
        kind, name = self.resource.split(".")
        ignored = ", ".join(self.ignore_changes)
        # Braces as plain strings: this file is also a cookiecutter template, where
        # doubled braces would mean Jinja.
        return (
            f'# {self.gap}\nresource "{kind}" "{name}" ' + "{\n"
            "  lifecycle {\n"
            f"    ignore_changes = [{ignored}]\n"
            "  }\n"
            "}\n"
        )


PERFORMANCE_INSIGHTS = (
    "performance_insights_enabled",
    "performance_insights_kms_key_id",
    "performance_insights_retention_period",
)

OVERRIDES = (
    Override(
        "moto: RDS instances keep no Performance Insights settings",
        "database",
        "aws_db_instance.this",
        PERFORMANCE_INSIGHTS,
    ),
    Override(
        "moto: RDS instances keep no Performance Insights settings",
        "database",
        "aws_rds_cluster_instance.this",
        PERFORMANCE_INSIGHTS,
    ),
    Override(
        "moto: Aurora clusters return a Serverless v1 scaling configuration nobody set",
        "database",
        "aws_rds_cluster.this",
        ("scaling_configuration",),
    ),
    Override(
        "moto: ECS services keep neither the health check grace period, AZ rebalancing nor"
        " managed tags",
        "ecs_service",
        "aws_ecs_service.app",
        (
            # The module's own ignore_changes, which an override replaces.
            "desired_count",
            "task_definition",
            "health_check_grace_period_seconds",
            "availability_zone_rebalancing",
            "enable_ecs_managed_tags",
        ),
    ),
    Override(
        "moto: ECS services keep neither the health check grace period, AZ rebalancing nor"
        " managed tags",
        "ecs_service",
        "aws_ecs_service.worker",
        ("task_definition", "availability_zone_rebalancing", "enable_ecs_managed_tags"),
    ),
)


def credential_lines(credentials: Credentials) -> list[str]:
    """The credentials as provider or backend arguments (emulator-issued: they reach no AWS)."""
    lines = [
        f'access_key                  = "{credentials.access_key}"',
        f'secret_key                  = "{credentials.secret_key}"',
    ]
    if credentials.session_token:
        lines.append(f'token                       = "{credentials.session_token}"')
    return lines


def provider_override(url: str, credentials: Credentials = ACCOUNT_CREDENTIALS) -> str:
    endpoints = "\n".join(f'    {service} = "{url}"' for service in SERVICES)
    arguments = [
        *credential_lines(credentials),
        "skip_credentials_validation = true",
        "skip_metadata_api_check     = true",
        "s3_use_path_style           = true",
    ]
    return (
        "# Every call to the emulator on loopback, with the emulator's credentials (the\n"
        "# region and default tags stay the root's own).\n"
        'provider "aws" {\n'
        + "".join(f"  {line}\n" for line in arguments)
        + "\n  endpoints {\n"
        + endpoints
        + "\n  }\n}\n"
    )


def backend_config(url: str, bucket: str, credentials: Credentials = ACCOUNT_CREDENTIALS) -> str:
    """The S3 backend's settings for the emulator (beside the project's backend.hcl)."""
    arguments = [
        f'bucket                      = "{bucket}"',
        *credential_lines(credentials),
        "skip_credentials_validation = true",
        "skip_requesting_account_id  = true",
        "skip_metadata_api_check     = true",
        "use_path_style              = true",
        "endpoints                   = " + "{ " + f's3 = "{url}"' + " }",
    ]
    return "".join(f"{line}\n" for line in arguments)


def point_at_emulator(infra: Path, url: str) -> None:
    """Write the emulator's override files into a rendered project's infra/: the provider
    into bootstrap and envs/dev, the pinned attributes into the modules that have them."""
    for root in (infra / "bootstrap", infra / "envs" / "dev"):
        (root / OVERRIDE_FILE).write_text(provider_override(url))
    by_module: dict[Path, list[Override]] = {}
    for override in OVERRIDES:
        module = infra / "modules" / override.module
        if module.is_dir():
            by_module.setdefault(module, []).append(override)
    for module, overrides in by_module.items():
        (module / OVERRIDE_FILE).write_text("\n".join(o.hcl() for o in overrides))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m deploy.emulator", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve").add_argument("--port", type=int, default=5000)
    args = parser.parse_args(argv)
    serve(args.port)


if __name__ == "__main__":
    main()
