"""The generated Terraform applied for real, against moto on loopback.

For each SLOW_SUBSET combination (between them every value of every option, a domain
included): bootstrap is applied and re-planned with no changes; envs/dev is initialised
on the S3 backend in the state bucket bootstrap made, applied, re-planned with no changes
(`plan -detailed-exitcode` = 0) and destroyed. The emulator is the rendered project's
own (its emulator/ package): a moto server with its gaps patched, and override files
(provider endpoints, the few attributes moto cannot round-trip) that the test has it
write into the rendered copy; the generated Terraform is used as it is. The tfvars the
test writes set only real inputs: the image tag or function zip `make deploy` would
pass, the hosted zone the domain lives in, a web app's origin, prod's SnapStart on the
Lambda API, and for two combinations prod's database and network settings (a second
zone, a final snapshot that must stay restorable after the destroy, NAT gateways; the
others run dev's way out, without NAT). Each applied stack is compared with what `make
cost` counts for it, and its tasks or functions must have a route to the AWS APIs.
Bootstrap is not destroyed: its bucket holds the state, and the server is thrown away.
"""

from __future__ import annotations

import fnmatch
import importlib
import json
import sys
import urllib.parse
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import pytest

from tests.combinations import DATABASE_SERVERS, SLOW_SUBSET, Answers, combination_id
from tests.support import render, resource_prefix, run

# The provider polls moto's resources to their final states; a whole apply takes minutes.
TIMEOUT = 1800


def terraform(root: Path, env: dict[str, str], command: str, *args: str) -> str:
    options = ["-no-color"] if command == "output" else ["-no-color", "-input=false"]
    return run(["terraform", command, *options, *args], root, env, TIMEOUT).stdout


def assert_no_changes(root: Path, env: dict[str, str], *args: str) -> None:
    """`terraform plan -detailed-exitcode` must exit 0 (2 means changes): what was applied
    reads back the same. A non-zero exit fails with the whole plan."""
    terraform(root, env, "plan", "-detailed-exitcode", *args)


def emulator_of(project: Path) -> SimpleNamespace:
    """The rendered project's emulator package (it needs only moto and boto3, which the
    template's test dependencies include), imported afresh: each render has its own."""
    for name in [name for name in sys.modules if name.partition(".")[0] == "emulator"]:
        del sys.modules[name]
    sys.path.insert(0, str(project))
    try:
        return SimpleNamespace(
            credentials=importlib.import_module("emulator").ACCOUNT_CREDENTIALS,
            patches=importlib.import_module("emulator.patches"),
            server=importlib.import_module("emulator.server"),
            terraform=importlib.import_module("emulator.terraform"),
        )
    finally:
        sys.path.remove(str(project))


def emulator_gaps(emulator: SimpleNamespace) -> list[str]:
    """Every patch and override of a rendered emulator, one line each, naming its gap."""
    patches = [
        "moto: " + " ".join((patch.__doc__ or "").split()) for patch in emulator.patches.PATCHES
    ]
    overrides = emulator.terraform.OVERRIDES
    return [*patches, *dict.fromkeys(override.gap for override in overrides)]


VPC_EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"


def as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


def allow_statements(document: str | dict[str, Any]) -> list[dict[str, Any]]:
    """A policy document's Allow statements, Action and Resource as lists, and their
    Condition (IAM returns documents URL-encoded; boto3 may have decoded them already)."""
    if isinstance(document, str):
        document = json.loads(urllib.parse.unquote(document))
    statements = document["Statement"]
    return [
        {
            "Action": as_list(statement["Action"]),
            "Resource": as_list(statement["Resource"]),
            "Condition": statement.get("Condition", {}),
        }
        for statement in (statements if isinstance(statements, list) else [statements])
        if statement["Effect"] == "Allow"
    ]


def allowed(document: str | dict[str, Any]) -> set[str]:
    """The actions a policy document allows."""
    return {action for statement in allow_statements(document) for action in statement["Action"]}


def managed_policy(iam: Any, arn: str) -> str | dict[str, Any]:
    version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
    document: str | dict[str, Any] = iam.get_policy_version(PolicyArn=arn, VersionId=version)[
        "PolicyVersion"
    ]["Document"]
    return document


def granted_actions(iam: Any, role: str) -> set[str]:
    """Every action the role's inline and attached policies allow."""
    documents = [
        iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        for name in iam.list_role_policies(RoleName=role)["PolicyNames"]
    ] + [
        managed_policy(iam, attached["PolicyArn"])
        for attached in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    ]
    return set().union(*map(allowed, documents))


def assert_every_role_is_inside_the_boundary(iam: Any, project: str, *, in_vpc: bool) -> None:
    """Each of the environment's roles carries bootstrap's boundary, and the boundary
    allows every action the role's policies grant (else the role's calls fail on AWS,
    which the emulator does not evaluate)."""
    prefix = f"{resource_prefix(project)}-dev-"
    boundary_arn = f"arn:aws:iam::123456789012:policy/{prefix}permissions-boundary"
    boundary = allowed(managed_policy(iam, boundary_arn))
    roles = [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith(prefix)]
    assert roles
    for name in roles:
        role = iam.get_role(RoleName=name)["Role"]
        assert role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn") == boundary_arn, (
            name
        )
        granted = granted_actions(iam, name)
        outside = {
            action
            for action in granted
            if not any(fnmatch.fnmatch(action.lower(), pattern.lower()) for pattern in boundary)
        }
        assert not outside, f"{name} is granted {sorted(outside)}, which its boundary refuses"
        if "-lambda-" in name and in_vpc:
            # Functions in a VPC need the EC2 calls of AWS's minimal VPC execution policy.
            vpc_calls = {
                action
                for action in allowed(managed_policy(iam, VPC_EXECUTION_POLICY))
                if action.startswith("ec2:")
            }
            assert vpc_calls <= granted, f"{name} lacks {sorted(vpc_calls - granted)} in its VPC"


def assert_the_queue_outlasts_its_worker(
    client: dict[str, Any], answers: Answers, project: str
) -> None:
    """The jobs queue hides a received message six times as long as the worker may hold
    its batch (AWS's rule for an SQS event source), the same number for either worker."""
    name = f"{resource_prefix(project)}-dev"
    sqs = boto3.client("sqs", **client)
    queue_url = sqs.get_queue_url(QueueName=f"{name}-jobs")["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["VisibilityTimeout"])
    if answers["compute"] == "lambda":
        lambda_ = boto3.client("lambda", **client)
        batch_seconds = lambda_.get_function_configuration(FunctionName=f"{name}-worker")["Timeout"]
    else:
        batch_seconds = int(
            app_environment(client, answers, name, "worker")["JOBS_BATCH_TIMEOUT_SECONDS"]
        )
    assert int(attributes["Attributes"]["VisibilityTimeout"]) == 6 * batch_seconds


WEB_ORIGIN = "https://app.example.com"


def app_environment(
    client: dict[str, Any], answers: Answers, name: str, unit: str
) -> dict[str, str]:
    """The environment of one of the app's task definitions or functions: api, migrate, worker."""
    if answers["compute"] == "lambda":
        function = boto3.client("lambda", **client).get_function_configuration(
            FunctionName=f"{name}-{unit}"
        )
        return dict(function["Environment"]["Variables"])
    family, container = (name, "app") if unit == "api" else (f"{name}-{unit}", unit)
    (definition,) = [
        definition
        for definition in task_containers(client, family)
        if definition["name"] == container
    ]
    return {item["name"]: item["value"] for item in definition["environment"]}


def task_containers(client: dict[str, Any], family: str) -> list[dict[str, Any]]:
    found = boto3.client("ecs", **client).describe_task_definition(taskDefinition=family)
    containers: list[dict[str, Any]] = found["taskDefinition"]["containerDefinitions"]
    return containers


def assert_sqlite_has_one_task_that_migrates_first(
    client: dict[str, Any], project: str, stack: dict[str, Any]
) -> None:
    """SQLite on EFS: the one app task migrates in its first container, and the deploy
    runs no migration task beside it."""
    name = f"{resource_prefix(project)}-dev"
    containers = task_containers(client, name)
    assert [(c["name"], c["essential"]) for c in containers] == [
        ("migrate", False),
        ("app", True),
    ]
    assert containers[1]["dependsOn"] == [{"containerName": "migrate", "condition": "SUCCESS"}]
    assert stack["app_task_migrates"] is True


def assert_browsers_may_call_and_upload(
    client: dict[str, Any], answers: Answers, project: str
) -> None:
    """One setting, cors_allowed_origins, is both the app's CORS_ORIGINS and the uploads
    bucket's CORS rule, so a web app's presigned POST is not refused by the browser."""
    name = f"{resource_prefix(project)}-dev"
    assert app_environment(client, answers, name, "api")["CORS_ORIGINS"] == WEB_ORIGIN
    if answers["use_s3_uploads"] == "y":
        s3 = boto3.client("s3", **client)
        (bucket,) = [
            b["Name"]
            for b in s3.list_buckets()["Buckets"]
            if b["Name"].startswith(f"{name}-uploads")
        ]
        (rule,) = s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
        origins = set(rule["AllowedOrigins"])
        assert WEB_ORIGIN in origins
        if answers["frontend"] == "static":
            # The page's own origin too: the distribution's name, or the domain's.
            (page,) = origins - {WEB_ORIGIN}
            assert page.startswith("https://"), origins
        else:
            assert origins == {WEB_ORIGIN}
        assert "POST" in rule["AllowedMethods"]


def assert_logs_are_stored_once(client: dict[str, Any], answers: Answers, project: str) -> None:
    """The app writes to stdout only, which the platform stores in its own log group: no
    CLOUDWATCH_LOG_GROUP (each line stored twice), and the database alarm's metric filter
    reads the platform's group."""
    name = f"{resource_prefix(project)}-dev"
    assert "CLOUDWATCH_LOG_GROUP" not in app_environment(client, answers, name, "api")
    platform = f"/ecs/{name}" if answers["compute"] == "ecs" else f"/aws/lambda/{name}-api"
    logs = boto3.client("logs", **client)
    (metric_filter,) = logs.describe_metric_filters(
        filterNamePrefix=f"{name}-database-unreachable"
    )["metricFilters"]
    assert metric_filter["logGroupName"] == platform
    assert logs.describe_log_groups(logGroupNamePrefix=f"/app/{name}")["logGroups"] == []


# The sender the apply tests give a project without a domain (with one, the environment's
# domain sends as no-reply@ it).
MAIL_FROM = "no-reply@example.com"


def assert_mail_is_sent_from_a_verified_identity(
    client: dict[str, Any], answers: Answers, project: Path
) -> None:
    """Password reset mail leaves through SES, from an identity Terraform made: the
    environment's domain, with Easy DKIM's three CNAMEs in its zone, or an address."""
    domain = json.loads((project / "project.json").read_text())["domain"]
    name = f"{resource_prefix(project.name)}-dev"
    identities = {
        identity["IdentityName"]: identity["IdentityType"]
        for identity in boto3.client("sesv2", **client).list_email_identities()["EmailIdentities"]
    }
    environment = app_environment(client, answers, name, "api")
    if domain is None:
        assert identities == {MAIL_FROM: "EMAIL_ADDRESS"}
        sender = MAIL_FROM
    else:
        host = domain["names"]["dev"]
        assert identities == {host: "DOMAIN"}
        sender = f"no-reply@{host}"
        route53 = boto3.client("route53", **client)
        (zone,) = route53.list_hosted_zones_by_name(DNSName=domain["hosted_zone"])["HostedZones"]
        records = route53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]
        dkim = [
            (record["Name"], record["ResourceRecords"][0]["Value"])
            for record in records
            if record["Type"] == "CNAME" and "._domainkey." in record["Name"]
        ]
        assert len(dkim) == 3, records
        for record_name, value in dkim:
            token = record_name.split(".", 1)[0]
            assert record_name.rstrip(".") == f"{token}._domainkey.{host}"
            assert value.rstrip(".") == f"{token}.dkim.amazonses.com"
    assert (environment["MAIL_BACKEND"], environment["MAIL_FROM"]) == ("ses", sender)
    # A reset link opens the page on the environment's host; elsewhere the mail holds the
    # token, which the page's form takes.
    page = answers["frontend"] == "static" and domain is not None
    reset_url = f"https://{domain['names']['dev']}/" if page else ""
    assert environment.get("PASSWORD_RESET_URL", "") == reset_url, environment
    # Sending is granted from the sender alone, to every role that may send (the IAM probe
    # of deploy-local sends as the API's role and is refused any other sender).
    iam = boto3.client("iam", **client)
    sending = [
        statement
        for role in iam.list_roles()["Roles"]
        if role["RoleName"].startswith(f"{name}-")
        for policy in iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"]
        for statement in allow_statements(
            iam.get_role_policy(RoleName=role["RoleName"], PolicyName=policy)["PolicyDocument"]
        )
        if "ses:SendEmail" in statement["Action"]
    ]
    assert sending
    for statement in sending:
        (condition,) = statement["Condition"].items()
        assert condition[0] == "StringEquals", statement
        assert {k: as_list(v) for k, v in condition[1].items()} == {"ses:FromAddress": [sender]}


def prod_database(answers: Answers) -> bool:
    """Whether this combination's apply uses prod's database settings: the first Postgres
    and the Aurora combination do, the other Postgres one keeps dev's."""
    return answers in (SLOW_SUBSET[0], SLOW_SUBSET[1])


def assert_the_database_survives_a_zone(client: dict[str, Any], project: str) -> None:
    """With prod's db_multi_az: an RDS standby, or an Aurora reader in another zone."""
    name = f"{resource_prefix(project)}-dev"
    rds = boto3.client("rds", **client)
    clusters = rds.describe_db_clusters()["DBClusters"]
    if clusters:
        (cluster,) = clusters
        assert len(cluster["DBClusterMembers"]) == 2
        instances = rds.describe_db_instances(
            Filters=[{"Name": "db-cluster-id", "Values": [name]}]
        )["DBInstances"]
        assert len({instance["AvailabilityZone"] for instance in instances}) == 2
    else:
        (instance,) = rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"]
        assert instance["MultiAZ"]


def role_documents(iam: Any, role_arn: str) -> list[str | dict[str, Any]]:
    """The role's inline policy documents (the stack attaches its own policies inline)."""
    role = role_arn.rsplit("/", 1)[-1]
    return [
        iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
        for name in iam.list_role_policies(RoleName=role)["PolicyNames"]
    ]


def may(iam: Any, role_arn: str, action: str, resource: str) -> bool:
    """Whether an Allow of the role's inline policies covers `action` on `resource`."""
    return any(
        any(fnmatch.fnmatchcase(action, pattern) for pattern in statement["Action"])
        and any(fnmatch.fnmatchcase(resource, pattern) for pattern in statement["Resource"])
        for document in role_documents(iam, role_arn)
        for statement in allow_statements(document)
    )


def unit_roles(client: dict[str, Any], answers: Answers, name: str) -> dict[str, str]:
    """The role ARN each unit runs as: api, migrate and (with jobs) worker."""
    units = ["api", "migrate"] + (["worker"] if answers["use_background_jobs"] == "y" else [])
    if answers["compute"] == "lambda":
        functions = boto3.client("lambda", **client)
        return {
            unit: functions.get_function_configuration(FunctionName=f"{name}-{unit}")["Role"]
            for unit in units
        }
    ecs = boto3.client("ecs", **client)
    return {
        unit: ecs.describe_task_definition(
            taskDefinition=name if unit == "api" else f"{name}-{unit}"
        )["taskDefinition"]["taskRoleArn"]
        for unit in units
    }


def assert_the_app_is_not_the_database_owner(
    client: dict[str, Any], answers: Answers, project: str
) -> None:
    """The API and worker log in as the app's database user with IAM tokens: their roles
    may connect as that user (rds-db:connect on the database's resource ID) and cannot
    read the master user's secret. Only the migrations' role reads it, and the migrations
    are told which user to grant."""
    name = f"{resource_prefix(project)}-dev"
    rds, iam = boto3.client("rds", **client), boto3.client("iam", **client)
    if answers["database"] == "aurora-serverless":
        (database,) = rds.describe_db_clusters(DBClusterIdentifier=name)["DBClusters"]
        resource_id = database["DbClusterResourceId"]
    else:
        (database,) = rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"]
        resource_id = database["DbiResourceId"]
    secret_arn = database["MasterUserSecret"]["SecretArn"]
    assert database["IAMDatabaseAuthenticationEnabled"] is True
    roles = unit_roles(client, answers, name)
    migration = app_environment(client, answers, name, "migrate")
    user = migration["DATABASE_APP_ROLE"]
    assert migration["DATABASE_SECRET_ARN"] == secret_arn
    assert "DATABASE_IAM_USER" not in migration
    dbuser = f"arn:aws:rds-db:us-east-1:123456789012:dbuser:{resource_id}/{user}"
    for unit in set(roles) - {"migrate"}:
        settings = app_environment(client, answers, name, unit)
        assert settings["DATABASE_IAM_USER"] == user, unit
        assert "DATABASE_SECRET_ARN" not in settings, unit
        assert may(iam, roles[unit], "rds-db:connect", dbuser), unit
        assert not may(iam, roles[unit], "rds-db:connect", f"{dbuser.rsplit('/', 1)[0]}/postgres")
        assert not may(iam, roles[unit], "secretsmanager:GetSecretValue", secret_arn), unit
        assert roles[unit] != roles["migrate"], unit
    assert may(iam, roles["migrate"], "secretsmanager:GetSecretValue", secret_arn)
    assert not may(iam, roles["migrate"], "rds-db:connect", dbuser)


def assert_only_restorable_snapshots_remain(
    client: dict[str, Any], project: str, *, final_snapshot: bool
) -> None:
    """After the destroy: dev's settings leave no snapshot (the environment can be created
    again), prod's leave <name>-final, encrypted with bootstrap's database key, which the
    destroy did not schedule for deletion."""
    name = f"{resource_prefix(project)}-dev"
    rds, kms = boto3.client("rds", **client), boto3.client("kms", **client)
    snapshots = [
        *rds.describe_db_snapshots(SnapshotType="manual")["DBSnapshots"],
        *rds.describe_db_cluster_snapshots(SnapshotType="manual")["DBClusterSnapshots"],
    ]
    if not final_snapshot:
        assert snapshots == []
        return
    (snapshot,) = snapshots
    assert snapshot.get("DBSnapshotIdentifier", snapshot.get("DBClusterSnapshotIdentifier")) == (
        f"{name}-final"
    )
    database_key = kms.describe_key(KeyId=f"alias/{name}-database")["KeyMetadata"]
    assert snapshot["KmsKeyId"] == database_key["Arn"]
    assert database_key["KeyState"] == "Enabled"


def has_vpc(answers: Answers) -> bool:
    """Lambda on DynamoDB runs outside any VPC; every other stack has one."""
    return not (answers["compute"] == "lambda" and answers["database"] == "dynamodb")


def assert_the_tables_are_protected(client: dict[str, Any], project: Path) -> None:
    """project.json's tables: on demand, encrypted with the stack's KMS key, with
    point-in-time recovery, TTL where the table names an attribute, and an alarm on
    throttled reads and one on throttled writes."""
    name = f"{resource_prefix(project.name)}-dev"
    definitions = json.loads((project / "project.json").read_text())["tables"]
    dynamodb = boto3.client("dynamodb", **client)
    key = boto3.client("kms", **client).describe_key(KeyId=f"alias/{name}")["KeyMetadata"]
    for table, definition in definitions.items():
        if table.startswith("$"):
            continue
        described = dynamodb.describe_table(TableName=f"{name}-{table}")["Table"]
        assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST", table
        assert described["SSEDescription"]["KMSMasterKeyArn"] == key["Arn"], table
        backups = dynamodb.describe_continuous_backups(TableName=f"{name}-{table}")
        recovery = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
        assert recovery["PointInTimeRecoveryStatus"] == "ENABLED", table
        ttl = dynamodb.describe_time_to_live(TableName=f"{name}-{table}")["TimeToLiveDescription"]
        if "ttl_attribute" in definition:
            assert ttl["AttributeName"] == definition["ttl_attribute"], table
            assert ttl["TimeToLiveStatus"] == "ENABLED", table
        else:
            assert ttl["TimeToLiveStatus"] == "DISABLED", table
        alarms = boto3.client("cloudwatch", **client).describe_alarms(
            AlarmNamePrefix=f"{name}-{table}-"
        )["MetricAlarms"]
        assert {(alarm["MetricName"], alarm["Dimensions"][0]["Value"]) for alarm in alarms} == {
            ("ReadThrottleEvents", f"{name}-{table}"),
            ("WriteThrottleEvents", f"{name}-{table}"),
        }, table


def assert_the_page_is_fronted_by_cloudfront(
    client: dict[str, Any], answers: Answers, project: Path, stack: dict[str, Any]
) -> None:
    """The page's bucket is private and read by the distribution alone; the API's path
    patterns reach the API uncached with the secret header; the page's responses carry
    its Content-Security-Policy, which admits the uploads bucket; the web ACL is on."""
    name = f"{resource_prefix(project.name)}-dev"
    facts = json.loads((project / "project.json").read_text())["frontend"]
    cloudfront, s3 = boto3.client("cloudfront", **client), boto3.client("s3", **client)
    distribution = cloudfront.get_distribution(Id=stack["distribution_id"])["Distribution"]
    config = distribution["DistributionConfig"]
    origins = {origin["Id"]: origin for origin in config["Origins"]["Items"]}
    page, api = origins["page"], origins["api"]
    assert page["OriginAccessControlId"]
    assert page["DomainName"].startswith(f"{stack['frontend_bucket']}.s3.")
    default = config["DefaultCacheBehavior"]
    assert default["TargetOriginId"] == "page"
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    (association,) = default["FunctionAssociations"]["Items"]
    assert association["EventType"] == "viewer-request"
    assert association["FunctionARN"].endswith(f"function/{stack['frontend_function_name']}")
    behaviours = config["CacheBehaviors"]["Items"]
    assert [behaviour["PathPattern"] for behaviour in behaviours] == facts["api_paths"]
    for behaviour in behaviours:
        assert behaviour["TargetOriginId"] == "api"
        assert behaviour["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # disabled
        assert "POST" in behaviour["AllowedMethods"]["Items"]
    assert config["Logging"]["Enabled"]
    assert config["Logging"]["Bucket"].startswith(f"{name}-cdn-logs-")
    assert config["WebACLId"].startswith("arn:aws:wafv2:us-east-1:")

    policy_id = default["ResponseHeadersPolicyId"]
    headers = cloudfront.get_response_headers_policy(Id=policy_id)["ResponseHeadersPolicy"]
    security = headers["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert "frame-ancestors 'none'" in csp
    assert "${" not in csp
    if answers["use_s3_uploads"] == "y":
        uploads = f"https://{name}-uploads-123456789012.s3.us-east-1.amazonaws.com"
        assert uploads in csp.split("connect-src", 1)[1].split(";", 1)[0]
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000

    bucket_policy = json.loads(s3.get_bucket_policy(Bucket=stack["frontend_bucket"])["Policy"])
    (reader,) = [st for st in bucket_policy["Statement"] if st["Effect"] == "Allow"]
    assert reader["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert reader["Condition"]["StringEquals"]["AWS:SourceArn"] == distribution["ARN"]
    blocked = s3.get_public_access_block(Bucket=stack["frontend_bucket"])
    assert all(blocked["PublicAccessBlockConfiguration"].values())

    (header,) = api["CustomHeaders"]["Items"]
    if answers["compute"] == "ecs":
        assert_only_cloudfront_reaches_the_load_balancer(client, name, api, header)
    else:
        assert api["DomainName"].endswith(".execute-api.us-east-1.amazonaws.com")
        assert api["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    acl = web_acl(client, "us-east-1", "CLOUDFRONT", name)
    assert acl["DefaultAction"] == {"Allow": {}}


def assert_only_cloudfront_reaches_the_load_balancer(
    client: dict[str, Any], name: str, origin: dict[str, Any], header: dict[str, str]
) -> None:
    """Its security group admits CloudFront's origin-facing prefix list on one port and
    nothing else; its listener refuses what lacks the distribution's secret header."""
    ec2, elb = boto3.client("ec2", **client), boto3.client("elbv2", **client)
    (balancer,) = elb.describe_load_balancers()["LoadBalancers"]
    (group_id,) = balancer["SecurityGroups"]
    (group,) = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    (permission,) = group["IpPermissions"]
    assert permission["IpRanges"] == []
    assert permission.get("Ipv6Ranges", []) == []
    (prefix_list,) = permission["PrefixListIds"]
    cloudfront_list = ec2.describe_managed_prefix_lists(
        Filters=[
            {
                "Name": "prefix-list-name",
                "Values": ["com.amazonaws.global.cloudfront.origin-facing"],
            }
        ]
    )["PrefixLists"][0]
    assert prefix_list["PrefixListId"] == cloudfront_list["PrefixListId"]
    https = origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert permission["FromPort"] == permission["ToPort"] == (443 if https else 80)
    (listener,) = [
        listener
        for listener in elb.describe_listeners(LoadBalancerArn=balancer["LoadBalancerArn"])[
            "Listeners"
        ]
        if listener["Port"] == permission["FromPort"]
    ]
    (refusal,) = listener["DefaultActions"]
    assert refusal["FixedResponseConfig"]["StatusCode"] == "403"
    rules = elb.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]
    (forward,) = [rule for rule in rules if not rule["IsDefault"]]
    (condition,) = forward["Conditions"]
    assert condition["HttpHeaderConfig"]["HttpHeaderName"] == header["HeaderName"]
    assert condition["HttpHeaderConfig"]["Values"] == [header["HeaderValue"]]
    assert len(header["HeaderValue"]) >= 32
    assert forward["Actions"][0]["Type"] == "forward"


def web_acl(client: dict[str, Any], region: str, scope: str, name: str) -> dict[str, Any]:
    """The environment's web ACL: a rate limit on the password routes before AWS's managed
    rule groups, its requests logged with the Authorization header redacted."""
    wafv2 = boto3.client("wafv2", **{**client, "region_name": region})
    (summary,) = [acl for acl in wafv2.list_web_acls(Scope=scope)["WebACLs"] if acl["Name"] == name]
    acl: dict[str, Any] = wafv2.get_web_acl(Name=name, Scope=scope, Id=summary["Id"])["WebACL"]
    rules = sorted(acl["Rules"], key=lambda rule: rule["Priority"])
    limit = rules[0]["Statement"]["RateBasedStatement"]
    match = limit["ScopeDownStatement"]["ByteMatchStatement"]
    assert match["PositionalConstraint"] == "STARTS_WITH"
    assert match["SearchString"] in (b"/api/v1/auth/", "/api/v1/auth/")
    managed = [rule["Statement"]["ManagedRuleGroupStatement"]["Name"] for rule in rules[1:]]
    assert "AWSManagedRulesCommonRuleSet" in managed
    assert "AWSManagedRulesKnownBadInputsRuleSet" in managed
    logging = wafv2.get_logging_configuration(ResourceArn=acl["ARN"])["LoggingConfiguration"]
    assert logging["RedactedFields"] == [{"SingleHeader": {"Name": "authorization"}}]
    return acl


def default_route(ec2: Any, subnet: str) -> str | None:
    """Where a subnet's 0.0.0.0/0 goes: an internet gateway, a NAT gateway, or nowhere."""
    tables = ec2.describe_route_tables(
        Filters=[{"Name": "association.subnet-id", "Values": [subnet]}]
    )["RouteTables"]
    for route in (route for table in tables for route in table["Routes"]):
        if route.get("DestinationCidrBlock") == "0.0.0.0/0":
            target: str | None = route.get("GatewayId") or route.get("NatGatewayId")
            return target
    return None


def assert_the_workloads_reach_aws(
    client: dict[str, Any], answers: Answers, project: str, stack: dict[str, Any]
) -> None:
    """moto starts no task and runs no function, so one that could not reach ECR or
    Secrets Manager would pass every other check: follow the routes that carry them.
    Tasks: a NAT gateway, or a public IP on a subnet with an internet gateway. Functions
    in a VPC: a NAT gateway, or an interface endpoint for each AWS API they call beyond
    S3 (a gateway endpoint)."""
    ec2 = boto3.client("ec2", **client)
    if answers["compute"] == "ecs":
        ecs = boto3.client("ecs", **client)
        cluster = stack["cluster_name"]
        names = ecs.list_services(cluster=cluster)["serviceArns"]
        for service in ecs.describe_services(cluster=cluster, services=names)["services"]:
            network = service["networkConfiguration"]["awsvpcConfiguration"]
            # The one-off tasks (the migration) run where the services do.
            assert set(network["subnets"]) == set(stack["task_network"]["subnets"])
            public = network["assignPublicIp"] == "ENABLED"
            assert public == stack["task_network"]["assign_public_ip"]
            for subnet in network["subnets"]:
                route = default_route(ec2, subnet) or ""
                assert route.startswith("nat-") or (public and route.startswith("igw-")), (
                    f"{service['serviceName']}'s tasks in {subnet} reach nothing outside"
                )
        return
    lambda_ = boto3.client("lambda", **client)
    name = f"{resource_prefix(project)}-dev"
    for function in (
        f for f in lambda_.list_functions()["Functions"] if f["FunctionName"].startswith(name)
    ):
        subnets = function["VpcConfig"]["SubnetIds"]
        if all((default_route(ec2, subnet) or "").startswith("nat-") for subnet in subnets):
            continue
        # The subnets' VPC (moto's VpcConfig leaves out VpcId).
        (vpc,) = {subnet["VpcId"] for subnet in ec2.describe_subnets(SubnetIds=subnets)["Subnets"]}
        # Secrets Manager (the JWT key), SES's API (password reset mail), SQS with jobs.
        jobs = ["sqs"] if answers["use_background_jobs"] == "y" else []
        needed = {"secretsmanager", "email", *jobs}
        endpoints = {
            endpoint["ServiceName"].rsplit(".", 1)[-1]
            for endpoint in ec2.describe_vpc_endpoints()["VpcEndpoints"]
            if endpoint["VpcEndpointType"] == "Interface"
            and endpoint["VpcId"] == vpc
            and endpoint["PrivateDnsEnabled"]
        }
        assert needed <= endpoints, f"{function['FunctionName']} cannot reach {needed - endpoints}"


def assert_the_bill_counts_what_was_applied(
    client: dict[str, Any], answers: Answers, project: str, bill: dict[str, Any]
) -> None:
    """`make cost` (deploy/cost.py) counts the stack's priced resources from Terraform's
    variables alone: the applied stack must hold exactly those."""
    ec2 = boto3.client("ec2", **client)
    cloudwatch = boto3.client("cloudwatch", **client)
    name = f"{resource_prefix(project)}-dev"
    nat_gateways = [
        g for g in ec2.describe_nat_gateways()["NatGateways"] if g["State"] != "deleted"
    ]
    made = {
        "nat_gateways": len(nat_gateways),
        "interface_endpoints": sum(
            endpoint["VpcEndpointType"] == "Interface"
            for endpoint in ec2.describe_vpc_endpoints()["VpcEndpoints"]
        ),
        "alarms": len(cloudwatch.describe_alarms()["MetricAlarms"]),
        "dashboards": len(cloudwatch.list_dashboards()["DashboardEntries"]),
        "secrets": len(boto3.client("secretsmanager", **client).list_secrets()["SecretList"]),
        "kms_keys": sum(
            alias["AliasName"] == f"alias/{name}"
            for alias in boto3.client("kms", **client).list_aliases()["Aliases"]
        ),
    }
    public_ipv4 = len(ec2.describe_addresses()["Addresses"])
    if answers["compute"] == "ecs":
        (balancer,) = boto3.client("elbv2", **client).describe_load_balancers()["LoadBalancers"]
        ecs = boto3.client("ecs", **client)
        services = ecs.describe_services(
            cluster=name, services=ecs.list_services(cluster=name)["serviceArns"]
        )["services"]
        tasks = {service["serviceName"]: service["desiredCount"] for service in services}
        made["load_balancers"] = 1
        made["fargate_tasks"] = sum(tasks.values())
        public_ipv4 += len(balancer["AvailabilityZones"]) + sum(
            service["desiredCount"]
            for service in services
            if service["networkConfiguration"]["awsvpcConfiguration"]["assignPublicIp"] == "ENABLED"
        )
    if has_vpc(answers):
        made["public_ipv4"] = public_ipv4
    if answers["database"] == "postgres":
        (instance,) = boto3.client("rds", **client).describe_db_instances()["DBInstances"]
        made["database_instances"] = 2 if instance["MultiAZ"] else 1
    elif answers["database"] == "aurora-serverless":
        (cluster,) = boto3.client("rds", **client).describe_db_clusters()["DBClusters"]
        made["database_instances"] = len(cluster["DBClusterMembers"])
    scope = "CLOUDFRONT" if answers["frontend"] == "static" else "REGIONAL"
    if answers["compute"] == "ecs" or answers["frontend"] == "static":
        wafv2 = boto3.client("wafv2", **client)
        acls = wafv2.list_web_acls(Scope=scope)["WebACLs"]
        made["web_acls"] = len(acls)
        made["waf_rules"] = sum(
            len(wafv2.get_web_acl(Name=acl["Name"], Scope=scope, Id=acl["Id"])["WebACL"]["Rules"])
            for acl in acls
        )
    counted = bill["resources"]
    assert {resource: counted.get(resource, 0) for resource in made} == made


def function_zip(directory: Path) -> Path:
    """What `make package` would build; moto stores the code but never runs it."""
    path = directory / "lambda.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("placeholder.py", "")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("answers", SLOW_SUBSET, ids=combination_id)
def test_dev_environment_applies_on_the_emulator(
    answers: Answers,
    tmp_path: Path,
    cookiecutter_config: Path,
    terraform_env: dict[str, str],
    cost_python: Callable[..., dict[str, Any]],
    record_property: pytest.RecordProperty,
) -> None:
    project = render(answers, tmp_path, cookiecutter_config)
    emulator = emulator_of(project)
    record_property("emulator_gaps", emulator_gaps(emulator))
    infra = project / "infra"
    bootstrap, dev = infra / "bootstrap", infra / "envs" / "dev"
    with emulator.server.in_process(tmp_path / "emulator.log") as url:
        client = {
            "endpoint_url": url,
            "region_name": "us-east-1",
            "aws_access_key_id": emulator.credentials.access_key,
            "aws_secret_access_key": emulator.credentials.secret_key,
        }
        emulator.terraform.point_at_emulator(infra, url)

        bootstrap_vars = (
            ["-var", "github_repository=acme/orders"] if answers["ci"] == "github" else []
        )
        terraform(bootstrap, terraform_env, "init", "-lockfile=readonly")
        terraform(bootstrap, terraform_env, "apply", "-auto-approve", *bootstrap_vars)
        assert_no_changes(bootstrap, terraform_env, *bootstrap_vars)
        state_bucket = terraform(bootstrap, terraform_env, "output", "-raw", "state_bucket")
        state_region = terraform(bootstrap, terraform_env, "output", "-raw", "state_region")

        tfvars = [f'cors_allowed_origins = ["{WEB_ORIGIN}"]']
        if prod_database(answers):
            # prod's: a database in two zones, its final snapshot, NAT gateways.
            tfvars += [
                "db_multi_az = true",
                "db_final_snapshot = true",
                "enable_nat_gateway = true",
            ]
        if answers["compute"] == "ecs":
            tfvars.append('image_tag = "0123abc"')
        else:
            tfvars.append(f'package_path = "{function_zip(tmp_path)}"')
            if answers["python_version"] != "3.11":
                tfvars.append("lambda_snap_start = true")  # prod's setting
        if answers["compute"] == "ecs" or answers["frontend"] == "static":
            tfvars.append("waf_enabled = true")  # prod's setting
        if not answers["domain_name"]:
            tfvars.append(f'mail_from = "{MAIL_FROM}"')
        domain = json.loads((project / "project.json").read_text())["domain"]
        if domain:  # a real account has the zone before the first deploy
            zone = domain["hosted_zone"]
            boto3.client("route53", **client).create_hosted_zone(Name=zone, CallerReference=zone)
        (dev / "test.tfvars").write_text("\n".join(tfvars) + "\n")
        backend = emulator.terraform.backend_config(url, state_bucket)
        (dev / "emulator.backend.hcl").write_text(backend)

        terraform(
            dev,
            terraform_env,
            "init",
            "-lockfile=readonly",
            "-backend-config=backend.hcl",
            "-backend-config=emulator.backend.hcl",
            f"-backend-config=region={state_region}",
        )
        terraform(dev, terraform_env, "apply", "-auto-approve", "-var-file=test.tfvars")
        assert_no_changes(dev, terraform_env, "-var-file=test.tfvars")
        iam = boto3.client("iam", **client)
        assert_every_role_is_inside_the_boundary(iam, project.name, in_vpc=has_vpc(answers))
        assert_browsers_may_call_and_upload(client, answers, project.name)
        assert_logs_are_stored_once(client, answers, project.name)
        assert_mail_is_sent_from_a_verified_identity(client, answers, project)
        if answers["use_background_jobs"] == "y":
            assert_the_queue_outlasts_its_worker(client, answers, project.name)
        if prod_database(answers):
            assert_the_database_survives_a_zone(client, project.name)
        if answers["database"] in DATABASE_SERVERS:
            assert_the_app_is_not_the_database_owner(client, answers, project.name)
        if answers["database"] == "dynamodb":
            assert_the_tables_are_protected(client, project)
        if not has_vpc(answers):
            assert boto3.client("ec2", **client).describe_nat_gateways()["NatGateways"] == []
        stack = json.loads(terraform(dev, terraform_env, "output", "-json", "stack"))
        if has_vpc(answers):
            assert_the_workloads_reach_aws(client, answers, project.name, stack)
        bill = cost_python(project, "dev", dev / "test.tfvars")
        assert_the_bill_counts_what_was_applied(client, answers, project.name, bill)
        if answers["database"] == "sqlite":
            assert_sqlite_has_one_task_that_migrates_first(client, project.name, stack)
        if answers["frontend"] == "static":
            assert_the_page_is_fronted_by_cloudfront(client, answers, project, stack)
        elif answers["compute"] == "ecs":
            name = f"{resource_prefix(project.name)}-dev"
            acl = web_acl(client, "us-east-1", "REGIONAL", name)
            (balancer,) = boto3.client("elbv2", **client).describe_load_balancers()["LoadBalancers"]
            wafv2 = boto3.client("wafv2", **client)
            fronting = wafv2.get_web_acl_for_resource(ResourceArn=balancer["LoadBalancerArn"])
            assert fronting["WebACL"]["ARN"] == acl["ARN"]
        terraform(dev, terraform_env, "destroy", "-auto-approve", "-var-file=test.tfvars")
        if answers["database"] in DATABASE_SERVERS:
            assert_only_restorable_snapshots_remain(
                client, project.name, final_snapshot=prod_database(answers)
            )
