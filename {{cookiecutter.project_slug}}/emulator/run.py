{%- set emulated = cookiecutter.database == "dynamodb" or cookiecutter.use_s3_uploads == "y" -%}
{%- set page = cookiecutter.frontend == "static" -%}
"""`make run`: the API with reload on your machine, with no AWS account and no Docker.
{%- if page %}
The web page is served beside it, on the same origin, as CloudFront will serve them
(emulator/edge.py): the API's paths to the API, every other one to frontend/. Password
reset links open it, unless PASSWORD_RESET_URL names another page.
{%- endif %}
{%- if emulated %}

When the settings (the environment, then .env) name no AWS_ENDPOINT_URL, an emulator runs
inside this process and holds what the app keeps in AWS (IN_PROCESS_SETTINGS): what the
app stores there lasts until this process stops. With AWS_ENDPOINT_URL set (`make
emulator`, `docker compose up`) the app uses that one{% if cookiecutter.database == "dynamodb" %}, its missing tables created first{% endif %}.
{%- endif %}
{%- if cookiecutter.use_background_jobs == "y" %}
Jobs run in-process as they are enqueued (JOBS_BACKEND=inline) unless a queue is set.
{%- endif %}

    python -m emulator.run [--host 127.0.0.1] [--port 8000]
"""

from __future__ import annotations

import argparse
{%- if emulated %}
import contextlib
{%- if not page %}
import json
{%- endif %}
import logging
{%- endif %}
{%- if emulated or page %}
import os
{%- endif %}

import uvicorn
{%- if emulated %}

from emulator import ACCOUNT_CREDENTIALS, resources, server
{%- else %}

from emulator import server
{%- endif %}
{%- if cookiecutter.database == "dynamodb" %}
from emulator.tables import create_tables
{%- endif %}
{%- if emulated %}

# What the app takes from the in-process emulator: its endpoint, and the local resources.
IN_PROCESS_SETTINGS = ("AWS_ENDPOINT_URL", "AWS_REGION"{% if cookiecutter.database == "dynamodb" %}, "DYNAMODB_TABLE_PREFIX"{% endif %}{% if cookiecutter.use_s3_uploads == "y" %}, "UPLOADS_BUCKET"{% endif %})
{%- endif %}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m emulator.run", description=__doc__)
    parser.add_argument("--host", default=server.LOOPBACK)
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
{%- if emulated %}

    from {{ cookiecutter.package_name }}.core.config import get_settings
{%- if cookiecutter.database == "dynamodb" %}
    from {{ cookiecutter.package_name }}.core.db import Database
{%- endif %}

    settings = get_settings()
{%- if not page %}
    package = json.loads(resources.FACTS_FILE.read_text())["package"]
{%- endif %}
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
        serve(args.host, args.port{% if not page %}, f"{package}.main:app"{% endif %})
{%- else %}
    serve(args.host, args.port)
{%- endif %}

{% if page %}
def serve(host: str, port: int) -> None:
    from {{ cookiecutter.package_name }}.core.config import get_settings

    site = f"http://{host}:{port}/"
    if not get_settings().password_reset_url:  # reset links open this page
        os.environ["PASSWORD_RESET_URL"] = site
    print(f"The page and the API: {site} (the API's docs: /docs)", flush=True)
    uvicorn.run(
        "emulator.edge:local_site",
        factory=True,
        host=host,
        port=port,
        reload=True,
        access_log=False,
    )
{%- else %}
def serve(host: str, port: int, app: str) -> None:
    uvicorn.run(app, host=host, port=port, reload=True, access_log=False)
{%- endif %}


if __name__ == "__main__":
    main()
