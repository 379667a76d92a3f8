"""AWS Lambda entry points.

- `handler`: the HTTP API (API Gateway HTTP API v2, REST API v1, ALB) through Mangum.
- `migrate`: brings the schema to the latest migration (the deploy's migration function).

Importing this module builds the app but loads no AWS SDK and no database driver and
reads no secret: those happen at first use, so cold starts stay close to FastAPI's own
import time (see scripts/bench_cold_start.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mangum import Mangum
from starlette.types import ASGIApp, Receive, Scope, Send

from {{ cookiecutter.package_name }}.logs import flush_logs
from {{ cookiecutter.package_name }}.main import app


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
    # container, on the event loop Mangum keeps between invocations.
    mangum = Mangum(StagePrefix(asgi_app), lifespan="off")

    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        try:
            return mangum(event, context)
        finally:
            # A frozen container sends nothing: ship buffered CloudWatch lines first.
            flush_logs()

    return handle


handler = http_handler(app)


def migrate(event: dict[str, Any], context: Any) -> dict[str, str]:
    """Runs `alembic upgrade head`; an exception fails the invocation (and the deploy)."""
    from {{ cookiecutter.package_name }}.migrate import upgrade

    try:
        return {"status": "ok", "revision": upgrade()}
    finally:
        flush_logs()
