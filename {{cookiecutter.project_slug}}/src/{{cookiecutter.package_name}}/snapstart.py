"""Lambda SnapStart: what the init phase builds into the snapshot, and what each restored
copy must build again for itself.

With SnapStart on, Lambda runs the init phase once, when a version is published, then
snapshots the execution environment and resumes every new environment of that version
from the snapshot (Lambda developer guide, "Improving startup performance with Lambda
SnapStart"). What init built is shared by every copy: right for imported code, configured
mappers and parsed service models, wrong for a database connection, AWS credentials, a
secret or a random generator's state ("Handling uniqueness with Lambda SnapStart").

So, only when this init ends in a snapshot: `prepare` builds what is safe to share, the
before-snapshot hook closes whatever init opened anyway, and the after-restore hook drops
anything a copy could have inherited, so each copy opens its own connections, resolves its
own credentials and reads its own secrets on first use.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
{%- if cookiecutter.database != "dynamodb" %}
from sqlalchemy.orm import configure_mappers
{%- endif %}

from {{ cookiecutter.package_name }}.core import aws
from {{ cookiecutter.package_name }}.core.config import Settings
{%- if cookiecutter.database == "dynamodb" %}
from {{ cookiecutter.package_name }}.core.db import Database
{%- else %}
from {{ cookiecutter.package_name }}.core.db import Database, load_driver
{%- endif %}

if TYPE_CHECKING:  # lambda_handler imports this module
    from {{ cookiecutter.package_name }}.lambda_handler import LambdaHandler

# Lambda sets AWS_LAMBDA_INITIALIZATION_TYPE to this for an init that ends in a snapshot.
SNAP_START = "snap-start"
# A GET /health as API Gateway (HTTP API, payload format 2.0) sends it. Run through the
# handler before the snapshot, it builds the middleware stack, the request path's first
# calls and the access line's renderer, and touches no database and no AWS service; the
# init phase's log shows its access line.
PRIMING_EVENT: dict[str, Any] = {
    "version": "2.0",
    "routeKey": "$default",
    "rawPath": "/health",
    "rawQueryString": "",
    "headers": {"host": "localhost", "user-agent": "snapstart-priming"},
    "requestContext": {
        "http": {
            "method": "GET",
            "path": "/health",
            "protocol": "HTTP/1.1",
            "sourceIp": "127.0.0.1",
            "userAgent": "snapstart-priming",
        },
        "requestId": "snapstart-priming",
        "routeKey": "$default",
        "stage": "$default",
    },
    "isBase64Encoded": False,
}


def snapshotting(environment: dict[str, str]) -> bool:
    return environment.get("AWS_LAMBDA_INITIALIZATION_TYPE") == SNAP_START


def warm(app: FastAPI, handler: LambdaHandler) -> None:
    """Builds, before the snapshot, what the first requests would otherwise build after it:
    nothing here connects, signs or reads a secret."""
    settings: Settings = app.state.settings
{%- if cookiecutter.database != "dynamodb" %}
    configure_mappers()
    load_driver(settings)
{%- endif %}
    aws.load_models(settings)
    primed = handler(PRIMING_EVENT, None)
    if primed.get("statusCode") != HTTPStatus.OK:
        # A failed init fails the version's publication: the deploy stops there.
        raise RuntimeError(f"SnapStart priming: GET /health answered {primed.get('statusCode')}")


def close_connections(database: Database, run: Callable[[Any], Any]) -> None:
    """Before the snapshot: whatever init opened is closed while one process holds it."""
    run(database.dispose())
    aws.forget()


def forget_inherited_state(database: Database) -> None:
    """After a restore: nothing from before the snapshot that must be this copy's own."""
{%- if cookiecutter.database == "dynamodb" %}
    database.forget()  # the client's sockets, without closing another copy's
{%- else %}
    database.forget()  # pooled sockets and IAM tokens, without closing another copy's socket
{%- endif %}
    aws.forget()  # clients with the credentials they resolved, and the secrets read
    random.seed()  # os.urandom: a seed of this copy's own, not the snapshot's


def prepare(
    app: FastAPI,
    handler: LambdaHandler,
    run: Callable[[Any], Any],
    environment: dict[str, str],
) -> bool:
    """Warms the app and registers the runtime hooks, when this init ends in a snapshot;
    `run` runs a coroutine on the container's event loop. Returns whether it did."""
    if not snapshotting(environment):
        return False
    # The managed Python runtimes (3.12 and later) ship this library; SnapStart needs them.
    from snapshot_restore_py import register_after_restore, register_before_snapshot

    database: Database = app.state.database
    warm(app, handler)
    register_before_snapshot(close_connections, database, run)
    register_after_restore(forget_inherited_state, database)
    return True
