"""`make emulator` and docker-compose.yml (`python -m emulator`): the emulator with the
app's resources."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import boto3

from emulator import ACCOUNT_CREDENTIALS, resources
{%- if cookiecutter.database == "dynamodb" %}
from emulator.tables import definitions
{%- endif %}

ROOT = Path(__file__).resolve().parents[1]


def exports(lines: list[str]) -> dict[str, str]:
    found = {}
    for line in lines:
        if line.startswith("export "):
            name, value = line.removeprefix("export ").strip().split("=", 1)
            found[name] = value
    return found


def test_python_m_emulator_serves_the_apps_resources(unused_port: int, tmp_path: Path) -> None:
    ready = tmp_path / "ready"
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator", "--port", str(unused_port), "--ready-file", str(ready)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Ctrl-C"):
                break
        settings = exports(lines)
        assert ready.read_text() == settings["AWS_ENDPOINT_URL"]
        assert settings["AWS_ENDPOINT_URL"] == f"http://127.0.0.1:{unused_port}"
        assert settings["AWS_ACCESS_KEY_ID"] == ACCOUNT_CREDENTIALS.access_key
        # Created once: a second call finds them.
        credentials = ACCOUNT_CREDENTIALS.environment()
        assert resources.create(settings["AWS_ENDPOINT_URL"]) == {
            name: value for name, value in settings.items() if name not in credentials
        }
        session = boto3.session.Session(region_name=settings["AWS_REGION"])
        endpoint = settings["AWS_ENDPOINT_URL"]
        groups = session.client("logs", endpoint_url=endpoint).describe_log_groups()
        assert settings["CLOUDWATCH_LOG_GROUP"] in [g["logGroupName"] for g in groups["logGroups"]]
{%- if cookiecutter.database == "dynamodb" %}
        tables = session.client("dynamodb", endpoint_url=endpoint).list_tables()["TableNames"]
        prefix = settings["DYNAMODB_TABLE_PREFIX"]
        assert {f"{prefix}{name}" for name in definitions()} <= set(tables)
{%- endif %}
{%- if cookiecutter.use_s3_uploads == "y" %}
        buckets = session.client("s3", endpoint_url=endpoint).list_buckets()["Buckets"]
        assert settings["UPLOADS_BUCKET"] in [bucket["Name"] for bucket in buckets]
{%- endif %}
{%- if cookiecutter.use_background_jobs == "y" %}
        sqs = session.client("sqs", endpoint_url=endpoint)
        assert settings["JOBS_QUEUE_URL"] in sqs.list_queues()["QueueUrls"]
{%- endif %}
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0, "SIGTERM stops it cleanly (as a container's PID 1)"
{%- if cookiecutter.database == "dynamodb" %}


def run_make_migrate(
    environment: dict[str, str], workdir: Path
) -> subprocess.CompletedProcess[str]:
    """`make migrate`'s command with these settings only: run from `workdir`, where no
    developer's .env is."""
    return subprocess.run(
        [sys.executable, "-m", "emulator.tables"],
        cwd=workdir,
        env={"PYTHONPATH": str(ROOT), **ACCOUNT_CREDENTIALS.environment(), **environment},
        capture_output=True,
        text=True,
        check=False,
    )


def test_make_migrate_creates_the_missing_tables_on_a_local_dynamodb(
    moto_url: str, tmp_path: Path
) -> None:
    """On DynamoDB's own endpoint (docker-compose.yml's DynamoDB Local), once: a second
    run finds them."""
    settings = {"AWS_ENDPOINT_URL_DYNAMODB": moto_url, "DYNAMODB_TABLE_PREFIX": "migrate-"}
    first, again = run_make_migrate(settings, tmp_path), run_make_migrate(settings, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "created migrate-users" in first.stdout
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("tables ready"), again.stdout
    client = boto3.client("dynamodb", endpoint_url=moto_url, region_name="us-east-1")
    tables = client.list_tables()["TableNames"]
    assert {f"migrate-{name}" for name in definitions()} <= set(tables)
    for name in definitions():
        client.delete_table(TableName=f"migrate-{name}")


def test_make_migrate_leaves_aws_tables_to_terraform(tmp_path: Path) -> None:
    result = run_make_migrate({"DYNAMODB_TABLE_PREFIX": "migrate-"}, tmp_path)
    assert result.returncode == 1
    assert "in AWS the tables are Terraform's" in result.stderr
{%- endif %}
