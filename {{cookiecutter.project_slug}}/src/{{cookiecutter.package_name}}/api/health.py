"""Liveness (`/health`, no I/O) and readiness (`/health/db`, one round trip)."""

from __future__ import annotations

import asyncio

import structlog
from fastapi import APIRouter

from {{ cookiecutter.package_name }}.api.deps import DatabaseDep
from {{ cookiecutter.package_name }}.core.errors import ServiceUnavailableError

DB_CHECK_TIMEOUT_SECONDS = 5

router = APIRouter(prefix="/health", tags=["health"])
log = structlog.get_logger(__name__)


@router.get("")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/db")
async def health_db(database: DatabaseDep) -> dict[str, str]:
{%- if cookiecutter.database == "dynamodb" %}
    try:
        async with asyncio.timeout(DB_CHECK_TIMEOUT_SECONDS):
            await database.ping()
    except Exception as exc:
        log.warning("database_unreachable", error_type=type(exc).__name__)
        raise ServiceUnavailableError("Database is unreachable") from None
    return {"status": "ok", "database": "dynamodb"}
{%- else %}
    # A fresh checkout each time: the pool hands out only live connections (see
    # db._check_on_checkout), so a database that comes back is seen at the next call
    # without restarting the service.
    try:
        async with asyncio.timeout(DB_CHECK_TIMEOUT_SECONDS), database.engine.connect() as conn:
            # Autocommit: one round trip, instead of BEGIN, SELECT 1 and ROLLBACK.
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.exec_driver_sql("SELECT 1")
    except Exception as exc:
        log.warning("database_unreachable", error_type=type(exc).__name__)
        raise ServiceUnavailableError("Database is unreachable") from None
    return {"status": "ok", "database": database.engine.dialect.name}
{%- endif %}
