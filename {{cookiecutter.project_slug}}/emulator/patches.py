"""Where moto gets AWS wrong in a way the deploy or Terraform notices, one patch per gap,
its docstring naming the gap. `apply()` patches moto in this process, once; the template's
tests list every gap from these docstrings. Measured with moto 5.2 and hashicorp/aws 5.100.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import importlib
import inspect
import json
import os
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit


def moto(module: str) -> Any:
    """A moto module, imported when a patch runs (moto is a dev dependency, and its
    internals are patched here by name, not type-checked)."""
    return importlib.import_module(f"moto.{module}")


def sender_address(body: str | bytes | None) -> str:
    """The address of an SES v2 SendEmail's FromEmailAddress ("" for any other call)."""
    try:
        request = json.loads(body or "{}")
    except ValueError:
        return ""
    sender = request.get("FromEmailAddress") if isinstance(request, dict) else None
    return parseaddr(sender)[1] if isinstance(sender, str) else ""


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
    """Security group rules that reference a group or a prefix list lose their description
    (a diff on every plan): kept.
    """
    security_groups = moto("ec2.models.security_groups")
    rule_init = security_groups.SecurityGroupRule.__init__

    def with_prefix_list(self: Any, *args: Any, **kwargs: Any) -> None:
        rule_init(self, *args, **kwargs)
        given = inspect.signature(rule_init).bind(self, *args, **kwargs).arguments
        self.prefix_list = given.get("prefix_list_id") or {}

    def description(self: Any) -> str | None:
        found: str | None = (
            self.ip_range.get("Description")
            or self.source_group.get("Description")
            or getattr(self, "prefix_list", {}).get("Description")
        )
        return found

    security_groups.SecurityGroupRule.__init__ = with_prefix_list
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
    """With IAM enforced, Secrets Manager, CloudWatch Logs and SES check every call against
    the resource "*", so a policy scoped to ARNs denies everything: each call names the
    secret, log group or log stream it acts on, and SendEmail the identity that verifies its
    From address (the address's own, else its domain's), as AWS evaluates it."""
    secretsmanager, logs = moto("secretsmanager.responses"), moto("logs.responses")
    sesv2 = moto("sesv2.responses")
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

    def sender_identity_arn(self: Any) -> str:
        sender = sender_address(self.body)
        if not sender:
            return "*"
        identities = self.sesv2_backend.core_backend.email_identities
        name = sender if sender in identities else sender.rpartition("@")[2]
        arn = f"arn:{partition(self.region)}:ses:{self.region}:{self.current_account}"
        return f"{arn}:identity/{name}"

    secretsmanager.SecretsManagerResponse._determine_resource = secret_arn
    logs.LogsResponse._determine_resource = log_arn
    sesv2.SESV2Response._determine_resource = sender_identity_arn


{%- if cookiecutter.database == "dynamodb" %}


def patch_dynamodb_permissions() -> None:
    """With IAM enforced, DynamoDB checks every call against the resource "*", and a
    TransactWriteItems as an action of its own, which AWS does not have: each call names
    its table, and a transaction is authorised part by part, each as the action it is on
    its own table ("Using IAM with DynamoDB transactions", DynamoDB Developer Guide)."""
    responses = moto("dynamodb.responses")
    partition = moto("utilities.utils").get_partition
    parts = {
        "ConditionCheck": "ConditionCheckItem",
        "Delete": "DeleteItem",
        "Put": "PutItem",
        "Update": "UpdateItem",
    }
    authorize = responses.DynamoHandler._authenticate_and_authorize_normal_action
    action_of = responses.DynamoHandler._get_action

    def table_arn(self: Any, table: str | None) -> str:
        if not table:
            return "*"
        account = f"{partition(self.region)}:dynamodb:{self.region}:{self.current_account}"
        return f"arn:{account}:table/{table}"

    def named_table(self: Any) -> str:
        return table_arn(self, self.body.get("TableName"))

    def each_part(self: Any, resource: str = "*") -> None:
        if action_of(self) != "TransactWriteItems":
            authorize(self, resource)
            return
        try:
            for item in self.body.get("TransactItems", []):
                ((kind, part),) = item.items()
                self._get_action = functools.partial(str, parts[kind])
                authorize(self, table_arn(self, part.get("TableName")))
        finally:
            vars(self).pop("_get_action", None)  # the transaction runs as itself

    responses.DynamoHandler._determine_resource = named_table
    responses.DynamoHandler._authenticate_and_authorize_normal_action = each_part
{%- endif %}


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


def patch_condition_keys() -> None:
    """With IAM enforced, moto knows no iam:PermissionsBoundary or ses:FromAddress and
    passes a condition on a key it lacks, so a role without the boundary the deploy role
    must set is created and mail goes out from any address: iam:PermissionsBoundary is the
    boundary the call sets (CreateRole, PutRolePermissionsBoundary) or the one the named
    role has, absent ("") when there is none, and ses:FromAddress is SendEmail's From
    address, as AWS evaluates them."""
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

    def values_of(self: Any) -> dict[str, str]:
        if self._action.startswith("iam:") and "RoleName" in self._data:
            return {"iam:PermissionsBoundary": boundary(self)}
        if self._action == "ses:SendEmail":
            return {"ses:FromAddress": sender_address(self._body)}
        return {}

    def with_request_values(self: Any, resource: str) -> None:
        token = request_values.set(values_of(self))
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
    """With IAM enforced, moto checks the signature of a request without a body (a GET,
    HEAD or DELETE of Lambda, API Gateway and the other REST APIs, CloudFront's
    PublishFunction) over its parsed parameters instead of the empty payload the client
    signed, and refuses it: checked over the payload as sent."""
    access_control = moto("iam.access_control")
    create_aws_request = access_control.IAMRequestBase._create_aws_request

    def as_signed(self: Any) -> Any:
        request = create_aws_request(self)
        # A POST to "/" is a query-protocol call (STS, SQS), whose parameters are its body.
        rest_post = self._method == "POST" and urlsplit(self._path).path != "/"
        if not self._body and (self._method in ("GET", "HEAD", "DELETE") or rest_post):
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
{%- if cookiecutter.frontend == "static" %}


def patch_cloudfront_functions() -> None:
    """CloudFront functions have one stage and no UpdateFunction or PublishFunction
    (Terraform's `publish` and `make deploy`'s release switch need them): a LIVE stage,
    which publishing copies the DEVELOPMENT stage into.
    """
    models, responses, urls = (
        moto("cloudfront.models"),
        moto("cloudfront.responses"),
        moto("cloudfront.urls"),
    )
    publish_path = "{0}/2020-05-31/function/(?P<function_name>[^/]+)/publish$"
    urls.url_paths[publish_path] = responses.CloudFrontResponse.dispatch

    def summary(function: Any, stage: str) -> dict[str, Any]:
        if stage != "LIVE":
            return function.function_summary  # type: ignore[no-any-return]
        if function.live is None:
            raise models.NoSuchFunctionExists(function.name)
        return {
            **function.function_summary,
            "Status": "DEPLOYED",
            "FunctionConfig": function.live["config"],
            "FunctionMetadata": {
                **function.function_summary["FunctionMetadata"],
                "Stage": "LIVE",
            },
        }

    def function(self: Any) -> Any:
        return self.backend.describe_function(name=self._get_param("Name"))

    def describe_function(self: Any) -> Any:
        found, stage = function(self), self._get_param("Stage") or "DEVELOPMENT"
        etag = found.live["etag"] if stage == "LIVE" and found.live else found.etag
        return responses.ActionResult({"FunctionSummary": summary(found, stage), "ETag": etag})

    def get_function(self: Any) -> Any:
        found, stage = function(self), self._get_param("Stage") or "DEVELOPMENT"
        summary(found, stage)  # a function never published has no LIVE stage
        live = stage == "LIVE"
        return responses.ActionResult(
            {
                "FunctionCode": found.live["code"] if live else found.code,
                "ETag": found.live["etag"] if live else found.etag,
                "ContentType": "application/octet-stream",
            }
        )

    def update_function(self: Any) -> Any:
        found = function(self)
        found.config = self._get_param("FunctionConfig", {})
        found.code = self._get_param("FunctionCode")
        found.etag = models.random_id()
        found.last_modified_time = models.utcnow()
        return responses.ActionResult(
            {"FunctionSummary": found.function_summary, "ETag": found.etag}
        )

    def publish_function(self: Any) -> Any:
        found = function(self)
        found.live = {"code": found.code, "config": found.config, "etag": models.random_id()}
        return responses.ActionResult({"FunctionSummary": summary(found, "LIVE")})

    models.CloudFrontFunction.live = None
    responses.CloudFrontResponse.describe_function = describe_function
    responses.CloudFrontResponse.get_function = get_function
    responses.CloudFrontResponse.update_function = update_function
    responses.CloudFrontResponse.publish_function = publish_function


def patch_cloudfront_response_headers_policies() -> None:
    """CloudFront has no response headers policies: a store for their configurations."""
    models, responses, urls = (
        moto("cloudfront.models"),
        moto("cloudfront.responses"),
        moto("cloudfront.urls"),
    )
    for path in ("$", "/(?P<policy_id>[^/]+)$", "/(?P<policy_id>[^/]+)/config$"):
        urls.url_paths["{0}/2020-05-31/response-headers-policy" + path] = (
            responses.CloudFrontResponse.dispatch
        )
    policies: dict[tuple[str, str], dict[str, Any]] = {}

    def stored(self: Any) -> dict[str, Any]:
        key = (self.current_account, self._get_param("Id"))
        if key not in policies:
            raise moto("cloudfront.exceptions").CloudFrontException(
                "NoSuchResponseHeadersPolicy", "The response headers policy does not exist."
            )
        return policies[key]

    def saved(self: Any, policy_id: str) -> Any:
        policy = policies[(self.current_account, policy_id)] = {
            "Id": policy_id,
            "LastModifiedTime": models.utcnow(),
            "ResponseHeadersPolicyConfig": self._get_param("ResponseHeadersPolicyConfig"),
            "ETag": models.random_id(),
        }
        return policy

    def result(policy: dict[str, Any], **extra: Any) -> Any:
        body = {key: value for key, value in policy.items() if key != "ETag"}
        return responses.ActionResult(
            {"ResponseHeadersPolicy": body, "ETag": policy["ETag"], **extra}
        )

    def create(self: Any) -> Any:
        policy = saved(self, str(models.random.uuid4()))
        path = f"2020-05-31/response-headers-policy/{policy['Id']}"
        location = f"https://cloudfront.amazonaws.com/{path}"
        return result(policy, Location=location)

    def get(self: Any) -> Any:
        return result(stored(self))

    def get_config(self: Any) -> Any:
        policy = stored(self)
        return responses.ActionResult(
            {
                "ResponseHeadersPolicyConfig": policy["ResponseHeadersPolicyConfig"],
                "ETag": policy["ETag"],
            }
        )

    def update(self: Any) -> Any:
        return result(saved(self, stored(self)["Id"]))

    def delete(self: Any) -> Any:
        stored(self)
        del policies[(self.current_account, self._get_param("Id"))]
        return responses.EmptyResult()

    responses.CloudFrontResponse.create_response_headers_policy = create
    responses.CloudFrontResponse.get_response_headers_policy = get
    responses.CloudFrontResponse.get_response_headers_policy_config = get_config
    responses.CloudFrontResponse.update_response_headers_policy = update
    responses.CloudFrontResponse.delete_response_headers_policy = delete


def patch_cloudfront_distribution_fields() -> None:
    """CloudFront distributions drop their behaviours' function associations and their
    origins' origin access control, return legacy forwarded values beside a cache policy,
    the default certificate beside an ACM one and an SNI method beside the default
    certificate (a diff on every plan): as AWS returns them.
    """
    models = moto("cloudfront.models")
    behaviour_init = models.DefaultCacheBehaviour.__init__
    origin_init = models.Origin.__init__
    certificate_init = models.ViewerCertificate.__init__

    def behaviour(self: Any, config: dict[str, Any]) -> None:
        behaviour_init(self, config)
        self.function_associations = config.get("FunctionAssociations") or {"Quantity": 0}
        if config.get("CachePolicyId"):
            self.forwarded_values = None

    def origin(self: Any, config: dict[str, Any]) -> None:
        origin_init(self, config)
        self.origin_access_control_id = config.get("OriginAccessControlId") or ""

    def certificate(self: Any, config: dict[str, Any]) -> None:
        certificate_init(self, config)
        # Left out of the request when false; a certificate of one's own means it is.
        default = config.get("CloudFrontDefaultCertificate")
        if default is None:
            default = not (config.get("ACMCertificateArn") or config.get("IAMCertificateId"))
        self.cloud_front_default_certificate = default in (True, "true")
        self.ssl_support_method = config.get("SSLSupportMethod")

    models.DefaultCacheBehaviour.__init__ = behaviour
    models.Origin.__init__ = origin
    models.ViewerCertificate.__init__ = certificate
{%- endif %}


def patch_ses_identities() -> None:
    """SES domain identities come back without DKIM tokens (Easy DKIM gives three, whose
    records Terraform writes), and an identity's tags are kept under an ARN of the wrong
    form (email-identity/ for identity/, so the provider finds none and re-adds them on
    every plan): three tokens made from the domain's name, and the tags under both.
    """
    models = moto("ses.models")
    init = models.EmailIdentity.__init__

    def init_with_tokens(self: Any, email_identity: str, *args: Any, **kwargs: Any) -> None:
        init(self, email_identity, *args, **kwargs)
        if self.identity_type == "DOMAIN":
            self.dkim_attributes["Tokens"] = [
                hashlib.sha256(f"{n}.{email_identity}".encode()).hexdigest()[:32] for n in range(3)
            ]

    models.EmailIdentity.__init__ = init_with_tokens

    v2 = moto("sesv2.models")
    create = v2.SESV2Backend.create_email_identity

    def create_tagged(self: Any, email_identity: str, tags: Any, **options: Any) -> Any:
        if tags:
            arn = v2.get_arn(self, "ses", f"identity/{email_identity}")
            self.core_backend.tagger.tag_resource(arn=arn, tags=tags)
        return create(self, email_identity, tags, **options)

    v2.SESV2Backend.create_email_identity = create_tagged


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
{%- if cookiecutter.database == "dynamodb" %}
    patch_dynamodb_permissions,
{%- endif %}
    patch_role_creation_permission,
    patch_signature_of_empty_bodies,
    patch_condition_keys,
    patch_s3_action_names,
    patch_lambda_snap_start,
    patch_ses_identities,
{%- if cookiecutter.frontend == "static" %}
    patch_cloudfront_functions,
    patch_cloudfront_response_headers_policies,
    patch_cloudfront_distribution_fields,
{%- endif %}
)


@functools.cache
def apply() -> None:
    """Patches moto in this process (once, however often it is called)."""
    # Before moto's IAM starts: attaching AWS-managed policies needs them loaded.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    for patch in PATCHES:
        patch()
