"""The floors the benchmarks measure the app against: FastAPI, Mangum and PyJWT serving
the app's authenticated item list with the same two queries (the user, the page after
the cursor), `/health/db` as a bare `SELECT 1` and `/health` with no I/O. Nothing else: no
settings, ORM, logging, request id or error envelope. BASELINE_LIBRARY picks what runs
the queries:

- `asyncpg` (the default): the driver alone, the floor of the benchmarks' ratios;
- `sqlalchemy`: SQLAlchemy's cheapest path on the same driver (`exec_driver_sql` on a
  pooled connection, no ORM, no compiled statements, no transaction), the least the
  app's data library costs, so the figures show what is SQLAlchemy's and what is the
  app's.

    uvicorn scripts.baseline_app:app     # throughput (scripts/bench_throughput.py)
    baseline_app.handler                 # Lambda cold start (scripts/bench_cold_start.py)

Reads BASELINE_DATABASE_URL (postgresql://…), BASELINE_POOL_SIZE, BASELINE_LIBRARY and
JWT_SECRET.
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any

import jwt
from fastapi import FastAPI, Header, HTTPException
from mangum import Mangum

SQLALCHEMY = "sqlalchemy"
USER = "SELECT * FROM users WHERE id = $1"
PAGE = (
    "SELECT id, title, description, created_at, updated_at FROM items"
    " WHERE owner_id = $1 AND ($2::uuid IS NULL OR id > $2) ORDER BY id LIMIT $3"
)

Fetch = Callable[..., Awaitable[list[dict[str, Any]]]]
app = FastAPI()
_pools: list[Any] = []


async def _pool() -> Any:
    """asyncpg's pool, or SQLAlchemy's engine on asyncpg: built on first use."""
    if not _pools:
        url = os.environ["BASELINE_DATABASE_URL"]
        size = int(os.environ.get("BASELINE_POOL_SIZE", "1"))
        if os.environ.get("BASELINE_LIBRARY") == SQLALCHEMY:
            from sqlalchemy.ext.asyncio import create_async_engine

            engine = create_async_engine(
                url.replace("postgresql://", "postgresql+asyncpg://", 1),
                pool_size=size,
                max_overflow=0,
                connect_args={"ssl": False},
            )
            _pools.append(engine.execution_options(isolation_level="AUTOCOMMIT"))
        else:
            import asyncpg  # type: ignore[import-untyped]  # no type information published

            _pools.append(await asyncpg.create_pool(url, min_size=1, max_size=size, ssl=False))
    return _pools[0]


@asynccontextmanager
async def connection() -> AsyncIterator[Fetch]:
    """One pooled connection for a request, as a `fetch(sql, *args)` giving dict rows."""
    pool = await _pool()
    if os.environ.get("BASELINE_LIBRARY") == SQLALCHEMY:
        async with pool.connect() as conn:

            async def fetch(sql: str, *args: Any) -> list[dict[str, Any]]:
                result = await conn.exec_driver_sql(sql, args)
                return [dict(row) for row in result.mappings()]

            yield fetch
    else:
        async with pool.acquire() as conn:

            async def fetch(sql: str, *args: Any) -> list[dict[str, Any]]:
                return [dict(row) for row in await conn.fetch(sql, *args)]

            yield fetch


@app.get("/api/v1/items")
async def list_items(
    authorization: Annotated[str, Header()], limit: int = 20, cursor: str | None = None
) -> dict[str, Any]:
    try:
        claims = jwt.decode(
            authorization.removeprefix("Bearer "),
            os.environ["JWT_SECRET"],
            algorithms=["HS256"],
            options={"require": ["sub", "exp", "iat"]},
        )
    except jwt.InvalidTokenError:
        raise HTTPException(401) from None
    async with connection() as fetch:
        users = await fetch(USER, uuid.UUID(claims["sub"]))
        if not users or not users[0]["is_active"]:
            raise HTTPException(401)
        # The cursor as core/ids.py encodes it, written out: the cold-start benchmark runs
        # this file from a folder of its own, without the app's package.
        after = uuid.UUID(bytes=base64.urlsafe_b64decode(cursor + "==")) if cursor else None
        items = await fetch(PAGE, users[0]["id"], after, limit + 1)
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        next_cursor = base64.urlsafe_b64encode(items[-1]["id"].bytes).rstrip(b"=").decode()
    return {"items": items, "limit": limit, "next_cursor": next_cursor}


@app.get("/health/db")
async def health_db() -> dict[str, str]:
    async with connection() as fetch:
        await fetch("SELECT 1")
    return {"status": "ok", "database": "postgresql"}


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


handler = Mangum(app, lifespan="off")
