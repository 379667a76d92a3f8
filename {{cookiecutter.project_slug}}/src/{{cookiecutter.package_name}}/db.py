"""Database access: the declarative base, the engine and the sessions.

The engine is built on first use, never at import, so importing the app opens no
connection and loads no database driver. SQLite and Postgres share every line above
`build_engine`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

from {{ cookiecutter.package_name }}.config import Settings, is_sqlite_url

# Deterministic constraint names let Alembic's batch mode rebuild SQLite tables and
# drop or alter constraints by name on Postgres.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CONNECT_TIMEOUT_SECONDS = 5
SQLITE_BUSY_TIMEOUT_SECONDS = 30


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on both backends (SQLite keeps no offset itself)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware datetime (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime}  # noqa: RUF012 - SQLAlchemy reads it as is


def build_engine(
    settings: Settings, *, url: str | None = None, pooled: bool = True, foreign_keys: bool = True
) -> AsyncEngine:
    """The one place engine options live; the app and Alembic both build engines here.

    `pooled=False` gives short-lived tools (migrations) a connection per use.
    `foreign_keys=False` lets Alembic rebuild SQLite tables without cascading deletes.
    """
    url = url or settings.database_url
    pool: dict[str, Any] = {} if pooled else {"poolclass": NullPool}
    if is_sqlite_url(url):
        engine = create_async_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}, **pool
        )
        _install_sqlite_pragmas(engine, foreign_keys=foreign_keys)
        return engine
    if pooled:
        pool = {
            "pool_size": settings.db_pool_size,
            "max_overflow": settings.db_max_overflow,
            "pool_recycle": settings.db_pool_recycle,
            "pool_pre_ping": True,
        }
    return create_async_engine(
        url,
        connect_args={"ssl": settings.db_ssl, "timeout": CONNECT_TIMEOUT_SECONDS},
        **pool,
    )


def _install_sqlite_pragmas(engine: AsyncEngine, *, foreign_keys: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        # WAL lets readers work while a writer commits; in-memory databases cannot use it.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


class Database:
    """The app's engine and session factory, created on first use and disposed on shutdown."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._engine: AsyncEngine | None = None
        self._sessions: async_sessionmaker[AsyncSession] | None = None

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            self._engine = build_engine(self._settings)
        return self._engine

    def session(self) -> AsyncSession:
        """A new session; use it as `async with database.session() as session:`."""
        if self._sessions is None:
            self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        return self._sessions()

    async def dispose(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None
            self._sessions = None
