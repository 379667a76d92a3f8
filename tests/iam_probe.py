"""The app's AWS calls with only the permissions Terraform gave it, on the emulator that
`make deploy-local` left running. The template's deploy-local test runs this file with
the rendered project's Python, from the project's root:

    python iam_probe.py URL             the flows of every deployed role, IAM enforced
    python iam_probe.py URL --as ROLE   one role's flows (a child process of the above):
                                        api, worker or migrate

The parent reads each function's (or ECS service's) role and settings from the emulator,
assumes the role, then turns on moto's IAM enforcement (emulator.server.enforce_iam: from
then on every call is checked against the caller's identity policies) and runs each
role's flows in a child process holding that role's credentials only. A permission the
policies lack fails here as AccessDenied, as it would on AWS.

Where moto falls short, the probe stands in, or the gap is covered elsewhere:
- moto cannot authenticate presigned requests (it wants an Authorization header), so the
  browser's POST and GET are made as direct PutObject/GetObject calls with the role's
  credentials: what a presigned request may do is what its signer may do.
- moto invokes a function through its SQS event source mapping itself (which needs
  Docker), so the probe pauses the mapping and plays its part: receive and delete with
  the worker's role, the handler in between.
- moto evaluates no condition key but those the emulator supplies (ses:FromAddress,
  iam:PermissionsBoundary), so not the uploads prefix on s3:ListBucket; nor KMS key
  policies or the KMS calls SQS and Secrets Manager make for the caller; and it answers
  a missing key with 404 whatever the caller may list (the generated tests/test_uploads.py
  covers the app's handling of S3's 403).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
from importlib import import_module
from pathlib import Path
from typing import Any

from deploy.aws import Aws
from deploy.local import LocalEmulator
from deploy.project import Project
from emulator import Credentials
from emulator.server import enforce_iam

REGION = "us-east-1"
PASSWORD = "correct horse battery staple"
CONTENT = b"uploaded under the task's own role\n"


ROLES = ("api", "worker", "migrate")


def deployed_roles(aws: Aws, project: Project) -> dict[str, tuple[str, dict[str, str]]]:
    """Role ARN and settings of each deployed unit: the api and worker (function or
    service) and the migration (function, or the one-off task's definition)."""
    prefix = f"{project.prefix}-dev"
    found: dict[str, tuple[str, dict[str, str]]] = {}
    if project.compute == "lambda":
        functions = aws.client("lambda")
        names = [f["FunctionName"] for f in functions.list_functions()["Functions"]]
        for role in ROLES:
            if f"{prefix}-{role}" in names:
                config = functions.get_function_configuration(
                    FunctionName=f"{prefix}-{role}", Qualifier="live"
                )
                found[role] = (config["Role"], config["Environment"]["Variables"])
        return found
    ecs = aws.client("ecs")
    described = ecs.describe_services(cluster=prefix, services=[prefix, f"{prefix}-worker"])
    definitions = {
        "worker" if service["serviceName"].endswith("-worker") else "api": service["taskDefinition"]
        for service in described["services"]
    }
    if project.database != "dynamodb":  # DynamoDB has nothing to migrate
        definitions["migrate"] = f"{prefix}-migrate"
    for role, definition in definitions.items():
        task = ecs.describe_task_definition(taskDefinition=definition)["taskDefinition"]
        (container,) = [c for c in task["containerDefinitions"] if c["name"] == CONTAINERS[role]]
        variables = container.get("environment", [])
        found[role] = (task["taskRoleArn"], {pair["name"]: pair["value"] for pair in variables})
    return found


# The migration reads the database owner's secret only: its settings name the JWT secret
# as well (prod's start-up checks want one), but it never signs a token.
MIGRATION_READS = {"DATABASE_SECRET_ARN"}
# The container of each role's task definition whose settings the role runs with.
CONTAINERS = {"api": "app", "worker": "worker", "migrate": "migrate"}


def probe(url: str) -> dict[str, Any]:
    project = Project.load(Path.cwd())
    aws = Aws(REGION, endpoint_url=url)
    local = LocalEmulator(project)
    roles = deployed_roles(aws, project)
    # The database owner's secret, which only the migration may read.
    owner_secret = roles["migrate"][1].get("DATABASE_SECRET_ARN", "") if "migrate" in roles else ""
    environments = {}
    for role, (role_arn, deployed) in roles.items():
        assumed = aws.client("sts").assume_role(RoleArn=role_arn, RoleSessionName=f"probe-{role}")
        environment = local.app_environment(aws, deployed)
        environment.update(
            **Credentials.assumed(assumed).environment(),
            # The secrets the deployed settings name (the database's is replaced by the
            # local database, but the role must still be able to read it).
            PROBE_SECRET_ARNS=",".join(
                value
                for name, value in deployed.items()
                if name.endswith("_SECRET_ARN") and (role != "migrate" or name in MIGRATION_READS)
            ),
            PROBE_FORBIDDEN_SECRET_ARN="" if role == "migrate" else owner_secret,
            PROBE_COMPUTE=project.compute,
            JOBS_WAIT_SECONDS="1",
        )
        environments[role] = environment
    results: dict[str, Any] = {}
    mappings = paused_mappings(aws, project, roles)
    enforce_iam(url, True)
    try:
        for role in ROLES:
            if role in environments:
                results[role] = child(role, url, environments[role])
    finally:
        enforce_iam(url, False)
        for uuid in mappings:
            aws.client("lambda").update_event_source_mapping(UUID=uuid, Enabled=True)
    # Stdout reaches CloudWatch through the platform: no role ships its lines itself.
    results["shipping_logs"] = sorted(
        role for role, (_, deployed) in roles.items() if "CLOUDWATCH_LOG_GROUP" in deployed
    )
    return results


def paused_mappings(aws: Aws, project: Project, roles: dict[str, Any]) -> list[str]:
    """The worker function's SQS mappings, disabled (the probe plays their part)."""
    if project.compute != "lambda" or "worker" not in roles:
        return []
    functions = aws.client("lambda")
    name = f"{project.prefix}-dev-worker"
    uuids = [m["UUID"] for m in functions.list_event_source_mappings()["EventSourceMappings"]]
    paused = [
        uuid
        for uuid in uuids
        if name in functions.get_event_source_mapping(UUID=uuid)["FunctionArn"]
    ]
    for uuid in paused:
        functions.update_event_source_mapping(UUID=uuid, Enabled=False)
    return paused


def child(role: str, url: str, environment: dict[str, str]) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, __file__, url, "--as", role],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(
            f"the {role} role's flows failed with IAM enforced:\n"
            f"{result.stdout[-4000:]}\n{result.stderr[-6000:]}"
        )
    parsed: dict[str, Any] = json.loads(result.stdout.strip().rsplit("\n", 1)[-1])
    return parsed


# --- In a child: one role's flows, with that role's credentials only ---------------------


def package() -> str:
    return Project.load(Path.cwd()).package


def read_secrets(settings: Any) -> int:
    """Reads each secret the role's settings name; the database owner's, unless the role
    is the migration's, must be refused."""
    aws_module = import_module(f"{package()}.core.aws")
    arns = [arn for arn in os.environ["PROBE_SECRET_ARNS"].split(",") if arn]
    for arn in arns:
        aws_module.read_secret(settings, arn, "PROBE_SECRET_ARNS")
    if forbidden := os.environ["PROBE_FORBIDDEN_SECRET_ARN"]:
        config = import_module(f"{package()}.core.config")
        try:
            aws_module.read_secret(settings, forbidden, "PROBE_FORBIDDEN_SECRET_ARN")
        except config.SettingsError:
            pass
        else:
            raise AssertionError("this role can read the database owner's secret")
    return len(arns)


def migrate_flows() -> dict[str, Any]:
    """The migration with its own settings: it reads the owner's secret, then (on the
    local database, migrated by the deploy already) finds nothing to do."""
    config = import_module(f"{package()}.core.config")
    migrate = import_module(f"{package()}.migrate")
    settings = config.get_settings()
    return {"secrets_read": read_secrets(settings), "revision": migrate.upgrade()}


def api_flows() -> dict[str, Any]:
    from fastapi.testclient import TestClient

    config = import_module(f"{package()}.core.config")
    main = import_module(f"{package()}.main")
    settings = config.get_settings()
    done: dict[str, Any] = {"secrets_read": read_secrets(settings)}
    with TestClient(main.create_app(settings)) as client:
        email = f"probe-{os.getpid()}@example.com"
        registered = client.post(
            "/api/v1/auth/register", json={"email": email, "password": PASSWORD}
        )
        assert registered.status_code == 201, registered.text
        token = client.post(
            "/api/v1/auth/login", data={"username": email, "password": PASSWORD}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        item = client.post("/api/v1/items", json={"title": "probe"}, headers=headers)
        assert item.status_code == 201, item.text
        if os.environ.get("UPLOADS_BUCKET"):  # use_s3_uploads=y
            done["upload"] = upload_flows(client, headers, settings)
        done["mail"] = reset_flows(client, email, settings)
    return done


def reset_flows(client: Any, email: str, settings: Any) -> str:
    """A password reset's mail, through SES as the API's role (the mailer logs a refusal
    rather than failing the request, so the log says whether SES took it)."""
    from structlog.testing import capture_logs

    with capture_logs() as logged:
        reset = client.post("/api/v1/auth/password-reset", json={"email": email})
    if settings.mail_backend == "none":  # no sender: no domain, no mail_from
        assert reset.status_code == 503, reset.text
        return "none"
    assert reset.status_code == 202, reset.text
    events = [entry["event"] for entry in logged]
    assert "mail_sent" in events, logged
    # The role sends as MAIL_FROM alone, not as another address its identity would verify.
    from botocore.exceptions import ClientError

    ses = import_module(f"{package()}.core.aws").ses_client(settings)
    try:
        ses.send_email(
            FromEmailAddress="someone-else@" + settings.mail_from.rpartition("@")[2],
            Destination={"ToAddresses": [email]},
            Content={"Simple": {"Subject": {"Data": "probe"}, "Body": {"Text": {"Data": "-"}}}},
        )
    except ClientError as error:
        status = error.response["ResponseMetadata"]["HTTPStatusCode"]
    else:
        status = 200
    assert status == 403, f"the API's role sending as another address than MAIL_FROM: {status}"
    return "sent"


def upload_flows(client: Any, headers: dict[str, str], settings: Any) -> str:
    helpers = import_module("tests.helpers")
    s3 = import_module(f"{package()}.core.aws").s3_client(settings)
    signed = helpers.sign(client, headers, CONTENT)
    key = signed["fields"]["key"]
    # The browser's signed POST, as the signer's own call.
    s3.put_object(Bucket=settings.uploads_bucket, Key=key, Body=CONTENT, ContentType="text/plain")
    completed = client.post(f"{helpers.UPLOADS}/{signed['id']}/complete", headers=headers)
    assert completed.status_code == 200, completed.text
    never_sent = helpers.sign(client, headers, CONTENT)
    missing = client.post(f"{helpers.UPLOADS}/{never_sent['id']}/complete", headers=headers)
    helpers.assert_error(missing, 409, "conflict")
    link = client.get(f"{helpers.UPLOADS}/{signed['id']}/download", headers=headers)
    assert link.status_code == 200, link.text
    assert key.rsplit("/", 1)[-1] in link.json()["url"], link.json()
    # The browser's signed GET, as the signer's own call.
    downloaded = s3.get_object(Bucket=settings.uploads_bucket, Key=key)["Body"].read()
    assert downloaded == CONTENT, downloaded
    return str(completed.json()["status"])


def worker_flows() -> dict[str, Any]:
    """What consumes the queue: the ECS worker's own loop, or (Lambda) the event source
    mapping's receive and delete, which AWS makes with the function's role, around the
    handler. Every message must be handled: none left in flight."""
    config = import_module(f"{package()}.core.config")
    logs = import_module(f"{package()}.core.logs")
    aws_module = import_module(f"{package()}.core.aws")
    settings = config.get_settings()
    done: dict[str, Any] = {"secrets_read": read_secrets(settings), "handled": 0}
    sqs = aws_module.sqs_client(settings)
    if os.environ["PROBE_COMPUTE"] == "ecs":
        worker = import_module(f"{package()}.worker")
        jobs = import_module(f"{package()}.jobs.base")
        db = import_module(f"{package()}.core.db")
        logs.configure_logging(settings)  # as the worker's main() does
        context = jobs.JobContext(settings, db.Database(settings))

        async def drain() -> int:
            consumer, handled = worker.Worker(context), 0
            while succeeded := await consumer.run_once():
                handled += succeeded
            await context.database.dispose()
            return handled

        done["handled"] = asyncio.run(drain())
    else:
        handlers = import_module(f"{package()}.lambda_handler")
        while messages := sqs.receive_message(
            QueueUrl=settings.jobs_queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
        ).get("Messages", []):
            records = [
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                }
                for m in messages
            ]
            failed = handlers.worker({"Records": records}, None)["batchItemFailures"]
            assert failed == [], failed
            for message in messages:
                sqs.delete_message(
                    QueueUrl=settings.jobs_queue_url, ReceiptHandle=message["ReceiptHandle"]
                )
            done["handled"] += len(messages)
    attributes = sqs.get_queue_attributes(
        QueueUrl=settings.jobs_queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    done["left"] = {name: int(value) for name, value in attributes.items()}
    return done


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--as", dest="role", choices=ROLES)
    arguments = parser.parse_args()
    if arguments.role is None:
        result = probe(arguments.url)
    else:
        flows = {"api": api_flows, "worker": worker_flows, "migrate": migrate_flows}
        result = flows[arguments.role]()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
