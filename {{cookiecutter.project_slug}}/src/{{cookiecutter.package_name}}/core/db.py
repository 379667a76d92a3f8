"""Database access: the declarative base, the engine and the sessions.

The engine is built on first use, never at import, so importing the app opens no
connection and loads no database driver. SQLite and Postgres share every line above
`build_engine`.

With DATABASE_SECRET_ARN, every new connection takes its user and password from the
secret, and a refused login reads the secret again: RDS rotates it (every 7 days by
default) while the app runs, and connections opened before keep working. With
DATABASE_IAM_USER (what the deployed app uses), a new connection logs in with an RDS IAM
token the process signs itself: there is no password to read or rotate.
"""

from __future__ import annotations

import os
import select as io_select
import ssl
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog
from sqlalchemy import DateTime, MetaData, Select, event
from sqlalchemy.engine import URL, Dialect, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute, ORMExecuteState, Session
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator

from {{ cookiecutter.package_name }}.core.aws import database_auth_token, read_json_secret
from {{ cookiecutter.package_name }}.core.config import (
    POSTGRES_DRIVER,
    VERIFYING_SSL_MODES,
    Settings,
    SettingsError,
    is_sqlite_url,
    trusted_authorities,
)
from {{ cookiecutter.package_name }}.core.ids import PageRequest, encode_cursor

# Deterministic constraint names let Alembic's batch mode rebuild SQLite tables and
# drop or alter constraints by name on Postgres.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

log = structlog.get_logger(__name__)

SQLITE_BUSY_TIMEOUT_SECONDS = 30
# Postgres's answers to a wrong password, and to a user that does not exist (yet).
AUTHENTICATION_FAILED = {"28P01", "28000"}
DEFAULT_PORT = 5432
# IAM tokens live 15 minutes. "Connections that use the same authentication token are not
# throttled", new ones are past 200 a second (RDS User Guide, IAM database
# authentication), so a process reuses its token for new connections for 10 minutes.
IAM_TOKEN_REUSE_SECONDS = 10 * 60
# "WAL does not work over a network filesystem" (sqlite.org/wal.html: its index is shared
# memory, one host's). EFS mounts as nfs4; the rollback journal needs only the POSIX
# locks NFS provides.
NETWORK_FILESYSTEMS = frozenset({"nfs", "nfs4", "cifs", "smb3", "9p", "fuse.sshfs"})
MOUNTS_TABLE = Path("/proc/self/mounts")
# A pooled connection idle this long is pinged before use. A security group's connection
# tracking forgets an idle TCP flow after at least 60 seconds (EC2 API Reference,
# ConnectionTrackingConfiguration: tcpEstablishedTimeout "Min: 60 seconds"), and only a
# forgotten flow can be cut without the client hearing of it.
PING_AFTER_IDLE_SECONDS = 30
_IDLE_SINCE = "idle_since"


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
    """DATABASE_URL, or the Postgres URL built from DATABASE_SECRET_ARN (as last read), or
    DATABASE_IAM_USER's (without a password: each connection signs its own token)."""
    if settings.database_iam_user:
        return URL.create(
            POSTGRES_DRIVER,
            username=settings.database_iam_user,
            host=settings.database_host,
            port=settings.database_port or DEFAULT_PORT,
            database=settings.database_name,
        ).render_as_string(hide_password=False)
    if not settings.database_secret_arn:
        return settings.raw_database_url
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
        port = int(settings.database_port or secret.get("port") or DEFAULT_PORT)
    except (TypeError, ValueError):
        raise SettingsError("DATABASE_SECRET_ARN: the secret's port is not a number") from None
    url = URL.create(
        POSTGRES_DRIVER,
        username=str(parts["username"]),
        password=str(parts["password"]),
        host=str(parts["host"]),
        port=port,
        database=str(parts["database"]),
    )
    return url.render_as_string(hide_password=False)


def load_driver(settings: Settings) -> None:
    """Imports the configured database's driver and SQLAlchemy dialect, as the first
    connection would, without connecting or reading a secret."""
    secret_or_iam = settings.database_secret_arn or settings.database_iam_user
    url = URL.create(POSTGRES_DRIVER) if secret_or_iam else make_url(settings.raw_database_url)
    url.get_dialect().import_dbapi()


def build_engine(
    settings: Settings, *, url: str | None = None, pooled: bool = True, foreign_keys: bool = True
) -> AsyncEngine:
    """The one place engine options live; the app and Alembic both build engines here.

    `pooled=False` gives short-lived tools (migrations) a connection per use.
    `foreign_keys=False` lets Alembic rebuild SQLite tables without cascading deletes.
    """
    credentials = None if url is not None else connection_credentials(settings)
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
        }
    engine = create_async_engine(
        url,
        connect_args={"ssl": ssl_argument(settings), "timeout": settings.db_connect_timeout},
        **pool,
    )
    if pooled:
        _check_on_checkout(engine)
    if credentials is not None:
        _log_in_per_connection(engine, credentials)
    return engine


def ssl_argument(settings: Settings) -> str | ssl.SSLContext:
    """asyncpg's `ssl`: the DB_SSL mode's name, or for a verifying mode a context trusting
    only DB_SSL_ROOT_CERT's authorities (given the name, asyncpg would look for
    ~/.postgresql/root.crt, which no image or Lambda has)."""
    if settings.db_ssl not in VERIFYING_SSL_MODES:
        return settings.db_ssl
    context = trusted_authorities(settings.db_ssl_root_cert)
    # verify-ca checks who signed the certificate, verify-full also the name it is for.
    context.check_hostname = settings.db_ssl == "verify-full"
    return context


# asyncpg's user and password for a new connection: as last known, or (`fresh`) anew.
Credentials = Callable[[bool], dict[str, str]]


def connection_credentials(settings: Settings) -> Credentials | None:
    """Where each new connection gets its login, when the settings name a source that
    changes while the app runs (a rotated secret, an expiring token)."""
    if settings.database_iam_user:
        return IamTokens(settings)
    if settings.database_secret_arn:
        return lambda fresh: secret_credentials(settings, fresh=fresh)
    return None


def secret_credentials(settings: Settings, *, fresh: bool = False) -> dict[str, str]:
    """asyncpg's user and password from DATABASE_SECRET_ARN (re-read with `fresh`)."""
    secret = read_json_secret(
        settings, settings.database_secret_arn, "DATABASE_SECRET_ARN", fresh=fresh
    )
    return {"user": str(secret.get("username")), "password": str(secret.get("password"))}


class IamTokens:
    """DATABASE_IAM_USER's login: a token signed with the process's AWS credentials,
    reused for IAM_TOKEN_REUSE_SECONDS, signed anew when `fresh` (a refused login: the
    credentials it was signed with may have expired before the token did)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._token = ""
        self._signed_at = 0.0

    def __call__(self, fresh: bool) -> dict[str, str]:
        settings = self._settings
        now = time.monotonic()
        if fresh or not self._token or now - self._signed_at > IAM_TOKEN_REUSE_SECONDS:
            self._token = database_auth_token(
                settings,
                settings.database_host,
                settings.database_port or DEFAULT_PORT,
                settings.database_iam_user,
            )
            self._signed_at = now
        return {"user": settings.database_iam_user, "password": self._token}


def _log_in_per_connection(engine: AsyncEngine, credentials: Credentials) -> None:
    @event.listens_for(engine.sync_engine, "do_connect")
    def _connect(dialect: Dialect, _record: object, cargs: Any, cparams: dict[str, Any]) -> Any:
        cparams.update(credentials(False))
        try:
            return dialect.connect(*cargs, **cparams)
        except Exception as error:
            if getattr(error, "sqlstate", None) not in AUTHENTICATION_FAILED:
                raise
        # Rotated or expired since the last read. The read (or signature) blocks the event
        # loop briefly, once per change; a second refusal is a real error and propagates.
        log.info("database_login_renewed")
        cparams.update(credentials(True))
        return dialect.connect(*cargs, **cparams)


def _check_on_checkout(engine: AsyncEngine) -> None:
    """Hands out only live connections, without a round trip per request.

    What SQLAlchemy's pool_pre_ping guards against, at a fraction of its cost (it runs
    BEGIN, a query and ROLLBACK on every checkout): a connection the server closed (a
    restart, a failover, pg_terminate_backend, a rotated user's sessions cut) has said
    goodbye: asyncpg has marked it closed, or the goodbye still waits in its socket (on
    Lambda the event loop stands still between invocations), and only then is it pinged
    (and so replaced). One idle for PING_AFTER_IDLE_SECONDS, which the network may have
    dropped without a word, is pinged too. Any other checkout costs no round trip. A
    connection lost during a request fails that request, and SQLAlchemy then replaces
    the pool's connections.
    """

    @event.listens_for(engine.sync_engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: object) -> None:
        idle_since = record.info.pop(_IDLE_SINCE, None)
        connection = dbapi_connection.driver_connection
        if connection.is_closed():
            raise DisconnectionError("closed by the server while pooled")
        idle_too_long = (
            idle_since is not None and time.monotonic() - idle_since > PING_AFTER_IDLE_SECONDS
        )
        if idle_too_long or _server_spoke(connection):
            try:
                engine.dialect.do_ping(dbapi_connection)
            except Exception as error:
                raise DisconnectionError("no answer to a ping after idling") from error


def _server_spoke(connection: Any) -> bool:
    """Whether anything (data, the end of the stream, a reset) arrived for an idle
    asyncpg connection that its event loop has not read yet."""
    transport = connection._transport  # asyncpg offers no public handle on its socket
    sock = transport.get_extra_info("socket") if transport is not None else None
    if sock is None:
        return True
    readable, _, _ = io_select.select([sock.fileno()], [], [], 0)
    return bool(readable)


def journal_mode(database: str, mounts: str) -> str:
    """WAL, which lets readers work while a writer commits, for a file on a local disk;
    the rollback journal (DELETE) for one on a network filesystem such as EFS. `mounts`
    is a table in /proc/self/mounts's format (empty where there is none: macOS)."""
    directory = os.path.realpath(os.path.dirname(os.path.abspath(database)))
    filesystem, longest = "", -1
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = fields[1].replace("\\040", " ")
        inside = directory == mount_point or directory.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) > longest:
            filesystem, longest = fields[2], len(mount_point)
    return "DELETE" if filesystem in NETWORK_FILESYSTEMS else "WAL"


def _install_sqlite_pragmas(engine: AsyncEngine, *, foreign_keys: bool) -> None:
    database = engine.url.database or ""
    in_memory = database in ("", ":memory:")
    # Chosen from where the file is, once per engine: the app, worker and migrations agree.
    mode = "MEMORY" if in_memory else journal_mode(database, _mounts_table())

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: object) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute(f"PRAGMA journal_mode={mode}")
        cursor.close()


def _mounts_table() -> str:
    try:
        return MOUNTS_TABLE.read_text()
    except OSError:
        return ""


async def fetch_page(
    session: AsyncSession,
    query: Select[Any],
    key: InstrumentedAttribute[uuid.UUID],
    page: PageRequest,
) -> tuple[list[Any], str | None]:
    """One page of the rows `query` selects, in `key` order (the table's id), after the
    page's cursor; and the cursor of the next page (None: nothing follows)."""
    if page.after is not None:
        query = query.where(key > page.after)
    rows = list(await session.scalars(query.order_by(key).limit(page.limit + 1)))
    if len(rows) <= page.limit:
        return rows, None
    rows = rows[: page.limit]
    return rows, encode_cursor(getattr(rows[-1], key.key))


class ReadOnlySessionError(RuntimeError):
    """A write through a session that runs outside a transaction."""


class ReadOnlySession(Session):
    """A session whose statements each run on their own (autocommit), so it refuses to
    write: a write here could not be rolled back with the rest of its request."""


@event.listens_for(ReadOnlySession, "before_flush")
def _refuse_flush(_session: Session, _context: object, _instances: object) -> None:
    raise ReadOnlySessionError("a read-only session cannot write (flush)")


@event.listens_for(ReadOnlySession, "do_orm_execute")
def _refuse_writing_statements(state: ORMExecuteState) -> None:
    if not state.is_select:
        raise ReadOnlySessionError("a read-only session runs SELECT statements only")


class Database:
    """The app's engine and session factories, created on first use and disposed on shutdown."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._engine: AsyncEngine | None = None
        self._sessions: async_sessionmaker[AsyncSession] | None = None
        self._read_only_sessions: async_sessionmaker[AsyncSession] | None = None

    @property
    def engine(self) -> AsyncEngine:
        if self._engine is None:
            self._engine = build_engine(self._settings)
        return self._engine

    @property
    def name(self) -> str:
        """The database's kind, as /health/db reports it: sqlite or postgresql."""
        return self.engine.dialect.name

    async def ping(self) -> None:
        """One round trip on a fresh checkout: the pool hands out only live connections
        (see _check_on_checkout), so a database that comes back is seen at the next ping
        without restarting the service."""
        async with self.engine.connect() as conn:
            # Autocommit: one round trip, instead of BEGIN, SELECT 1 and ROLLBACK.
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.exec_driver_sql("SELECT 1")

    def session(self, *, read_only: bool = False) -> AsyncSession:
        """A new session; use it as `async with database.session() as session:`.

        `read_only` runs each statement on its own, outside a transaction: no BEGIN before
        the first statement and no ROLLBACK after the last, two round trips fewer. Under
        Postgres's default isolation, READ COMMITTED, "a SELECT query sees only data
        committed before the query began" (PostgreSQL docs, Transaction Isolation), so a
        transaction would give its statements no more consistent a view. Such a session
        refuses to write (ReadOnlySessionError).
        """
        if read_only:
            if self._read_only_sessions is None:
                self._read_only_sessions = async_sessionmaker(
                    self.engine.execution_options(isolation_level="AUTOCOMMIT"),
                    expire_on_commit=False,
                    sync_session_class=ReadOnlySession,
                )
            return self._read_only_sessions()
        if self._sessions is None:
            self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        return self._sessions()

    async def dispose(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._forget_factories()

    def forget(self) -> None:
        """Drops the engine without closing its connections (as a forked child should): for
        a copy of this process, whose sockets and IAM tokens another copy also holds. The
        next use builds a new engine."""
        if self._engine is not None:
            self._engine.sync_engine.dispose(close=False)
            self._forget_factories()

    def _forget_factories(self) -> None:
        self._engine = None
        self._sessions = None
        self._read_only_sessions = None
