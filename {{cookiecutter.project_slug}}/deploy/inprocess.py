"""What `make deploy-local` runs in a child process, where AWS would run the function or
task: `python -m deploy.inprocess PACKAGE STEP RESULT`. The child's environment is the
deployed one (see deploy/local.py); it writes its result to the file RESULT as JSON.

Steps (STEPS): {% if cookiecutter.database != "dynamodb" %}`lambda-migrate` (the migration function's handler), {% endif %}`lambda-smoke` (the
API function's handler, given an API Gateway HTTP API event for GET /health/db) and
`asgi-smoke` (the app as the ECS task serves it, GET /health/db). A failure exits 1.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deploy.smoke import PATH


def http_api_event(path: str) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) GET request, as the `$default` route passes it."""
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"host": "deploy-local", "user-agent": "deploy-local"},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "deploy-local",
            "domainName": "deploy-local",
            "http": {
                "method": "GET",
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "deploy-local",
            },
            "requestId": "deploy-local",
            "routeKey": "$default",
            "stage": "$default",
            "time": "01/Jan/2026:00:00:00 +0000",
            "timeEpoch": 1767225600000,
        },
        "isBase64Encoded": False,
    }


{% if cookiecutter.database != "dynamodb" -%}
def lambda_migrate(package: str) -> dict[str, Any]:
    handlers = importlib.import_module(f"{package}.lambda_handler")
    result: dict[str, Any] = handlers.migrate({}, None)
    return result


{% endif -%}
def lambda_smoke(package: str) -> dict[str, Any]:
    handlers = importlib.import_module(f"{package}.lambda_handler")
    response: dict[str, Any] = handlers.handler(http_api_event(PATH), None)
    if response["statusCode"] != 200:
        raise SystemExit(f"GET {PATH}: HTTP {response['statusCode']} {response.get('body')}")
    body: dict[str, Any] = json.loads(response["body"])
    return body


def asgi_smoke(package: str) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    app = importlib.import_module(f"{package}.main").app
    with TestClient(app) as client:
        response = client.get(PATH)
    if response.status_code != 200:
        raise SystemExit(f"GET {PATH}: HTTP {response.status_code} {response.text}")
    body: dict[str, Any] = response.json()
    return body


@dataclass(frozen=True)
class Step:
    stands_in_for: str  # what runs on AWS instead
    run: Callable[[str], dict[str, Any]]


STEPS = {
{%- if cookiecutter.database != "dynamodb" %}
    "lambda-migrate": Step("the migration function", lambda_migrate),
{%- endif %}
    "lambda-smoke": Step("the smoke check through the API function", lambda_smoke),
    "asgi-smoke": Step("the smoke check through the app task's settings", asgi_smoke),
}


def main(argv: list[str]) -> None:
    package, name, result = argv
    Path(result).write_text(json.dumps(STEPS[name].run(package)))


if __name__ == "__main__":
    main(sys.argv[1:])
