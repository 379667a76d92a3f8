"""Which session a request gets: GET and HEAD read outside a transaction (no BEGIN, no
ROLLBACK), through a session that refuses to write; every other method gets a
transaction, so its writes commit or roll back together."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from {{ cookiecutter.package_name }}.api.deps import get_session
from {{ cookiecutter.package_name }}.core.config import Settings
from {{ cookiecutter.package_name }}.core.db import Database, ReadOnlySession, ReadOnlySessionError
from {{ cookiecutter.package_name }}.users.models import User


def in_transaction(session_connection: Any) -> bool:
    """Whether the driver's connection is inside a transaction, in asyncpg's words or
    aiosqlite's."""
    driver = session_connection.driver_connection
    if hasattr(driver, "is_in_transaction"):
        return bool(driver.is_in_transaction())
    return bool(driver.in_transaction)


async def driver_connection(session: AsyncSession) -> Any:
    return await (await session.connection()).get_raw_connection()


def request(method: str) -> Request:
    return Request({"type": "http", "method": method, "headers": []})


async def session_for(method: str, settings: Settings) -> AsyncSession:
    """The session `get_session` gives a request of this method."""
    database = Database(settings)
    sessions = get_session(request(method), database)
    session = await anext(sessions)
    with pytest.raises(StopAsyncIteration):  # the dependency's exit: the session closes
        await anext(sessions)
    await database.dispose()
    return session


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
def test_safe_methods_get_a_read_only_session(settings: Settings, method: str) -> None:
    session = asyncio.run(session_for(method, settings))
    assert isinstance(session.sync_session, ReadOnlySession) is (method in {"GET", "HEAD"})


def test_a_read_only_session_reads_outside_any_transaction(settings: Settings) -> None:
    async def check() -> None:
        database = Database(settings)
        try:
            async with database.session(read_only=True) as session:
                await session.scalar(select(func.count()).select_from(User))
                assert not in_transaction(await driver_connection(session))
            async with database.session() as session:
                session.add(User(email="held@example.com", password_hash="x"))
                await session.flush()
                # The default session holds its writes in a transaction until commit.
                assert in_transaction(await driver_connection(session))
        finally:
            await database.dispose()

    asyncio.run(check())


def test_a_read_only_session_refuses_to_write(settings: Settings) -> None:
    async def check() -> None:
        database = Database(settings)
        try:
            async with database.session(read_only=True) as session:
                users = await session.scalar(select(func.count()).select_from(User))
                session.add(User(email="never@example.com", password_hash="x"))
                with pytest.raises(ReadOnlySessionError, match="cannot write"):
                    await session.flush()
                await session.rollback()
                with pytest.raises(ReadOnlySessionError, match="SELECT statements only"):
                    await session.execute(update(User).values(is_active=False))
            async with database.session(read_only=True) as session:
                assert await session.scalar(select(func.count()).select_from(User)) == users
        finally:
            await database.dispose()

    asyncio.run(check())
