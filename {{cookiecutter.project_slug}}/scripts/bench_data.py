"""What the API benchmarks share: a scratch Postgres database holding a user with 50
items (and another user's 50, so the owner filter has something to filter), a token for
the user, and the settings each server or Lambda process runs with."""

from __future__ import annotations

import asyncio
import statistics
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.engine import make_url

from {{ cookiecutter.package_name }}.core.db import build_engine
from {{ cookiecutter.package_name }}.core.ids import new_id
from {{ cookiecutter.package_name }}.core.security import create_access_token
from {{ cookiecutter.package_name }}.items.models import Item
from {{ cookiecutter.package_name }}.migrate import upgrade
from {{ cookiecutter.package_name }}.users.models import User
from scripts.scratch import TEST_JWT_SECRET, fresh_database, make_settings

ITEMS_PER_USER = 50
# Nobody logs in: the benchmark makes the token itself, for this hash.
BENCH_PASSWORD_HASH = "not-a-hash"  # noqa: S105
LIST_PATH = "/api/v1/items?limit=20"


@dataclass(frozen=True)
class Dataset:
    database_url: str  # the app's (postgresql+asyncpg://…)
    token: str

    @property
    def plain_url(self) -> str:
        """The same database as plain libpq URL, for asyncpg itself."""
        url = make_url(self.database_url).set(drivername="postgresql")
        return url.render_as_string(hide_password=False)

    def app_environment(self, pool_size: int | None = None) -> dict[str, str]:
        """The app's settings: a deployed environment's, with TLS off on loopback;
        `pool_size` connections at most when given, else the app's own pool."""
        pool = {"DB_POOL_SIZE": str(pool_size), "DB_MAX_OVERFLOW": "0"} if pool_size else {}
        return {
            **pool,
            "ENVIRONMENT": "dev",
            "DATABASE_URL": self.database_url,
            "DB_SSL": "disable",
            "JWT_SECRET": TEST_JWT_SECRET,
            "MAIL_BACKEND": "none",  # as Terraform sets it for an environment without a sender
            "UPLOADS_BUCKET": "benchmark-uploads",
            "AWS_REGION": "us-east-1",
        }

    def baseline_environment(self, pool_size: int, library: str = "asyncpg") -> dict[str, str]:
        """scripts/baseline_app.py's settings; `library` is asyncpg or sqlalchemy."""
        return {
            "BASELINE_DATABASE_URL": self.plain_url,
            "BASELINE_POOL_SIZE": str(pool_size),
            "BASELINE_LIBRARY": library,
            "JWT_SECRET": TEST_JWT_SECRET,
        }


async def _fill(database_url: str) -> uuid.UUID:
    """Two users with ITEMS_PER_USER items each; returns the first user's id."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    user_ids = [new_id(), new_id()]
    engine = build_engine(make_settings(database_url), pooled=False)
    try:
        async with engine.begin() as conn:
            for n, user_id in enumerate(user_ids, start=1):
                await conn.execute(
                    insert(User).values(
                        id=user_id,
                        email=f"bench{n}@example.com",
                        password_hash=BENCH_PASSWORD_HASH,
                        created_at=start,
                    )
                )
                await conn.execute(
                    insert(Item),
                    [
                        {
                            "owner_id": user_id,
                            "title": f"Item {i}",
                            "description": "A benchmark item " * 4,
                            "created_at": start + timedelta(seconds=i),
                            "updated_at": start + timedelta(seconds=i),
                        }
                        for i in range(ITEMS_PER_USER)
                    ],
                )
    finally:
        await engine.dispose()
    return user_ids[0]


@contextmanager
def dataset(server: str, workdir: Path) -> Iterator[Dataset]:
    """A migrated scratch database on `server` with the benchmark's rows, dropped after."""
    with fresh_database("postgresql", workdir, server=server) as database_url:
        upgrade(database_url)
        user_id = asyncio.run(_fill(database_url))
        token = create_access_token(str(user_id), BENCH_PASSWORD_HASH, make_settings(database_url))
        yield Dataset(database_url, token)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def figure(label: str, value: float, form: str = ".0f", unit: str = "") -> None:
    """Prints `label: value` with the values in one column (the tests read them back)."""
    print(f"{label + ':':<40}{value:8{form}}{unit}")
