"""Liveness (`/health`, no I/O) and readiness (`/health/db`, one round trip)."""

from __future__ import annotations

import asyncio
from http import HTTPStatus

import structlog
from fastapi import APIRouter

from {{ cookiecutter.package_name }}.api.deps import DatabaseDep
from {{ cookiecutter.package_name }}.core.errors import ServiceUnavailableError, documented

DB_CHECK_TIMEOUT_SECONDS = 5

router = APIRouter(prefix="/health", tags=["health"])
log = structlog.get_logger(__name__)


@router.get("")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/db", responses=documented(HTTPStatus.SERVICE_UNAVAILABLE))
async def health_db(database: DatabaseDep) -> dict[str, str]:
    try:
        async with asyncio.timeout(DB_CHECK_TIMEOUT_SECONDS):
            await database.ping()
    except Exception as exc:
        log.warning("database_unreachable", error_type=type(exc).__name__)
        raise ServiceUnavailableError("Database is unreachable") from None
    return {"status": "ok", "database": database.name}
