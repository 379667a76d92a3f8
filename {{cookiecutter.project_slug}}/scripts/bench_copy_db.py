"""Rows per second of `copy_db`: a SQLite file of 100,000 items (and their users) copied
to a scratch database on a Postgres server.

    TEST_DATABASE_URL=postgresql://postgres:postgres@localhost:5432/postgres \\
        uv run python -m scripts.bench_copy_db [--items 100000] [--server postgresql://…]

Run as a module from the project root: the scratch databases are the tests' own
(tests/helpers.py). The one on the server needs a user with CREATEDB and is dropped
afterwards. The time is the whole command: schema upgrade, copy and verification; the
last figure compares its rows per second with the goal of 20,000. A benchmark, not a
test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from {{ cookiecutter.package_name }}.copy_db.cli import main as copy_db
from {{ cookiecutter.package_name }}.core.db import build_engine
from {{ cookiecutter.package_name }}.core.ids import new_id
from {{ cookiecutter.package_name }}.migrate import upgrade
from {{ cookiecutter.package_name }}.models import Item, User
from scripts.scratch import POSTGRES_URL, fresh_database, make_settings

ITEMS_PER_USER = 100
INSERT_BATCH = 5000
GOAL_ROWS_PER_SECOND = 20_000


async def fill(database_url: str, items: int) -> int:
    """Adds `items` items and their users; returns how many rows that is."""
    users = max(items // ITEMS_PER_USER, 1)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    user_ids = [new_id() for _ in range(users)]
    engine = build_engine(make_settings(database_url), pooled=False)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                insert(User),
                [
                    {
                        "id": user_ids[n],
                        "email": f"user{n}@example.com",
                        "password_hash": "not-a-hash",  # nobody logs in
                        "is_active": n % 10 != 0,
                        "created_at": start + timedelta(minutes=n),
                    }
                    for n in range(users)
                ],
            )
            for first in range(0, items, INSERT_BATCH):
                rows = [
                    {
                        "owner_id": user_ids[n % users],
                        "title": f"Item {n} ✓",
                        "description": None if n % 3 == 0 else "ünïcödé " * 8,
                        "created_at": start + timedelta(seconds=n),
                        "updated_at": start + timedelta(seconds=n, milliseconds=250),
                    }
                    for n in range(first, min(first + INSERT_BATCH, items))
                ]
                await conn.execute(insert(Item), rows)
    finally:
        await engine.dispose()
    return users + items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument(
        "--server",
        default=POSTGRES_URL,
        help="a Postgres server URL (default: TEST_DATABASE_URL)",
    )
    options = parser.parse_args()
    if not options.server:
        parser.error("give --server postgresql://… or set TEST_DATABASE_URL")

    with (
        tempfile.TemporaryDirectory() as workdir,
        fresh_database("sqlite", Path(workdir)) as source,
        fresh_database("postgresql", Path(workdir), server=options.server) as target,
    ):
        upgrade(source)
        rows = asyncio.run(fill(source, options.items))
        started = time.perf_counter()
        status = copy_db(["--source", source, "--target", target])
        seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"copy_db exited with {status}")
    rate = rows / seconds
    print(f"rows copied:                  {rows:>10}")
    print(f"seconds:                      {seconds:>10.1f}")
    print(f"rows per second:              {rate:>10.0f}")
    print(f"ratio rows per second / goal: {rate / GOAL_ROWS_PER_SECOND:>10.2f}")


if __name__ == "__main__":
    main()
