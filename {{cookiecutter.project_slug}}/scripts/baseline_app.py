"""The floor the benchmarks measure the app against: FastAPI, Mangum, asyncpg and PyJWT
serving the app's authenticated item list with the same three queries (the user, the
count, the page), and `/health/db` as a bare `SELECT 1`. Nothing else: no settings,
ORM, logging, request id or error envelope.

    uvicorn scripts.baseline_app:app     # throughput (scripts/bench_throughput.py)
    baseline_app.handler                 # Lambda cold start (scripts/bench_cold_start.py)

Reads BASELINE_DATABASE_URL (postgresql://…), BASELINE_POOL_SIZE and JWT_SECRET.
"""

from __future__ import annotations

import os
from typing import Annotated, Any

import asyncpg  # type: ignore[import-untyped]  # no type information published
import jwt
from fastapi import FastAPI, Header, HTTPException
from mangum import Mangum

app = FastAPI()
_pool: list[asyncpg.Pool] = []


async def pool() -> asyncpg.Pool:
    if not _pool:
        size = int(os.environ.get("BASELINE_POOL_SIZE", "1"))
        _pool.append(
            await asyncpg.create_pool(
                os.environ["BASELINE_DATABASE_URL"], min_size=1, max_size=size, ssl=False
            )
        )
    return _pool[0]


@app.get("/api/v1/items")
async def list_items(
    authorization: Annotated[str, Header()], limit: int = 20, offset: int = 0
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
    async with (await pool()).acquire() as conn:
        user = await conn.fetchrow("SELECT * FROM users WHERE id = $1", int(claims["sub"]))
        if user is None or not user["is_active"]:
            raise HTTPException(401)
        total = await conn.fetchval("SELECT count(*) FROM items WHERE owner_id = $1", user["id"])
        rows = await conn.fetch(
            "SELECT id, title, description, created_at, updated_at FROM items"
            " WHERE owner_id = $1 ORDER BY id LIMIT $2 OFFSET $3",
            user["id"],
            limit,
            offset,
        )
    return {"items": [dict(row) for row in rows], "total": total, "limit": limit, "offset": offset}


@app.get("/health/db")
async def health_db() -> dict[str, str]:
    async with (await pool()).acquire() as conn:
        await conn.fetchval("SELECT 1")
    return {"status": "ok", "database": "postgresql"}


handler = Mangum(app, lifespan="off")
