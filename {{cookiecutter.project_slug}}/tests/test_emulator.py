"""`make emulator` (scripts/emulator.py) starts moto with the app's resources."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import boto3

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "emulator.py"


def test_emulator_creates_the_apps_resources(unused_port: int) -> None:
    process = subprocess.Popen(
        [sys.executable, str(SCRIPT)],
        env={**os.environ, "EMULATOR_PORT": str(unused_port)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        exports = {}
        for line in process.stdout:
            if line.startswith("export ") and "=" in line and " " not in line[7:].strip():
                name, value = line[7:].strip().split("=", 1)
                exports[name] = value
            if line.startswith("Ctrl-C"):
                break
        endpoint = exports["AWS_ENDPOINT_URL"]
        assert endpoint == f"http://127.0.0.1:{unused_port}"
        session = boto3.session.Session(region_name=exports["AWS_REGION"])
        groups = session.client("logs", endpoint_url=endpoint).describe_log_groups()
        assert exports["CLOUDWATCH_LOG_GROUP"] in [g["logGroupName"] for g in groups["logGroups"]]
{%- if cookiecutter.use_s3_uploads == "y" %}
        buckets = session.client("s3", endpoint_url=endpoint).list_buckets()["Buckets"]
        assert exports["UPLOADS_BUCKET"] in [bucket["Name"] for bucket in buckets]
{%- endif %}
{%- if cookiecutter.use_background_jobs == "y" %}
        queues = session.client("sqs", endpoint_url=endpoint).list_queues()["QueueUrls"]
        assert exports["JOBS_QUEUE_URL"] in queues
{%- endif %}
    finally:
        process.terminate()
        process.wait(timeout=10)
