"""moto's server on loopback, with the gaps that break `terraform apply` patched.

Run as `python moto_server.py PORT`. Each patch fixes one thing moto gets wrong or lacks
(measured with moto 5.2 and hashicorp/aws 5.100) and its docstring names the gap in one
line; the Terraform tests print them. Everything else the stack needs, moto does itself.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def patch_application_autoscaling_tags() -> None:
    """Application Auto Scaling has no tag actions (the provider retries for minutes): a tag
    store.
    """
    from moto.applicationautoscaling import responses

    response = responses.ApplicationAutoScalingResponse
    tags: dict[str, dict[str, str]] = {}
    register = response.register_scalable_target

    def register_scalable_target(self: Any) -> str:
        body = register(self)
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
    from moto.sqs import models

    models.Queue.redrive_allow_policy = None
    models.Queue.BASE_ATTRIBUTES.append("RedriveAllowPolicy")
    attributes = models.Queue.attributes.fget

    def attributes_as_aws_returns_them(self: Any) -> dict[str, Any]:
        result = attributes(self)
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
    from moto.efs import models, responses

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
    from moto.rds import models

    update_parameters = models.DBParameterGroup.update_parameters

    def update_user_parameters(self: Any, new_parameters: Any) -> None:
        update_parameters(self, [{**parameter, "Source": "user"} for parameter in new_parameters])

    models.DBParameterGroup.update_parameters = update_user_parameters


def patch_security_group_rule_description() -> None:
    """Security group rules that reference a group lose their description (a diff on every
    plan): kept.
    """
    from moto.ec2.models import security_groups

    def description(self: Any) -> str | None:
        return self.ip_range.get("Description") or self.source_group.get("Description")

    security_groups.SecurityGroupRule.description = property(description)


def patch_event_source_mapping_alias() -> None:
    """Lambda event source mappings created on an alias ARN report the version behind it
    (a diff on every plan): the ARN given, as AWS returns it."""
    from moto.awslambda import models

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
    with such a condition is left out (the fast tests check the policy itself)."""
    from moto.iam import access_control, policy_conditions

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


PATCHES = (
    patch_application_autoscaling_tags,
    patch_sqs_redrive_policies,
    patch_efs_policies,
    patch_rds_parameter_source,
    patch_security_group_rule_description,
    patch_event_source_mapping_alias,
    patch_conditional_deny,
)
# One line per patch, naming the gap it fixes.
GAPS = ["moto: " + " ".join((patch.__doc__ or "").split()) for patch in PATCHES]


def main(port: str) -> int:
    for patch in PATCHES:
        patch()

    from moto.server import main as serve

    return serve(["--host", "127.0.0.1", "--port", port]) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
