"""A local AWS emulator (moto) holding this app's AWS resources: `make emulator`.

Starts moto on 127.0.0.1 (EMULATOR_PORT, default 5000), creates what the app uses and
prints the settings that point the app at it. Ctrl-C stops it; state lives in memory.
"""

from __future__ import annotations

import os
import threading

import boto3
from moto.server import ThreadedMotoServer

REGION = "{{ cookiecutter.aws_region }}"
LOG_GROUP = "/local/{{ cookiecutter.project_slug }}"
{%- if cookiecutter.use_s3_uploads == "y" %}
UPLOADS_BUCKET = "{{ cookiecutter.project_slug }}-uploads-local"
{%- endif %}
{%- if cookiecutter.use_background_jobs == "y" %}
JOBS_QUEUE = "{{ cookiecutter.project_slug }}-jobs-local"
{%- endif %}


def main() -> None:
    port = int(os.environ.get("EMULATOR_PORT", "5000"))
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    settings = {"AWS_ENDPOINT_URL": endpoint, "AWS_REGION": REGION}
    # moto accepts any credentials; these never reach AWS.
    session = boto3.session.Session(
        aws_access_key_id="test",
        aws_secret_access_key="test",  # noqa: S106
        region_name=REGION,
    )

    session.client("logs", endpoint_url=endpoint).create_log_group(logGroupName=LOG_GROUP)
    settings["CLOUDWATCH_LOG_GROUP"] = LOG_GROUP
{%- if cookiecutter.use_s3_uploads == "y" %}
    s3 = session.client("s3", endpoint_url=endpoint)
    location = (
        {}
        if REGION == "us-east-1"
        else {"CreateBucketConfiguration": {"LocationConstraint": REGION}}
    )
    s3.create_bucket(Bucket=UPLOADS_BUCKET, **location)  # type: ignore[arg-type]
    settings["UPLOADS_BUCKET"] = UPLOADS_BUCKET
{%- endif %}
{%- if cookiecutter.use_background_jobs == "y" %}
    queue = session.client("sqs", endpoint_url=endpoint).create_queue(QueueName=JOBS_QUEUE)
    settings["JOBS_QUEUE_URL"] = queue["QueueUrl"]
{%- endif %}

    print(f"AWS emulator on {endpoint}; point the app at it with:\n")
    print("export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test")
    for name, value in settings.items():
        print(f"export {name}={value}")
    print("\nCtrl-C stops the emulator (its state is lost).")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
