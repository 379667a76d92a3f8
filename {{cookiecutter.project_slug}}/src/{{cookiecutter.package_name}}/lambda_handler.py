"""AWS Lambda entry points.

- `handler`: the HTTP API (API Gateway HTTP API v2, REST API v1, ALB) through Mangum.
{%- if cookiecutter.use_background_jobs == "y" %}
- `worker`: runs the jobs of an SQS batch and reports the failed messages.
{%- endif %}
{%- if cookiecutter.database != "dynamodb" %}
- `migrate`: brings the schema to the latest migration (the deploy's migration function).
{%- endif %}

Importing this module builds the app but loads no AWS SDK and no database driver and
reads no secret: those happen at first use, so cold starts stay close to FastAPI's own
import time (see scripts/bench_cold_start.py). An init that ends in a SnapStart snapshot
loads both before the snapshot, still connecting to nothing (snapstart.py).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine
from typing import Any

{% if cookiecutter.use_background_jobs == "y" -%}
from fastapi import FastAPI
{% endif -%}
from mangum import Mangum
from starlette.types import ASGIApp, Receive, Scope, Send

from {{ cookiecutter.package_name }} import snapstart
from {{ cookiecutter.package_name }}.core.logs import flush_logs
{% if cookiecutter.use_background_jobs == "y" -%}
from {{ cookiecutter.package_name }}.jobs.base import JobContext
from {{ cookiecutter.package_name }}.jobs.registry import run_message
{% endif -%}
from {{ cookiecutter.package_name }}.main import app

_loop: asyncio.AbstractEventLoop | None = None


def container_loop() -> asyncio.AbstractEventLoop:
    """The container's one event loop, kept across invocations (Mangum runs on it too), so
    pooled database connections, which belong to a loop, outlive an invocation."""
    global _loop
    if _loop is None or _loop.is_closed():
        _loop = asyncio.new_event_loop()
    asyncio.set_event_loop(_loop)
    return _loop


def run_in_container_loop(coroutine: Coroutine[Any, Any, Any]) -> Any:
    return container_loop().run_until_complete(coroutine)


class StagePrefix:
    """Sets the ASGI root_path to the API Gateway stage prefix the client used.

    Behind `https://<api>/prod/docs`, API Gateway passes the path `/docs` (REST v1) or
    `/prod/docs` (HTTP API, named stage). With root_path set, FastAPI's /docs page
    fetches `/prod/openapi.json` and the OpenAPI `servers` entry carries the prefix, so
    the docs and "Try it out" work under a stage as well as on a custom domain.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            prefix = _stage_prefix(scope.get("aws.event") or {})
            if prefix:
                scope = {**scope, "root_path": prefix}
        await self.app(scope, receive, send)


def _stage_prefix(event: dict[str, Any]) -> str:
    context = event.get("requestContext") or {}
    if "httpMethod" in event:  # REST API v1: the client's full path is requestContext.path
        full, routed = context.get("path") or "", event.get("path") or ""
        if full != routed and full.endswith(routed):
            return str(full[: len(full) - len(routed)]).rstrip("/")
        return ""
    stage = context.get("stage")  # HTTP API v2: rawPath carries a named stage
    if stage and stage != "$default" and str(event.get("rawPath", "")).startswith(f"/{stage}"):
        return f"/{stage}"
    return ""


LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


def http_handler(asgi_app: ASGIApp) -> LambdaHandler:
    """A Lambda handler serving `asgi_app` for API Gateway (HTTP v2, REST v1) and ALB events."""
    # Lifespan off: Mangum would otherwise run start-up and shutdown around every
    # invocation, closing the database pool each time. The engine lives as long as the
    # container, on the container's event loop (which Mangum adopts when it is built).
    container_loop()
    mangum = Mangum(StagePrefix(asgi_app), lifespan="off")

    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        container_loop()
        try:
            return mangum(event, context)
        finally:
            # A frozen container sends nothing: ship buffered CloudWatch lines first.
            flush_logs()

    return handle


handler = http_handler(app)
{%- if cookiecutter.use_background_jobs == "y" %}


def sqs_handler(fastapi_app: FastAPI) -> LambdaHandler:
    """A Lambda handler for SQS batches: runs each message's job, and returns the ids of
    the failed ones (ReportBatchItemFailures) so SQS retries those alone."""
    jobs = JobContext(fastapi_app.state.settings, fastapi_app.state.database)

    async def run_batch(records: list[dict[str, Any]]) -> list[str]:
        failed = []
        for record in records:
            try:
                await run_message(jobs, record["body"], message_id=record["messageId"])
            except Exception:  # logged by run_message; SQS retries this message alone
                failed.append(record["messageId"])
        return failed

    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        try:
            failed = run_in_container_loop(run_batch(event.get("Records", [])))
        finally:
            flush_logs()
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}

    return handle


worker = sqs_handler(app)
{%- endif %}

{%- if cookiecutter.database != "dynamodb" %}


def migrate(event: dict[str, Any], context: Any) -> dict[str, str]:
    """Runs `alembic upgrade head`; an exception fails the invocation (and the deploy)."""
    from {{ cookiecutter.package_name }}.migrate import upgrade

    try:
        return {"status": "ok", "revision": upgrade()}
    finally:
        flush_logs()
{%- endif %}


# With SnapStart on (the api function's published versions, in prod by default), this
# init ends in a snapshot: warm what every restored copy may share, and register the hooks
# that keep each copy's connections, credentials and secrets its own.
snapstart.prepare(app, handler, run_in_container_loop, dict(os.environ))
