"""The deploy's release steps that need no deployment: against the moto server, a local
HTTP server or plain files. (`make deploy-local` runs the whole path in the template's
own tests.)"""

from __future__ import annotations

import http.server
{%- if cookiecutter.database != "dynamodb" %}
import io
{%- endif %}
import json
import re
import time
import uuid
from collections.abc import Iterator
from typing import get_args

import pytest
{%- if cookiecutter.database != "dynamodb" %}
from botocore.response import StreamingBody
{%- endif %}
from botocore.stub import Stubber

import {{ cookiecutter.package_name }}.core.config as app_config
from deploy import functions, services, smoke
from deploy.account import ensure_service_linked_roles
from deploy.aws import Aws
from deploy.project import SERVICE_LINKED_ROLES, Project
from deploy.release import ensure_signing_key, tail
from deploy.steps import StepError
from tests.helpers import serving


@pytest.fixture
def aws(moto_url: str) -> Aws:
    return Aws("us-east-1", endpoint_url=moto_url)


def register(aws: Aws, family: str, times: int) -> list[str]:
    ecs = aws.client("ecs")
    return [
        ecs.register_task_definition(
            family=family,
            containerDefinitions=[{"name": "app", "image": f"app:{n}", "memory": 512}],
        )["taskDefinition"]["taskDefinitionArn"]
        for n in range(times)
    ]


def test_missing_service_linked_roles_are_created_once(aws: Aws) -> None:
    wanted = [service for services in SERVICE_LINKED_ROLES.values() for service in services]
    iam = aws.client("iam")
    present = {
        role["Path"].split("/")[2]
        for role in iam.list_roles(PathPrefix="/aws-service-role/")["Roles"]
    }
    missing = [service for service in wanted if service not in present]
    assert ensure_service_linked_roles(aws, wanted, settle_seconds=0) == missing
    assert ensure_service_linked_roles(aws, wanted, settle_seconds=0) == []
    paths = {role["Path"] for role in iam.list_roles(PathPrefix="/aws-service-role/")["Roles"]}
    assert {f"/aws-service-role/{service}/" for service in wanted} <= paths


# Resources whose service acts through a service-linked role (each service's "Using
# service-linked roles" page), by the start of their Terraform type.
LINKED_RESOURCES = {
    "aws_ecs_service": "ecs.amazonaws.com",
    "aws_lb": "elasticloadbalancing.amazonaws.com",
    "aws_appautoscaling_target": "ecs.application-autoscaling.amazonaws.com",
    "aws_db_instance": "rds.amazonaws.com",
    "aws_rds_cluster": "rds.amazonaws.com",
    "aws_efs_file_system": "elasticfilesystem.amazonaws.com",
}


def test_the_deploy_prepares_the_role_of_every_linked_resource_infra_creates() -> None:
    project = Project.load()
    types = {
        match
        for path in (project.root / "infra" / "modules").glob("*/*.tf")
        for match in re.findall(r'^resource "(\w+)"', path.read_text(), re.MULTILINE)
    }
    needed = {
        service
        for kind in types
        for prefix, service in LINKED_RESOURCES.items()
        if kind == prefix or kind.startswith(f"{prefix}_")
    }
    assert needed <= set(project.linked_services)


def test_rollback_takes_the_newest_older_revision_of_the_same_family(aws: Aws) -> None:
    family = f"app-{uuid.uuid4().hex[:8]}"
    app = register(aws, family, 3)
    # A longer family that shares the prefix must not be mistaken for the app's.
    worker = register(aws, f"{family}-worker", 2)
    running = {"app": app[2], "worker": worker[1]}
    assert services.previous(aws, running) == {"app": app[1], "worker": worker[0]}


def test_rollback_without_an_older_revision_says_so(aws: Aws) -> None:
    (only,) = register(aws, f"app-{uuid.uuid4().hex[:8]}", 1)
    with pytest.raises(StepError, match="no revision older than 1"):
        services.previous(aws, {"app": only})


def test_the_signing_key_is_stored_once_and_never_replaced(aws: Aws) -> None:
    secrets = aws.client("secretsmanager")
    arn = secrets.create_secret(Name=f"jwt-{uuid.uuid4().hex[:8]}")["ARN"]
    ensure_signing_key(aws, arn)
    first = secrets.get_secret_value(SecretId=arn)["SecretString"]
    assert len(first) >= 48
    ensure_signing_key(aws, arn)
    assert secrets.get_secret_value(SecretId=arn)["SecretString"] == first


class Health(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        body = b'{"status": "ok", "database": "postgresql"}'
        self.send_response(self.status)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[tuple[str, type[Health]]]:
    handler = type("HealthHandler", (Health,), {})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    with serving(server):
        yield f"http://127.0.0.1:{server.server_port}/", handler


def test_smoke_check_returns_the_health_answer(health_server) -> None:
    url, _ = health_server
    assert smoke.check(url, attempts=1) == {"status": "ok", "database": "postgresql"}


def test_smoke_check_failure_names_the_url_and_status(health_server) -> None:
    url, handler = health_server
    handler.status = 503
    with pytest.raises(StepError, match=r"health/db did not answer 200 \(HTTP 503"):
        smoke.check(url, attempts=2, pause=0)


def test_the_deploy_and_infra_read_one_facts_file() -> None:
    project = Project.load()
    # The name cut to 35 characters, without a trailing hyphen (project.json says why).
    assert project.prefix == project.name[:35].rstrip("-")
    facts = '"${path.module}/../../project.json"'
    bootstrap = (project.root / "infra" / "bootstrap" / "main.tf").read_text()
    assert f"jsondecode(file({facts}))" in bootstrap
    assert "region = local.facts.region" in bootstrap
    # Every environment project.json lists has its root, and the app accepts its name.
    roots = {path.name for path in (project.root / "infra" / "envs").iterdir()}
    assert roots == set(project.environments)
    assert set(project.environments) <= set(get_args(app_config.Environment))
    for environment in project.environments:
        root = project.environment_root(environment)
        main = (root / "main.tf").read_text()
        assert 'name         = "${local.facts.prefix}-' + environment + '"' in main
        assert "region = local.facts.region" in main
        assert "architecture = local.facts.architecture" in main
        # The S3 backend takes its region from the deploy (Terraform.init), not the file.
        assert not re.search(r"^region", (root / "backend.hcl").read_text(), re.MULTILINE)


def test_logs_print_the_recent_lines_of_every_group_in_time_order(aws: Aws, capsys) -> None:
    logs = aws.client("logs")
    now = int(time.time() * 1000)
    groups = [f"/aws/lambda/{uuid.uuid4().hex[:8]}-{unit}" for unit in ("api", "worker")]
    for group, written in zip(
        groups,
        [
            [(now - 3_600_000, "an hour ago"), (now - 2000, "first"), (now, "third")],
            [(now - 1000, "second")],
        ],
        strict=True,
    ):
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName="stream")
        logs.put_log_events(
            logGroupName=group,
            logStreamName="stream",
            logEvents=[
                {"timestamp": at, "message": json.dumps({"event": event}) + "\n"}
                for at, event in written
            ],
        )
    tail(aws, groups, since_minutes=10, follow=False)
    put = {"an hour ago", "first", "second", "third"}
    printed = capsys.readouterr().out  # the moto server logs its requests here too
    lines = [json.loads(line) for line in printed.splitlines() if line.startswith("{")]
    assert [line["event"] for line in lines if line["event"] in put] == ["first", "second", "third"]

{%- if cookiecutter.database != "dynamodb" %}


def test_a_failed_migration_function_reports_its_error_and_log_group(aws: Aws, monkeypatch) -> None:
    client = aws.client("lambda")
    payload = json.dumps({"errorType": "ProgrammingError", "errorMessage": "no such table"})
    with Stubber(client) as stub:
        stub.add_response(
            "invoke",
            {
                "StatusCode": 200,
                "FunctionError": "Unhandled",
                "Payload": StreamingBody(io.BytesIO(payload.encode()), len(payload)),
            },
            {"FunctionName": "app-migrate", "Qualifier": "7", "Payload": b"{}"},
        )
        monkeypatch.setattr(Aws, "client", lambda self, service, **_: client)
        with pytest.raises(StepError) as failure:
            functions.run_migration(aws, "app-migrate", "7")
    assert "ProgrammingError: no such table" in str(failure.value)
    assert "/aws/lambda/app-migrate" in str(failure.value)
{%- endif %}


def stub_publication(stub: Stubber, *states: dict[str, str]) -> None:
    stub.add_response("publish_version", {"Version": "8"}, {"FunctionName": "app-api"})
    for state in states:
        stub.add_response(
            "get_function_configuration", state, {"FunctionName": "app-api", "Qualifier": "8"}
        )


def test_a_new_version_is_used_once_its_snapshot_is_made(aws: Aws, monkeypatch) -> None:
    client = aws.client("lambda")
    monkeypatch.setattr(functions, "ACTIVE_POLL", {"Delay": 0, "MaxAttempts": 3})
    with Stubber(client) as stub:
        stub_publication(stub, {"State": "Pending"}, {"State": "Active"})
        monkeypatch.setattr(Aws, "client", lambda self, service, **_: client)
        assert functions.publish(aws, {"api": "app-api"}) == {"api": "8"}
        stub.assert_no_pending_responses()


def test_a_version_whose_snapshot_failed_stops_the_deploy(aws: Aws, monkeypatch) -> None:
    client = aws.client("lambda")
    monkeypatch.setattr(functions, "ACTIVE_POLL", {"Delay": 0, "MaxAttempts": 3})
    failed = {"State": "Failed", "StateReason": "SnapStart priming: GET /health answered 500"}
    with Stubber(client) as stub:
        stub_publication(stub, {"State": "Pending"}, failed)
        monkeypatch.setattr(Aws, "client", lambda self, service, **_: client)
        with pytest.raises(StepError, match="app-api version 8 did not become active: SnapStart"):
            functions.publish(aws, {"api": "app-api"})


def test_missing_credentials_are_named_before_anything_changes(monkeypatch, tmp_path) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    monkeypatch.delenv("AWS_WEB_IDENTITY_TOKEN_FILE", raising=False)
    with pytest.raises(StepError, match="no AWS credentials: set AWS_PROFILE"):
        Aws("us-east-1").account_id()
