"""Database access: the declarative base, the engine and the sessions.

The engine is built on first use, never at import, so importing the app opens no
connection and loads no database driver. SQLite and Postgres share every line above
`build_engine`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, Select, event, func, select
from sqlalchemy.engine import URL, Dialect
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

from {{ cookiecutter.package_name }}.aws import read_json_secret
from {{ cookiecutter.package_name }}.config import Settings, SettingsError, is_sqlite_url

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


def database_url(settings: Settings) -> str:
    """DATABASE_URL, or the Postgres URL built from DATABASE_SECRET_ARN (read once)."""
    if not settings.database_secret_arn:
        return settings.database_url
    secret = read_json_secret(settings, settings.database_secret_arn, "DATABASE_SECRET_ARN")
    parts = {
        "username": secret.get("username"),
        "password": secret.get("password"),
        "host": settings.database_host or secret.get("host"),
        "database": settings.database_name or secret.get("dbname"),
    }
    missing = sorted(key for key, value in parts.items() if not value)
    if missing:
        raise SettingsError(
            f"DATABASE_SECRET_ARN: the secret lacks {', '.join(missing)} "
            "(set DATABASE_HOST / DATABASE_NAME for what RDS does not store)"
        )
    try:
        port = int(settings.database_port or secret.get("port") or 5432)
    except (TypeError, ValueError):
        raise SettingsError("DATABASE_SECRET_ARN: the secret's port is not a number") from None
    url = URL.create(
        "postgresql+asyncpg",
        username=str(parts["username"]),
        password=str(parts["password"]),
        host=str(parts["host"]),
        port=port,
        database=str(parts["database"]),
    )
    return url.render_as_string(hide_password=False)


def build_engine(
    settings: Settings, *, url: str | None = None, pooled: bool = True, foreign_keys: bool = True
) -> AsyncEngine:
    """The one place engine options live; the app and Alembic both build engines here.

    `pooled=False` gives short-lived tools (migrations) a connection per use.
    `foreign_keys=False` lets Alembic rebuild SQLite tables without cascading deletes.
    """
    url = url or database_url(settings)
    pool: dict[str, Any] = {} if pooled else {"poolclass": NullPool}
    if is_sqlite_url(url):
        engine = create_async_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS}, **pool
        )
        _install_sqlite_pragmas(engine, foreign_keys=foreign_keys)
        return engine
    if pooled:
        # One Lambda container serves one request at a time: one connection is enough, and
        # many containers times a larger pool would exhaust the database's connections.
        pool = {
            "pool_size": 1 if settings.on_lambda else settings.db_pool_size,
            "max_overflow": 0 if settings.on_lambda else settings.db_max_overflow,
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


async def fetch_page(
    session: AsyncSession, query: Select[Any], *, limit: int, offset: int
) -> tuple[list[Any], int]:
    """One page of the rows `query` selects (ordered by the caller), and how many there are."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await session.scalars(query.limit(limit).offset(offset))
    return list(rows), total or 0


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
