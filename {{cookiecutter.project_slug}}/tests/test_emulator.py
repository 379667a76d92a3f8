"""`make emulator` and docker-compose.yml (`python -m emulator`): the emulator with the
app's resources."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import boto3

from emulator import ACCOUNT_CREDENTIALS, resources

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
