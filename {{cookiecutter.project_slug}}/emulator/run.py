"""`make run`: the API with reload on your machine, with no AWS account and no Docker.

When the settings (the environment, then .env) name no AWS_ENDPOINT_URL, an emulator runs
inside this process and holds what the app keeps in AWS (IN_PROCESS_SETTINGS): what the
app stores there lasts until this process stops. With AWS_ENDPOINT_URL set (`make
emulator`, `docker compose up`) the app uses that one{% if cookiecutter.database == "dynamodb" %}, its missing tables created first{% endif %}.
{%- if cookiecutter.use_background_jobs == "y" %}
Jobs run in-process as they are enqueued (JOBS_BACKEND=inline) unless a queue is set.
{%- endif %}

    python -m emulator.run [--host 127.0.0.1] [--port 8000]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os

import uvicorn

from emulator import ACCOUNT_CREDENTIALS, resources, server
{%- if cookiecutter.database == "dynamodb" %}
from emulator.tables import create_tables
{%- endif %}

# What the app takes from the in-process emulator: its endpoint, and the local resources.
IN_PROCESS_SETTINGS = ("AWS_ENDPOINT_URL", "AWS_REGION"{% if cookiecutter.database == "dynamodb" %}, "DYNAMODB_TABLE_PREFIX"{% endif %}{% if cookiecutter.use_s3_uploads == "y" %}, "UPLOADS_BUCKET"{% endif %})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m emulator.run", description=__doc__)
    parser.add_argument("--host", default=server.LOOPBACK)
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)

    from {{ cookiecutter.package_name }}.core.config import get_settings
{%- if cookiecutter.database == "dynamodb" %}
    from {{ cookiecutter.package_name }}.core.db import Database
{%- endif %}

    settings = get_settings()
    package = json.loads(resources.FACTS_FILE.read_text())["package"]
    with contextlib.ExitStack() as stack:
        if not settings.aws_endpoint_url:
            # The app's own log lines only: not one per emulator request.
            logging.getLogger("werkzeug").setLevel(logging.WARNING)
            url = stack.enter_context(server.in_thread())
            created = resources.create(url)
            os.environ.update(ACCOUNT_CREDENTIALS.environment())
            os.environ.update({name: created[name] for name in IN_PROCESS_SETTINGS})
            print(
                f"No AWS_ENDPOINT_URL: the AWS emulator runs in this process on {url}, and "
                "what the app stores there is gone when it stops. To keep it across "
                "restarts, run `make emulator` in another terminal and set the "
                "AWS_ENDPOINT_URL it prints.",
                flush=True,
            )
{%- if cookiecutter.database == "dynamodb" %}
            settings = settings.model_copy(update={"aws_endpoint_url": url})
        # On the DynamoDB the app will use (AWS_ENDPOINT_URL_DYNAMODB's, if set).
        create_tables(Database(settings).client, settings.dynamodb_table_prefix)
{%- endif %}
        uvicorn.run(
            f"{package}.main:app",
            host=args.host,
            port=args.port,
            reload=True,
            access_log=False,
        )


if __name__ == "__main__":
    main()
