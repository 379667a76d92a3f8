"""Bring the database schema to the latest migration: `python -m {{ cookiecutter.package_name }}.migrate`.

What `make migrate`, an ECS migration task or container and the migration Lambda run.
Exits non-zero on failure.

With DATABASE_APP_ROLE (Postgres), each run then grants that role, the one the app logs
in as, the app's privileges and no more (`grant_app_role`): migrations run as the
database's owner, the API and worker as a user that owns nothing.

A rollback runs the previous release on the newer schema (migrations expand, then
contract, over two releases), and where migrations run as a task starts (SQLite on EFS)
that release migrates first. Each upgrade therefore records the revisions it descends
from (LINEAGE_TABLE); older code finding a revision it does not know leaves the database
alone when its own head is among them, and refuses one from another branch.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import structlog
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Column, MetaData, String, Table, delete, insert, inspect, select, text
from sqlalchemy.engine import Connection

from {{ cookiecutter.package_name }}.core.config import Settings, SettingsError, get_settings
from {{ cookiecutter.package_name }}.core.logs import configure_logging

log = structlog.get_logger(__name__)

LINEAGE_TABLE = "alembic_lineage"
# Alembic's tables, not the models': autogenerate and the SQLite copy leave them alone.
BOOKKEEPING_TABLES = frozenset({"alembic_version", LINEAGE_TABLE})
_lineage = Table(LINEAGE_TABLE, MetaData(), Column("revision", String(32), primary_key=True))


class DivergedDatabaseError(RuntimeError):
    """The database is at a revision that neither this code nor its descendants wrote."""


# The scripts ship inside the package, so a checkout, the wheel in the image and the
# Lambda zip all migrate with the same files, whatever the working directory.
MIGRATIONS = Path(__file__).resolve().with_name("migrations")


def alembic_config(database_url: str | None = None, *, settings: Settings | None = None) -> Config:
    """Alembic's config, built here (alembic.ini is the `alembic` command's alone);
    `database_url` overrides the one the settings give, and `settings` the environment's
    engine options (DB_SSL)."""
    config = Config()
    # Config values are %-interpolated: a literal % in the path must be doubled.
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    if database_url is not None:
        config.attributes["database_url"] = database_url
    if settings is not None:
        config.attributes["settings"] = settings
    return config


def upgrade(database_url: str | None = None, *, settings: Settings | None = None) -> str:
    """Applies every pending migration; returns the revision the database is now at.
    `settings` replaces the environment's (DATABASE_APP_ROLE, DB_SSL)."""
    config = alembic_config(database_url, settings=settings)
    command.upgrade(config, "head")
    newer = config.attributes.get("newer_revision")
    head = ScriptDirectory.from_config(config).get_current_head()
    return str(newer or head or "base")


def newer_revision(connection: Connection, script: ScriptDirectory) -> str | None:
    """The database's revision when a later release of this code migrated it (nothing to
    do here), None when this code knows it; raises DivergedDatabaseError otherwise."""
    heads = MigrationContext.configure(connection).get_current_heads()
    unknown = [revision for revision in heads if not _known(script, revision)]
    if not unknown:
        return None
    recorded: set[str] = set()
    if inspect(connection).has_table(LINEAGE_TABLE):
        recorded = set(connection.scalars(select(_lineage.c.revision)))
    head = script.get_current_head()
    if head not in recorded:
        raise DivergedDatabaseError(
            f"the database is at {', '.join(unknown)}, which does not descend from this "
            f"code's head {head}: deploy a release whose migrations include both"
        )
    log.warning("database_newer_than_code", revision=", ".join(unknown), code_head=head)
    return ", ".join(unknown)


def record_lineage(connection: Connection, script: ScriptDirectory) -> None:
    """Stores every revision the database's current one descends from, itself included."""
    heads = MigrationContext.configure(connection).get_current_heads()
    lineage = {r.revision for r in script.iterate_revisions(heads, "base")} if heads else set()
    _lineage.create(connection, checkfirst=True)
    connection.execute(delete(_lineage))
    if lineage:
        connection.execute(insert(_lineage), [{"revision": r} for r in sorted(lineage)])


def grant_app_role(connection: Connection, role: str, tables: Iterable[str]) -> None:
    """Makes `role` the app's login, able to read and write the rows of `tables` (the
    models') and nothing more: it owns nothing, so it cannot create, alter, truncate or
    drop a table, nor touch Alembic's. Run as the owner after each upgrade, so a table a
    migration adds is granted in the same run. Idempotent."""
    quote = connection.dialect.identifier_preparer.quote
    if role == connection.scalar(text("SELECT current_user")):
        # "If the rds_iam role is added to the master user, IAM authentication takes
        # precedence over password authentication" (RDS User Guide, Database
        # authentication with Amazon RDS): the migrations could not log in again.
        raise ValueError("DATABASE_APP_ROLE: name the app's user, not the one migrating")
    exists = connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    if not exists:
        connection.execute(text(f"CREATE ROLE {quote(role)} LOGIN"))
    # RDS: "GRANT rds_iam TO <user>" lets the user log in with an IAM token (RDS User Guide,
    # Creating a database account using IAM authentication). The role exists only on RDS.
    if connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = 'rds_iam'")):
        connection.execute(text(f"GRANT rds_iam TO {quote(role)}"))
    database = connection.scalar(text("SELECT current_database()"))
    connection.execute(text(f"GRANT CONNECT ON DATABASE {quote(database)} TO {quote(role)}"))
    # PostgreSQL 15 stopped granting CREATE on the public schema to every role; engines
    # 14 and older still do, so the app's role could create tables there.
    connection.execute(text("REVOKE CREATE ON SCHEMA public FROM PUBLIC"))
    connection.execute(text(f"GRANT USAGE ON SCHEMA public TO {quote(role)}"))
    for table in sorted(tables):
        connection.execute(
            text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE {quote(table)} TO {quote(role)}")
        )


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        script.get_revision(revision)
    except CommandError:
        return False
    return True


def main() -> int:
    try:
        configure_logging(get_settings())
    except SettingsError as error:
        raise SystemExit(f"Invalid configuration: {error}") from None
    log.info("migrations_started")
    try:
        revision = upgrade()
    except Exception:
        log.exception("migrations_failed")
        return 1
    log.info("migrations_finished", revision=revision)
    return 0


if __name__ == "__main__":
    sys.exit(main())
